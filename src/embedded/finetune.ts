/**
 * File-level fine-tuning API used by the CLI and the experiment runner: load a checkpoint, train
 * SFT or KTO from a JSONL file, save the result as a new checkpoint directory.
 */
import path from 'node:path';
import { loadCheckpoint } from './checkpoint.js';
import { saveCheckpoint } from './checkpoint.js';
import { readKtoFile, readSftFile } from './datasets.js';
import { resolveCheckpointDir } from './provider.js';
import { trainKto, trainSft, type KtoOptions, type TrainOptions, type TrainReport } from './train.js';
import { InputError } from '../util/errors.js';

export interface FinetuneResult {
  /** Directory of the new checkpoint. */
  out: string;
  /** Model spec to evaluate it with (`embedded:<out>`). */
  spec: string;
  report: TrainReport;
}

/** `embedded:DIR`, `embedded:default` or a bare directory → checkpoint directory. */
export function checkpointDirOf(modelSpec: string): string {
  if (modelSpec.startsWith('embedded:')) return resolveCheckpointDir(modelSpec.slice('embedded:'.length));
  if (modelSpec.includes(':')) throw new InputError(`only embedded models can be fine-tuned here (got "${modelSpec}")`, { field: 'model' });
  return resolveCheckpointDir(modelSpec);
}

async function finetune(
  method: 'sft' | 'kto',
  modelSpec: string,
  dataFile: string,
  out: string,
  options: KtoOptions,
): Promise<FinetuneResult> {
  const baseDir = checkpointDirOf(modelSpec);
  const samples = method === 'sft' ? readSftFile(dataFile) : readKtoFile(dataFile);
  const { model, tokenizer, config } = await loadCheckpoint(baseDir);
  try {
    const report =
      method === 'sft'
        ? await trainSft(model, tokenizer, samples as ReturnType<typeof readSftFile>, options as TrainOptions)
        : await trainKto(model, tokenizer, samples as ReturnType<typeof readKtoFile>, options);
    const { onCheckpoint: _a, onStep: _b, ...recorded } = options;
    await saveCheckpoint(out, model, tokenizer, {
      provenance: {
        kind: method,
        base: baseDir,
        baseProvenance: config.provenance,
        data: path.resolve(dataFile),
        samples: samples.length,
        options: recorded,
        steps: report.steps,
        tokens: report.tokens,
        seconds: Math.round(report.seconds * 10) / 10,
        finalLoss: report.finalLoss,
      },
      lora: options.lora,
    });
    return { out, spec: `embedded:${out}`, report };
  } finally {
    model.dispose();
  }
}

export function trainSftFromFiles(modelSpec: string, dataFile: string, out: string, options: TrainOptions = {}): Promise<FinetuneResult> {
  return finetune('sft', modelSpec, dataFile, out, options);
}

export function trainKtoFromFiles(modelSpec: string, dataFile: string, out: string, options: KtoOptions = {}): Promise<FinetuneResult> {
  return finetune('kto', modelSpec, dataFile, out, options);
}
