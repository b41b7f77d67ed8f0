/**
 * File-level fine-tuning API used by the CLI and the experiment runner: load a checkpoint, train
 * SFT or KTO from a JSONL file, save the result as a new checkpoint directory.
 */
import path from 'node:path';
import { loadCheckpoint } from './checkpoint.js';
import { saveCheckpoint } from './checkpoint.js';
import { readNumberedKtoFile, readNumberedSftFile, type NumberedRow } from './datasets.js';
import { countUnknownTokens, refuseUnknownTokens, type TrainingTextSample } from './vocabulary-check.js';
import { trainKto, trainSft, type KtoOptions, type TrainOptions, type TrainReport } from './train.js';
import type { LoraConfig } from './config.js';
import { InputError } from '../util/errors.js';

export interface FinetuneResult {
  /** Directory of the new checkpoint. */
  out: string;
  /** Model spec to evaluate it with (`embedded:<out>`). */
  spec: string;
  report: TrainReport;
  /** Flat figures for experiment records. */
  metrics: Record<string, number>;
}

/** The single-object form used by the experiment runner's embedded backend (src/train/embedded.ts). */
export interface FinetuneFileOptions extends Omit<KtoOptions, 'lora'> {
  /** Base checkpoint directory (a model spec is resolved by the caller: checkpointDirOf in src/models/registry.ts). */
  base: string;
  /** One JSONL file or several, concatenated in order. */
  data: string | string[];
  out: string;
  lora?: LoraConfig | null;
  /** Train even if a set holds words the base tokenizer does not know (they become <unk>). */
  allowUnknownTokens?: boolean;
}

/** The base as a directory: a model spec is resolved by the caller (checkpointDirOf in src/models/registry.ts). */
function baseDirectory(base: string): string {
  if (/^[a-z]+:/i.test(base) && !path.isAbsolute(base)) {
    throw new InputError(`the base must be a checkpoint directory, got the model spec "${base}" (resolve it with checkpointDirOf from src/models/registry.ts)`, { field: 'base' });
  }
  return path.resolve(base);
}

async function finetune(method: 'sft' | 'kto', request: FinetuneFileOptions): Promise<FinetuneResult> {
  const { base, data, out, lora, allowUnknownTokens, ...rest } = request;
  const options: KtoOptions = { ...rest, lora: lora ?? undefined };
  const baseDir = baseDirectory(base);
  const files = Array.isArray(data) ? data : [data];
  if (files.length === 0) throw new InputError('no training data files given', { field: 'data' });
  const sftRows = method === 'sft' ? files.map((f) => ({ file: f, rows: readNumberedSftFile(f) })) : [];
  const ktoRows = method === 'kto' ? files.map((f) => ({ file: f, rows: readNumberedKtoFile(f) })) : [];
  const sftSamples = sftRows.flatMap((f) => f.rows.map((r) => r.row));
  const ktoSamples = ktoRows.flatMap((f) => f.rows.map((r) => r.row));
  const { model, tokenizer, config } = await loadCheckpoint(baseDir);
  try {
    // Every set is counted against the base tokenizer before any training.
    let unknownTokens = 0;
    for (const { file, rows } of [...sftRows, ...ktoRows] as { file: string; rows: NumberedRow<TrainingTextSample>[] }[]) {
      const count = countUnknownTokens(tokenizer, rows.map((r) => ({ id: `line ${r.line}`, sample: r.row })));
      refuseUnknownTokens(count, file, allowUnknownTokens);
      unknownTokens += count.unknownTokens;
    }
    const report = method === 'sft' ? await trainSft(model, tokenizer, sftSamples, options) : await trainKto(model, tokenizer, ktoSamples, options);
    const { onCheckpoint: _a, onStep: _b, signal: _c, ...recorded } = options;
    await saveCheckpoint(out, model, tokenizer, {
      provenance: {
        kind: method,
        base: baseDir,
        baseProvenance: config.provenance,
        data: files.map((f) => path.resolve(f)),
        samples: sftSamples.length + ktoSamples.length,
        unknownTokens,
        options: recorded,
        steps: report.steps,
        tokens: report.tokens,
        seconds: Math.round(report.seconds * 10) / 10,
        finalLoss: report.finalLoss,
      },
      lora: options.lora,
    });
    return {
      out,
      spec: `embedded:${out}`,
      report,
      metrics: { unknown_tokens: unknownTokens, steps: report.steps, tokens: report.tokens, train_seconds: report.seconds, tokens_per_second: report.tokensPerSecond, final_loss: report.finalLoss },
    };
  } finally {
    model.dispose();
  }
}

function normalise(first: string | FinetuneFileOptions, dataFile?: string | string[], out?: string, options: KtoOptions = {}): FinetuneFileOptions {
  if (typeof first === 'object') return first;
  if (dataFile === undefined || out === undefined) throw new InputError('a data file and an output directory are required', { field: dataFile === undefined ? 'data' : 'out' });
  return { ...options, base: first, data: dataFile, out };
}

/** SFT from JSONL: `trainSftFromFiles(baseDir, dataFile, outDir, options)` or `trainSftFromFiles({ base, data, out, ... })`. */
export function trainSftFromFiles(options: FinetuneFileOptions): Promise<FinetuneResult>;
export function trainSftFromFiles(baseDir: string, dataFile: string | string[], out: string, options?: TrainOptions): Promise<FinetuneResult>;
export function trainSftFromFiles(first: string | FinetuneFileOptions, dataFile?: string | string[], out?: string, options?: TrainOptions): Promise<FinetuneResult> {
  return finetune('sft', normalise(first, dataFile, out, options));
}

/** KTO from JSONL: same two call forms as trainSftFromFiles. */
export function trainKtoFromFiles(options: FinetuneFileOptions): Promise<FinetuneResult>;
export function trainKtoFromFiles(baseDir: string, dataFile: string | string[], out: string, options?: KtoOptions): Promise<FinetuneResult>;
export function trainKtoFromFiles(first: string | FinetuneFileOptions, dataFile?: string | string[], out?: string, options?: KtoOptions): Promise<FinetuneResult> {
  return finetune('kto', normalise(first, dataFile, out, options));
}
