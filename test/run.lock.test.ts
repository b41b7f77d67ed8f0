/**
 * The run-directory lock's refusal names a live holder, never a dead one: a real child process holds
 * the SQLite lock without having written its own holder file yet, while the file still names a
 * process that has exited (the moment between a takeover and the new holder naming itself).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, LOCK_HOLDER_FILE, RunDirBusyError, RunDirLock } from '../src/run/lock.js';

const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');

/** Starts a process that takes the exclusive lock on dir/run.lock the way RunDirLock does, and holds it. */
async function holdLock(dir: string): Promise<{ pid: number; stop: () => void }> {
  const script = `
    const Database = require(${JSON.stringify(sqlitePath)});
    const db = new Database(${JSON.stringify(join(dir, LOCK_FILE))}, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    db.exec('BEGIN EXCLUSIVE'); db.prepare('DELETE FROM holder').run(); db.exec('COMMIT');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
  return { pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

test('a refusal never names a holder that has died: it waits for the live holder to name itself, else names none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-lock-'));
  // A pid that certainly belonged to a process that has exited.
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  const holder = await holdLock(dir);
  try {
    writeFileSync(join(dir, LOCK_HOLDER_FILE), JSON.stringify({ pid: Number(gone), host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const started = Date.now();
    assert.throws(() => RunDirLock.acquire(dir), (error: unknown) => {
      assert.ok(error instanceof RunDirBusyError);
      assert.equal(error.holder, null, 'the dead pid is not named');
      assert.match(error.message, /in use by another process/);
      assert.doesNotMatch(error.message, new RegExp(`pid ${gone}\\b`));
      return true;
    });
    assert.ok(Date.now() - started >= 900, 'it gave the new holder time to name itself');

    // Once the live holder has named itself, the refusal names it at once.
    writeFileSync(join(dir, LOCK_HOLDER_FILE), JSON.stringify({ pid: holder.pid, host: hostname(), since: '2026-12-03T00:00:00.000Z' }));
    assert.throws(() => RunDirLock.acquire(dir), new RegExp(`in use by pid ${holder.pid} on `));
  } finally {
    holder.stop();
  }
  // With the holder gone the lock is free again, and the stale file is taken over.
  await new Promise((r) => setTimeout(r, 100));
  const lock = RunDirLock.acquire(dir);
  assert.equal(lock.tookOverFrom?.pid, holder.pid);
  lock.release();
  rmSync(dir, { recursive: true, force: true });
});
