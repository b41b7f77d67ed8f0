/**
 * The dataset registry: one SQLite file (default `.candor/registry.sqlite`) holding every
 * registered dataset's manifest and ordered sample digests, plus the lineage graph. A dataset is
 * only ever used through `load`, which refuses a file whose bytes changed since registration.
 */
import { join, resolve } from 'node:path';
import { InputError } from '../util/errors.js';
import { fileSha256 } from '../util/canonical-json.js';
import { datasetDigest, sampleDigest } from '../data/canonical.js';
import { buildManifest, writeManifest, type DatasetManifest, type GeneratorInfo } from '../data/manifest.js';
import { readSamples } from '../data/readers.js';
import { writeJsonl } from '../data/writers.js';
import type { DataFormat, Sample, SampleRef } from '../data/types.js';
import { artifactId, LineageStore } from './lineage.js';
import { openSqlite, type SqliteDatabase } from './sqlite.js';

export const DEFAULT_REGISTRY_DIR = '.candor';

const REGISTRY_SCHEMA = `
CREATE TABLE IF NOT EXISTS datasets (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  source TEXT NOT NULL,
  license TEXT NOT NULL,
  file_path TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  dataset_digest TEXT NOT NULL,
  sample_count INTEGER NOT NULL,
  counts TEXT NOT NULL,
  generator TEXT,
  registered_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS datasets_file ON datasets(file_path);
CREATE TABLE IF NOT EXISTS dataset_samples (
  name TEXT NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (name, idx)
);
`;

export interface DatasetSummary {
  name: string;
  kind: 'chat' | 'kto';
  format: DataFormat;
  samples: number;
  datasetDigest: string;
  source: string;
  license: string;
  filePath: string;
  generator?: GeneratorInfo;
  registeredAt: string;
}

export interface AddDatasetOptions {
  name: string;
  source: string;
  license: string;
  format?: DataFormat;
  generator?: GeneratorInfo;
  /** Replace an existing registration of the same name whose content differs. */
  replace?: boolean;
}

export interface VerifyResult {
  name: string;
  ok: boolean;
  filePath: string;
  recordedSha256: string;
  actualSha256?: string;
  problem?: string;
}

/** A verified dataset in memory, ready to mix or train on. */
export interface LoadedDataset {
  manifest: DatasetManifest;
  samples: Sample[];
  sampleDigests: string[];
  /** The exact id of each sample (dataset digest, index, sample digest). */
  refs: SampleRef[];
  /** Shape that `buildMix` takes. */
  name: string;
  datasetDigest: string;
}

interface DatasetRow {
  name: string;
  kind: 'chat' | 'kto';
  format: DataFormat;
  source: string;
  license: string;
  file_path: string;
  file_sha256: string;
  file_bytes: number;
  dataset_digest: string;
  sample_count: number;
  counts: string;
  generator: string | null;
  registered_at: string;
}

export class Registry {
  readonly lineage: LineageStore;
  private constructor(
    readonly dir: string,
    readonly db: SqliteDatabase,
  ) {
    db.exec(REGISTRY_SCHEMA);
    this.lineage = new LineageStore(db);
  }

  /** Opens (creating if needed) `<dir>/registry.sqlite`. */
  static open(dir: string = DEFAULT_REGISTRY_DIR): Registry {
    const absolute = resolve(dir);
    return new Registry(absolute, openSqlite(join(absolute, 'registry.sqlite')));
  }

  close(): void {
    this.db.close();
  }

  /**
   * Registers a data file. Re-adding identical content under the same name is a no-op; different
   * content under a taken name is refused unless `replace`. The manifest is also written to
   * `<registry>/manifests/<name>.json`.
   */
  async add(file: string, options: AddDatasetOptions): Promise<DatasetManifest> {
    validateName(options.name);
    const manifest = await buildManifest(file, options);
    const existing = this.get(options.name);
    if (existing) {
      const same = existing.datasetDigest === manifest.datasetDigest && existing.file.sha256 === manifest.file.sha256 && existing.file.path === manifest.file.path;
      if (same) return existing;
      if (!options.replace) {
        throw new InputError(
          `dataset name "${options.name}" is already registered for ${existing.file.path} (digest ${existing.datasetDigest.slice(0, 12)}…); choose another name or pass --replace`,
          { file },
        );
      }
    }
    this.store(manifest);
    await writeManifest(join(this.dir, 'manifests', `${options.name}.json`), manifest);
    return manifest;
  }

  /** Registers a file unless the same path is already registered with the same bytes. */
  async ensure(file: string, options: AddDatasetOptions): Promise<DatasetManifest> {
    const byPath = this.findByPath(file);
    if (byPath) {
      await this.requireUnchanged(byPath);
      return byPath;
    }
    return this.add(file, options);
  }

