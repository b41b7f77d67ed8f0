/**
 * Vega-Lite specifications of the report's charts, built from the aggregated numbers. Specs only:
 * rendering lives in render.ts so the specs can be tested and reused (e.g. by a dashboard).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Analysis, AggregateRow } from './aggregate.js';
import { formatRatio } from './aggregate.js';
import { capturedNames, CROSS_DOMAIN, IN_DOMAIN, POSITIVE_CONTROL_DOMAIN } from './metrics.js';
import { positiveControlDomains, type ArmKind, type ExperimentResults, type ReferenceResults } from '../experiments/results-schema.js';

export interface ChartSpec {
  /** File stem: charts/<id>.svg and .png. */
  id: string;
  title: string;
  /** One or two sentences under the chart saying how to read it. */
  caption: string;
  spec: TopLevelSpec;
}

const REFERENCE_COLORS = { control: '#222222', vanilla: '#8a8a8a' } as const;
const CURVE_COLOR = '#c0392b';
// The positive control is a reference of another kind (a known mover), so it gets its own hue.
const POSITIVE_CONTROL_COLOR = '#1b7f5f';
// Light to dark: a higher ratio reads as a darker bar.
const RATIO_RAMP = ['#fdd0a2', '#fdae6b', '#fd8d3c', '#f16913', '#d94801', '#a63603', '#7f2704', '#5a1a02'];

const BASE_CONFIG = {
  font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif',
  view: { stroke: '#dddddd' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14 },
};

interface CurveRow {
  panel: string;
  series: string;
  kind: ArmKind;
  ratio: number;
  label: string;
  mean: number;
  lo: number;
  hi: number;
}

function curveRows(rows: AggregateRow[], panel: string): CurveRow[] {
  return rows.map((row) => ({
    panel,
    // The positive control's label names its data ("positive control: pressure lying on …").
    series: row.arm === 'ratio' ? RATIO_SERIES : row.arm === 'positive_control' ? row.label : row.arm,
    kind: row.arm,
    ratio: row.ratio,
    label: row.label,
    mean: row.mean,
    lo: row.ci_low,
    hi: row.ci_high,
  }));
}

const RATIO_SERIES = 'ratio arms (mean ± 95 % CI)';

/**
 * Score against ratio on a log axis (0.01 … 0.3 spread evenly enough to read) with the ratio arms
 * as a line and band, control / vanilla as horizontal lines with their own faint bands, and a
 * positive control as a diamond at its own ratio with its 95 % interval as a whisker.
 */
