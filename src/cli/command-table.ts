/**
 * The top-level commands with their one-line summaries, and how to load each one's module. Help
 * and --version are answered from this table alone; a command's module (and everything it imports:
 * zod, SQLite, the tensor backend …) loads only when that command runs.
 */
import type { Command } from 'commander';

export interface CommandEntry {
  /** Names the module registers on the program (a module may register several). */
  names: readonly string[];
  /** Usage shown in the top-level help, e.g. "run [options] <file>". */
  usage: Record<string, string>;
  summary: Record<string, string>;
  load(): Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    names: ['eval'],
    usage: { eval: 'eval' },
    summary: { eval: 'Honesty and deception evaluations (MASK, DeceptionBench)' },
    load: async () => (await import('./commands/eval.js')).registerEvalCommands,
  },
  {
    names: ['model'],
    usage: { model: 'model' },
    summary: { model: 'the embedded model: pre-training, generation, quick checks' },
    load: async () => (await import('./commands/model.js')).registerModelCommands,
  },
  {
    names: ['train'],
    usage: { train: 'train' },
    summary: { train: 'fine-tune a model (SFT or KTO) with the embedded trainer or TRL' },
    load: async () => (await import('./commands/train.js')).registerTrainCommands,
  },
  {
    names: ['serve'],
    usage: { serve: 'serve [options]' },
    summary: { serve: 'Serve a model (embedded:<dir> or a proxied openai:<model>@<url>) as an OpenAI-compatible HTTP endpoint' },
    load: async () => (await import('./commands/serve.js')).registerServeCommand,
  },
  {
    names: ['data', 'lineage'],
    usage: { data: 'data', lineage: 'lineage [options] <run-or-result>' },
    summary: {
      data: 'register datasets with their provenance, list, show and verify them',
      lineage: 'print the chain from a run, eval result or checkpoint down to the source files, with digests',
    },
    load: async () => (await import('./commands/data.js')).registerDataCommands,
  },
  {
    names: ['run'],
    usage: { run: 'run [options] <file>' },
    summary: { run: 'Run every arm of an experiment file (mix, train, evaluate), write results.json and the report; --check validates and prints the plan' },
    load: async () => (await import('./commands/run.js')).registerRunCommands,
  },
  {
    names: ['interact'],
    usage: { interact: 'interact' },
    summary: { interact: 'Simulated users rate the assistant; self-training on their feedback over rounds; the population monitor that gates it' },
    load: async () => (await import('./commands/interact.js')).registerInteractCommands,
  },
  {
    names: ['report'],
    usage: { report: 'report [options] <run-dir>' },
    summary: { report: "write an experiment run's report: one self-contained HTML file, PNG/SVG charts, CSV/JSON of every number" },
    load: async () => (await import('./commands/report.js')).registerReportCommands,
  },
  {
    names: ['export'],
    usage: { export: 'export [options] <run-dir>' },
    summary: { export: "write an eval run's samples as an Inspect AI log, CSV or JSONL" },
    load: async () => (await import('./commands/export.js')).registerExportCommand,
  },
];

/** The entry that registers `name`, if any. */
export function commandEntry(name: string): CommandEntry | undefined {
  return COMMANDS.find((entry) => entry.names.includes(name));
}
