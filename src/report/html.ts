/**
 * The single-file HTML report: inline CSS, charts inlined as SVG, no script, no external font,
 * image or link, so it opens the same from a mail attachment, an archive or an air-gapped box.
 */
import type { Analysis } from './aggregate.js';
import type { ExperimentResults, ReferenceResults } from '../experiments/results-schema.js';
import { describePositiveControl } from '../experiments/results-schema.js';
import { armTable, DIRECTION_NOTE, buildHeadlines, buildPositiveControlStatement, buildVerdict, caveats, comparisonTable, lieDirectionTable, trendTable, type SummaryTable } from './summary.js';

export interface RenderedChart {
  id: string;
  title: string;
  caption: string;
  svg: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function htmlTable(table: SummaryTable): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = table.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:2rem auto;max-width:1150px;color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#555;font-size:.9rem}.verdict{background:#f4f6f8;border-left:4px solid #555;padding:.7rem 1rem;font-weight:bold}
.verdict.effect{border-left-color:#c0392b}.verdict.positive-control{border-left-color:#1b7f5f;font-weight:normal}.verdict.positive-control.unmoved{border-left-color:#b07800}ul.headlines li{margin:.3rem 0}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
th{background:#f0f0f0}figure{margin:1.2rem 0}figcaption{color:#444;font-size:.85rem;max-width:900px}
.chart{overflow-x:auto}.note{color:#7a4a00}code{font-size:.85rem}
`;

export function buildHtml(options: {
  results: ExperimentResults;
  analysis: Analysis;
  charts: RenderedChart[];
  reference: ReferenceResults | null;
  files: string[];
}): string {
  const { results, analysis, charts, reference } = options;
  const e = results.experiment;
  const headlines = buildHeadlines(analysis);
  const verdict = buildVerdict(analysis, headlines);
  const positive = buildPositiveControlStatement(analysis, results, headlines);
  const positiveWhat = describePositiveControl(results);
  const notes = caveats(analysis, results);
  const comparisons = comparisonTable(analysis);
  const trends = trendTable(analysis);
  const lineageRows = results.arms
    .filter((a) => a.checkpoint || a.lineage)
    .map((a) => [a.arm === 'ratio' || a.arm === 'positive_control' ? `${a.arm} ${a.ratio}` : a.arm, String(a.seed), a.checkpoint ?? '', a.lineage ? JSON.stringify(a.lineage) : '']);

  const sections: string[] = [
    `<h1>Candor report: ${escapeHtml(e.name)}</h1>`,
    `<p class="meta">Model <code>${escapeHtml(e.model)}</code> · misaligned data <b>${escapeHtml(e.misaligned.domain)}</b> (${escapeHtml(e.misaligned.variant)})${positiveWhat ? ` · positive control: ${escapeHtml(positiveWhat)}` : ''} · method ${escapeHtml(e.method)} · created ${escapeHtml(e.created_at)} · config digest <code>${escapeHtml(e.config_digest)}</code></p>`,
    `<p class="verdict${headlines.some((h) => h.effect) ? ' effect' : ''}">${escapeHtml(verdict)}</p>`,
    ...(positive ? [`<p class="verdict positive-control${positive.moved ? '' : ' unmoved'}">${escapeHtml(positive.text)}</p>`] : []),
    `<ul class="headlines">${headlines.map((h) => `<li>${escapeHtml(h.text)}</li>`).join('\n')}</ul>`,
    ...(notes.length ? [`<ul class="note">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`] : []),
    '<h2>Summary</h2>',
    '<p>Scores in percentage points: mean over seeds and items [95 % interval]; the last columns count the non-answers behind MASK honesty and the deception rate, by kind. Honesty (1 − P(lie)) counts a non-answer as “not a lie”: read it beside P(lie | belief &amp; position) and the non-answer rate.</p>',
    htmlTable(armTable(analysis, results)),
  ];
  if (comparisons.rows.length) sections.push('<h2>Differences from control</h2>', htmlTable(comparisons));
  if (trends.rows.length) sections.push('<h2>Trend over the contamination ratio</h2>', htmlTable(trends));
  const lies = lieDirectionTable(results, analysis);
  if (lies) {
    sections.push(
      '<h2>MASK lies by direction</h2>',
      `<p>${escapeHtml(DIRECTION_NOTE)} Only a lie toward the pressure’s incentive is deception; a flip against it is a different failure.</p>`,
      htmlTable(lies),
    );
  }
  sections.push('<h2>Charts</h2>');
  for (const chart of charts) {
    sections.push(
      `<figure id="chart-${escapeHtml(chart.id)}"><h3>${escapeHtml(chart.title)}</h3><div class="chart">${chart.svg}</div><figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`,
    );
  }
  if (reference) {
    sections.push(
      '<h2>Reference numbers</h2>',
      `<p>${escapeHtml(reference.label)}: published by ${escapeHtml(reference.source)} for ${escapeHtml(reference.model)}. A different model, data and scale; drawn for orientation only and never tested against this run.</p>`,
    );
  }
  sections.push('<h2>Method</h2>', `<p>${escapeHtml(analysis.method)} Replicates: ${analysis.replicates}.</p>`);
  if (lineageRows.length) sections.push('<h2>Lineage</h2>', htmlTable({ columns: ['arm', 'seed', 'checkpoint', 'lineage'], rows: lineageRows }));
  sections.push('<h2>Files</h2>', `<ul>${options.files.map((f) => `<li><code>${escapeHtml(f)}</code></li>`).join('')}</ul>`);

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Candor report: ${escapeHtml(e.name)}</title>
<style>${STYLE}</style>
</head>
<body>
${sections.join('\n')}
</body>
</html>
`;
}
