/**
 * Lineage: which exact things every number came from. A directed graph of artifacts (source
 * files, datasets, mixes, checkpoints, eval results, runs) whose edges point from a thing to what
 * it was made from. Content-addressed artifacts have the id "<kind>:<digest>", so recording the
 * same thing twice is harmless and two runs that share a dataset share its node.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../util/errors.js';
import { fileSha256 } from '../util/canonical-json.js';
import { directoryDigest } from './digests.js';
import type { SqliteDatabase } from './sqlite.js';
import type { SampleRef } from '../data/types.js';

export type ArtifactKind = 'source_file' | 'dataset' | 'mix' | 'model' | 'checkpoint' | 'eval_result' | 'run' | (string & {});

export interface Artifact {
  id: string;
  kind: ArtifactKind;
  name: string | null;
  digest: string;
  runId: string | null;
  paths: string[];
  meta: Record<string, unknown>;
  createdAt: string;
}

export interface ArtifactInput {
  kind: ArtifactKind;
  digest: string;
  name?: string;
  /** A file or directory holding the artifact; stored absolute. */
  path?: string;
  runId?: string;
  meta?: Record<string, unknown>;
  /** What this artifact was made from. */
  parents?: { id: string; relation: string }[];
  /** Override the content-addressed id (e.g. a run's own id). */
  id?: string;
}

export interface RunInput {
  id: string;
  name?: string;
  experimentPath?: string;
  experimentDigest?: string;
  outDir?: string;
  status?: string;
}

