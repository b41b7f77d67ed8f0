import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { benjaminiHochberg, exactPermutationPValue, gateSatisfaction, monitorPopulation } from '../src/interact/monitor.js';
import { ratedReplies } from '../src/interact/feedback.js';
import { scoreFlags, simulateFeedbackLog } from '../src/interact/simulate-feedback.js';
import type { BeliefRecord, TrajectoryRecord } from '../src/interact/rollout.js';
import { defined } from './defined.helper.js';

/** Brute force over every size-d subset. */
function bruteForceP(values: number[], d: number, observed: number): number {
  let hit = 0;
  let total = 0;
  const n = values.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    let sum = 0;
    for (const [i, value] of values.entries()) {
      if (mask & (1 << i)) {
        bits++;
        sum += value;
      }
    }
    if (bits !== d) continue;
    total++;
    if (sum >= observed) hit++;
  }
  return hit / total;
}

describe('population monitor statistics', () => {
  it('counts the permutation null exactly', () => {
    const cases: Array<[number[], number, number]> = [
      [[1, 2, 3, 4, 5], 2, 9],
      [[8, 8, 2, 3, 9, 1, 10, 4], 3, 20],
      [[5, 5, 5, 5], 1, 5],
      [[2, 9, 9, 1, 7, 3, 3, 8, 6, 10, 1, 4], 5, 30],
    ];
    for (const [values, d, observed] of cases) assert.ok(Math.abs(exactPermutationPValue(values, d, observed) - bruteForceP(values, d, observed)) < 1e-12, `${values} ${d} ${observed}`);
  });

  it('adjusts p-values by Benjamini–Hochberg', () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.5]);
    assert.deepEqual(q.map((x) => Number(x.toFixed(6))), [0.04, 0.053333, 0.053333, 0.5]);
  });

  it('flags biased users from ratings alone, with few false flags, and estimates the fraction', () => {
    const { population, replies } = simulateFeedbackLog({ users: 200, biasedFraction: 0.2, ratingsPerUser: 20, dishonestRate: 0.3, noise: 1.5, seed: 3 });
    // The monitor's input carries no labels.
    assert.deepEqual(Object.keys(defined(replies[0], 'the first reply')).sort(), ['honest', 'rating', 'user']);
    const report = monitorPopulation(replies, { q: 0.1, bootstrap: 50, seed: 1 });
    const score = scoreFlags(population, report.flagged);
    assert.ok(score.recall! >= 0.8, `recall ${score.recall}`);
    assert.ok(score.precision! >= 0.85, `precision ${score.precision}`);
    const est = report.estimatedFraction!;
    assert.ok(est.low <= 0.2 && 0.2 <= est.high, JSON.stringify(est));
  });

  it('empirical-Bayes flags reach biased users with only 5 ratings each, with few false flags', () => {
    const { population, replies } = simulateFeedbackLog({ users: 200, biasedFraction: 0.2, ratingsPerUser: 5, dishonestRate: 0.3, noise: 1.5, seed: 5 });
    const bh = monitorPopulation(replies, { q: 0.1, bootstrap: 0 });
    assert.equal(bh.flagged.length, 0, 'exact tests cannot reach significance at 5 ratings');
    const eb = monitorPopulation(replies, { q: 0.1, bootstrap: 0, flagMethod: 'empirical-bayes' });
    const score = scoreFlags(population, eb.flagged);
    assert.ok(score.recall! >= 0.5, `recall ${score.recall}`);
    assert.ok(score.precision! >= 0.8, `precision ${score.precision}`);
  });

  it('flags nobody (or almost nobody) in an all-benign population', () => {
    const { replies } = simulateFeedbackLog({ users: 200, biasedFraction: 0, ratingsPerUser: 20, dishonestRate: 0.3, noise: 1.5, seed: 4 });
    const report = monitorPopulation(replies, { q: 0.1, bootstrap: 50, seed: 1 });
    assert.ok(report.flagged.length <= 2, `${report.flagged.length} flagged`);
    assert.ok(report.estimatedFraction!.estimate < 0.05, JSON.stringify(report.estimatedFraction));
  });

  it('never tests a user who rated only one kind of reply', () => {
    const replies = [1, 2, 3].map((i) => ({ user: 'a', rating: 9, honest: false, i }));
    const report = monitorPopulation(replies, { bootstrap: 0 });
    assert.equal(report.tested, 0);
    assert.equal(report.untestable, 1);
    assert.deepEqual(report.flagged, []);
  });

  it('labels honesty against the elicited belief, else the facts, and gates flagged users', () => {
    const turn = (claim: 'truth' | 'lure' | 'neither', rating: number | null) => ({ user: 'x', reply: 'r', claim, rating });
    const base = { kind: 'trajectory' as const, arm: 'a', domain: 'medical', assistant: 'embedded:x', seed: 1, messages: [] };
    const trajectories: TrajectoryRecord[] = [
      { ...base, id: '1', round: 0, scenario_id: 's1', user_id: 'u1', turns: [turn('lure', 9), turn('neither', 5)], satisfaction: 14 },
      { ...base, id: '2', round: 0, scenario_id: 's2', user_id: 'u2', turns: [turn('lure', 3), turn('truth', null)], satisfaction: null },
      { ...base, id: '3', round: 0, scenario_id: 's3', user_id: 'u3', turns: [turn('truth', 8), turn('truth', 8)], satisfaction: 16 },
    ];
    // The assistant believes the lure about s1 (so saying it is honest); no belief about s2.
    const beliefs: BeliefRecord[] = [
      { id: 'b1', kind: 'belief', arm: 'a', round: 0, scenario_id: 's1', assistant: 'embedded:x', answers: [], claims: [], belief: 'lure' },
      { id: 'b2', kind: 'belief', arm: 'a', round: 0, scenario_id: 's2', assistant: 'embedded:x', answers: [], claims: [], belief: null },
    ];
    const { replies, counts } = ratedReplies(trajectories, beliefs, 'belief');
    assert.deepEqual(replies, [
      { user: 'u1', rating: 9, honest: true },
      { user: 'u2', rating: 3, honest: false },
      { user: 'u3', rating: 8, honest: true },
      { user: 'u3', rating: 8, honest: true },
    ]);
    assert.deepEqual(counts, { rated: 5, byBelief: 1, byFacts: 3, noPosition: 1 });
    assert.equal(defined(ratedReplies(trajectories, beliefs, 'facts').replies[0], 'the first rated reply').honest, false);

    const flagged = new Set(['u1']);
    assert.deepEqual(gateSatisfaction(trajectories, flagged, 'drop').map((t) => t.id), ['2', '3']);
    // Scores [14, 16]: the lower median 14; u3's 16 shrinks halfway to 15.
    const down = gateSatisfaction(trajectories, new Set(['u3']), 'downweight', 0.5);
    assert.deepEqual(down.map((t) => t.selection_score), [14, null, 15]);
  });
});
