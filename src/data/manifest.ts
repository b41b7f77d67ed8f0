/**
 * Dataset manifests: what a dataset is (its samples' digests, in order), where it came from, under
 * which licence, and how it was made. Built by streaming the file once.
 */
import { z } from 'zod';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../util/errors.js';
import { formatFieldPath } from '../util/field-path.js';
import { fileSha256 } from '../util/canonical-json.js';
import { DatasetDigester, sampleDigest } from './canonical.js';
import { readSamples } from './readers.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { DATA_FORMATS, isKtoSample, kindOfFormat, type DataFormat } from './types.js';
import { firstIssue } from '../util/zod-issue.js';

export const MANIFEST_SCHEMA_ID = 'candor.dataset-manifest/1';

export const generatorInfoSchema = z.object({
  name: z.string().min(1),
  seed: z.union([z.number(), z.string()]),
  /** Seed of the synthetic world the set was drawn from (project generators). */
  worldSeed: z.number().optional(),
  version: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type GeneratorInfo = z.infer<typeof generatorInfoSchema>;

export const datasetManifestSchema = z.object({
  schema: z.literal(MANIFEST_SCHEMA_ID),
  name: z.string(),
  kind: z.enum(['chat', 'kto']),
  format: z.enum(DATA_FORMATS),
  source: z.string(),
  license: z.string(),
  file: z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() }),
  datasetDigest: z.string().regex(/^[0-9a-f]{64}$/),
  counts: z.object({
    samples: z.number().int().nonnegative(),
    messages: z.number().int().nonnegative(),
    desirable: z.number().int().nonnegative().optional(),
    undesirable: z.number().int().nonnegative().optional(),
  }),
  generator: generatorInfoSchema.optional(),
  registeredAt: z.string(),
  sampleDigests: z.array(z.string()),
});
export type DatasetManifest = z.infer<typeof datasetManifestSchema>;

export interface ManifestOptions {
  name: string;
  source: string;
  license: string;
  format?: DataFormat;
  generator?: GeneratorInfo;
}

export async function buildManifest(file: string, options: ManifestOptions): Promise<DatasetManifest> {
  const before = await fileSha256(file).catch((error: Error) => {
    throw new InputError(`cannot read data file: ${error.message}`, { file });
  });
  const digester = new DatasetDigester();
  const sampleDigests: string[] = [];
  let format = options.format;
  let messages = 0;
  let desirable = 0;
  let undesirable = 0;
  for await (const read of readSamples(file, { format })) {
    format = read.format;
    const digest = sampleDigest(read.sample);
    sampleDigests.push(digest);
    digester.add(digest);
    if (isKtoSample(read.sample)) {
      if (read.sample.label) desirable++;
      else undesirable++;
    } else messages += read.sample.messages.length;
  }
  if (sampleDigests.length === 0) throw new InputError('data file holds no records', { file });
  const after = await fileSha256(file);
  // A file rewritten while we read it would give a manifest that matches neither version.
  if (after.sha256 !== before.sha256) throw new InputError('data file changed while it was being read; try again', { file });
  const kind = kindOfFormat(format!);
  return {
    schema: MANIFEST_SCHEMA_ID,
    name: options.name,
    kind,
    format: format!,
    source: options.source,
    license: options.license,
    file: { path: resolve(file), sha256: before.sha256, bytes: before.bytes },
    datasetDigest: digester.digest(),
    counts: kind === 'kto' ? { samples: sampleDigests.length, messages, desirable, undesirable } : { samples: sampleDigests.length, messages },
    ...(options.generator ? { generator: options.generator } : {}),
    registeredAt: new Date().toISOString(),
    sampleDigests,
  };
}

export async function writeManifest(path: string, manifest: DatasetManifest): Promise<void> {
  await writeJsonAtomic(path, manifest);
}

export async function readManifest(path: string): Promise<DatasetManifest> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read manifest: ${(error as Error).message}`, { file: path });
  }
  const parsed = datasetManifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    throw new InputError(issue.message, { file: path, field: formatFieldPath(issue.path) });
  }
  return parsed.data;
}