export interface RunRecord {
  id: string;
  name: string | null;
  experimentPath: string | null;
  experimentDigest: string | null;
  outDir: string | null;
  status: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LineageNode extends Artifact {
  /** How the child uses this node ("trained on", "read from"); absent at the root. */
  relation?: string;
  parents: LineageNode[];
  /** Set when the node was already printed higher up (a shared ancestor). */
  seenBefore?: boolean;
}

/** Anything mix-like that can be recorded (structurally matches src/data/mix.ts Mix). */
export interface MixRecordable {
  arm: string;
  ratio: number;
  seed: number | string;
  digest: string;
  refs: readonly (SampleRef & { source: string })[];
  sources: readonly { name: string; datasetDigest: string; drawn: number }[];
}

export const LINEAGE_SCHEMA = `
CREATE TABLE IF NOT EXISTS artifacts (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT,
  digest TEXT NOT NULL,
  run_id TEXT,
  meta TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS artifacts_digest ON artifacts(digest);
CREATE TABLE IF NOT EXISTS artifact_paths (
  artifact_id TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  PRIMARY KEY (artifact_id, path)
);
CREATE INDEX IF NOT EXISTS artifact_paths_path ON artifact_paths(path);
CREATE TABLE IF NOT EXISTS edges (
  child TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  parent TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  relation TEXT NOT NULL,
  PRIMARY KEY (child, parent, relation)
);
CREATE INDEX IF NOT EXISTS edges_parent ON edges(parent);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  name TEXT,
  experiment_path TEXT,
  experiment_digest TEXT,
  out_dir TEXT,
  status TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mix_samples (
  mix_id TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  source TEXT NOT NULL,
  dataset_digest TEXT NOT NULL,
  sample_index INTEGER NOT NULL,
  sample_digest TEXT NOT NULL,
  PRIMARY KEY (mix_id, position)
);
`;

/** A row of the runs table, column for column. */
interface RunRow {
  id: string;
  name: string | null;
  experiment_path: string | null;
  experiment_digest: string | null;
  out_dir: string | null;
  status: string | null;
  created_at: string;
  updated_at: string;
}

interface ArtifactRow {
  id: string;
  kind: string;
  name: string | null;
  digest: string;
  run_id: string | null;
  meta: string;
  created_at: string;
}

export function artifactId(kind: string, digest: string): string {
  return `${kind}:${digest}`;
}

export class LineageStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec(LINEAGE_SCHEMA);
  }

  /** Records an artifact (idempotent) with its paths and parent edges; returns its id. */
  recordArtifact(input: ArtifactInput): string {
    const id = input.id ?? artifactId(input.kind, input.digest);
    const now = new Date().toISOString();
    const write = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO artifacts (id, kind, name, digest, run_id, meta, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET name = COALESCE(excluded.name, artifacts.name),
             run_id = COALESCE(artifacts.run_id, excluded.run_id),
             meta = CASE WHEN excluded.meta = '{}' THEN artifacts.meta ELSE excluded.meta END`,
        )
        .run(id, input.kind, input.name ?? null, input.digest, input.runId ?? null, JSON.stringify(input.meta ?? {}), now);
      if (input.path) this.db.prepare('INSERT OR IGNORE INTO artifact_paths (artifact_id, path) VALUES (?, ?)').run(id, resolve(input.path));
      for (const parent of input.parents ?? []) {
        if (!this.db.prepare('SELECT 1 FROM artifacts WHERE id = ?').get(parent.id)) {
          throw new Error(`lineage: parent artifact ${parent.id} of ${id} is not recorded`);
        }
        this.db.prepare('INSERT OR IGNORE INTO edges (child, parent, relation) VALUES (?, ?, ?)').run(id, parent.id, parent.relation);
      }
    });
    write.immediate();
    return id;
  }

  /**
   * Records a file or directory (checkpoint, result file) by its content digest: sha256 of a
   * file's bytes, or `directoryDigest` of a directory.
   */
  async recordPath(input: Omit<ArtifactInput, 'digest' | 'path'> & { path: string }): Promise<string> {
    const absolute = resolve(input.path);
    let digest: string;
    try {
      digest = statSync(absolute).isDirectory() ? (await directoryDigest(absolute)).digest : (await fileSha256(absolute)).sha256;
    } catch (error) {
      throw new InputError(`cannot read artifact: ${(error as Error).message}`, { file: input.path });
    }
    return this.recordArtifact({ ...input, path: absolute, digest });
  }

  link(childId: string, parentId: string, relation: string): void {
    this.db.prepare('INSERT OR IGNORE INTO edges (child, parent, relation) VALUES (?, ?, ?)').run(childId, parentId, relation);
  }

  /** Creates or updates a run; the run is also an artifact ("run:<id>") so lineage can start at it. */
  recordRun(input: RunInput): string {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO runs (id, name, experiment_path, experiment_digest, out_dir, status, created_at, updated_at)
         VALUES (@id, @name, @experimentPath, @experimentDigest, @outDir, @status, @now, @now)
         ON CONFLICT(id) DO UPDATE SET status = COALESCE(excluded.status, runs.status), updated_at = excluded.updated_at,
           out_dir = COALESCE(excluded.out_dir, runs.out_dir), name = COALESCE(excluded.name, runs.name)`,
      )
      .run({
        id: input.id,
        name: input.name ?? null,
        experimentPath: input.experimentPath ? resolve(input.experimentPath) : null,
        experimentDigest: input.experimentDigest ?? null,
        outDir: input.outDir ? resolve(input.outDir) : null,
        status: input.status ?? null,
        now,
      });
    const artifact = this.recordArtifact({
      id: `run:${input.id}`,
      kind: 'run',
      digest: input.experimentDigest ?? input.id,
      name: input.name ?? input.id,
      path: input.outDir,
      runId: input.id,
      meta: input.experimentPath ? { experiment: resolve(input.experimentPath) } : {},
    });
    if (input.experimentPath && input.experimentDigest) {
      const experiment = this.recordArtifact({ kind: 'source_file', digest: input.experimentDigest, name: 'experiment', path: input.experimentPath });
      this.link(artifact, experiment, 'declared by');
    }
    return artifact;
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? runFromRow(row) : undefined;
  }

  listRuns(): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY created_at').all() as RunRow[]).map(runFromRow);
  }

  /** Records a mix with the exact sample ids it drew, linked to the datasets it drew them from. */
  recordMix(mix: MixRecordable, options: { path?: string; runId?: string } = {}): string {
    const parents = mix.sources.map((s) => ({ id: artifactId('dataset', s.datasetDigest), relation: `drew ${s.drawn} samples from` }));
    const id = this.recordArtifact({
      kind: 'mix',
      digest: mix.digest,
      name: mix.arm,
      path: options.path,
      runId: options.runId,
      meta: { arm: mix.arm, ratio: mix.ratio, seed: mix.seed, count: mix.refs.length, sources: mix.sources },
      parents,
    });
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO mix_samples (mix_id, position, source, dataset_digest, sample_index, sample_digest) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      mix.refs.forEach((ref, position) => insert.run(id, position, ref.source, ref.dataset, ref.index, ref.digest));
    }).immediate();
    return id;
  }

  mixSamples(mixId: string): (SampleRef & { source: string; position: number })[] {
    return (
      this.db
        .prepare('SELECT position, source, dataset_digest, sample_index, sample_digest FROM mix_samples WHERE mix_id = ? ORDER BY position')
        .all(mixId) as { position: number; source: string; dataset_digest: string; sample_index: number; sample_digest: string }[]
    ).map((r) => ({ position: r.position, source: r.source, dataset: r.dataset_digest, index: r.sample_index, digest: r.sample_digest }));
  }

  getArtifact(id: string): Artifact | undefined {
    const row = this.db.prepare('SELECT * FROM artifacts WHERE id = ?').get(id) as ArtifactRow | undefined;
    return row ? this.fromRow(row) : undefined;
  }

  parentsOf(id: string): { artifact: Artifact; relation: string }[] {
    const rows = this.db
      .prepare('SELECT a.*, e.relation AS relation FROM edges e JOIN artifacts a ON a.id = e.parent WHERE e.child = ? ORDER BY a.kind, a.id')
      .all(id) as (ArtifactRow & { relation: string })[];
    return rows.map((r) => ({ artifact: this.fromRow(r), relation: r.relation }));
  }

  /**
   * Finds the artifact meant by a run id, an artifact id (or unique prefix of one, or of a
   * digest), or a path (recorded path, a run's output directory, or any file/directory whose
   * content digest was recorded).
   */
  async resolve(idOrPath: string): Promise<Artifact> {
    const direct = this.getArtifact(idOrPath) ?? this.getArtifact(`run:${idOrPath}`);
    if (direct) return direct;
    const absolute = resolve(idOrPath);
    const byPath = this.db
      .prepare('SELECT a.* FROM artifact_paths p JOIN artifacts a ON a.id = p.artifact_id WHERE p.path = ? ORDER BY a.kind = \'run\' DESC, a.created_at DESC')
      .get(absolute) as ArtifactRow | undefined;
    if (byPath) return this.fromRow(byPath);
    if (existsSync(absolute)) {
      const digest = statSync(absolute).isDirectory() ? (await directoryDigest(absolute)).digest : (await fileSha256(absolute)).sha256;
      const byDigest = this.db.prepare('SELECT * FROM artifacts WHERE digest = ? ORDER BY created_at DESC').get(digest) as ArtifactRow | undefined;
      if (byDigest) return this.fromRow(byDigest);
      throw new InputError(`no lineage recorded for this file or directory (content sha256 ${digest})`, { file: idOrPath });
    }
    if (idOrPath.length >= 6) {
      const escaped = idOrPath.replace(/[\\%_]/g, (c) => '\\' + c);
      const rows = this.db
        .prepare("SELECT * FROM artifacts WHERE id LIKE ? ESCAPE '\\' OR digest LIKE ? ESCAPE '\\' LIMIT 2")
        .all(`${escaped}%`, `${escaped}%`) as ArtifactRow[];
      const [only, second] = rows;
      if (only && !second) return this.fromRow(only);
      if (second) throw new InputError(`"${idOrPath}" matches more than one artifact; give more of the id`);
    }
    throw new InputError(`no run, artifact or recorded path matches "${idOrPath}"`);
  }

  /** The whole chain below an artifact, down to source files. Shared ancestors appear once in full. */
  async lineageOf(idOrPath: string): Promise<LineageNode> {
    const root = await this.resolve(idOrPath);
    const seen = new Set<string>();
    const expand = (artifact: Artifact, relation: string | undefined, path: Set<string>): LineageNode => {
      const node: LineageNode = { ...artifact, relation, parents: [] };
      if (seen.has(artifact.id) || path.has(artifact.id)) {
        node.seenBefore = true;
        return node;
      }
      seen.add(artifact.id);
      const next = new Set(path).add(artifact.id);
      node.parents = this.parentsOf(artifact.id).map((p) => expand(p.artifact, p.relation, next));
      return node;
    };
    return expand(root, undefined, new Set());
  }

  private fromRow(row: ArtifactRow): Artifact {
    const paths = (this.db.prepare('SELECT path FROM artifact_paths WHERE artifact_id = ? ORDER BY path').all(row.id) as { path: string }[]).map((r) => r.path);
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      digest: row.digest,
      runId: row.run_id,
      paths,
      meta: JSON.parse(row.meta) as Record<string, unknown>,
      createdAt: row.created_at,
    };
  }
}

