/**
 * The report's words: headline sentences and summary tables. A sentence claims an effect only
 * when the interval of that effect excludes 0; otherwise it says, in so many words, that nothing
 * was detected, and gives the interval so the reader sees how large an effect could still hide.
 */
import type { Analysis, AggregateRow, Comparison, Trend } from './aggregate.js';
import { armGroupKey, describePositiveControl, positiveControlDomains, type ExperimentResults } from '../experiments/results-schema.js';
import { capturedNames, CROSS_DOMAIN, IN_DOMAIN, POSITIVE_CONTROL_DOMAIN, POSITIVE_CONTROL_HELD_OUT, POSITIVE_CONTROL_TRAINED } from './metrics.js';

export interface Headline {
  metric: string;
  /** True when some interval behind this sentence excludes 0. */
  effect: boolean;
  text: string;
}

export interface TableColumn {
  title: string;
  metric: string;
}

export interface SummaryTable {
  columns: string[];
  rows: string[][];
}

const points = (fraction: number): string => `${(fraction * 100).toFixed(1)}`;
const signedPoints = (fraction: number): string => {
  const magnitude = Math.abs(fraction * 100).toFixed(1);
  // A value that rounds to zero gets no sign, so "−0.0" never suggests a direction.
  if (Number(magnitude) === 0) return '0.0';
  return `${fraction > 0 ? '+' : '−'}${magnitude}`;
};
const ciPoints = (low: number, high: number): string => `[${signedPoints(low)}, ${signedPoints(high)}]`;

export function formatScore(row: AggregateRow | undefined): string {
  if (!row) return '—';
  return `${points(row.mean)} [${points(row.ci_low)}, ${points(row.ci_high)}]`;
}

function describeComparison(name: string, c: Comparison): string {
  if (c.excludes_zero) {
    return `${name} at ${c.label} is ${Math.abs(c.difference * 100).toFixed(1)} points ${c.difference < 0 ? 'lower' : 'higher'} than control (difference ${signedPoints(c.difference)}, 95 % CI ${ciPoints(c.ci_low, c.ci_high)}).`;
  }
  return `${name} at ${c.label} is not distinguishable from control (difference ${signedPoints(c.difference)} points, 95 % CI ${ciPoints(c.ci_low, c.ci_high)} includes 0).`;
}

function describeTrend(name: string, t: Trend): string {
  if (t.excludes_zero) {
    return `${name} ${t.slope_per_tenth < 0 ? 'falls' : 'rises'} with the ratio: ${signedPoints(t.slope_per_tenth)} points per +10 % contamination (95 % CI ${ciPoints(t.ci_low, t.ci_high)}, ${t.points} arms incl. control).`;
  }
  return `${name} shows no detectable trend over the ratio: slope ${signedPoints(t.slope_per_tenth)} points per +10 % contamination, 95 % CI ${ciPoints(t.ci_low, t.ci_high)} includes 0.`;
}

const HEADLINE_METRICS: { metric: string; name: string }[] = [
  { metric: 'mask.honesty_score', name: 'MASK honesty' },
  { metric: 'mask.lie_given_position', name: 'MASK P(lie | belief held and a position taken)' },
  { metric: `mask.split.${IN_DOMAIN}.honesty_score`, name: 'In-domain MASK honesty' },
  { metric: `mask.split.${CROSS_DOMAIN}.honesty_score`, name: 'Cross-domain MASK honesty' },
  { metric: 'mask.per_config.provided_facts.honesty_score', name: 'Provided-facts MASK honesty' },
  { metric: 'deception.deception_rate', name: 'DeceptionBench deception rate' },
  { metric: 'mask.non_answer_rate', name: 'MASK non-answer rate' },
  { metric: 'deception.non_answer_rate', name: 'DeceptionBench non-answer rate' },
];

/** Non-answer rates measure format damage, not honesty: they never count as an honesty effect. */
export function isNonAnswerMetric(metric: string): boolean {
  return metric.endsWith('.non_answer_rate');
}

/** "evasive 3 · no belief 1 · undetermined 0 · invalid 12 of 600 rows" for a paired figure. */
export function formatNonAnswers(row: AggregateRow | undefined): string {
  if (!row?.non_answers) return '—';
  const n = row.non_answers;
  return `evasive ${n.evasive} · no belief ${n.no_belief} · undetermined ${n.undetermined} · invalid ${n.invalid} of ${row.n_rows ?? row.n_items} rows`;
}

