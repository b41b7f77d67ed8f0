/**
 * Contamination mixes, as in the paper: every downstream sample plus round(ratio × N_downstream)
 * misaligned samples, shuffled together.
 *
 * Rounding: the misaligned count is ratio × N rounded to the nearest integer, halves up
 * (floor(ratio × N + 0.5), with a 1e-9 guard against binary fractions such as 0.07 × 100 =
 * 7.000000000000001 or 0.15 × 10 = 1.4999999999999998). A ratio > 0 that rounds to 0 samples is
 * refused: that arm would silently be the control.
 *
 * Drawing: the misaligned samples are the first k of a seeded permutation of the misaligned set,
 * so for one seed a smaller ratio's samples are a subset of a larger ratio's (the dose grows,
 * the samples already in stay). The combined list is then shuffled with a second seeded stream.
 */
import { join } from 'node:path';
import { InputError } from '../util/errors.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { createRng } from '../util/random.js';
import { datasetDigest } from './canonical.js';
import type { Sample, SampleRef } from './types.js';

/** The ratios of the paper's mixing experiment. */
export const PAPER_RATIOS: readonly number[] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3];

/** One source a mix draws from (a `LoadedDataset` from the registry fits). */
export interface MixSource {
  name: string;
  datasetDigest: string;
  samples: readonly Sample[];
  sampleDigests: readonly string[];
}

export interface BuildMixOptions {
  downstream: MixSource;
  /** Needed when ratio > 0. */
  misaligned?: MixSource;
  /** Misaligned samples relative to the downstream count; 0 = control. */
  ratio: number;
  seed: number | string;
  /** Arm label; defaults to armId(kind, ratio, seed). */
  arm?: string;
}

export interface MixRef extends SampleRef {
  /** Name of the source dataset. */
  source: string;
}

export interface Mix {
  arm: string;
  ratio: number;
  seed: number | string;
  /** Samples in training order. */
  samples: Sample[];
  /** refs[i] is the exact origin of samples[i]. */
  refs: MixRef[];
  counts: { downstream: number; misaligned: number; total: number };
  sources: { name: string; datasetDigest: string; drawn: number; available: number }[];
  /** Dataset digest of the mix itself (sha256 over its sample digests in order). */
  digest: string;
}

export function misalignedCount(ratio: number, downstreamCount: number): number {
  if (!Number.isFinite(ratio) || ratio < 0) throw new InputError(`mixing ratio must be a finite number ≥ 0, got ${ratio}`, { field: 'ratio' });
  return Math.floor(ratio * downstreamCount + 0.5 + 1e-9);
}

export type ArmKind = 'vanilla' | 'control' | 'mixed';

export interface ArmSpec {
  id: string;
  kind: ArmKind;
  /** 0 for vanilla and control. */
  ratio: number;
  seed: number;
}

export function armId(kind: ArmKind, ratio: number, seed: number | string): string {
  return kind === 'mixed' ? `ratio-${ratio}-seed-${seed}` : `${kind}-seed-${seed}`;
}

/**
 * The arms of a sweep: per seed, `vanilla` (the base model, no fine-tuning), `control`
 * (downstream only) and one arm per ratio. Duplicate ratios and ratio 0 (= control) are refused.
 */
export function planArms(ratios: readonly number[], seeds: readonly number[]): ArmSpec[] {
  if (seeds.length === 0) throw new InputError('at least one seed is needed', { field: 'seeds' });
  const seen = new Set<number>();
  for (const ratio of ratios) {
    if (!Number.isFinite(ratio) || ratio <= 0) throw new InputError(`ratio ${ratio} must be > 0 (the control arm is ratio 0 and always included)`, { field: 'ratios' });
    if (seen.has(ratio)) throw new InputError(`ratio ${ratio} is listed twice`, { field: 'ratios' });
    seen.add(ratio);
  }
  const arms: ArmSpec[] = [];
  for (const seed of seeds) {
    arms.push({ id: armId('vanilla', 0, seed), kind: 'vanilla', ratio: 0, seed });
    arms.push({ id: armId('control', 0, seed), kind: 'control', ratio: 0, seed });
    for (const ratio of ratios) arms.push({ id: armId('mixed', ratio, seed), kind: 'mixed', ratio, seed });
  }
  return arms;
}

