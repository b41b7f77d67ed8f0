/**
 * Writes a training job as a self-contained TRL run directory: the dataset in TRL's documented
 * format (`train.jsonl`), its manifest (per-sample digests, dataset digest, source files and the
 * registry manifests they came from) and `trl_config.json`. Input files are streamed, never loaded
 * whole.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetDigest } from '../data/canonical.js';
import { readJsonLines } from '../data/json-records.js';
import { writeJsonAtomic, writeStreamAtomic } from '../util/atomic-write.js';
import { digestOf, fileSha256 } from '../util/canonical-json.js';
import { InputError } from '../util/errors.js';
import { formatFieldPath } from '../util/field-path.js';
import { firstIssue } from '../util/zod-issue.js';
import {
  candorChatSampleSchema,
  candorKtoSampleSchema,
  toTrlKtoRow,
  toTrlSftRow,
  type TrlDatasetFormat,
} from './trl-formats.js';
import {
  TRL_ADAPTER_DIR,
  TRL_CONFIG_FILE,
  TRL_DATASET_FILE,
  TRL_MANIFEST_FILE,
  TRL_RESULT_FILE,
  TRL_CONFIG_FORMAT_VERSION,
  batchLayout,
  formatForMethod,
  type TrlRunConfig,
} from './trl-config.js';
import type { TrainJob } from './types.js';

export interface TrlExportOptions {
  /** Processes that will share the global batch (accelerate num_processes × machines); default 1. */
  numProcesses?: number;
  /** KTO only: force a format; `auto` writes conversational rows when any prompt is a chat. */
  ktoFormat?: 'auto' | 'standard' | 'conversational';
}

export interface TrlSourceRecord {
  path: string;
  name?: string;
  manifest_digest?: string;
  file_sha256: string;
  num_samples: number;
}

export interface TrlManifest {
  format_version: 1;
  method: TrainJob['config']['method'];
  trl_format: TrlDatasetFormat;
  file: string;
  file_sha256: string;
  num_samples: number;
  /** sha256 over the ordered sample digests, one per line. */
  dataset_digest: string;
  /** sha256 of each exported row's canonical JSON, in file order. */
  sample_digests: string[];
  label_counts?: { desirable: number; undesirable: number };
  sources: TrlSourceRecord[];
}

export interface TrlExport {
  dir: string;
  configPath: string;
  datasetPath: string;
  manifestPath: string;
  config: TrlRunConfig;
  manifest: TrlManifest;
}

export async function exportTrlJob(job: TrainJob, options: TrlExportOptions = {}): Promise<TrlExport> {
  if (job.datasets.length === 0) throw new InputError('a training job needs at least one dataset', { field: 'datasets' });
  const numProcesses = options.numProcesses ?? 1;
  // Before anything is written: a batch that cannot be split fails now, not on the cluster.
  batchLayout(job.config, numProcesses);
  const dir = job.outputDir;
  await mkdir(dir, { recursive: true });

  const format = await chooseFormat(job, options.ktoFormat ?? 'auto');
  const datasetPath = join(dir, TRL_DATASET_FILE);
  const written = await writeTrlDataset(job, format, datasetPath);

  const manifest: TrlManifest = {
    format_version: 1,
    method: job.config.method,
    trl_format: format,
    file: TRL_DATASET_FILE,
    file_sha256: (await fileSha256(datasetPath)).sha256,
    num_samples: written.sampleDigests.length,
    dataset_digest: datasetDigest(written.sampleDigests),
    sample_digests: written.sampleDigests,
    ...(job.config.method === 'kto' ? { label_counts: written.labelCounts } : {}),
    sources: written.sources,
  };
  const manifestPath = join(dir, TRL_MANIFEST_FILE);
  await writeJsonAtomic(manifestPath, manifest);

  const withoutDigest: Omit<TrlRunConfig, 'job_digest'> = {
    format_version: TRL_CONFIG_FORMAT_VERSION,
    job_name: job.name,
    method: job.config.method,
    base_model: job.baseModel,
    dataset: {
      path: TRL_DATASET_FILE,
      format,
      sha256: manifest.file_sha256,
      num_samples: manifest.num_samples,
      manifest: TRL_MANIFEST_FILE,
    },
    output_dir: TRL_ADAPTER_DIR,
    result_path: TRL_RESULT_FILE,
    seed: job.seed,
    num_processes: numProcesses,
    training: job.config,
  };
  const config: TrlRunConfig = { ...withoutDigest, job_digest: digestOf(withoutDigest) };
  const configPath = join(dir, TRL_CONFIG_FILE);
  await writeJsonAtomic(configPath, config);
  return { dir, configPath, datasetPath, manifestPath, config, manifest };
}

async function chooseFormat(job: TrainJob, ktoFormat: 'auto' | 'standard' | 'conversational'): Promise<TrlDatasetFormat> {
  if (job.config.method === 'sft') return 'conversational_language_modeling';
  if (ktoFormat === 'conversational') return 'conversational_unpaired_preference';
  // A first streamed pass finds whether any prompt is a chat; it also fails fast on bad rows.
  let anyChatPrompt = false;
  for (const dataset of job.datasets) {
    for await (const { line, value } of readJsonLines(dataset.path)) {
      const sample = parseSample(candorKtoSampleSchema, value, dataset.path, line);
      if (typeof sample.prompt !== 'string') {
        if (ktoFormat === 'standard') {
          throw new InputError('prompt is a chat, which the standard KTO format cannot hold (use ktoFormat "conversational")', {
            file: dataset.path,
            line,
            field: 'prompt',
          });
        }
        anyChatPrompt = true;
      }
    }
  }
  return formatForMethod('kto', anyChatPrompt);
}

interface WrittenDataset {
  sampleDigests: string[];
  labelCounts: { desirable: number; undesirable: number };
  sources: TrlSourceRecord[];
}

async function writeTrlDataset(job: TrainJob, format: TrlDatasetFormat, path: string): Promise<WrittenDataset> {
  const sampleDigests: string[] = [];
  const labelCounts = { desirable: 0, undesirable: 0 };
  const sources: TrlSourceRecord[] = [];
  await writeStreamAtomic(path, async (write) => {
    for (const dataset of job.datasets) {
      let count = 0;
      for await (const { line, value } of readJsonLines(dataset.path)) {
        let row: unknown;
        if (job.config.method === 'sft') {
          row = toTrlSftRow(parseSample(candorChatSampleSchema, value, dataset.path, line));
        } else {
          const sample = parseSample(candorKtoSampleSchema, value, dataset.path, line);
          row = toTrlKtoRow(sample, format as 'standard_unpaired_preference' | 'conversational_unpaired_preference');
          if (sample.label) labelCounts.desirable++;
          else labelCounts.undesirable++;
        }
        // The same canonical JSON as registry sample digests, so an SFT row's digest equals its sample's.
        sampleDigests.push(digestOf(row));
        await write(`${JSON.stringify(row)}\n`);
        count++;
      }
      if (count === 0) throw new InputError('dataset has no samples', { file: dataset.path });
      sources.push({
        path: dataset.path,
        ...(dataset.name ? { name: dataset.name } : {}),
        ...(dataset.manifestDigest ? { manifest_digest: dataset.manifestDigest } : {}),
        file_sha256: (await fileSha256(dataset.path)).sha256,
        num_samples: count,
      });
    }
  });
  return { sampleDigests, labelCounts, sources };
}

function parseSample<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, file: string, line: number): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = firstIssue(parsed.error);
  const field = formatFieldPath(issue.path);
  throw new InputError(issue.message, { file, line, ...(field ? { field } : {}) });
}