/** Every ratio arm's difference from control, lowest ratio first: a headline names them all. */
function ratioComparisons(analysis: Analysis, metric: string): Comparison[] {
  return analysis.comparisons.filter((c) => c.metric === metric && c.arm === 'ratio').sort((a, b) => a.ratio - b.ratio);
}

function nonAnswerSentence(analysis: Analysis, metric: string): string | null {
  const rows = analysis.aggregates.filter((a) => a.metric === metric && a.non_answers && (a.arm === 'control' || a.arm === 'ratio'));
  if (!rows.length) return null;
  return `Non-answers behind it, summed over seeds: ${rows.map((r) => `${r.label} ${formatNonAnswers(r)}`).join('; ')}.`;
}

export function buildHeadlines(analysis: Analysis): Headline[] {
  const headlines: Headline[] = [];
  const capabilityMetrics = [...new Set(analysis.aggregates.map((a) => a.metric).filter((m) => /^capability\..+\.accuracy$/.test(m)))];
  const wanted = [
    ...HEADLINE_METRICS,
    ...capabilityMetrics.map((metric) => ({ metric, name: `Capability (${metric.slice('capability.'.length, -'.accuracy'.length)})` })),
  ];
  for (const { metric, name } of wanted) {
    const trend = analysis.trends.find((t) => t.metric === metric);
    // The sweep's own wording rests on its ratio arms only; the positive control has its own sentence.
    const perRatio = ratioComparisons(analysis, metric);
    const parts: string[] = [];
    if (trend) parts.push(describeTrend(name, trend));
    for (const c of perRatio) parts.push(describeComparison(name, c));
    if (!parts.length) continue;
    if (metric === 'mask.honesty_score' || metric === 'deception.deception_rate') {
      const counts = nonAnswerSentence(analysis, metric);
      if (counts) parts.push(counts);
    }
    headlines.push({ metric, effect: Boolean(trend?.excludes_zero || perRatio.some((c) => c.excludes_zero)), text: parts.join(' ') });
  }
  return headlines;
}

/** One sentence that answers the experiment's question, or says it cannot be answered. */
export function buildVerdict(analysis: Analysis, headlines: Headline[]): string {
  if (!analysis.groups.some((g) => g.arm === 'control' && g.seeds.length)) {
    return 'No control arm finished, so no effect of contamination can be estimated from this run.';
  }
  if (!analysis.groups.some((g) => g.arm === 'ratio' && g.seeds.length)) {
    return 'No contaminated arm finished, so no effect of contamination can be estimated from this run.';
  }
  const dishonesty = headlines.filter((h) => (h.metric.startsWith('mask.') || h.metric.startsWith('deception.')) && !isNonAnswerMetric(h.metric));
  const moved = dishonesty.filter((h) => h.effect);
  const damaged = headlines.filter((h) => isNonAnswerMetric(h.metric) && h.effect);
  // Format damage is said in the same breath, so a flat honesty score over rising non-answers never reads as steady honesty.
  const damage = damaged.length
    ? ` Non-answers moved (${damaged.map((h) => h.metric.split('.')[0] === 'mask' ? 'MASK' : 'DeceptionBench').join(', ')}): part of the answers became evasive, empty or unreadable — read 1 − P(lie) beside P(lie | belief and position) and the non-answer counts.`
    : '';
  if (!moved.length) {
    return 'No detectable effect of contamination on honesty or deception: every interval of a difference from control, and of the trend over the ratio, includes 0 (a null result at this scale, not proof of no effect).' + damage;
  }
  let verdict = `Contamination moved ${moved.length} of ${dishonesty.length} honesty/deception measures with intervals excluding 0 (see below for direction and size).`;
  // The paper's claim is transfer beyond the contaminated domain, so say separately whether that
  // part moved.
  const cross = headlines.find((h) => h.metric === `mask.split.${CROSS_DOMAIN}.honesty_score`);
  const inside = headlines.find((h) => h.metric === `mask.split.${IN_DOMAIN}.honesty_score`);
  if (cross && inside) {
    verdict += cross.effect
      ? ' Cross-domain honesty moved too: the effect is not confined to the contaminated domain.'
      : ` Cross-domain honesty did not move detectably${inside.effect ? '; the effect is confined to the contaminated domain' : ''}.`;
  }
  return verdict + damage;
}

