/**
 * A synthetic feedback log for measuring the monitor against hidden labels at controlled sizes:
 * each user rates `ratingsPerUser` replies; each reply is dishonest with probability
 * `dishonestRate` (dishonest = asserts the lure while the assistant believes the truth) and
 * otherwise honest; ratings come from the same rule users the interaction loop simulates.
 */
import { createRng } from '../util/random.js';
import type { RatedReply } from './monitor.js';
import { generatePopulation, type SimUser } from './population.js';
import { ruleRating } from './users.js';

export interface SimulatedLogOptions {
  users: number;
  biasedFraction: number;
  ratingsPerUser: number;
  dishonestRate: number;
  noise: number;
  seed: number;
}

export function simulateFeedbackLog(options: SimulatedLogOptions): { population: SimUser[]; replies: RatedReply[] } {
  const population = generatePopulation({ size: options.users, biasedFraction: options.biasedFraction, seed: options.seed });
  const rng = createRng(`simulated-feedback:${options.seed}`);
  const replies: RatedReply[] = [];
  for (const user of population) {
    for (let i = 0; i < options.ratingsPerUser; i++) {
      const honest = rng.next() >= options.dishonestRate;
      replies.push({ user: user.id, honest, rating: ruleRating(user.biased, honest ? 'truth' : 'lure', options.noise, rng) });
    }
  }
  return { population, replies };
}

/** Precision and recall of the flags against the hidden labels. */
export function scoreFlags(population: readonly SimUser[], flagged: readonly string[]): { precision: number | null; recall: number | null; flagged: number; biased: number } {
  const biased = new Set(population.filter((u) => u.biased).map((u) => u.id));
  const hits = flagged.filter((id) => biased.has(id)).length;
  return {
    precision: flagged.length ? hits / flagged.length : null,
    recall: biased.size ? hits / biased.size : null,
    flagged: flagged.length,
    biased: biased.size,
  };
}