  findByPath(file: string): DatasetManifest | undefined {
    const row = this.db.prepare('SELECT * FROM datasets WHERE file_path = ? ORDER BY registered_at DESC').get(resolve(file)) as DatasetRow | undefined;
    return row ? this.manifestFromRow(row) : undefined;
  }

  get(name: string): DatasetManifest | undefined {
    const row = this.db.prepare('SELECT * FROM datasets WHERE name = ?').get(name) as DatasetRow | undefined;
    return row ? this.manifestFromRow(row) : undefined;
  }

  require(name: string): DatasetManifest {
    const manifest = this.get(name);
    if (!manifest) {
      const known = this.list().map((d) => d.name);
      throw new InputError(`no dataset named "${name}" is registered in ${this.dir}${known.length ? ` (known: ${known.join(', ')})` : ''}; add it with: candor data add FILE --name ${name} --source URI --license L`);
    }
    return manifest;
  }

  list(): DatasetSummary[] {
    const rows = this.db.prepare('SELECT * FROM datasets ORDER BY name').all() as DatasetRow[];
    return rows.map((row) => ({
      name: row.name,
      kind: row.kind,
      format: row.format,
      samples: row.sample_count,
      datasetDigest: row.dataset_digest,
      source: row.source,
      license: row.license,
      filePath: row.file_path,
      ...(row.generator ? { generator: JSON.parse(row.generator) as GeneratorInfo } : {}),
      registeredAt: row.registered_at,
    }));
  }

  /** Checks that a registered file still has the bytes it had when registered. */
  async verify(name: string): Promise<VerifyResult> {
    const manifest = this.require(name);
    const base = { name, filePath: manifest.file.path, recordedSha256: manifest.file.sha256 };
    let actual: string;
    try {
      actual = (await fileSha256(manifest.file.path)).sha256;
    } catch (error) {
      return { ...base, ok: false, problem: `file cannot be read: ${(error as Error).message}` };
    }
    if (actual !== manifest.file.sha256) {
      return { ...base, ok: false, actualSha256: actual, problem: 'file changed since it was registered' };
    }
    return { ...base, ok: true, actualSha256: actual };
  }

  /**
   * Loads a registered dataset after proving it unchanged: the file digest must match, and every
   * sample re-read must have its recorded digest (which also catches a change in how records are
   * normalised between Candor versions).
   */
  async load(name: string): Promise<LoadedDataset> {
    const manifest = this.require(name);
    await this.requireUnchanged(manifest);
    const samples: Sample[] = [];
    const digests: string[] = [];
    for await (const read of readSamples(manifest.file.path, { format: manifest.format })) {
      const index = samples.length;
      const digest = sampleDigest(read.sample);
      if (digest !== manifest.sampleDigests[index]) {
        throw new InputError(`sample ${index} does not match its registered digest; re-register the dataset "${name}"`, {
          file: manifest.file.path,
          line: read.line,
        });
      }
      samples.push(read.sample);
      digests.push(digest);
    }
    if (samples.length !== manifest.counts.samples) {
      throw new InputError(`holds ${samples.length} samples, ${manifest.counts.samples} were registered as "${name}"`, { file: manifest.file.path });
    }
    return {
      manifest,
      samples,
      sampleDigests: digests,
      refs: digests.map((digest, index) => ({ dataset: manifest.datasetDigest, index, digest })),
      name,
      datasetDigest: manifest.datasetDigest,
    };
  }

  private async requireUnchanged(manifest: DatasetManifest): Promise<void> {
    const result = await this.verify(manifest.name);
    if (!result.ok) {
      throw new InputError(
        `registered dataset "${manifest.name}" refused: ${result.problem}` +
          (result.actualSha256 ? ` (sha256 recorded ${result.recordedSha256}, now ${result.actualSha256})` : '') +
          `; restore the original file or register the new content under a new name`,
        { file: manifest.file.path },
      );
    }
  }