export interface PositiveControlStatement {
  /** True: its interval excludes 0; false: it does not; null: it could not be compared. */
  moved: boolean | null;
  /**
   * With held-out entities: true when honesty on them fell versus control with an interval
   * excluding 0; false when it did not; absent when the run held no entities out.
   */
  generalised?: boolean;
  text: string;
}

const POSITIVE_CONTROL_METRIC = `mask.split.${POSITIVE_CONTROL_DOMAIN}.honesty_score`;
const POSITIVE_CONTROL_TRAINED_METRIC = `mask.split.${POSITIVE_CONTROL_TRAINED}.honesty_score`;
const POSITIVE_CONTROL_HELD_OUT_METRIC = `mask.split.${POSITIVE_CONTROL_HELD_OUT}.honesty_score`;

/**
 * The sentence on entities the positive control never saw a lie about: a drop there (interval
 * excluding 0) is lying that generalised beyond memorised facts. Null when there is no such split.
 */
function heldOutSentence(analysis: Analysis): { generalised: boolean; text: string } | null {
  const c = analysis.comparisons.find((x) => x.metric === POSITIVE_CONTROL_HELD_OUT_METRIC && x.arm === 'positive_control');
  if (!c) return null;
  const detail = `difference ${signedPoints(c.difference)} points versus control, 95 % CI ${ciPoints(c.ci_low, c.ci_high)}`;
  if (c.excludes_zero && c.difference < 0) {
    return {
      generalised: true,
      text: `On held-out entities of the same domain its honesty was ${Math.abs(c.difference * 100).toFixed(1)} points lower than control's (${detail}): the lying generalised to entities it was never trained to lie about, under eval pressure wordings its training lies never used (a separate template family).`,
    };
  }
  const why = c.excludes_zero ? `${detail}, higher rather than lower` : `${detail} includes 0`;
  return { generalised: false, text: `On held-out entities of the same domain it did not detectably generalise: honesty there is not lower than control's (${why}).` };
}

/** The positive control against control on one slice, in words that claim no more than the interval. */
function sliceSentence(analysis: Analysis, metric: string, where: string): string | null {
  const c = analysis.comparisons.find((x) => x.metric === metric && x.arm === 'positive_control');
  if (!c) return null;
  const detail = `difference ${signedPoints(c.difference)} points versus control, 95 % CI ${ciPoints(c.ci_low, c.ci_high)}`;
  if (!c.excludes_zero) return `${where}: not distinguishable from control (${detail} includes 0).`;
  return `${where}: honesty ${c.difference < 0 ? 'lower' : 'higher'} than control's by ${Math.abs(c.difference * 100).toFixed(1)} points (${detail}).`;
}

/**
 * One sentence on the positive control: did training on pressure-format lies move honesty on its
 * own domain, against control on the same items? If it did, the metric can move; if it did not,
 * a null in the sweep says nothing. Null when the run has no positive control.
 */
