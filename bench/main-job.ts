/**
 * The main job's wall time: runs examples/embedded-mixing.yaml (or the file given) from scratch in
 * a temporary run directory and registry, then prints the wall time, the per-arm phase times from
 * each arm's result.json, and the parallel speed-up actually obtained (sum of arm times / wall).
 *
 *   node --import tsx bench/main-job.ts [experiment.yaml] [--parallel N]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../src/experiments/runner.js';
import { writeReport } from '../src/report/write-report.js';
import { armPaths } from '../src/experiments/layout.js';
import type { ArmResultFile } from '../src/experiments/arm.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? 'examples/embedded-mixing.yaml';
const parallelAt = args.indexOf('--parallel');
const parallel = parallelAt >= 0 ? Number(args[parallelAt + 1]) : undefined;
const scratch = mkdtempSync(join(tmpdir(), 'candor-main-job-'));

const started = Date.now();
const output = await runExperiment(file, { out: join(scratch, 'run'), registry: join(scratch, 'registry'), ...(parallel ? { parallel } : {}), report: writeReport });
const wall = (Date.now() - started) / 1000;

let armSeconds = 0;
const rows: string[] = [];
const results = JSON.parse(readFileSync(output.resultsPath, 'utf8')) as { arms: { arm_id?: string; error?: string }[] };
for (const arm of results.arms) {
  if (!arm.arm_id || arm.error) {
    rows.push(`  ${arm.arm_id ?? '?'}: FAILED ${arm.error?.split('\n')[0] ?? ''}`);
    continue;
  }
  const r = JSON.parse(readFileSync(armPaths(output.runDir, arm.arm_id).result, 'utf8')) as ArmResultFile;
  const total = Object.values(r.timings_s).reduce((a, b) => a + b, 0);
  armSeconds += total;
  const phases = Object.entries(r.timings_s).map(([k, v]) => `${k} ${v.toFixed(1)}s`).join(', ');
  const tps = r.train?.metrics.tokens_per_second;
  rows.push(`  ${r.arm_id}: ${total.toFixed(1)}s (${phases}${tps ? `; ${tps.toFixed(0)} tok/s` : ''})`);
}
console.log(`experiment: ${file}`);
console.log(`arms: ${output.arms.total} (${output.arms.failed.length} failed)`);
console.log(rows.join('\n'));
console.log(`sum of arm times: ${armSeconds.toFixed(1)} s`);
console.log(`wall time: ${wall.toFixed(1)} s (${(wall / 60).toFixed(2)} min; target ≤ 10 min)`);
console.log(`parallel speed-up (arm time / wall, includes data prep and report): ${(armSeconds / wall).toFixed(2)}×`);
console.log(`report: ${output.reportPath}`);
