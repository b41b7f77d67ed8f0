import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { simWorld, startSimServer, writeSimMask } from './evals.sim-server.helper.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'candor.mjs');

function runCli(args: string[]): { child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CANDOR_QUIET: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

function countLines(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).length : 0;
}

function journalSize(runDir: string): number {
  const db = new Database(join(runDir, 'journal.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function scores(summary: Record<string, unknown>): Record<string, unknown> {
  const { run_id: _id, ...rest } = summary;
  return rest;
}

test('kill -9 mid-run, then --resume: same summary as an uninterrupted run, no finished call repeated (CLI child vs loopback server)', { timeout: 90_000 }, async () => {
  const world = simWorld(16);
  const dir = mkdtempSync(join(tmpdir(), 'candor-resume-'));
  const data = writeSimMask(join(dir, 'data'), world);
  const server = await startSimServer(world, { delayMs: 25 });
  try {
    const args = (out: string) => ['eval', 'mask', '--data', data, '--model', `openai:subject@${server.baseURL}`, '--judge', `openai:judge@${server.baseURL}`, '--out', out, '--no-cache', '--concurrency', '2', '--json'];

    const reference = runCli(args(join(dir, 'reference')));
    const ref = await reference.done;
    assert.equal(ref.code, 0, ref.stderr);
    const referenceSummary = JSON.parse(readFileSync(join(dir, 'reference', 'summary.json'), 'utf8'));
    assert.deepEqual(JSON.parse(ref.stdout), referenceSummary, '--json prints the summary');
    assert.equal(server.requests.length, journalSize(join(dir, 'reference')), 'one server call per journal entry');
    server.requests.length = 0;

    const killedDir = join(dir, 'killed');
    const killed = runCli(args(killedDir));
    const samples = join(killedDir, 'samples.jsonl');
    while (countLines(samples) < 5) {
      if (killed.child.exitCode !== null) assert.fail(`the run ended before it could be killed: ${(await killed.done).stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    killed.child.kill('SIGKILL');
    const k = await killed.done;
    assert.equal(k.signal, 'SIGKILL');
    assert.equal(existsSync(join(killedDir, 'summary.json')), false);
    server.requests.splice(0);
    const beforeKillJournal = journalSize(killedDir);
    assert.ok(countLines(samples) < 20, 'killed before the end');

    const resumed = await runCli(['eval', 'mask', '--resume', killedDir, '--json']).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    const resumedSummary = JSON.parse(readFileSync(join(killedDir, 'summary.json'), 'utf8'));
    assert.deepEqual(scores(resumedSummary), scores(referenceSummary));

    const ids = readFileSync(samples, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
    assert.equal(ids.length, 20);
    assert.equal(new Set(ids).size, 20, 'no item scored twice');

    // Every call that reaches the server is one new journal entry (identical calls in flight are
    // shared), so the resumed run repeated no journaled call iff its server calls equal the entries it added.
    const journaledAtKill = beforeKillJournal;
    const journaledAtEnd = journalSize(killedDir);
    assert.equal(server.requests.length, journaledAtEnd - journaledAtKill);
    assert.equal(journaledAtEnd, journalSize(join(dir, 'reference')), 'the resumed run holds exactly the calls of an uninterrupted one');
    assert.ok(journaledAtKill > 0);
    const run = JSON.parse(readFileSync(join(killedDir, 'run.json'), 'utf8'));
    assert.equal(run.status, 'finished');
    assert.ok(run.usage.store_hits > 0 && run.usage.resumed_items >= 5);
  } finally {
    await server.close();
  }
});

test('CLI: bad input exits 2 naming file, line and field, and writes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-cli-bad-'));
  const bad = join(dir, 'known_facts.jsonl');
  (await import('node:fs')).writeFileSync(bad, '{"task_id": "1"}\n{oops\n');
  const out = join(dir, 'out');
  const r = await runCli(['eval', 'mask', '--data', bad, '--model', 'openai:m@http://127.0.0.1:9/v1', '--judge', 'rule', '--out', out]).done;
  assert.equal(r.code, 2);
  assert.match(r.stderr, /known_facts\.jsonl:2: malformed JSON/);
  assert.equal(existsSync(out), false);
  const unknown = await runCli(['eval', 'mask', '--data', 'builtin:mask-mini', '--configs', 'gossip', '--model', 'openai:m@http://127.0.0.1:9/v1', '--judge', 'rule', '--out', out]).done;
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown MASK config "gossip"/);
  assert.equal(existsSync(out), false);
});