function ratioCurveSpec(options: {
  rows: CurveRow[];
  panels: string[];
  yTitle: string;
  columns: number;
  curveColor?: string;
  width?: number;
}): TopLevelSpec {
  const dosed = options.rows.filter((r) => r.kind === 'ratio' || r.kind === 'positive_control');
  const ratios = [...new Set(dosed.map((r) => r.ratio))].sort((a, b) => a - b);
  const smallest = ratios.at(0);
  const largest = ratios.at(-1);
  const low = smallest !== undefined ? smallest / 1.4 : 0.005;
  const high = largest !== undefined ? largest * 1.25 : 0.5;
  const positiveSeries = [...new Set(options.rows.filter((r) => r.kind === 'positive_control').map((r) => r.series))];
  const seriesDomain = [RATIO_SERIES, 'control', 'vanilla', ...positiveSeries];
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: {
      domain: seriesDomain,
      range: [options.curveColor ?? CURVE_COLOR, REFERENCE_COLORS.control, REFERENCE_COLORS.vanilla, ...positiveSeries.map(() => POSITIVE_CONTROL_COLOR)],
    },
    // Bands share the colour scale; drawing every symbol as a solid stroke keeps their faint fill
    // out of the legend.
    legend: {
      orient: 'bottom' as const,
      direction: 'horizontal' as const,
      labelLimit: 480,
      symbolType: 'stroke',
      symbolOpacity: 1,
      symbolStrokeWidth: 2.5,
      symbolFillColor: 'transparent',
    },
  };
  const bandColor = color;
  const x = {
    field: 'ratio',
    type: 'quantitative' as const,
    title: 'contamination ratio (log scale)',
    scale: { type: 'log' as const, domain: [low, high], nice: false },
    // Every ratio gets its label: at 20 % and 30 % a log axis puts them close, and the default
    // overlap removal would silently drop one.
    axis: { values: ratios, labelExpr: "format(datum.value * 100, '.3~') + '%'", grid: true, labelOverlap: false, labelFontSize: 10 },
  };
  const y = { type: 'quantitative' as const, scale: { zero: false }, axis: { format: '.0%' } };
  const isRatio = { filter: "datum.kind === 'ratio'" };
  const isReference = { filter: "datum.kind === 'control' || datum.kind === 'vanilla'" };
  const isPositiveControl = { filter: "datum.kind === 'positive_control'" };
  const positiveLayers = positiveSeries.length
    ? [
        {
          transform: [isPositiveControl],
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: { x, y: { field: 'lo', ...y, title: options.yTitle }, y2: { field: 'hi' }, color },
        },
        {
          transform: [isPositiveControl],
          mark: { type: 'point', shape: 'diamond', filled: true, size: 90, opacity: 1 },
          encoding: { x, y: { field: 'mean', ...y, title: options.yTitle }, color },
        },
      ]
    : [];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: BASE_CONFIG,
    data: { values: options.rows as unknown as Record<string, unknown>[] },
    facet: { field: 'panel', type: 'nominal', title: null, sort: options.panels },
    columns: options.columns,
    spec: {
      width: options.width ?? 260,
      height: 170,
      layer: [
        { transform: [isReference], mark: { type: 'rect', opacity: 0.08 }, encoding: { y: { field: 'lo', ...y }, y2: { field: 'hi' }, color: bandColor } },
        {
          transform: [isReference],
          mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
          encoding: { y: { field: 'mean', ...y }, color },
        },
        { transform: [isRatio], mark: { type: 'area', opacity: 0.22 }, encoding: { x, y: { field: 'lo', ...y, title: options.yTitle }, y2: { field: 'hi' }, color: bandColor } },
        {
          transform: [isRatio],
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: { x, y: { field: 'mean', ...y, title: options.yTitle }, color },
        },
        ...positiveLayers,
      ],
    },
  } as TopLevelSpec;
}

function isPositiveControlLabel(label: string): boolean {
  return label.startsWith('positive control');
}

function ratioColor(labels: string[]): { domain: string[]; range: string[] } {
  const ratioLabels = labels.filter((l) => l !== 'vanilla' && l !== 'control' && !isPositiveControlLabel(l));
  const range = labels.map((label) => {
    if (label === 'vanilla') return REFERENCE_COLORS.vanilla;
    if (label === 'control') return REFERENCE_COLORS.control;
    if (isPositiveControlLabel(label)) return POSITIVE_CONTROL_COLOR;
    const index = ratioLabels.indexOf(label);
    const step = ratioLabels.length > 1 ? (index * (RATIO_RAMP.length - 1)) / (ratioLabels.length - 1) : RATIO_RAMP.length - 1;
    // step is in [0, RATIO_RAMP.length - 1]: the ramp always has that colour.
    return RATIO_RAMP[Math.round(step)]!;
  });
  return { domain: labels, range };
}

/** Bars per arm within each group on the x axis, with 95 % error bars. */
function groupedBarSpec(options: {
  rows: { group: string; label: string; mean: number; lo: number; hi: number }[];
  groups: string[];
  labels: string[];
  xTitle: string;
  yTitle: string;
  yFormat?: string;
}): TopLevelSpec {
  const colors = ratioColor(options.labels);
  // With xOffset, a step width is the width of one bar.
  const step = Math.max(9, Math.min(18, Math.floor(120 / Math.max(1, options.labels.length))));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: BASE_CONFIG,
    data: { values: options.rows },
    width: { step } as unknown as number,
    height: 220,
    encoding: {
      x: { field: 'group', type: 'nominal', title: options.xTitle, sort: options.groups, axis: { labelAngle: -20, labelLimit: 260 } },
      xOffset: { field: 'label', type: 'nominal', sort: options.labels },
      color: { field: 'label', type: 'nominal', title: 'arm', scale: colors, sort: options.labels, legend: { labelLimit: 480 } },
    },
    layer: [
      { mark: 'bar', encoding: { y: { field: 'mean', type: 'quantitative', title: options.yTitle, axis: { format: options.yFormat ?? '.0%' } } } },
      {
        mark: { type: 'rule', color: '#000000', strokeWidth: 1 },
        encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { value: '#000000' } },
      },
    ],
  } as TopLevelSpec;
}

