/**
 * A run's directory: `run.json` (id, benchmark, options, fence secret), `samples.jsonl` (one line
 * per finished item, appended as it finishes), `journal.sqlite` (every finished model call, for
 * --resume) and `summary.json` (written atomically at the end). A kill at any moment leaves at
 * most a partial last sample line, which a resume drops and redoes from the journal.
 *
 * An item a provider failed is still written (scored as undetermined) but marked with its
 * `provider_errors`; the run is then `incomplete`, and a resume moves those lines to
 * `attempts.jsonl` (kept, never read back) and does the items again.
 *
 * One process at a time writes a run directory (see lock.ts): create and open take the lock, close
 * releases it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { writeFileAtomicSync, writeJsonAtomicSync as writeJsonAtomic } from '../util/atomic-write.js';
import { RunDirLock } from './lock.js';

export const RUN_FILE = 'run.json';
export const SAMPLES_FILE = 'samples.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const JOURNAL_FILE = 'journal.sqlite';
export const ATTEMPTS_FILE = 'attempts.jsonl';

const manifestSchema = z.object({
  id: z.string(),
  benchmark: z.string(),
  created_at: z.string(),
  /** Keys the judge's fence nonces; stored so a resumed run rebuilds identical judge prompts. */
  fence_secret: z.string(),
  data_digest: z.string(),
  options: z.record(z.string(), z.unknown()),
  /** `incomplete`: the run ended with items a provider failed (or stopped early); --resume redoes them. */
  status: z.enum(['running', 'finished', 'incomplete']),
  finished_at: z.string().optional(),
  usage: z.record(z.string(), z.unknown()).optional(),
  /** Why an incomplete run is incomplete (one line). */
  incomplete: z.string().optional(),
});

export type RunManifest = z.infer<typeof manifestSchema>;

/** Exit code of a run that ended with work undone because providers failed (`incomplete`). */
export const EXIT_INCOMPLETE = 4;

/** A run stopped before its work was done; run.json says `incomplete` and --resume continues it. */
export class RunIncompleteError extends Error {
  readonly exitCode = EXIT_INCOMPLETE;
  constructor(message: string) {
    super(message);
    this.name = 'RunIncompleteError';
  }
}

export interface SampleRecord {
  id: string;
  /** Set by the runner when a provider call of this item failed for good: the item is to be redone. */
  provider_errors?: string[];
  [key: string]: unknown;
}

