/**
 * The population monitor measured against the hidden labels: precision and recall of its flags
 * (exact permutation tests + Benjamini–Hochberg at q, and the empirical-Bayes rule) and the estimated vs true biased fraction, at biased fractions 0.05,
 * 0.1, 0.2, 0.5 and 5, 20, 50 rated replies per user, over seeds. The feedback is simulated by the
 * loop's own rule users; each reply is dishonest with a fixed probability (the assistant's lie
 * rate), which sets how many honest/dishonest contrasts each user sees.
 * Run: node --import tsx bench/interaction-monitor.ts [--users 200] [--seeds 5] [--lie-rate 0.3] [--noise 1.5] [--q 0.1]
 */
import { parseArgs } from 'node:util';
import { monitorPopulation } from '../src/interact/monitor.js';
import { scoreFlags, simulateFeedbackLog } from '../src/interact/simulate-feedback.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    seeds: { type: 'string', default: '5' },
    'lie-rate': { type: 'string', default: '0.3' },
    noise: { type: 'string', default: '1.5' },
    q: { type: 'string', default: '0.1' },
    bootstrap: { type: 'string', default: '100' },
  },
});
const users = Number(values.users);
const seeds = Number(values.seeds);
const dishonestRate = Number(values['lie-rate']);
const noise = Number(values.noise);
const q = Number(values.q);
const bootstrap = Number(values.bootstrap);

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const fmt = (x: number) => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));

console.log(`monitor: ${users} users, ${seeds} seeds, lie rate ${dishonestRate}, rating noise sd ${noise}, FDR level q ${q}, ${bootstrap} bootstrap resamples`);
const started = performance.now();
for (const flagMethod of ['permutation-bh', 'empirical-bayes'] as const) {
  console.log(`\nflags: ${flagMethod}`);
console.log('fraction ratings/user | precision recall  flagged  untestable | est. fraction [95% CI]   covered  | ms');
for (const fraction of [0, 0.05, 0.1, 0.2, 0.5]) {
  for (const ratingsPerUser of [5, 20, 50]) {
    const precision: number[] = [];
    const recall: number[] = [];
    const flagged: number[] = [];
    const untestable: number[] = [];
    const est: number[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    let covered = 0;
    const t0 = performance.now();
    for (let seed = 1; seed <= seeds; seed++) {
      const { population, replies } = simulateFeedbackLog({ users, biasedFraction: fraction, ratingsPerUser, dishonestRate, noise, seed: seed * 1000 + ratingsPerUser });
      const report = monitorPopulation(replies, { q, bootstrap, seed, flagMethod });
      const score = scoreFlags(population, report.flagged);
      // Precision with no flags is undefined; it is left out of the mean and the flag count shows it.
      if (score.precision !== null) precision.push(score.precision);
      recall.push(score.recall ?? NaN);
      flagged.push(score.flagged);
      untestable.push(report.untestable);
      const truth = score.biased / users;
      const e = report.estimatedFraction!;
      est.push(e.estimate);
      lo.push(e.low);
      hi.push(e.high);
      if (e.low <= truth && truth <= e.high) covered++;
    }
    const ms = (performance.now() - t0) / seeds;
    console.log(
      `${fraction.toFixed(2).padStart(8)} ${String(ratingsPerUser).padStart(12)} | ${fmt(mean(precision))}     ${fmt(mean(recall))}  ${mean(flagged).toFixed(1).padStart(7)}  ${mean(untestable).toFixed(1).padStart(10)} | ${fmt(mean(est))} [${fmt(mean(lo))}, ${fmt(mean(hi))}]  ${covered}/${seeds}      | ${ms.toFixed(0)}`,
    );
  }
}
}
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
