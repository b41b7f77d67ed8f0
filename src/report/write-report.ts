/**
 * Writes a complete report for one experiment run into a directory:
 *   report.html            one self-contained page (charts inline as SVG)
 *   summary.md             the headline and tables as markdown
 *   charts/<id>.svg|.png   each chart, rendered without a browser
 *   data/*.csv, data/report.json   every number, inputs and aggregates
 * Each file is written atomically (src/util/atomic-write.ts), so a killed run never leaves a
 * half-written file under a final name.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { analyzeResults } from './aggregate.js';
import { buildCharts } from './charts.js';
import { buildHtml, type RenderedChart } from './html.js';
import { loadResults, validateResults } from './load-results.js';
import { PAPER_REFERENCE } from './paper-reference.js';
import { renderSvg, scopeSvgIds, svgToPng } from './render.js';
import type { ExperimentResultsInput } from '../experiments/results-schema.js';
import { buildHeadlines, buildMarkdownSummary, buildPositiveControlStatement, buildVerdict } from './summary.js';
import { aggregatesCsv, armNumbersCsv, armsCsv, comparisonsCsv, trendsCsv } from './tables.js';

export interface WriteReportOptions {
  /** Bootstrap replicates for the across-seed intervals (default 4,000). */
  replicates?: number;
}

export interface ReportOutput {
  htmlPath: string;
  /** Every file written, absolute paths, report.html last. */
  files: string[];
}

/**
 * Accepts validated results or a plain object in the results.json shape (as a runner builds it);
 * either way it is validated first, so a bad object fails before anything is written.
 */
export async function writeReport(input: ExperimentResultsInput, outDir: string, options: WriteReportOptions = {}): Promise<ReportOutput> {
  const results = validateResults(input, 'results');
  const root = path.resolve(outDir);
  const chartsDir = path.join(root, 'charts');
  const dataDir = path.join(root, 'data');
  await mkdir(chartsDir, { recursive: true });
  await mkdir(dataDir, { recursive: true });
  const files: string[] = [];
  const emit = async (file: string, data: string | Buffer): Promise<void> => {
    await writeFileAtomic(file, data);
    files.push(file);
  };

  const analysis = analyzeResults(results, { replicates: options.replicates });
  const reference = results.reference === undefined ? PAPER_REFERENCE : results.reference;

  const rendered: RenderedChart[] = [];
  for (const chart of buildCharts(analysis, results, reference)) {
    const svg = await renderSvg(chart.spec);
    await emit(path.join(chartsDir, `${chart.id}.svg`), svg);
    await emit(path.join(chartsDir, `${chart.id}.png`), svgToPng(svg));
    await emit(path.join(chartsDir, `${chart.id}.vl.json`), JSON.stringify(chart.spec, null, 2));
    rendered.push({ id: chart.id, title: chart.title, caption: chart.caption, svg: scopeSvgIds(svg.replace(/^<\?xml[^>]*>\s*/, ''), chart.id) });
  }

  await emit(path.join(dataDir, 'arms.csv'), armsCsv(results));
  await emit(path.join(dataDir, 'arm-numbers.csv'), armNumbersCsv(results));
  await emit(path.join(dataDir, 'aggregates.csv'), aggregatesCsv(analysis));
  await emit(path.join(dataDir, 'comparisons.csv'), comparisonsCsv(analysis));
  await emit(path.join(dataDir, 'trends.csv'), trendsCsv(analysis));
  const headlines = buildHeadlines(analysis);
  const reportJson = {
    experiment: results.experiment,
    verdict: buildVerdict(analysis, headlines),
    positive_control: buildPositiveControlStatement(analysis, results, headlines),
    headlines,
    method: analysis.method,
    replicates: analysis.replicates,
    groups: analysis.groups,
    aggregates: analysis.aggregates,
    comparisons: analysis.comparisons,
    trends: analysis.trends,
    reference,
    arms: results.arms,
  };
  await emit(path.join(dataDir, 'report.json'), JSON.stringify(reportJson, null, 2) + '\n');
  await emit(path.join(root, 'summary.md'), buildMarkdownSummary(results, analysis));

  const htmlPath = path.join(root, 'report.html');
  const listed = [...files, htmlPath].map((f) => path.relative(root, f));
  await emit(htmlPath, buildHtml({ results, analysis, charts: rendered, reference, files: listed }));
  return { htmlPath, files };
}

/** `candor report <run-dir>`: read `<run-dir>/results.json`, write the report (default `<run-dir>/report`). */
export async function writeReportForRun(runDir: string, outDir?: string, options: WriteReportOptions = {}): Promise<ReportOutput> {
  const results = await loadResults(runDir);
  const target = outDir ?? path.join(runDir.endsWith('.json') ? path.dirname(runDir) : runDir, 'report');
  return writeReport(results, target, options);
}
