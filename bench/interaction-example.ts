/**
 * Times examples/embedded-interaction.yaml end to end (conversations, monitor, self-training over
 * rounds, report) and prints the wall time and the report. Target: ≤ 15 min on 2 cores.
 * Run: node --import tsx bench/interaction-example.ts [--file examples/embedded-interaction.yaml] [--out DIR]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadInteractionConfig } from '../src/interact/config.js';
import { runInteraction } from '../src/interact/loop.js';
import { writeInteractionReport } from '../src/interact/report.js';

const { values } = parseArgs({ options: { file: { type: 'string', default: 'examples/embedded-interaction.yaml' }, out: { type: 'string' } } });
const config = loadInteractionConfig(values.file!);
const out = values.out ?? join(mkdtempSync(join(tmpdir(), 'candor-interaction-bench-')), 'run');
const started = performance.now();
// The evals' global call cache is off: a rerun of identical checkpoints would otherwise time cache reads.
const result = await runInteraction(config, { out, progress: true, evalCache: false });
const runSeconds = (performance.now() - started) / 1000;
const report = writeInteractionReport(result.runDir);
const trainSeconds = result.rounds.reduce((a, r) => a + (r.train && !r.train.reused ? (r.train.metrics.wall_seconds ?? 0) : 0), 0);
console.log(report.markdown);
console.log(`\n${values.file}: ${result.arms} arms, ${result.totalConversations} conversations (${result.failedConversations} failed), ${result.rounds.filter((r) => r.train).length} training jobs`);
console.log(`wall ${runSeconds.toFixed(1)} s (${(runSeconds / 60).toFixed(2)} min), of which training ${trainSeconds.toFixed(1)} s; run directory ${result.runDir}`);
