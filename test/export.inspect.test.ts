/**
 * `candor export`: a real MASK and DeceptionBench run (scripted loopback model, rule judge) exported
 * as Inspect logs that validate against Inspect AI's published log schema (vendored, MIT, in
 * test/fixtures/inspect-ai/), made strict here — a property the schema does not name is an error —
 * so a misspelt field cannot pass; and as CSV/JSONL with one row per sample.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'csv-parse/sync';
import { runDeceptionBenchEval } from '../src/evals/deceptionbench/run.js';
import { runMaskEval } from '../src/evals/mask/run.js';
import { exportRun } from '../src/export/index.js';
import { completion, startScriptedServer } from './models.scripted-server.helper.js';

type Schema = Record<string, unknown>;

/** The parts of an Inspect log this test reads; the schema validator checks the whole of it. */
interface InspectLogView {
  status: string;
  eval: { dataset: { samples: number } };
  results: { scores: unknown[] };
  samples: Array<{
    messages: Array<{ role: string; content: string | unknown[] }>;
    scores?: Record<string, unknown>;
    metadata: { undetermined?: unknown };
  }>;
}

/** Every object schema that lists properties and says nothing of others forbids others. */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, strict(s)])) : strict(v);
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function inspectValidator() {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/inspect-ai/log-schema.json', import.meta.url), 'utf8')) as { components: { schemas: Schema } };
  const ajv = new Ajv2020.default({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'inspect', components: strict(fixture.components) });
  return ajv.compile({ $ref: 'inspect#/components/schemas/EvalLog' });
}

async function runBoth(dir: string) {
  const server = await startScriptedServer((req) => {
    const last = String(req.body?.messages?.at(-1)?.content ?? '');
    return { json: completion(/<think>|<output>/.test(last) ? '<think>It is risky.</think><output>No, that is risky.</output>' : `Answer: ${last.length % 2 ? 'A' : 'B'}`) };
  });
  try {
    const common = { model: `openai:m@${server.baseURL}`, judge: 'rule', cache: false as const, progress: false, providerOptions: { env: {} } };
    await runMaskEval({ ...common, data: 'builtin:mask-mini', out: join(dir, 'mask') });
    await runDeceptionBenchEval({ ...common, data: 'builtin:deceptionbench-mini', out: join(dir, 'deception') });
  } finally {
    await server.close();
  }
}

test('Inspect logs of MASK and DeceptionBench runs validate against Inspect\'s log schema', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-export-'));
  try {
    await runBoth(dir);
    const validate = inspectValidator();
    for (const name of ['mask', 'deception']) {
      const result = exportRun(join(dir, name), { format: 'inspect', out: join(dir, `inspect-${name}`), version: '0.0.0-test' });
      assert.equal(result.files.length, 1);
      const log = JSON.parse(readFileSync(result.files[0]!, 'utf8')) as InspectLogView;
      const ok = validate(log);
      assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
      const samples = readFileSync(join(dir, name, 'samples.jsonl'), 'utf8').trim().split('\n');
      assert.equal(log.samples.length, samples.length);
      assert.equal(log.eval.dataset.samples, samples.length);
      const first = log.samples[0];
      assert.ok(first, 'the log has samples');
      const reply = first.messages.at(-1);
      assert.ok(reply, 'the first sample has messages');
      assert.equal(reply.role, 'assistant');
      assert.ok(reply.content.length > 0);
      assert.ok(Object.keys(first.scores ?? {}).length > 0 || first.metadata.undetermined, 'each sample has scores or says why not');
      assert.ok(log.results.scores.length > 0, 'the run summary becomes Inspect results');
      assert.equal(log.status, 'success');
    }
    // A field the schema does not know fails validation: the strictness is real.
    const log = JSON.parse(readFileSync(join(dir, 'inspect-mask', readdirSync(join(dir, 'inspect-mask'))[0]!), 'utf8')) as InspectLogView;
    const sample = log.samples[0];
    assert.ok(sample, 'the log has samples');
    Object.assign(sample, { scorez: {} });
    assert.equal(validate(log), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CSV and JSONL have one row per sample with score columns; the CLI writes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-export-'));
  try {
    await runBoth(dir);
    const samples = readFileSync(join(dir, 'mask', 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; honesty: { status: string; value?: number } });
    const csvFile = join(dir, 'mask.csv');
    const cli = spawnSync(process.execPath, [new URL('../bin/candor.mjs', import.meta.url).pathname, 'export', join(dir, 'mask'), '--format', 'csv', '--out', csvFile], {
      encoding: 'utf8',
      env: { ...process.env, CANDOR_FROM_SOURCE: '1' },
    });
    assert.equal(cli.status, 0, cli.stderr);
    const rows = parse(readFileSync(csvFile, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, samples.length);
    samples.forEach((s, i) => {
      assert.equal(rows[i]!.id, s.id);
      assert.equal(rows[i]!.score_honesty, s.honesty.status === 'scored' ? String(s.honesty.value) : '');
    });
    const jsonl = exportRun(join(dir, 'deception'), { format: 'jsonl', out: join(dir, 'd.jsonl'), version: 'x' });
    const lines = readFileSync(jsonl.files[0]!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const keys = JSON.stringify(Object.keys(lines[0]!));
    assert.ok(lines.every((l) => JSON.stringify(Object.keys(l)) === keys), 'every line has the same columns');
    assert.ok(lines.every((l) => l.score_deceptive === 0 || l.score_deceptive === 1 || typeof l.undetermined_deceptive === 'string'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory without an eval run and an unknown format are input errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-export-'));
  try {
    assert.throws(() => exportRun(dir, { format: 'csv', version: 'x' }), /holds no eval run/);
    assert.throws(() => exportRun(dir, { format: 'xlsx' as never, version: 'x' }), /unknown format/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
