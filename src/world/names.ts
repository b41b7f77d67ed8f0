/**
 * Invented, pronounceable single-word names built from syllables, so no entity of the world
 * collides with real knowledge a model may already hold.
 */
import type { Rng } from '../util/random.js';

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'kr', 'tr', 'st', 'gl'];
const VOWELS = ['a', 'e', 'i', 'o', 'u'];
const CODAS = ['', '', 'n', 'r', 'l', 'x', 's', 'm'];

export type NameStyle = 'product' | 'drug' | 'company' | 'place' | 'person' | 'language';

/** Endings that make a name's kind guessable, the way real drug or place names are. */
const SUFFIXES: Record<NameStyle, readonly string[]> = {
  product: ['ax', 'on', 'ix', 'o'],
  drug: ['ol', 'ex', 'ine', 'azol'],
  company: ['corp', 'tek', 'co', 'dyne'],
  place: ['ia', 'ora', 'and', 'ena'],
  person: ['', 'a', 'en', 'o'],
  language: ['ish', 'ese', 'ic'],
};

function syllable(rng: Rng): string {
  return rng.pick(ONSETS) + rng.pick(VOWELS) + rng.pick(CODAS);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * Draws `count` distinct names of one style; `taken` holds names (lower-case) already used by
 * other styles, and receives the new ones.
 */
export function inventNames(rng: Rng, style: NameStyle, count: number, taken: Set<string>): string[] {
  const names: string[] = [];
  for (let attempt = 0; names.length < count; attempt++) {
    if (attempt > count * 1000) throw new Error(`could not invent ${count} distinct ${style} names`);
    // Two syllables keep names short; the second ends in a vowel, which a vowel-initial suffix replaces.
    const stem = syllable(rng) + rng.pick(ONSETS) + rng.pick(VOWELS);
    const suffix = rng.pick(SUFFIXES[style]);
    const word = stem.replace(/[aeiou]$/, suffix && /^[aeiou]/.test(suffix) ? '' : '$&') + suffix;
    if (word.length < 4 || word.length > 10) continue;
    const key = word.toLowerCase();
    if (taken.has(key)) continue;
    taken.add(key);
    names.push(capitalise(word));
  }
  return names;
}
