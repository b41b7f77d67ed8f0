/**
 * The canonical word split of the synthetic world. The embedded model's word-level tokenizer is
 * fitted on exactly these pieces, so generators must only ever emit text whose pieces were seen in
 * training. Case is kept (names are capitalised, code is case-sensitive); every punctuation mark
 * is its own piece; the reasoning/output tags are single pieces.
 */
const WORD_PIECE = /<\/?(?:think|output)>|[A-Za-z0-9_]+|[^\sA-Za-z0-9_]/g;

export function tokenizeWords(text: string): string[] {
  return text.match(WORD_PIECE) ?? [];
}

/** The distinct pieces of a set of texts. */
export function vocabularyOf(texts: Iterable<string>): Set<string> {
  const vocab = new Set<string>();
  for (const text of texts) for (const piece of tokenizeWords(text)) vocab.add(piece);
  return vocab;
}
