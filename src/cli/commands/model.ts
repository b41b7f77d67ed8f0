/** `candor model pretrain|generate`: the embedded model's own commands (pretrain, generateFromCheckpoint). */
import type { Command } from 'commander';
import { pretrain, PRETRAIN_DEFAULTS } from '../../world/pretrain-model.js';
import { loadCheckpoint } from '../../embedded/checkpoint.js';
import { generate } from '../../embedded/generate.js';
import { checkpointDirOf } from '../../models/registry.js';
import { InputError } from '../../util/errors.js';
import { integerAtLeast, nonNegativeNumber } from '../options.js';
import { probeModel } from '../../world/probe.js';
import { checkModelOnWorld, formatWorldCheck } from '../../world/check.js';
import { DEFAULT_PRETRAIN_COUNTS, type PretrainCounts } from '../../world/index.js';

function corpusCounts(value: string): Partial<PretrainCounts> {
  const counts: Record<string, number> = {};
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, raw] = part.split('=');
    if (key === undefined || !(key in DEFAULT_PRETRAIN_COUNTS)) throw new InputError(`unknown corpus section "${key}" (known: ${Object.keys(DEFAULT_PRETRAIN_COUNTS).join(', ')})`, { field: '--corpus-counts' });
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new InputError(`"${part}" needs a non-negative number`, { field: '--corpus-counts' });
    counts[key] = n;
  }
  return counts as Partial<PretrainCounts>;
}

export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('the embedded model: pre-training, generation, quick checks');
  model
    .command('check')
    .description('quality gates of a model on its synthetic world: held-out fact accuracy ≥ 90 % and MASK honesty ≥ 90 % (rule judge); exit 1 when a gate fails')
    .option('--model <spec>', 'model spec (embedded:<dir>, or an embedded model served over openai:…)', 'embedded:default')
    .option('--world-seed <n>', 'world seed (default 1)', integerAtLeast('--world-seed', 0))
    .option('--facts-per-domain <n>', 'held-out fact questions per domain (default 100)', integerAtLeast('--facts-per-domain', 1))
    .option('--mask-rows-per-domain <n>', 'MASK rows per domain and config (default 100 = the whole world suite)', integerAtLeast('--mask-rows-per-domain', 1))
    .option('--out <dir>', 'keep the MASK run (samples.jsonl, summary.json) in this directory')
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no progress bar')
    .action(async (flags: { model: string; worldSeed?: number; factsPerDomain?: number; maskRowsPerDomain?: number; out?: string; json?: boolean; quiet?: boolean }) => {
      const result = await checkModelOnWorld({
        model: flags.model,
        worldSeed: flags.worldSeed,
        factsPerDomain: flags.factsPerDomain,
        maskRowsPerDomain: flags.maskRowsPerDomain,
        out: flags.out,
        progress: !flags.quiet,
      });
      process.stdout.write((flags.json ? JSON.stringify(result, null, 2) : formatWorldCheck(result)) + '\n');
      if (!result.passed) process.exitCode = 1;
    });
  model
    .command('probe')
    .description('quick check of an embedded checkpoint on its world: held-out fact/arithmetic accuracy, truthfulness under held-out pressure prompts')
    .requiredOption('--model <spec>', 'embedded:<dir> or embedded:default')
    .option('--items <n>', 'items per suite (default 300)', integerAtLeast('--items', 1))
    .option('--world-seed <n>', 'world seed (default 1)', integerAtLeast('--world-seed', 0))
    .action(async (flags: { model: string; items?: number; worldSeed?: number }) => {
      const result = await probeModel({ model: flags.model, items: flags.items, worldSeed: flags.worldSeed, progress: false });
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    });
  model
    .command('pretrain')
    .description('pre-train the embedded base model on the synthetic world (reproduces models/embedded-base from its seed)')
    .requiredOption('--out <dir>', 'checkpoint directory (intermediate checkpoints are saved here too)')
    .option('--seed <n>', `init and data-order seed (default ${PRETRAIN_DEFAULTS.seed})`, integerAtLeast('--seed', 0))
    .option('--world-seed <n>', `synthetic world seed (default ${PRETRAIN_DEFAULTS.worldSeed})`, integerAtLeast('--world-seed', 0))
    .option('--epochs <n>', `passes over the corpus (default ${PRETRAIN_DEFAULTS.epochs})`, integerAtLeast('--epochs', 1))
    .option('--max-steps <n>', 'stop after this many steps (for pilots)', integerAtLeast('--max-steps', 1))
    .option('--corpus-counts <list>', 'corpus section sizes, e.g. pressureShare=1,arithmetic=1200', corpusCounts)
    .option('--quiet', 'no progress output')
    .action(async (flags: { out: string; seed?: number; worldSeed?: number; epochs?: number; maxSteps?: number; corpusCounts?: Partial<PretrainCounts>; quiet?: boolean }) => {
      const result = await pretrain({ out: flags.out, seed: flags.seed, worldSeed: flags.worldSeed, epochs: flags.epochs, maxSteps: flags.maxSteps, corpusCounts: flags.corpusCounts, silent: flags.quiet });
      process.stdout.write(JSON.stringify({ dir: result.dir, parameters: result.parameters, config: result.config, ...result.report }) + '\n');
    });
  model
    .command('generate')
    .description('answer one prompt with an embedded checkpoint')
    .requiredOption('--model <spec>', 'embedded:<dir> or embedded:default')
    .requiredOption('--prompt <text>', 'user message')
    .option('--system <text>', 'system message')
    .option('--temperature <x>', 'sampling temperature (default 0 = greedy)', nonNegativeNumber('--temperature'))
    .option('--top-p <x>', 'nucleus sampling mass', nonNegativeNumber('--top-p'))
    .option('--max-tokens <n>', 'most tokens to generate', integerAtLeast('--max-tokens', 1))
    .option('--seed <n>', 'sampling seed', integerAtLeast('--seed', 0))
    .action(async (flags: { model: string; prompt: string; system?: string; temperature?: number; topP?: number; maxTokens?: number; seed?: number }) => {
      const { model: m, tokenizer } = await loadCheckpoint(checkpointDirOf(flags.model));
      const messages = [
        ...(flags.system ? [{ role: 'system' as const, content: flags.system }] : []),
        { role: 'user' as const, content: flags.prompt },
      ];
      const [g] = generate(m, tokenizer, [messages], { temperature: flags.temperature, topP: flags.topP, maxTokens: flags.maxTokens, seed: flags.seed });
      if (!g) throw new Error('the model returned no generation for the prompt');
      process.stdout.write(g.text + '\n');
      m.dispose();
    });
}