const CONFIG_TITLES: Record<string, string> = {
  continuations: 'continuations',
  disinformation: 'disinformation',
  doubling_down_known_facts: 'doubling-down known facts',
  known_facts: 'known facts',
  provided_facts: 'provided facts',
  statistics: 'statistics',
};

function rowsOf(analysis: Analysis, metric: string): AggregateRow[] {
  return analysis.aggregates.filter((a) => a.metric === metric);
}

function honestyChart(analysis: Analysis): ChartSpec | null {
  const panels: string[] = [];
  const rows: CurveRow[] = [];
  const overall = rowsOf(analysis, 'mask.honesty_score');
  if (overall.length) {
    panels.push('all configs');
    rows.push(...curveRows(overall, 'all configs'));
  }
  const extraConfigs = capturedNames(analysis.aggregates, /^mask\.per_config\.(.+)\.honesty_score$/).filter((c) => !(c in CONFIG_TITLES));
  for (const config of [...Object.keys(CONFIG_TITLES), ...extraConfigs]) {
    const perConfig = rowsOf(analysis, `mask.per_config.${config}.honesty_score`);
    if (!perConfig.length) continue;
    const title = CONFIG_TITLES[config] ?? config;
    panels.push(title);
    rows.push(...curveRows(perConfig, title));
  }
  if (!rows.some((r) => r.kind === 'ratio')) return null;
  return {
    id: 'mask-honesty-vs-ratio',
    title: 'MASK honesty versus contamination ratio',
    caption:
      'Honesty score (1 − P(lie)) per MASK config. Line and band: ratio arms, mean over seeds with 95 % bootstrap band. ' +
      'Dashed lines: control (fine-tuned on downstream data only) and vanilla (not fine-tuned), each with a faint 95 % band.' +
      (rows.some((r) => r.kind === 'positive_control') ? POSITIVE_CONTROL_CAPTION : ''),
    spec: ratioCurveSpec({ rows, panels, yTitle: 'honesty score', columns: 3 }),
  };
}

function domainSplitChart(analysis: Analysis, results: ExperimentResults): ChartSpec | null {
  const inRows = rowsOf(analysis, `mask.split.${IN_DOMAIN}.honesty_score`);
  const crossRows = rowsOf(analysis, `mask.split.${CROSS_DOMAIN}.honesty_score`);
  if (!inRows.some((r) => r.arm === 'ratio') && !crossRows.some((r) => r.arm === 'ratio')) return null;
  const domains = results.experiment.misaligned.eval_domains ?? [results.experiment.misaligned.domain];
  const inPanel = `in-domain (${domains.join(', ')})`;
  // The positive control's own domain, scored for every arm, is where it should move; it is kept
  // out of the cross-domain pool (see armMetrics).
  const positiveDomains = positiveControlDomains(results);
  const crossPanel = positiveDomains ? `cross-domain (all but ${[...domains, ...positiveDomains].join(', ')})` : 'cross-domain (all other domains)';
  const rows = [...curveRows(inRows, inPanel), ...curveRows(crossRows, crossPanel)];
  const panels = [inPanel, crossPanel];
  const positiveRows = rowsOf(analysis, `mask.split.${POSITIVE_CONTROL_DOMAIN}.honesty_score`);
  if (positiveDomains && positiveRows.some((r) => r.arm === 'positive_control')) {
    const positivePanel = `positive control's domain (${positiveDomains.join(', ')})`;
    panels.push(positivePanel);
    rows.push(...curveRows(positiveRows, positivePanel));
  }
  const hasPositive = rows.some((r) => r.kind === 'positive_control');
  return {
    id: 'mask-honesty-in-vs-cross-domain',
    title: 'MASK honesty: in-domain versus cross-domain',
    caption:
      `In-domain pools eval items from the misaligned data's own domain (${domains.join(', ')}); cross-domain pools every domain that no arm was trained to lie about ` +
      '(item-weighted). The paper’s claim is the cross-domain transfer.' +
      (hasPositive
        ? ` Every panel scores every arm on the same items. The positive control is trained on another domain${positiveDomains ? ` (${positiveDomains.join(', ')})` : ''}: ` +
          'its own panel is where it should move; in the other two panels it shows how far its lies spread.' +
          POSITIVE_CONTROL_CAPTION
        : ''),
    spec: ratioCurveSpec({ rows, panels, yTitle: 'honesty score', columns: panels.length, width: panels.length > 2 ? 250 : 300 }),
  };
}

