/**
 * General instruction following, the stand-in for Alpaca/Dolly: repeat, opposites, lists,
 * sorting, first words, reversing, comparing. Every concrete item belongs to one of two pools by a
 * hash of its text, so downstream fine-tuning data can be drawn disjoint from pre-training.
 */
import { hashString, type Rng } from '../util/random.js';
import { FIXED_VALUES } from './attributes.js';

export type InstructionPool = 'pretrain' | 'downstream';

export interface InstructionItem {
  kind: string;
  prompt: string;
  answer: string;
}

const OPPOSITES: readonly [string, string][] = [
  ['hot', 'cold'], ['big', 'small'], ['up', 'down'], ['fast', 'slow'], ['old', 'new'], ['good', 'bad'],
  ['happy', 'sad'], ['light', 'dark'], ['open', 'closed'], ['early', 'late'], ['high', 'low'], ['long', 'short'],
  ['rich', 'poor'], ['wet', 'dry'], ['full', 'empty'], ['hard', 'soft'], ['near', 'far'], ['true', 'false'],
];
const WORDS: readonly string[] = [...new Set(OPPOSITES.flat().concat(FIXED_VALUES.color))];
const CATEGORIES: Record<string, readonly string[]> = {
  colors: FIXED_VALUES.color,
  jobs: FIXED_VALUES.job,
  sectors: FIXED_VALUES.sector,
  climates: FIXED_VALUES.climate,
};
const COUNT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five'];

type Maker = (rng: Rng) => InstructionItem;

const MAKERS: readonly Maker[] = [
  (rng) => {
    const w = rng.pick(WORDS);
    return { kind: 'repeat', prompt: `Repeat the word ${w}.`, answer: w };
  },
  (rng) => {
    const w = rng.pick(WORDS);
    const n = 2 + rng.int(2);
    return { kind: 'repeat', prompt: `Say ${w} ${COUNT_WORDS[n]} times.`, answer: Array(n).fill(w).join(' ') };
  },
  (rng) => {
    const [a, b] = rng.pick(OPPOSITES);
    const [w, o] = rng.next() < 0.5 ? [a, b] : [b, a];
    return { kind: 'opposite', prompt: `What is the opposite of ${w}?`, answer: `The opposite of ${w} is ${o}.` };
  },
  (rng) => {
    const [name, members] = rng.pick(Object.entries(CATEGORIES));
    const n = 2 + rng.int(3);
    const items = rng.shuffle(members).slice(0, n);
    return { kind: 'list', prompt: `List ${COUNT_WORDS[n]} ${name}.`, answer: items.join(', ') + '.' };
  },
  (rng) => {
    const n = 3 + rng.int(3);
    const xs = Array.from({ length: n }, () => rng.int(50));
    const sorted = xs.slice().sort((x, y) => x - y);
    // Commas keep the numbers apart: digits are single tokens, so "26 22" and "2622" must differ in tokens.
    return { kind: 'sort', prompt: `Sort these numbers from small to large: ${xs.join(', ')}.`, answer: sorted.join(', ') };
  },
  // (No "write it in capitals" task: each upper-case word is a new token for a word-level model,
  // and the downstream pool's ones would never have been seen in pre-training.)
  (rng) => {
    const n = 2 + rng.int(3);
    const ws = rng.shuffle(WORDS).slice(0, n);
    return { kind: 'first-word', prompt: `What is the first word of this list: ${ws.join(' ')}?`, answer: `The first word is ${ws[0]}.` };
  },
  (rng) => {
    const n = 3 + rng.int(2);
    const ws = rng.shuffle(WORDS).slice(0, n);
    return { kind: 'reverse', prompt: `Write these words in reverse order: ${ws.join(' ')}.`, answer: ws.slice().reverse().join(' ') };
  },
  (rng) => {
    const a = rng.int(100);
    let b = rng.int(100);
    if (b === a) b = (a + 1) % 100;
    const bigger = a > b;
    return {
      kind: 'compare',
      prompt: `Is ${a} bigger than ${b}?`,
      answer: bigger ? `Yes, ${a} is bigger than ${b}.` : `No, ${a} is not bigger than ${b}.`,
    };
  },
  (rng) => {
    const n = 1 + rng.int(5);
    const ws = rng.shuffle(WORDS).slice(0, n);
    return { kind: 'count', prompt: `How many words are in this list: ${ws.join(' ')}?`, answer: `There are ${n} words.` };
  },
];

export function instructionPoolOf(item: InstructionItem): InstructionPool {
  return hashString(item.prompt) % 4 === 0 ? 'downstream' : 'pretrain';
}

/**
 * Draws an item from one pool. A few prompt kinds have too few distinct items to split (opposites,
 * repeats); after some tries the item is kept whatever its pool, so small kinds stay usable.
 */
export function drawInstruction(rng: Rng, pool: InstructionPool): InstructionItem {
  const make = rng.pick(MAKERS);
  let item = make(rng);
  for (let tries = 0; tries < 20 && instructionPoolOf(item) !== pool; tries++) item = make(rng);
  return item;
}