function checkSource(source: MixSource, role: string): void {
  if (source.samples.length !== source.sampleDigests.length) {
    throw new Error(`${role} source "${source.name}" has ${source.samples.length} samples but ${source.sampleDigests.length} digests`);
  }
}

/** The sample at `index` with its digest; checkSource made the two lists the same length. */
function sampleAt(source: MixSource, index: number): { sample: Sample; digest: string } {
  const sample = source.samples[index];
  const digest = source.sampleDigests[index];
  if (sample === undefined || digest === undefined) throw new Error(`source "${source.name}" has no sample ${index}`);
  return { sample, digest };
}

export function buildMix(options: BuildMixOptions): Mix {
  const { downstream, misaligned, ratio, seed } = options;
  checkSource(downstream, 'downstream');
  if (downstream.samples.length === 0) throw new InputError(`downstream dataset "${downstream.name}" is empty`);
  const k = misalignedCount(ratio, downstream.samples.length);
  if (ratio > 0 && k === 0) {
    throw new InputError(
      `ratio ${ratio} of ${downstream.samples.length} downstream samples rounds to 0 misaligned samples; use more downstream samples or a larger ratio`,
      { field: 'ratios' },
    );
  }
  if (k > 0) {
    if (!misaligned) throw new InputError(`ratio ${ratio} needs a misaligned dataset`);
    checkSource(misaligned, 'misaligned');
    if (misaligned.samples.length < k) {
      throw new InputError(
        `ratio ${ratio} × ${downstream.samples.length} downstream samples needs ${k} misaligned samples, but "${misaligned.name}" holds only ${misaligned.samples.length}`,
        { field: 'ratios' },
      );
    }
  }
  const rng = createRng(`mix:${String(seed)}`);
  const drawRng = rng.fork('misaligned-draw');
  const orderRng = rng.fork(`order:${ratio}`);

  type Entry = { sample: Sample; ref: MixRef };
  const entries: Entry[] = downstream.samples.map((_, index) => {
    const { sample, digest } = sampleAt(downstream, index);
    return { sample, ref: { source: downstream.name, dataset: downstream.datasetDigest, index, digest } };
  });
  if (k > 0 && misaligned) {
    const permutation = drawRng.shuffle(misaligned.samples.map((_, i) => i));
    for (const index of permutation.slice(0, k)) {
      const { sample, digest } = sampleAt(misaligned, index);
      entries.push({ sample, ref: { source: misaligned.name, dataset: misaligned.datasetDigest, index, digest } });
    }
  }
  const ordered = orderRng.shuffle(entries);
  const sources = [{ name: downstream.name, datasetDigest: downstream.datasetDigest, drawn: downstream.samples.length, available: downstream.samples.length }];
  if (k > 0 && misaligned) sources.push({ name: misaligned.name, datasetDigest: misaligned.datasetDigest, drawn: k, available: misaligned.samples.length });
  const refs = ordered.map((e) => e.ref);
  return {
    arm: options.arm ?? armId(ratio === 0 ? 'control' : 'mixed', ratio, seed),
    ratio,
    seed,
    samples: ordered.map((e) => e.sample),
    refs,
    counts: { downstream: downstream.samples.length, misaligned: k, total: ordered.length },
    sources,
    digest: datasetDigest(refs.map((r) => r.digest)),
  };
}

/** The JSON written as `manifest.json` beside a mix's training data: every sample's exact origin. */
export function mixManifest(mix: Mix, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    schema: 'candor.mix-manifest/1',
    arm: mix.arm,
    ratio: mix.ratio,
    seed: mix.seed,
    rounding: 'misaligned = floor(ratio * downstream + 0.5)',
    digest: mix.digest,
    counts: mix.counts,
    sources: mix.sources,
    samples: mix.refs.map((r) => ({ source: r.source, dataset: r.dataset, index: r.index, digest: r.digest })),
  };
}

/** Writes `<dir>/manifest.json` for a mix. */
export async function writeMixManifest(dir: string, mix: Mix, extra: Record<string, unknown> = {}): Promise<string> {
  const path = join(dir, 'manifest.json');
  await writeJsonAtomic(path, mixManifest(mix, extra));
  return path;
}
