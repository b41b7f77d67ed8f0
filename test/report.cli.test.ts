import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { syntheticResults } from './report.synthetic.helper.js';
import { writeReportForRun } from '../src/report/write-report.js';

const run = promisify(execFile);
const CANDOR = path.resolve('bin/candor.mjs');

async function candor(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CANDOR, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('candor report <run-dir> writes the report and prints its path on the last line; bad results exit 2 naming file, line and field', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'candor-report-cli-'));
  try {
    const runDir = path.join(dir, 'run');
    await mkdir(runDir);
    const results = syntheticResults({ ratios: [0.02, 0.2], seeds: [1, 2] });
    await writeFile(path.join(runDir, 'results.json'), JSON.stringify(results, null, 2));

    const ok = await candor(['report', runDir, '--out', path.join(dir, 'out'), '--replicates', '300']);
    assert.equal(ok.code, 0, ok.stderr);
    const lines = ok.stdout.trim().split('\n');
    const htmlPath = lines.at(-1)!;
    assert.equal(htmlPath, path.join(dir, 'out', 'report.html'));
    assert.ok((await stat(htmlPath)).size > 10_000);
    assert.ok((await stat(path.join(dir, 'out', 'charts', 'mask-honesty-vs-ratio.png'))).size > 10_000);

    // Default output directory (the API behind the command): <run-dir>/report.
    const defaulted = await writeReportForRun(runDir, undefined, { replicates: 200 });
    assert.equal(defaulted.htmlPath, path.join(runDir, 'report', 'report.html'));

    (results.arms[1] as { seed: unknown }).seed = 'two';
    const text = JSON.stringify(results, null, 2);
    await writeFile(path.join(runDir, 'results.json'), text);
    const bad = await candor(['report', runDir, '--out', path.join(dir, 'bad')]);
    assert.equal(bad.code, 2);
    const seedLine = text.slice(0, text.indexOf('"seed": "two"')).split('\n').length;
    assert.match(bad.stderr, new RegExp(`results\\.json:${seedLine}, field "arms\\[1\\]\\.seed"`));
    // Nothing half-written for a rejected input.
    await assert.rejects(stat(path.join(dir, 'bad')));

    const json = JSON.parse(await readFile(path.join(dir, 'out', 'data', 'report.json'), 'utf8'));
    assert.equal(json.experiment.name, 'synthetic-demo');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