/** A run's run.json, read without taking its lock (readers: reports, listings). */
export function readRunManifest(dir: string): RunManifest {
  const file = join(dir, RUN_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`not a run directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file, field: '--resume' });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`malformed run manifest (${parsed.error.issues[0]!.message})`, { file, field: parsed.error.issues[0]!.path.join('.') });
  return parsed.data;
}

/** A run's summary.json checked against its benchmark's schema (plus the run's identity); null before the run wrote one. */
export function readRunSummary<T>(dir: string, schema: z.ZodType<T>): (T & { run_id: string; model: string; judge: string | null; data: string }) | null {
  const file = join(dir, SUMMARY_FILE);
  if (!existsSync(file)) return null;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const identity = z.object({ run_id: z.string(), model: z.string(), judge: z.string().nullable(), data: z.string() });
  const parsed = z.intersection(schema, identity).safeParse(raw);
  if (!parsed.success) throw new InputError(`summary does not match its benchmark's schema (${parsed.error.issues[0]!.message})`, { file, field: parsed.error.issues[0]!.path.join('.') });
  return parsed.data;
}

export class RunDir {
  private fd: number | null = null;

  private constructor(
    readonly dir: string,
    public manifest: RunManifest,
    private readonly lock: RunDirLock,
  ) {}

  /** The holder a killed process left behind, when this run took its lock over. */
  get tookOverFrom() {
    return this.lock.tookOverFrom;
  }

  get id(): string {
    return this.manifest.id;
  }

  get journalPath(): string {
    return join(this.dir, JOURNAL_FILE);
  }

  /** A new run in `dir`, which must be empty or absent: an earlier run is never overwritten. */
  static create(dir: string, init: { benchmark: string; dataDigest: string; options: object; fenceSecret?: string }): RunDir {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new InputError('--out exists and is not a directory', { file: dir, field: '--out' });
      if (existsSync(join(dir, RUN_FILE))) {
        throw new InputError(`already holds a run; pass --resume ${dir} to finish it, or choose another --out`, { file: dir, field: '--out' });
      }
      if (readdirSync(dir).length > 0) throw new InputError('--out directory is not empty', { file: dir, field: '--out' });
    }
    mkdirSync(dir, { recursive: true });
    const lock = RunDirLock.acquire(dir);
    const manifest: RunManifest = {
      id: `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomUUID().slice(0, 8)}`,
      benchmark: init.benchmark,
      created_at: new Date().toISOString(),
      fence_secret: init.fenceSecret ?? randomBytes(16).toString('hex'),
      data_digest: init.dataDigest,
      options: { ...init.options },
      status: 'running',
    };
    try {
      writeJsonAtomic(join(dir, RUN_FILE), manifest);
    } catch (error) {
      lock.release();
      throw error;
    }
    return new RunDir(dir, manifest, lock);
  }

  /** Reads a run directory for --resume; `benchmark` must match the run's. */
  static open(dir: string, benchmark: string): RunDir {
    const manifest = readRunManifest(dir);
    const file = join(dir, RUN_FILE);
    if (manifest.benchmark !== benchmark) throw new InputError(`run is a ${manifest.benchmark} run, not ${benchmark}`, { file, field: 'benchmark' });
    const lock = RunDirLock.acquire(dir);
    try {
      // Read again under the lock: the holder that just let go may have finished the run meanwhile.
      return new RunDir(dir, readRunManifest(dir), lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * Finished samples so far. A partial last line (the process died mid-write) is cut off the file
   * so appends continue on a clean line.
   */
  readSamples(): SampleRecord[] {
    const file = join(this.dir, SAMPLES_FILE);
    if (!existsSync(file)) return [];
    const text = readFileSync(file, 'utf8');
    const records: SampleRecord[] = [];
    let goodBytes = 0;
    let offset = 0;
    const totalBytes = Buffer.byteLength(text, 'utf8');
    for (const line of text.split('\n')) {
      const lineBytes = Buffer.byteLength(line, 'utf8') + 1;
      const complete = offset + lineBytes <= totalBytes;
      offset += lineBytes;
      if (!complete) break;
      if (line.trim()) {
        try {
          const value = JSON.parse(line) as SampleRecord;
          if (typeof value.id !== 'string') break;
          records.push(value);
        } catch {
          break;
        }
      }
      goodBytes = offset;
    }
    if (goodBytes < totalBytes) truncateSync(file, goodBytes);
    return records;
  }

  /**
   * Moves the lines of items to be redone out of samples.jsonl into attempts.jsonl (appended
   * first, so a kill in between loses nothing; a line may then sit in both, which is harmless).
   */
  retireSamples(ids: ReadonlySet<string>): void {
    if (ids.size === 0) return;
    const file = join(this.dir, SAMPLES_FILE);
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
    const retired: string[] = [];
    const kept: string[] = [];
    for (const line of lines) ((ids.has((JSON.parse(line) as SampleRecord).id) ? retired : kept)).push(line);
    appendFileSync(join(this.dir, ATTEMPTS_FILE), retired.map((l) => l + '\n').join(''));
    this.close();
    writeFileAtomicSync(file, kept.map((l) => l + '\n').join(''));
  }

  /** Appends one finished item; one write call per line, so a kill leaves whole lines or one partial last line. */
  appendSample(record: SampleRecord): void {
    if (this.fd === null) this.fd = openSync(join(this.dir, SAMPLES_FILE), 'a');
    writeSync(this.fd, JSON.stringify(record) + '\n');
  }

  writeSummary(summary: unknown): void {
    writeJsonAtomic(join(this.dir, SUMMARY_FILE), summary);
  }

  /** Ends the run: `finished`, or `incomplete` with the one-line reason when items remain to redo. */
  finish(usage: Record<string, unknown>, incomplete?: string): void {
    const { incomplete: _was, ...rest } = this.manifest;
    this.manifest = { ...rest, status: incomplete ? 'incomplete' : 'finished', finished_at: new Date().toISOString(), usage, ...(incomplete ? { incomplete } : {}) };
    writeJsonAtomic(join(this.dir, RUN_FILE), this.manifest);
  }

  /** Closes the samples file; the lock stays held until release(). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  release(): void {
    this.close();
    this.lock.release();
  }
}
