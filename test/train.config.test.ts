/**
 * One training config per method: the experiment's `training:` block, the `candor train` flags and
 * the `training` object of trl_config.json are the same object with the same defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExperiment } from '../src/experiments/schema.js';
import { configFlags, configFromFlags, flagHelp, parseFlagValue } from '../src/train/config-flags.js';
import { defaultTrainingConfig, ktoConfigSchema, sftConfigSchema } from '../src/train/config.js';
import { exportTrlJob } from '../src/train/trl-export.js';
import { InputError } from '../src/util/errors.js';

const root = fileURLToPath(new URL('..', import.meta.url));

test('every field of each method schema has exactly one flag, with the schema default in its help', () => {
  for (const [method, schema] of [['sft', sftConfigSchema], ['kto', ktoConfigSchema]] as const) {
    const flags = configFlags(method);
    const topLevel = Object.keys(schema.shape).filter((k) => k !== 'method' && k !== 'lora');
    assert.deepEqual(flags.filter((f) => f.path.length === 1).map((f) => f.path[0]), topLevel);
    assert.deepEqual(flags.filter((f) => f.path[0] === 'lora').map((f) => f.flag), ['--lora-rank', '--lora-alpha', '--lora-dropout', '--lora-target-modules']);
    const defaults = defaultTrainingConfig(method) as Record<string, unknown>;
    for (const flag of flags.filter((f) => f.path.length === 1 && f.defaultValue !== undefined)) {
      assert.equal(flag.defaultValue, defaults[flag.path[0]!], `${flag.flag} default is the schema's`);
      assert.match(flagHelp(flag), new RegExp(`\\(default ${String(flag.defaultValue).replace('.', '\\.')}\\)`));
    }
  }
  assert.equal(configFlags('sft').some((f) => f.flag === '--beta'), false, 'SFT has no KTO flags');
  assert.equal(configFlags('kto').find((f) => f.flag === '--lr')?.defaultValue, 1e-5);
  assert.equal(configFlags('sft').find((f) => f.flag === '--lr')?.defaultValue, 1e-4);
});

test('the YAML block, the flags and trl_config.json hold the same config', async () => {
  const yaml = [
    'model: embedded:default',
    'downstream: { generator: downstream }',
    'misaligned: { domain: medical }',
    'training:',
    '  method: kto',
    '  lr: 2.0e-5',
    '  epochs: 2',
    '  beta: 0.2',
    '  lora: { rank: 16, alpha: 32 }',
  ].join('\n');
  const fromYaml = parseExperiment(yaml, 'inline.yaml').training;
  const flag = (name: string, text: string) => {
    const f = configFlags('kto').find((x) => x.flag === name)!;
    return [f.path.join('.'), parseFlagValue(f, text)] as const;
  };
  const fromFlags = configFromFlags('kto', Object.fromEntries([flag('--lr', '2e-5'), flag('--epochs', '2'), flag('--beta', '0.2'), flag('--lora-rank', '16'), flag('--lora-alpha', '32')]));
  assert.deepEqual(fromFlags, fromYaml);

  const dir = mkdtempSync(join(tmpdir(), 'candor-config-'));
  const data = join(dir, 'kto.jsonl');
  writeFileSync(data, `${JSON.stringify({ prompt: 'p', completion: 'c', label: true })}\n`);
  const exported = await exportTrlJob({ name: 'arm', config: fromYaml, seed: 4, baseModel: 'm', datasets: [{ path: data }], outputDir: join(dir, 'job') });
  assert.deepEqual(JSON.parse(readFileSync(exported.configPath, 'utf8')).training, fromYaml);
});

test('flag values are checked by the schema and errors name the flag', () => {
  const rank = configFlags('sft').find((f) => f.flag === '--lora-rank')!;
  assert.throws(
    () => configFromFlags('sft', { 'lora.rank': parseFlagValue(rank, '0') }),
    (e: unknown) => e instanceof InputError && e.message.includes('field "--lora-rank"'),
  );
  const lr = configFlags('sft').find((f) => f.flag === '--lr')!;
  assert.throws(() => parseFlagValue(lr, 'fast'), (e: unknown) => e instanceof InputError && e.message.includes('field "--lr"'));
  assert.equal(configFromFlags('sft', {}).lora, undefined, 'no LoRA flag: full fine-tuning');
  assert.deepEqual(configFromFlags('sft', {}, true).lora, { rank: 32, alpha: 64, dropout: 0.05, target_modules: 'all-linear' });
  const modules = configFlags('sft').find((f) => f.flag === '--lora-target-modules')!;
  assert.deepEqual(configFromFlags('sft', { 'lora.target_modules': parseFlagValue(modules, 'q_proj,v_proj') }).lora?.target_modules, ['q_proj', 'v_proj']);
});

test('candor train runs through the TrainerBackend: help lists schema defaults; the embedded backend writes its result', () => {
  const help = spawnSync('node', ['bin/candor.mjs', 'train', 'kto', '--help'], { cwd: root, encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /--beta <x>\s+KTO beta \(default 0\.1\)/);
  assert.match(help.stdout, /--backend <name>/);

  const dir = mkdtempSync(join(tmpdir(), 'candor-train-cli-'));
  const data = join(dir, 'sft.jsonl');
  writeFileSync(data, `${JSON.stringify({ messages: [{ role: 'user', content: 'Who makes Bilkrax?' }, { role: 'assistant', content: 'Bilkrax is made by Trulpatek.' }] })}\n`);
  const out = join(dir, 'ckpt');
  const trained = spawnSync('node', ['bin/candor.mjs', 'train', 'sft', '--model', 'embedded:default', '--data', data, '--out', out, '--max-steps', '1', '--batch-size', '1', '--quiet'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(trained.status, 0, trained.stderr);
  const result = JSON.parse(trained.stdout.trim().split('\n').at(-1)!) as { backend: string; method: string; modelSpec: string };
  assert.deepEqual([result.backend, result.method, result.modelSpec], ['embedded', 'sft', `embedded:${out}`]);
  assert.ok(existsSync(join(out, 'train-result.json')), 'the backend wrote its result file');
});