function runFromRow(row: RunRow): RunRecord {
  return {
    id: row.id,
    name: row.name,
    experimentPath: row.experiment_path,
    experimentDigest: row.experiment_digest,
    outDir: row.out_dir,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Text tree of a lineage, one artifact a line, with full digests. */
export function formatLineage(root: LineageNode): string {
  const lines: string[] = [];
  const describe = (node: LineageNode): string => {
    const parts = [node.relation ? `${node.relation} ${node.kind}` : node.kind];
    if (node.name) parts.push(node.name);
    if (/^[0-9a-f]{64}$/.test(node.digest)) parts.push(`sha256:${node.digest}`);
    if (node.paths.length) parts.push(node.paths.join(', '));
    const extra = describeMeta(node);
    if (extra) parts.push(`(${extra})`);
    if (node.seenBefore) parts.push('[shown above]');
    return parts.join('  ');
  };
  const walk = (node: LineageNode, prefix: string, childPrefix: string) => {
    lines.push(prefix + describe(node));
    node.parents.forEach((parent, i) => {
      const last = i === node.parents.length - 1;
      walk(parent, childPrefix + (last ? '└─ ' : '├─ '), childPrefix + (last ? '   ' : '│  '));
    });
  };
  walk(root, '', '');
  return lines.join('\n');
}

function describeMeta(node: LineageNode): string {
  const m = node.meta;
  const bits: string[] = [];
  if (node.kind === 'mix') {
    if (m.ratio !== undefined) bits.push(`ratio ${m.ratio}`);
    if (m.seed !== undefined) bits.push(`seed ${m.seed}`);
    if (m.count !== undefined) bits.push(`${m.count} samples`);
  } else if (node.kind === 'dataset') {
    if (m.count !== undefined) bits.push(`${m.count} samples`);
    if (m.license) bits.push(`license ${m.license}`);
    if (m.source) bits.push(`source ${m.source}`);
    const generator = m.generator as { name?: string; seed?: unknown } | undefined;
    if (generator?.name) bits.push(`generator ${generator.name} seed ${String(generator.seed)}`);
  } else {
    for (const [key, value] of Object.entries(m)) {
      if (value === null || typeof value === 'object') continue;
      bits.push(`${key} ${String(value)}`);
      if (bits.length >= 4) break;
    }
  }
  return bits.join(', ');
}