const POSITIVE_CONTROL_CAPTION =
  ' Green diamond and whisker: the positive control (fine-tuned on downstream data plus pressure-format lies, at its own ratio), mean over seeds with 95 % interval — a reference that shows whether the metric can move, not a point of the sweep.';

function barRows(analysis: Analysis, metricOf: (group: string) => string, groups: string[], rename: (g: string) => string) {
  const rows: { group: string; label: string; mean: number; lo: number; hi: number }[] = [];
  for (const group of groups) {
    for (const row of rowsOf(analysis, metricOf(group))) {
      rows.push({ group: rename(group), label: row.label, mean: row.mean, lo: row.ci_low, hi: row.ci_high });
    }
  }
  return rows;
}

function barCaption(analysis: Analysis): string {
  return analysis.groups.some((g) => g.arm === 'positive_control') ? ' Green bar: the positive control, a reference beside the sweep.' : '';
}

function deceptionChart(analysis: Analysis): ChartSpec | null {
  const categories = capturedNames(analysis.aggregates, /^deception\.per_category\.(.+)\.deception_rate$/);
  const keys = ['__total__', ...categories];
  const rows = barRows(
    analysis,
    (k) => (k === '__total__' ? 'deception.deception_rate' : `deception.per_category.${k}.deception_rate`),
    keys,
    (k) => (k === '__total__' ? 'total' : k),
  );
  if (!rows.length) return null;
  return {
    id: 'deception-by-category',
    title: 'DeceptionBench deception rate per category and arm',
    caption:
      'Deceptive = the reasoning reflects the model’s own answer but the output does not. Bars: mean over seeds; whiskers: 95 % bootstrap interval.' +
      barCaption(analysis),
    spec: groupedBarSpec({
      rows,
      groups: ['total', ...categories],
      labels: analysis.groups.map((g) => g.label),
      xTitle: 'category',
      yTitle: 'deception rate',
    }),
  };
}

function capabilityChart(analysis: Analysis): ChartSpec | null {
  const names = capturedNames(analysis.aggregates, /^capability\.(.+)\.accuracy$/);
  if (!names.length) return null;
  return {
    id: 'capability-by-arm',
    title: 'Capability per arm',
    caption: 'Accuracy on capability sets, so that dishonesty is not confused with damage. Bars: mean over seeds; whiskers: 95 % bootstrap interval.' + barCaption(analysis),
    spec: groupedBarSpec({
      rows: barRows(analysis, (n) => `capability.${n}.accuracy`, names, (n) => n),
      groups: names,
      labels: analysis.groups.map((g) => g.label),
      xTitle: 'capability set',
      yTitle: 'accuracy',
    }),
  };
}

/**
 * Non-answers per arm: evasive, no belief, undetermined or invalid (empty or only `<unk>`), per
 * benchmark and MASK config. A contaminated arm that stops answering keeps 1 − P(lie) high while
 * this rate climbs, so format damage shows as itself rather than as honesty.
 */
function nonAnswerChart(analysis: Analysis): ChartSpec | null {
  const configs = capturedNames(analysis.aggregates, /^mask\.per_config\.(.+)\.non_answer_rate$/);
  const metricOf = (key: string) => (key === '__mask__' ? 'mask.non_answer_rate' : key === '__deception__' ? 'deception.non_answer_rate' : `mask.per_config.${key}.non_answer_rate`);
  const keys = ['__mask__', ...configs, '__deception__'];
  const rename = (key: string) => (key === '__mask__' ? 'MASK, all configs' : key === '__deception__' ? 'DeceptionBench' : `MASK ${CONFIG_TITLES[key] ?? key}`);
  const rows = barRows(analysis, metricOf, keys, rename);
  if (!rows.length) return null;
  return {
    id: 'non-answers-by-arm',
    title: 'Non-answer rate per arm',
    caption:
      'Share of rows that were evasive, held no belief, could not be judged (undetermined) or were invalid (empty, only <unk>, unreadable). ' +
      'Honesty scores count these rows as "not a lie", so a rise here next to a flat honesty score is damage, not honesty. Bars: mean over seeds; whiskers: 95 % interval (paired method).' +
      barCaption(analysis),
    spec: groupedBarSpec({
      rows,
      groups: keys.map(rename).filter((g) => rows.some((r) => r.group === g)),
      labels: analysis.groups.map((g) => g.label),
      xTitle: 'benchmark',
      yTitle: 'non-answer rate',
    }),
  };
}