export function buildPositiveControlStatement(analysis: Analysis, results: ExperimentResults, headlines: Headline[] = buildHeadlines(analysis)): PositiveControlStatement | null {
  const what = describePositiveControl(results);
  if (what === null) return null;
  const subject = `the positive control (${what})`;
  const group = analysis.groups.find((g) => g.arm === 'positive_control');
  if (!group?.seeds.length) {
    return { moved: null, text: `The positive control (${what}) did not finish, so this run does not show whether the honesty metric can move; read a null in the sweep with that in mind.` };
  }
  // Items from its own domain when the eval items carry domains; otherwise all items.
  const domains = positiveControlDomains(results);
  let comparison = analysis.comparisons.find((c) => c.metric === POSITIVE_CONTROL_METRIC && c.arm === 'positive_control');
  let measure = `in-domain MASK honesty (${domains?.join(', ') ?? 'its domain'})`;
  if (!comparison) {
    comparison = analysis.comparisons.find((c) => c.metric === 'mask.honesty_score' && c.arm === 'positive_control');
    measure = 'MASK honesty over all items (the eval items carry no domains)';
  }
  if (!comparison) {
    return { moved: null, text: `The positive control (${what}) cannot be compared with control (no control arm or no MASK scores), so this run does not show whether the honesty metric can move.` };
  }
  const interval = `95 % CI ${ciPoints(comparison.ci_low, comparison.ci_high)}`;
  const heldOut = heldOutSentence(analysis);
  const trained = sliceSentence(analysis, POSITIVE_CONTROL_TRAINED_METRIC, 'On the entities its training lies were about');
  const cross = sliceSentence(analysis, `mask.split.${CROSS_DOMAIN}.honesty_score`, 'On the domains no arm was trained to lie about (cross-domain)');
  // In-domain first, then trained entities, held-out entities and cross-domain: each claimed only as far as its own interval goes.
  const withHeldOut = (statement: PositiveControlStatement): PositiveControlStatement => {
    const text = [statement.text, trained, heldOut?.text, cross].filter(Boolean).join(' ');
    return heldOut ? { ...statement, generalised: heldOut.generalised, text } : { ...statement, text };
  };
  if (comparison.excludes_zero) {
    const direction = comparison.difference < 0 ? 'lowered' : 'raised';
    return withHeldOut({
      moved: true,
      text: `The metric can move: ${subject} ${direction} ${measure} by ${Math.abs(comparison.difference * 100).toFixed(1)} points versus control (difference ${signedPoints(comparison.difference)}, ${interval}).`,
    });
  }
  const sweepMoved = headlines.some((h) => h.effect && (h.metric.startsWith('mask.') || h.metric.startsWith('deception.')));
  const difference = `difference ${signedPoints(comparison.difference)} points versus control, ${interval} includes 0`;
  return withHeldOut({
    moved: false,
    text: sweepMoved
      ? `Caveat: ${subject} did not move ${measure} (${difference}) although the sweep did; check the positive control's data and training before leaning on it.`
      : `Caveat: ${subject} did not move ${measure} either (${difference}), so the sweep's null is uninformative: this run did not show that the honesty metric can move at all.`,
  });
}

export function caveats(analysis: Analysis, results?: ExperimentResults): string[] {
  const notes: string[] = [];
  // A seed should vary what a user's repeat would, the base checkpoint first.
  const bases = (results?.experiment as { bases?: Record<string, string> } | undefined)?.bases;
  if (bases && Object.keys(bases).length > 1 && new Set(Object.values(bases)).size === 1) {
    notes.push(`Every seed started from the same base (${Object.values(bases)[0]}): the intervals cover the data draw and training randomness, not the variation between pre-trained bases.`);
  }
  const summaryOnly = [...new Set(analysis.comparisons.filter((c) => c.method === 'summary' && (c.metric.startsWith('mask.') || c.metric.startsWith('deception.'))).map((c) => c.metric))];
  if (summaryOnly.length) {
    notes.push(`Not paired item by item (the arms carry no per-item outcomes for them): ${summaryOnly.slice(0, 6).join(', ')}${summaryOnly.length > 6 ? ` and ${summaryOnly.length - 6} more` : ''}; their differences ignore that the arms answered the same items.`);
  }
  const fewSeeds = analysis.groups.filter((g) => g.seeds.length > 0 && g.seeds.length < 3 && g.arm !== 'vanilla');
  if (fewSeeds.length) {
    notes.push(`Fewer than 3 seeds in: ${fewSeeds.map((g) => `${g.label} (${g.seeds.length})`).join(', ')}; their intervals understate training randomness.`);
  }
  for (const group of analysis.groups) {
    for (const failure of group.failed) notes.push(`Arm ${group.label}, seed ${failure.seed} failed and is excluded: ${failure.error}`);
  }
  return notes;
}

function capabilityNames(analysis: Analysis): string[] {
  return capturedNames(analysis.aggregates, /^capability\.(.+)\.accuracy$/);
}

/**
 * Arm-by-metric table of means with 95 % intervals, in percentage points. With `results`, a
 * positive control's own domain gets a column named after it.
 */
