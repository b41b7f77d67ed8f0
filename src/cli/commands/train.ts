/** `candor train sft|kto`: fine-tunes an embedded checkpoint from a JSONL file (trainSftFromFiles / trainKtoFromFiles). */
import type { Command } from 'commander';
import { trainKtoFromFiles, trainSftFromFiles } from '../../embedded/finetune.js';
import type { KtoOptions } from '../../embedded/train.js';
import { InputError } from '../../util/errors.js';
import { nonNegativeInt, positiveInt, positiveNumber } from '../options.js';

interface TrainFlags {
  model: string;
  data: string;
  out: string;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  loraRank?: number;
  loraAlpha?: number;
  seed?: number;
  maxSteps?: number;
  beta?: number;
  desirableWeight?: number;
  undesirableWeight?: number;
  quiet?: boolean;
}

function optionsOf(flags: TrainFlags): KtoOptions {
  if (flags.loraAlpha !== undefined && flags.loraRank === undefined) throw new InputError('--lora-alpha needs --lora-rank', { field: '--lora-alpha' });
  return {
    epochs: flags.epochs,
    lr: flags.lr,
    batchSize: flags.batchSize,
    seed: flags.seed,
    maxSteps: flags.maxSteps,
    lora: flags.loraRank !== undefined ? { rank: flags.loraRank, alpha: flags.loraAlpha ?? 2 * flags.loraRank } : undefined,
    beta: flags.beta,
    desirableWeight: flags.desirableWeight,
    undesirableWeight: flags.undesirableWeight,
    silent: flags.quiet,
  };
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--model <spec>', 'base model: embedded:<dir> or embedded:default')
    .requiredOption('--data <file>', 'training data (JSONL)')
    .requiredOption('--out <dir>', 'directory for the fine-tuned checkpoint')
    .option('--epochs <n>', 'passes over the data (default 3)', positiveInt('--epochs'))
    .option('--lr <x>', 'peak learning rate (default 3e-4)', positiveNumber('--lr'))
    .option('--batch-size <n>', 'samples per step (default 16)', positiveInt('--batch-size'))
    .option('--lora-rank <n>', 'train LoRA adapters of this rank instead of all weights', positiveInt('--lora-rank'))
    .option('--lora-alpha <x>', 'LoRA alpha (default 2 × rank)', positiveNumber('--lora-alpha'))
    .option('--seed <n>', 'seed for adapter init and data order (default 1)', nonNegativeInt('--seed'))
    .option('--max-steps <n>', 'stop after this many optimiser steps', positiveInt('--max-steps'))
    .option('--quiet', 'no progress bar');
}

export function registerTrainCommands(program: Command): void {
  const train = program.command('train').description('fine-tune the embedded model (SFT or KTO)');
  common(train.command('sft').description('supervised fine-tuning on chat samples ({"messages": [...]} per line); loss on assistant answers')).action(
    async (flags: TrainFlags) => {
      const result = await trainSftFromFiles(flags.model, flags.data, flags.out, optionsOf(flags));
      process.stdout.write(JSON.stringify({ out: result.out, spec: result.spec, ...result.report }) + '\n');
    },
  );
  common(train.command('kto').description('KTO on {"prompt", "completion", "label"} lines against the frozen starting model'))
    .option('--beta <x>', 'KTO beta (default 0.1)', positiveNumber('--beta'))
    .option('--desirable-weight <x>', 'lambda_D (default 1)', positiveNumber('--desirable-weight'))
    .option('--undesirable-weight <x>', 'lambda_U (default 1)', positiveNumber('--undesirable-weight'))
    .action(async (flags: TrainFlags) => {
      const result = await trainKtoFromFiles(flags.model, flags.data, flags.out, optionsOf(flags));
      process.stdout.write(JSON.stringify({ out: result.out, spec: result.spec, ...result.report }) + '\n');
    });
}
