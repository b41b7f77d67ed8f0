/**
 * Unknown-token accounting for training sets of the embedded model. A word the base tokenizer does
 * not know becomes `<unk>`, and a model fine-tuned on it learns to print `<unk>` — which an eval
 * then scores as a non-answer, not as the wrong content the set was meant to teach (the first main
 * job's artifact). So every set is counted before training and refused unless overridden.
 */
import { InputError } from '../util/errors.js';
import { readTokenizer } from './checkpoint.js';
import { splitPieces, SPECIAL_TOKENS, type WordTokenizer } from './tokenizer.js';

/** The texts of a training sample the model reads or is trained on. */
export type TrainingTextSample = { messages: { role?: string; content: string }[] } | { prompt: string | { role?: string; content: string }[]; completion: string };

export interface SampleToCheck {
  /** How a person finds the sample: `line 12` of a file, or `dataset#index` of a mix. */
  id: string;
  sample: TrainingTextSample;
}

export interface UnknownTokenExample {
  sample: string;
  word: string;
}

export interface UnknownTokenCount {
  samples: number;
  tokens: number;
  /** Pieces that encode to `<unk>` (a literal `<unk>` in the text counts too). */
  unknownTokens: number;
  samplesWithUnknown: number;
  /** The first few offenders, in order. */
  examples: UnknownTokenExample[];
}

const MAX_EXAMPLES = 5;

export function sampleTexts(sample: TrainingTextSample): string[] {
  if ('messages' in sample) return sample.messages.map((m) => m.content);
  const prompt = typeof sample.prompt === 'string' ? [sample.prompt] : sample.prompt.map((m) => m.content);
  return [...prompt, sample.completion];
}

export function countUnknownTokens(tokenizer: WordTokenizer, samples: Iterable<SampleToCheck>): UnknownTokenCount {
  const count: UnknownTokenCount = { samples: 0, tokens: 0, unknownTokens: 0, samplesWithUnknown: 0, examples: [] };
  for (const { id, sample } of samples) {
    count.samples++;
    let unknownHere = 0;
    for (const text of sampleTexts(sample)) {
      for (const piece of splitPieces(text, tokenizer.version)) {
        count.tokens++;
        if (tokenizer.id(piece.text) !== tokenizer.unkId && piece.text !== SPECIAL_TOKENS.unk) continue;
        unknownHere++;
        if (count.examples.length < MAX_EXAMPLES) count.examples.push({ sample: id, word: piece.text });
      }
    }
    count.unknownTokens += unknownHere;
    if (unknownHere > 0) count.samplesWithUnknown++;
  }
  return count;
}

/** Throws an InputError naming the file, the first offending sample and word, unless allowed. */
export function refuseUnknownTokens(count: UnknownTokenCount, file: string, allow = false): void {
  if (allow || count.unknownTokens === 0) return;
  const first = count.examples[0];
  if (!first) throw new Error(`${count.unknownTokens} unknown tokens counted without an example`);
  const more = count.examples
    .slice(1)
    .map((e) => `"${e.word}" (${e.sample})`)
    .join(', ');
  throw new InputError(
    `${first.sample}: the word "${first.word}" is not in the base model's vocabulary (${count.unknownTokens} unknown tokens in ${count.samplesWithUnknown} of ${count.samples} samples${more ? `; also ${more}` : ''}). ` +
      'The model would learn to print <unk>. Use words the base knows, or pass --allow-unknown-tokens (YAML: backend.allow_unknown_tokens: true) to train anyway.',
    { file },
  );
}

/** A mix sample's origin, as the mix manifest records it. */
export interface MixSampleOrigin {
  dataset: string;
  index: number;
}

/**
 * Counts a mix's unknown tokens against the base checkpoint's tokenizer and refuses it (naming the
 * training file, the sample's position and origin, and the word) unless allowed. Returns the count
 * for the mix manifest.
 */
export function checkMixVocabulary(
  checkpointDir: string,
  samples: readonly TrainingTextSample[],
  origins: readonly MixSampleOrigin[],
  file: string,
  allow = false,
): UnknownTokenCount {
  const tokenizer = readTokenizer(checkpointDir);
  const count = countUnknownTokens(
    tokenizer,
    samples.map((sample, i) => ({ id: `sample ${i + 1} (${origins[i]?.dataset ?? '?'} #${origins[i]?.index ?? '?'})`, sample })),
  );
  refuseUnknownTokens(count, file, allow);
  return count;
}