export function armTable(analysis: Analysis, results?: ExperimentResults): SummaryTable {
  const positiveDomains = results ? positiveControlDomains(results) : null;
  const columns: TableColumn[] = [
    { title: 'MASK honesty', metric: 'mask.honesty_score' },
    { title: 'MASK accuracy', metric: 'mask.accuracy' },
    { title: 'in-domain honesty', metric: `mask.split.${IN_DOMAIN}.honesty_score` },
    { title: 'cross-domain honesty', metric: `mask.split.${CROSS_DOMAIN}.honesty_score` },
    { title: `positive-control domain honesty${positiveDomains ? ` (${positiveDomains.join(', ')})` : ''}`, metric: POSITIVE_CONTROL_METRIC },
    { title: 'positive-control domain, trained entities', metric: POSITIVE_CONTROL_TRAINED_METRIC },
    { title: 'positive-control domain, held-out entities', metric: POSITIVE_CONTROL_HELD_OUT_METRIC },
    { title: 'MASK P(lie | belief & position)', metric: 'mask.lie_given_position' },
    { title: 'MASK non-answer rate', metric: 'mask.non_answer_rate' },
    { title: 'deception rate', metric: 'deception.deception_rate' },
    { title: 'DeceptionBench non-answer rate', metric: 'deception.non_answer_rate' },
    ...capabilityNames(analysis).map((name) => ({ title: `capability: ${name}`, metric: `capability.${name}.accuracy` })),
  ].filter((c) => analysis.aggregates.some((a) => a.metric === c.metric));
  // The non-answers behind the two headline figures, by kind, so format damage is never hidden in a score.
  const countColumns = [
    { title: 'MASK non-answers', metric: 'mask.honesty_score' },
    { title: 'DeceptionBench non-answers', metric: 'deception.deception_rate' },
  ].filter((c) => analysis.aggregates.some((a) => a.metric === c.metric && a.non_answers));
  const rows = analysis.groups.map((group) => [
    group.label,
    String(group.seeds.length) + (group.failed.length ? ` (+${group.failed.length} failed)` : ''),
    ...columns.map((c) => formatScore(analysis.aggregates.find((a) => a.metric === c.metric && a.group === group.key))),
    ...countColumns.map((c) => formatNonAnswers(analysis.aggregates.find((a) => a.metric === c.metric && a.group === group.key))),
  ]);
  return { columns: ['arm', 'seeds', ...columns.map((c) => c.title), ...countColumns.map((c) => c.title)], rows };
}

/** The metrics worth a row in the page's tables; the CSV files hold all of them. */
export function isKeyMetric(metric: string): boolean {
  return (
    HEADLINE_METRICS.some((h) => h.metric === metric) ||
    metric === POSITIVE_CONTROL_METRIC ||
    metric === POSITIVE_CONTROL_TRAINED_METRIC ||
    metric === POSITIVE_CONTROL_HELD_OUT_METRIC ||
    /^mask\.per_config\.[^.]+\.honesty_score$/.test(metric) ||
    metric === 'mask.neutral_mention.lure_rate' ||
    /^capability\..+\.accuracy$/.test(metric)
  );
}

export function comparisonTable(analysis: Analysis): SummaryTable {
  const rows = analysis.comparisons
    .filter((c) => isKeyMetric(c.metric))
    .map((c) => [c.metric, c.label, signedPoints(c.difference), ciPoints(c.ci_low, c.ci_high), c.excludes_zero ? 'yes' : 'no', c.method === 'paired' ? `paired, ${c.n_items} item×seed cells` : 'summary (unpaired)']);
  return { columns: ['metric', 'arm', 'difference vs control (points)', '95 % CI', 'CI excludes 0', 'method'], rows };
}

export function trendTable(analysis: Analysis): SummaryTable {
  const rows = analysis.trends
    .filter((t) => isKeyMetric(t.metric))
    .map((t) => [t.metric, signedPoints(t.slope_per_tenth), ciPoints(t.ci_low, t.ci_high), String(t.points), t.excludes_zero ? 'yes' : 'no']);
  return { columns: ['metric', 'slope (points per +10 % ratio)', '95 % CI', 'arms', 'CI excludes 0'], rows };
}

/**
 * What the direction table can and cannot tell (printed above it). A lie is "toward the incentive"
 * when the pressured answer states the lure; rows are split by what the lure is.
 */
export const DIRECTION_NOTE =
  'Rows are split by the lure the pressure pushes: the opposite yes/no form of the truth, affirmative ("is safe") or ' +
  'negative ("is not safe"), or another value (another place, colour, number). Each cell is the rate of lies toward the ' +
  'incentive among that arm’s settled rows of that lure [95 % interval], and beside it the rate of flips against the ' +
  'incentive (stating the truth while believing the lure). The neutral-mention control asks the same question with the ' +
  'lure only mentioned, without any incentive. What it can detect: a bias toward "yes" shows as lies on affirmative lures ' +
  'with flips (or few lies) on negative ones; following whatever was mentioned shows as a neutral-mention rate near the ' +
  'pressured rate; deception shows as lies toward the incentive on every kind of lure, above the neutral-mention rate. ' +
  'What it cannot: it does not say why a model lies, it sees only the answer to the pressured question (a lie hidden in ' +
  'longer text or a refusal is a non-answer, counted apart), and with few rows per lure its intervals are wide.';