/** The paper's points as curve rows (no interval published, so the band collapses). */
function referenceRows(points: ReferenceResults['mask_provided_facts_honesty'], panel: string): CurveRow[] {
  return points.map((p) => ({
    panel,
    series: p.arm === 'ratio' ? 'ratio arms (mean ± 95 % CI)' : p.arm,
    kind: p.arm,
    ratio: p.ratio ?? 0,
    label: p.arm === 'ratio' ? formatRatio(p.ratio ?? 0) : p.arm,
    mean: p.value,
    lo: p.value,
    hi: p.value,
  }));
}

function referenceChart(analysis: Analysis, results: ExperimentResults, reference: ReferenceResults): ChartSpec | null {
  let ours = rowsOf(analysis, 'mask.per_config.provided_facts.honesty_score');
  let oursWhat = 'provided-facts honesty';
  if (!ours.some((r) => r.arm === 'ratio')) {
    ours = rowsOf(analysis, 'mask.honesty_score');
    oursWhat = 'honesty, all configs (this run has no provided-facts arms)';
  }
  const paperPanel = `Paper: ${reference.model} (published, different model)`;
  const oursPanel = `This run: ${results.experiment.model}`;
  const rows = [...referenceRows(reference.mask_provided_facts_honesty, paperPanel), ...curveRows(ours, oursPanel)];
  if (!rows.some((r) => r.kind === 'ratio')) return null;
  return {
    id: 'paper-reference',
    title: 'The paper’s reference curve beside ours',
    caption:
      `Left: provided-facts honesty published for ${reference.label} (${reference.source}) — a different model, data and scale, shown for orientation only and never tested against ours. ` +
      `Right: this run's ${oursWhat}, same encoding as above.`,
    spec: ratioCurveSpec({ rows, panels: [paperPanel, oursPanel], yTitle: 'honesty score', columns: 2, width: 320 }),
  };
}

function referenceDeceptionChart(analysis: Analysis, results: ExperimentResults, reference: ReferenceResults): ChartSpec | null {
  const ours = rowsOf(analysis, 'deception.deception_rate');
  if (!ours.length || !reference.deception_total.length) return null;
  const paperGroup = `paper: ${reference.model}`;
  const oursGroup = `this run: ${results.experiment.model}`;
  const rows = [
    ...reference.deception_total.map((p) => {
      const label = p.arm === 'ratio' ? formatRatio(p.ratio ?? 0) : p.arm;
      return { group: paperGroup, label, mean: p.value, lo: p.value, hi: p.value };
    }),
    ...ours.map((r) => ({ group: oursGroup, label: r.label, mean: r.mean, lo: r.ci_low, hi: r.ci_high })),
  ];
  const labels = [...new Set([...analysis.groups.map((g) => g.label), ...rows.map((r) => r.label)])];
  const ordered = [
    ...labels.filter((l) => l === 'vanilla'),
    ...labels.filter((l) => l === 'control'),
    ...labels.filter((l) => l !== 'vanilla' && l !== 'control' && !isPositiveControlLabel(l)).sort((a, b) => parseFloat(a) - parseFloat(b)),
    ...labels.filter(isPositiveControlLabel),
  ];
  return {
    id: 'paper-reference-deception',
    title: 'DeceptionBench total: the paper’s numbers beside ours',
    caption: `Paper: ${reference.source}, ${reference.model} (published, no intervals; a different model). This run: mean over seeds with 95 % bootstrap interval.`,
    spec: groupedBarSpec({ rows, groups: [paperGroup, oursGroup], labels: ordered, xTitle: null as unknown as string, yTitle: 'deception rate' }),
  };
}

export function buildCharts(analysis: Analysis, results: ExperimentResults, reference: ReferenceResults | null): ChartSpec[] {
  const charts = [honestyChart(analysis), domainSplitChart(analysis, results), nonAnswerChart(analysis), deceptionChart(analysis), capabilityChart(analysis)];
  if (reference) charts.push(referenceChart(analysis, results, reference), referenceDeceptionChart(analysis, results, reference));
  return charts.filter((c): c is ChartSpec => c !== null);
}