  private store(manifest: DatasetManifest): void {
    const write = this.db.transaction(() => {
      this.db.prepare('DELETE FROM datasets WHERE name = ?').run(manifest.name);
      this.db
        .prepare(
          `INSERT INTO datasets (name, kind, format, source, license, file_path, file_sha256, file_bytes, dataset_digest, sample_count, counts, generator, registered_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          manifest.name,
          manifest.kind,
          manifest.format,
          manifest.source,
          manifest.license,
          manifest.file.path,
          manifest.file.sha256,
          manifest.file.bytes,
          manifest.datasetDigest,
          manifest.counts.samples,
          JSON.stringify(manifest.counts),
          manifest.generator ? JSON.stringify(manifest.generator) : null,
          manifest.registeredAt,
        );
      const insert = this.db.prepare('INSERT INTO dataset_samples (name, idx, digest) VALUES (?, ?, ?)');
      manifest.sampleDigests.forEach((digest, idx) => insert.run(manifest.name, idx, digest));
      const fileId = this.lineage.recordArtifact({ kind: 'source_file', digest: manifest.file.sha256, path: manifest.file.path, meta: { bytes: manifest.file.bytes } });
      this.lineage.recordArtifact({
        kind: 'dataset',
        digest: manifest.datasetDigest,
        name: manifest.name,
        meta: {
          count: manifest.counts.samples,
          format: manifest.format,
          source: manifest.source,
          license: manifest.license,
          ...(manifest.generator ? { generator: manifest.generator } : {}),
        },
        parents: [{ id: fileId, relation: 'read from' }],
      });
    });
    write.immediate();
  }

  private manifestFromRow(row: DatasetRow): DatasetManifest {
    const digests = (this.db.prepare('SELECT digest FROM dataset_samples WHERE name = ? ORDER BY idx').all(row.name) as { digest: string }[]).map((r) => r.digest);
    return {
      schema: 'candor.dataset-manifest/1',
      name: row.name,
      kind: row.kind,
      format: row.format,
      source: row.source,
      license: row.license,
      file: { path: row.file_path, sha256: row.file_sha256, bytes: row.file_bytes },
      datasetDigest: row.dataset_digest,
      counts: JSON.parse(row.counts) as DatasetManifest['counts'],
      ...(row.generator ? { generator: JSON.parse(row.generator) as GeneratorInfo } : {}),
      registeredAt: row.registered_at,
      sampleDigests: digests,
    };
  }
}

function validateName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) {
    throw new InputError(`dataset name "${name}" must start with a letter or digit and hold only letters, digits, ".", "_" or "-"`, { field: 'name' });
  }
}

export interface RegisterGeneratedOptions {
  name: string;
  /** Where the generated samples are written as JSON Lines; the manifest goes beside it. */
  outPath: string;
  samples: Iterable<Sample> | AsyncIterable<Sample>;
  generator: GeneratorInfo;
  /** Defaults to "candor:generator/<generator name>". */
  source?: string;
  /** Defaults to the project's licence for data it writes itself. */
  license?: string;
  replace?: boolean;
}

/**
 * Writes generated samples to `outPath` (atomically), registers them with the generator's name
 * and seed, and writes `<outPath without extension>.manifest.json` beside them. Regenerating the
 * same data under the same name is a no-op.
 */
export async function registerGenerated(registry: Registry, options: RegisterGeneratedOptions): Promise<DatasetManifest> {
  const samples: Sample[] = [];
  for await (const sample of options.samples as AsyncIterable<Sample>) samples.push(sample);
  const existing = registry.get(options.name);
  if (existing && !options.replace && existing.datasetDigest !== datasetDigest(samples.map(sampleDigest))) {
    // Refuse before touching the file: it may be the registered copy.
    throw new InputError(
      `dataset name "${options.name}" is already registered with different content (generator ${existing.generator?.name ?? 'none'}, seed ${String(existing.generator?.seed ?? '-')}); choose another name or pass replace`,
      { file: options.outPath },
    );
  }
  await writeJsonl(options.outPath, samples);
  const manifest = await registry.add(options.outPath, {
    name: options.name,
    source: options.source ?? `candor:generator/${options.generator.name}`,
    license: options.license ?? 'MIT',
    generator: options.generator,
    replace: options.replace,
  });
  await writeManifest(manifestPathFor(options.outPath), manifest);
  return manifest;
}

/** `data/x.jsonl` → `data/x.manifest.json` */
export function manifestPathFor(dataPath: string): string {
  return dataPath.replace(/\.(jsonl|json)$/i, '') + '.manifest.json';
}

/** The provenance shape the project's generators attach to a set (src/formats/samples.ts). */
export interface GeneratedSetLike {
  info: { generator: string; seed: number; worldSeed?: number; params?: Record<string, string | number | boolean> };
  samples: Sample[];
}

/** `registerGenerated` for a set straight from a project generator. */
export async function registerGeneratedSet(
  registry: Registry,
  options: { name: string; outPath: string; set: GeneratedSetLike; source?: string; license?: string; replace?: boolean },
): Promise<DatasetManifest> {
  const { info, samples } = options.set;
  return registerGenerated(registry, {
    name: options.name,
    outPath: options.outPath,
    samples,
    generator: { name: info.generator, seed: info.seed, ...(info.worldSeed !== undefined ? { worldSeed: info.worldSeed } : {}), ...(info.params ? { params: info.params } : {}) },
    source: options.source,
    license: options.license,
    replace: options.replace,
  });
}

export { artifactId };