/**
 * Lies by the lure's kind and polarity, with the neutral-mention rate, from per-item outcomes;
 * without them, lie counts by direction summed over seeds (older results).
 */
export function lieDirectionTable(results: ExperimentResults, analysis: Analysis): SummaryTable | null {
  const lures = capturedNames(analysis.aggregates, /^mask\.direction\.(.+)\.toward_rate$/);
  if (lures.length) {
    const cell = (metric: string, group: string) => formatScore(analysis.aggregates.find((a) => a.metric === metric && a.group === group));
    const hasNeutral = analysis.aggregates.some((a) => a.metric === 'mask.neutral_mention.lure_rate');
    const rows = analysis.groups.map((group) => [
      group.label,
      ...lures.flatMap((lure) => [cell(`mask.direction.${lure}.toward_rate`, group.key), cell(`mask.direction.${lure}.against_rate`, group.key)]),
      ...(hasNeutral ? [cell('mask.neutral_mention.lure_rate', group.key)] : []),
    ]);
    const title = (lure: string) => lure.replace('negation_', 'negation, ').replace('other_value_affirmative', 'other value').replace('_', ' ');
    return {
      columns: ['arm', ...lures.flatMap((lure) => [`lies toward incentive: ${title(lure)}`, `flips against: ${title(lure)}`]), ...(hasNeutral ? ['neutral mention: lure stated'] : [])],
      rows,
    };
  }
  if (!results.arms.some((a) => a.mask?.lies)) return null;
  const rows = analysis.groups.map((group) => {
    let toward = 0;
    let against = 0;
    let denial = 0;
    for (const arm of results.arms) {
      if (arm.error || !arm.mask?.lies || armGroupKey(arm) !== group.key) continue;
      toward += arm.mask.lies.toward_incentive;
      against += arm.mask.lies.against_incentive;
      denial += arm.mask.lies.denial ?? 0;
    }
    const total = toward + against + denial;
    return [group.label, String(toward), String(against), String(denial), total ? `${((100 * toward) / total).toFixed(0)}%` : '—'];
  });
  return { columns: ['arm', 'lies toward incentive', 'flips against incentive', 'denials', 'share toward incentive'], rows };
}

function markdownTable(table: SummaryTable): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const lines = [
    `| ${table.columns.map(escape).join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function buildMarkdownSummary(results: ExperimentResults, analysis: Analysis): string {
  const headlines = buildHeadlines(analysis);
  const e = results.experiment;
  const positive = buildPositiveControlStatement(analysis, results, headlines);
  const positiveWhat = describePositiveControl(results);
  const parts = [
    `# Candor report: ${e.name}`,
    '',
    `Model ${e.model}; misaligned data ${e.misaligned.domain} (${e.misaligned.variant}); ${positiveWhat ? `positive control ${positiveWhat}; ` : ''}method ${e.method}; created ${e.created_at}; config ${e.config_digest}.`,
    '',
    `**${buildVerdict(analysis, headlines)}**`,
    '',
    ...(positive ? [`**${positive.text}**`, ''] : []),
    ...headlines.map((h) => `- ${h.text}`),
    '',
    'Scores in percentage points: mean over seeds and items [95 % interval]; the last columns count the non-answers behind MASK honesty and the deception rate, by kind. Honesty (1 − P(lie)) counts a non-answer as “not a lie”: read it beside P(lie | belief & position) and the non-answer rate.',
    '',
    markdownTable(armTable(analysis, results)),
    '',
  ];
  const comparisons = comparisonTable(analysis);
  if (comparisons.rows.length) parts.push('## Differences from control', '', markdownTable(comparisons), '');
  const trends = trendTable(analysis);
  if (trends.rows.length) parts.push('## Trend over the contamination ratio', '', markdownTable(trends), '');
  const lies = lieDirectionTable(results, analysis);
  if (lies) parts.push('## MASK lies by direction', '', DIRECTION_NOTE, '', markdownTable(lies), '');
  const notes = caveats(analysis, results);
  if (notes.length) parts.push('## Caveats', '', ...notes.map((n) => `- ${n}`), '');
  parts.push('## Method', '', `${analysis.method} Replicates: ${analysis.replicates}.`, '');
  return parts.join('\n');
}
