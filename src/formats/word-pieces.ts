/**
 * The canonical word split of the synthetic world. The embedded model's word-level tokenizer is
 * fitted on exactly these pieces, so generators must only ever emit text whose pieces were seen in
 * training. Case is kept (names are capitalised, code is case-sensitive); every punctuation mark
 * is its own piece; the reasoning/output tags are single pieces. Every digit is its own piece, so
 * any number a generator can emit (3000, 2.5, -4, 15%) is representable with ten digit tokens and
 * the model can compute with numbers instead of memorising each one as a word. Identifiers that
 * start with a letter (`x1`, `safe_path`) stay whole.
 */
export const WORD_PIECE = /<\/?(?:think|output)>|[A-Za-z_][A-Za-z0-9_]*|[0-9]|[^\sA-Za-z0-9_]/g;

/** The split of the first tokenizer format (numbers as whole words), kept to read old checkpoints. */
export const WORD_PIECE_V1 = /<\/?(?:think|output)>|[A-Za-z0-9_]+|[^\sA-Za-z0-9_]/g;

export function tokenizeWords(text: string): string[] {
  return text.match(WORD_PIECE) ?? [];
}

/** The distinct pieces of a set of texts. */
export function vocabularyOf(texts: Iterable<string>): Set<string> {
  const vocab = new Set<string>();
  for (const text of texts) for (const piece of tokenizeWords(text)) vocab.add(piece);
  return vocab;
}

/** Pieces of `text` that are not in `vocab`, each once, in order of first appearance. */
/**
 * What a word-level tokenizer puts in place of a word it does not know. Shared by the embedded
 * tokenizer that emits it and the evaluations and reports that must never read it as an answer.
 */
export const UNKNOWN_TOKEN = '<unk>';

export function unknownPieces(text: string, vocab: ReadonlySet<string>): string[] {
  const unknown = new Set<string>();
  for (const piece of tokenizeWords(text)) if (!vocab.has(piece)) unknown.add(piece);
  return [...unknown];
}
