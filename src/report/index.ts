/** The report's public API. */
export { writeReport, writeReportForRun, type ReportOutput, type WriteReportOptions } from './write-report.js';
export { loadResults, parseResults, validateResults, RESULTS_FILE } from './load-results.js';
export {
  ExperimentResults,
  ArmResult,
  MaskSummary,
  MaskScores,
  DeceptionSummary,
  CapabilityScore,
  ReferenceResults,
  armGroupKey,
  type ExperimentResultsInput,
  type ArmKind,
  type Interval,
} from '../experiments/results-schema.js';
export { analyzeResults, AGGREGATION_METHOD, type Analysis, type AggregateRow, type Comparison, type Trend } from './aggregate.js';
export { PAPER_REFERENCE } from './paper-reference.js';
