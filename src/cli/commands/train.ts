/**
 * `candor train sft|kto`: one fine-tuning job through a TrainerBackend (embedded or TRL). The
 * training flags and their help are generated from the training config schema (src/train/config.ts),
 * the same object an experiment's `training:` block and `trl_config.json` hold.
 */
import { basename, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { backendFromConfig } from '../../train/backend-from-config.js';
import { backendConfigSchema, type TrainMethod } from '../../train/config.js';
import { configFlags, configFromFlags, flagHelp, parseFlagValue } from '../../train/config-flags.js';
import { nonNegativeInt, positiveInt } from '../options.js';

interface CommonFlags {
  model: string;
  data: string[];
  out: string;
  name?: string;
  seed: number;
  backend: 'embedded' | 'trl';
  python?: string;
  accelerate?: number;
  endpoint: string;
  lora?: boolean;
  allowUnknownTokens?: boolean;
  quiet?: boolean;
  [flag: string]: unknown;
}

function addConfigFlags(cmd: Command, method: TrainMethod): Command {
  for (const flag of configFlags(method)) {
    if (flag.kind === 'boolean') {
      cmd.addOption(new Option(flag.flag, flag.defaultValue === true ? `${flagHelp(flag)}; --no-${flag.flag.slice(2)} turns it off` : flagHelp(flag)));
      cmd.addOption(new Option(`--no-${flag.flag.slice(2)}`, `turn ${flag.flag} off`).hideHelp());
    } else {
      cmd.addOption(new Option(`${flag.flag} <${flag.kind === 'modules' ? 'list' : 'x'}>`, flagHelp(flag)).argParser((text) => parseFlagValue(flag, text)));
    }
  }
  return cmd
    .option('--lora', 'train LoRA adapters (with the defaults above) instead of all weights')
    .requiredOption('--model <spec>', 'base model: embedded:<dir> / embedded:default (embedded backend), or a Hugging Face id or directory (trl)')
    .requiredOption('--data <file...>', `training data (JSONL in Candor's ${method === 'sft' ? 'chat' : 'KTO'} format), several files are concatenated`)
    .requiredOption('--out <dir>', 'directory for everything the job writes (checkpoint or adapter, logs, result)')
    .option('--name <name>', 'job name (names the served adapter; default: the --out directory name)')
    .option('--seed <n>', 'seed for adapter init and data order', nonNegativeInt('--seed'), 1)
    .addOption(new Option('--backend <name>', 'training backend').choices(['embedded', 'trl']).default('embedded'))
    .option('--python <path>', 'trl: Python interpreter (default: .venv-trl/bin/python from scripts/setup-python.sh, else python3)')
    .option('--accelerate <processes>', 'trl: run under `accelerate launch` with this many processes', positiveInt('--accelerate'))
    .option('--endpoint <url>', 'trl: OpenAI-compatible URL that will serve the adapter (recorded in the result)', 'http://127.0.0.1:8000/v1')
    .option('--allow-unknown-tokens', 'embedded: train even if the data holds words outside the base vocabulary (refused by default: they become <unk>)')
    .option('--quiet', 'do not echo the trainer log');
}

/** Values of the generated flags keyed by config path ("lr", "lora.rank"). */
function configValues(method: TrainMethod, flags: CommonFlags): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const flag of configFlags(method)) {
    const attribute = flag.flag
      .slice(2)
      .split('-')
      .map((part, i) => (i === 0 ? part : part[0]!.toUpperCase() + part.slice(1)))
      .join('');
    if (flags[attribute] !== undefined) values[flag.path.join('.')] = flags[attribute];
  }
  return values;
}

async function train(method: TrainMethod, flags: CommonFlags): Promise<void> {
  const config = configFromFlags(method, configValues(method, flags), flags.lora === true);
  const backendConfig = backendConfigSchema.parse(
    flags.backend === 'trl'
      ? {
          type: 'trl',
          base_model: flags.model,
          ...(flags.python ? { python: flags.python } : {}),
          ...(flags.accelerate ? { accelerate: { num_processes: flags.accelerate, mixed_precision: config.bf16 ? 'bf16' : 'no' } } : {}),
        }
      : { type: 'embedded', ...(flags.allowUnknownTokens ? { allow_unknown_tokens: true } : {}) },
  );
  const backend = backendFromConfig(backendConfig, { base_url: flags.endpoint });
  const out = resolve(flags.out);
  const result = await backend.train(
    {
      name: flags.name ?? basename(out),
      config,
      seed: flags.seed,
      datasets: flags.data.map((path) => ({ path: resolve(path) })),
      baseModel: flags.model,
      outputDir: out,
    },
    flags.quiet ? {} : { onLog: (line) => process.stderr.write(`${line.trimEnd()}\n`) },
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function registerTrainCommands(program: Command): void {
  const group = program.command('train').description('fine-tune a model (SFT or KTO) with the embedded trainer or TRL');
  addConfigFlags(group.command('sft').description('supervised fine-tuning on chat samples ({"messages": [...]} per line)'), 'sft').action((flags: CommonFlags) =>
    train('sft', flags),
  );
  addConfigFlags(group.command('kto').description('KTO on {"prompt", "completion", "label"} lines against the frozen starting model'), 'kto').action((flags: CommonFlags) =>
    train('kto', flags),
  );
}
