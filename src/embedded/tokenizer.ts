/**
 * Word-level tokenizer fitted on a corpus. Pieces follow the world's canonical split (case kept,
 * each punctuation mark its own piece, <think>/<output> tags single pieces). Spacing is not stored
 * in the pieces; instead the fit records, per piece and per adjacent pair, whether a space usually
 * precedes it, so decoding reproduces the corpus's own spacing ("Veltria." and "<think>I know").
 */
import { z } from 'zod';
import { UNKNOWN_TOKEN, WORD_PIECE, WORD_PIECE_V1 } from '../formats/word-pieces.js';

/**
 * Tokenizer file versions: 1 kept numbers as whole words (so most numbers were unknown); 2 splits
 * every digit into its own piece. A file is always read with the split it was fitted with.
 */
export const TOKENIZER_VERSION = 2;
const SPLIT_OF_VERSION: Record<1 | 2, RegExp> = { 1: WORD_PIECE_V1, 2: WORD_PIECE };
const isDigit = (piece: string): boolean => piece.length === 1 && piece >= '0' && piece <= '9';

export const SPECIAL_TOKENS = {
  pad: '<pad>',
  unk: UNKNOWN_TOKEN,
  system: '<|system|>',
  user: '<|user|>',
  assistant: '<|assistant|>',
  end: '<|end|>',
} as const;

const SPECIALS: string[] = Object.values(SPECIAL_TOKENS);

/** The two pieces of a pair-spacing key (`a` NUL `b`); pieces never contain NUL. */
function splitPairKey(key: string): [string, string] {
  const cut = key.indexOf('\u0000');
  if (cut < 0) throw new Error(`tokenizer pair key without a separator: ${JSON.stringify(key)}`);
  return [key.slice(0, cut), key.slice(cut + 1)];
}

export interface Piece {
  text: string;
  spaceBefore: boolean;
}

/** Splits text into pieces, noting whether whitespace preceded each one. */
export function splitPieces(text: string, version: 1 | 2 = TOKENIZER_VERSION): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(SPLIT_OF_VERSION[version])) {
    const index = m.index ?? 0;
    out.push({ text: m[0], spaceBefore: index > last || (out.length === 0 && index > 0) });
    last = index + m[0].length;
  }
  return out;
}

export const TokenizerFileSchema = z.object({
  kind: z.literal('candor-word-tokenizer'),
  version: z.union([z.literal(1), z.literal(2)]),
  vocab: z.array(z.string()).min(SPECIALS.length),
  /** Pieces that are usually written without a space before them. */
  noSpaceBefore: z.array(z.string()),
  /** [previous, piece, space] where the pair's usual spacing differs from the piece's own. */
  pairSpacing: z.array(z.tuple([z.string(), z.string(), z.boolean()])),
});
export type TokenizerFile = z.infer<typeof TokenizerFileSchema>;

export class WordTokenizer {
  readonly vocab: string[];
  readonly version: 1 | 2;
  private readonly index = new Map<string, number>();
  private readonly noSpace: Set<string>;
  private readonly pairs = new Map<string, boolean>();

  constructor(file: TokenizerFile) {
    this.vocab = file.vocab;
    this.version = file.version;
    file.vocab.forEach((w, i) => this.index.set(w, i));
    SPECIALS.forEach((s, i) => {
      if (file.vocab[i] !== s) throw new Error(`tokenizer vocabulary must start with the special tokens (${s} at ${i})`);
    });
    this.noSpace = new Set(file.noSpaceBefore);
    for (const [a, b, space] of file.pairSpacing) this.pairs.set(a + '\u0000' + b, space);
  }

  /** Fits the vocabulary (pieces sorted for stability) and spacing statistics on texts. */
  static fit(texts: Iterable<string>): WordTokenizer {
    const pieceStats = new Map<string, [number, number]>();
    const pairStats = new Map<string, [number, number]>();
    for (const text of texts) {
      const pieces = splitPieces(text);
      pieces.forEach((p, i) => {
        const previous = pieces[i - 1];
        if (previous === undefined) {
          if (!pieceStats.has(p.text)) pieceStats.set(p.text, [0, 0]);
          return;
        }
        const s = pieceStats.get(p.text) ?? [0, 0];
        s[0] += p.spaceBefore ? 1 : 0;
        s[1] += 1;
        pieceStats.set(p.text, s);
        const key = previous.text + '\u0000' + p.text;
        const ps = pairStats.get(key) ?? [0, 0];
        ps[0] += p.spaceBefore ? 1 : 0;
        ps[1] += 1;
        pairStats.set(key, ps);
      });
    }
    const words = [...pieceStats.keys()].filter((w) => !SPECIALS.includes(w)).sort();
    const noSpaceBefore = words.filter((w) => {
      const [spaced, total] = pieceStats.get(w)!;
      return total > 0 && spaced * 2 < total;
    });
    const noSpaceSet = new Set(noSpaceBefore);
    const pairSpacing: [string, string, boolean][] = [];
    for (const [key, [spaced, total]] of [...pairStats].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const [a, b] = splitPairKey(key);
      const space = spaced * 2 >= total;
      if (space !== !noSpaceSet.has(b)) pairSpacing.push([a, b, space]);
    }
    return new WordTokenizer({ kind: 'candor-word-tokenizer', version: TOKENIZER_VERSION, vocab: [...SPECIALS, ...words], noSpaceBefore, pairSpacing });
  }

  toJSON(): TokenizerFile {
    const pairSpacing: [string, string, boolean][] = [...this.pairs].map(([k, v]) => [...splitPairKey(k), v]);
    return { kind: 'candor-word-tokenizer', version: this.version, vocab: this.vocab, noSpaceBefore: [...this.noSpace], pairSpacing };
  }

  get size(): number {
    return this.vocab.length;
  }

  id(token: string): number {
    return this.index.get(token) ?? 1;
  }

  get padId(): number {
    return 0;
  }
  get unkId(): number {
    return 1;
  }
  get endId(): number {
    return this.id(SPECIAL_TOKENS.end);
  }

  /** Plain text (no role markers) to ids; unknown pieces map to <unk>. */
  encode(text: string): number[] {
    return splitPieces(text, this.version).map((p) => this.id(p.text));
  }

  private spaceBetween(prev: string, piece: string): boolean {
    // Digits of one number are never spaced, so a number decodes as it was written ("3000 mg").
    if (this.version >= 2 && isDigit(prev) && isDigit(piece)) return false;
    return this.pairs.get(prev + '\u0000' + piece) ?? !this.noSpace.has(piece);
  }

  /** Ids back to text, dropping special tokens and restoring the corpus's spacing. */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    let prev: string | undefined;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < SPECIALS.length && id !== 1) continue;
      const piece = this.vocab[id] ?? SPECIAL_TOKENS.unk;
      if (prev !== undefined && this.spaceBetween(prev, piece)) out += ' ';
      out += piece;
      prev = piece;
    }
    return out;
  }
}
