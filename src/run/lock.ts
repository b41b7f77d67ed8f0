/**
 * One writer per run directory. The lock itself is an exclusive SQLite lock on `<dir>/run.lock`,
 * which the operating system drops the moment its holder dies (even on kill -9), so a dead
 * holder can never keep a directory locked and two live writers can never both hold it. Beside
 * it, `run.lock.json` names the holder (pid, host, since) so a refusal can say who holds the
 * directory; a holder file whose lock is free was left by a process that died, and is taken over.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { writeJsonAtomicSync } from '../util/atomic-write.js';

export const LOCK_FILE = 'run.lock';
export const LOCK_HOLDER_FILE = 'run.lock.json';

const holderSchema = z.object({ pid: z.number().int(), host: z.string(), since: z.string() });
export type LockHolder = z.infer<typeof holderSchema>;

/** Exit code when the run directory is held by another live process. */
export const EXIT_BUSY = 5;

/** Another live process writes to this directory. */
export class RunDirBusyError extends Error {
  readonly exitCode = EXIT_BUSY;
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      `${dir}: run directory is in use by ${holder ? `pid ${holder.pid} on ${holder.host} (since ${holder.since})` : 'another process'}; ` +
        'wait for it to finish or stop it, then retry',
    );
    this.name = 'RunDirBusyError';
  }
}

/**
 * Directories this process holds, with their locks. A second SQLite connection must never be
 * opened on a held lock file: closing it (after it fails to lock) would drop this process's POSIX
 * lock on the file. Holding the lock here also keeps its connection from being garbage-collected
 * (which would close it and free the directory) while nobody else references it.
 */
const heldHere = new Map<string, RunDirLock>();

export class RunDirLock {
  private constructor(
    readonly dir: string,
    private db: Database.Database | null,
    /** The holder a dead process left behind, when this lock took it over. */
    readonly tookOverFrom: LockHolder | null,
  ) {}

  /** Takes the directory's lock, or throws RunDirBusyError naming the live holder. Never waits. */
  static acquire(dir: string): RunDirLock {
    const key = resolve(dir);
    if (heldHere.has(key)) throw new RunDirBusyError(dir, readHolder(dir));
    const db = new Database(join(dir, LOCK_FILE), { timeout: 0 });
    try {
      // In exclusive locking mode the lock a write takes is kept until the connection closes.
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
      db.exec('BEGIN EXCLUSIVE');
      db.prepare('DELETE FROM holder').run();
      db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
      db.exec('COMMIT');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY' || (error as { code?: string }).code === 'SQLITE_LOCKED') {
        throw new RunDirBusyError(dir, liveHolder(dir));
      }
      throw error;
    }
    const left = readHolder(dir);
    const tookOverFrom = left && !(left.pid === process.pid && left.host === hostname()) ? left : null;
    const lock = new RunDirLock(dir, db, tookOverFrom);
    heldHere.set(key, lock);
    writeJsonAtomicSync(join(dir, LOCK_HOLDER_FILE), { pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockHolder);
    return lock;
  }

  release(): void {
    if (!this.db) return;
    // The holder file goes first: once the lock is free, a new holder may write its own.
    rmSync(join(this.dir, LOCK_HOLDER_FILE), { force: true });
    this.db.close();
    this.db = null;
    heldHere.delete(resolve(this.dir));
  }
}

/** How long a refused process waits for a new holder to name itself (it writes the file just after locking). */
const HOLDER_NAME_WAIT_MS = 1000;

/**
 * The holder to name in a refusal. Between taking the lock and writing run.lock.json a new holder
 * leaves the previous, dead holder's file in place for a moment; naming that pid would send the
 * user after a process that no longer exists (seen when two resumes of a killed run started at
 * once). A holder on this host whose pid is gone is waited out briefly, then left unnamed.
 */
function liveHolder(dir: string): LockHolder | null {
  const deadline = Date.now() + HOLDER_NAME_WAIT_MS;
  for (;;) {
    const holder = readHolder(dir);
    if (holder && (holder.host !== hostname() || isAlive(holder.pid))) return holder;
    if (Date.now() >= deadline) return null;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
}

function readHolder(dir: string): LockHolder | null {
  const file = join(dir, LOCK_HOLDER_FILE);
  if (!existsSync(file)) return null;
  try {
    const parsed = holderSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
