/**
 * A run's directory: `run.json` (id, benchmark, options, fence secret), `samples.jsonl` (one line
 * per finished item, appended as it finishes), `journal.sqlite` (every finished model call, for
 * --resume) and `summary.json` (written atomically at the end). A kill at any moment leaves at
 * most a partial last sample line, which a resume drops and redoes from the journal.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { writeJsonAtomicSync as writeJsonAtomic } from '../util/atomic-write.js';

export const RUN_FILE = 'run.json';
export const SAMPLES_FILE = 'samples.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const JOURNAL_FILE = 'journal.sqlite';

const manifestSchema = z.object({
  id: z.string(),
  benchmark: z.string(),
  created_at: z.string(),
  /** Keys the judge's fence nonces; stored so a resumed run rebuilds identical judge prompts. */
  fence_secret: z.string(),
  data_digest: z.string(),
  options: z.record(z.string(), z.unknown()),
  status: z.enum(['running', 'finished']),
  finished_at: z.string().optional(),
  usage: z.record(z.string(), z.unknown()).optional(),
});

export type RunManifest = z.infer<typeof manifestSchema>;

export interface SampleRecord {
  id: string;
  [key: string]: unknown;
}

export class RunDir {
  private fd: number | null = null;

  private constructor(
    readonly dir: string,
    public manifest: RunManifest,
  ) {}

  get id(): string {
    return this.manifest.id;
  }

  get journalPath(): string {
    return join(this.dir, JOURNAL_FILE);
  }

  /** A new run in `dir`, which must be empty or absent: an earlier run is never overwritten. */
  static create(dir: string, init: { benchmark: string; dataDigest: string; options: Record<string, unknown>; fenceSecret?: string }): RunDir {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new InputError('--out exists and is not a directory', { file: dir, field: '--out' });
      if (existsSync(join(dir, RUN_FILE))) {
        throw new InputError(`already holds a run; pass --resume ${dir} to finish it, or choose another --out`, { file: dir, field: '--out' });
      }
      if (readdirSync(dir).length > 0) throw new InputError('--out directory is not empty', { file: dir, field: '--out' });
    }
    mkdirSync(dir, { recursive: true });
    const manifest: RunManifest = {
      id: `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomUUID().slice(0, 8)}`,
      benchmark: init.benchmark,
      created_at: new Date().toISOString(),
      fence_secret: init.fenceSecret ?? randomBytes(16).toString('hex'),
      data_digest: init.dataDigest,
      options: init.options,
      status: 'running',
    };
    writeJsonAtomic(join(dir, RUN_FILE), manifest);
    return new RunDir(dir, manifest);
  }

  /** Reads a run directory for --resume; `benchmark` must match the run's. */
  static open(dir: string, benchmark: string): RunDir {
    const file = join(dir, RUN_FILE);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InputError(`not a run directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file, field: '--resume' });
    }
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) throw new InputError(`malformed run manifest (${parsed.error.issues[0].message})`, { file, field: parsed.error.issues[0].path.join('.') });
    if (parsed.data.benchmark !== benchmark) throw new InputError(`run is a ${parsed.data.benchmark} run, not ${benchmark}`, { file, field: 'benchmark' });
    return new RunDir(dir, parsed.data);
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

  /** Appends one finished item; one write call per line, so a kill leaves whole lines or one partial last line. */
  appendSample(record: SampleRecord): void {
    if (this.fd === null) this.fd = openSync(join(this.dir, SAMPLES_FILE), 'a');
    writeSync(this.fd, JSON.stringify(record) + '\n');
  }

  writeSummary(summary: unknown): void {
    writeJsonAtomic(join(this.dir, SUMMARY_FILE), summary);
  }

  finish(usage: Record<string, unknown>): void {
    this.manifest = { ...this.manifest, status: 'finished', finished_at: new Date().toISOString(), usage };
    writeJsonAtomic(join(this.dir, RUN_FILE), this.manifest);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
