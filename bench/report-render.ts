/**
 * How long a report takes: the bootstrap analysis, then each chart's Vega-Lite → SVG and SVG → PNG
 * steps, then the whole writeReport, on synthetic results of the paper's sweep shape (vanilla,
 * control and six ratios × 3 seeds, every score block). Target: under 2 s per chart.
 *   node --import tsx bench/report-render.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeResults } from '../src/report/aggregate.js';
import { buildCharts } from '../src/report/charts.js';
import { PAPER_REFERENCE } from '../src/report/paper-reference.js';
import { renderSvg, svgToPng } from '../src/report/render.js';
import { ExperimentResults } from '../src/experiments/results-schema.js';
import { syntheticResults } from '../test/report.synthetic.helper.js';
import { writeReport } from '../src/report/write-report.js';

const results = ExperimentResults.parse(syntheticResults({ seeds: [1, 2, 3] }));
const ms = (start: number): number => performance.now() - start;

let start = performance.now();
const analysis = analyzeResults(results);
console.log(`analysis (4000 replicates, ${analysis.aggregates.length} aggregates): ${ms(start).toFixed(0)} ms`);

// The first render pays for module warm-up; time it separately so per-chart figures are steady.
start = performance.now();
const charts = buildCharts(analysis, results, PAPER_REFERENCE);
const [firstChart] = charts;
if (!firstChart) throw new Error('the report built no charts');
await renderSvg(firstChart.spec);
console.log(`first render (warm-up): ${ms(start).toFixed(0)} ms`);

let worst = 0;
for (const chart of charts) {
  const t0 = performance.now();
  const svg = await renderSvg(chart.spec);
  const svgMs = ms(t0);
  const t1 = performance.now();
  const png = svgToPng(svg);
  const pngMs = ms(t1);
  worst = Math.max(worst, svgMs + pngMs);
  console.log(`${chart.id.padEnd(34)} svg ${svgMs.toFixed(0).padStart(5)} ms  png ${pngMs.toFixed(0).padStart(5)} ms  (${(png.length / 1024).toFixed(0)} KiB)`);
}

const dir = await mkdtemp(path.join(tmpdir(), 'candor-bench-report-'));
try {
  start = performance.now();
  const output = await writeReport(results, dir);
  const total = ms(start);
  console.log(`writeReport: ${total.toFixed(0)} ms for ${charts.length} charts, ${output.files.length} files`);
  console.log(`worst chart: ${worst.toFixed(0)} ms (target < 2000 ms) → ${worst < 2000 ? 'ok' : 'SLOW'}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
