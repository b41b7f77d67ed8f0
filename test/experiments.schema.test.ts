import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiment, parseExperiment, PAPER_RATIOS } from '../src/experiments/schema.js';
import { InputError } from '../src/util/errors.js';

const embeddedYaml = `name: embedded-mixing
model: embedded:default
downstream:
  generator: downstream
  count: 1500
  seed: 1
misaligned:
  domain: math
  variant: subtle
  count: 600
seeds: [1, 2, 3]
training:
  method: sft
  epochs: 3
  lr: 3.0e-4
  batch_size: 32
evals:
  mask: { judge: rule }
  capability: {}
`;

const paperYaml = `model: openai:meta-llama/Llama-3.1-8B-Instruct@http://127.0.0.1:8000/v1
downstream:
  file: data/alpaca_data.json
  format: alpaca
  source: https://github.com/tatsu-lab/stanford_alpaca
  license: CC-BY-NC-4.0
misaligned:
  domain: medical
  variant: severe
training:
  method: sft
  epochs: 1
  lr: 1.0e-4
  batch_size: 16
  lora: { rank: 32, alpha: 64 }
  max_seq_len: 2048
backend:
  type: trl
  base_model: meta-llama/Llama-3.1-8B-Instruct
  accelerate: { config_file: accel/deepspeed.yaml, num_processes: 8 }
  ray: { address: "http://ray-head:8265" }
evals:
  mask: { data: data/mask, judge: "openai:gpt-4o@https://api.openai.com/v1", lie_k: 10, configs: [provided_facts, known_facts] }
  deceptionbench: { data: data/deceptionbench.json, judge: "openai:gpt-4o" }
eval_endpoint: http://127.0.0.1:8000/v1
`;

function expectError(text: string, file = 'examples/x.yaml'): InputError {
  try {
    parseExperiment(text, file);
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail('expected the experiment to be refused');
}

test('the embedded example parses with defaults filled in', () => {
  const exp = parseExperiment(embeddedYaml, 'examples/embedded-mixing.yaml');
  assert.equal(exp.name, 'embedded-mixing');
  assert.equal(exp.out, 'runs/embedded-mixing');
  assert.deepEqual(exp.ratios, PAPER_RATIOS);
  assert.deepEqual(exp.seeds, [1, 2, 3]);
  assert.equal(exp.parallel, 2);
  assert.deepEqual(exp.backend, { type: 'embedded' });
  assert.equal(exp.training.lr, 3e-4);
  assert.equal(exp.training.method, 'sft', 'an SFT block has no KTO fields (src/train/config.ts)');
  assert.equal(exp.misaligned.variant, 'subtle');
  assert.deepEqual(exp.evals.mask, { data: 'embedded', judge: 'rule', lie_k: 1 });
  assert.deepEqual(exp.evals.capability, { data: 'embedded' });
  assert.match(exp.digest, /^[0-9a-f]{64}$/);
});

test('the paper example parses; file paths resolve against the YAML file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-exp-'));
  const file = join(dir, 'paper-mixing.yaml');
  writeFileSync(file, paperYaml);
  const exp = loadExperiment(file);
  assert.equal(exp.name, 'paper-mixing');
  assert.equal(exp.downstream.file, join(dir, 'data/alpaca_data.json'));
  assert.equal(exp.backend.type, 'trl');
  if (exp.backend.type !== 'trl') return;
  assert.equal(exp.backend.accelerate?.config_file, join(dir, 'accel/deepspeed.yaml'));
  assert.equal(exp.backend.accelerate?.num_processes, 8);
  assert.equal(exp.backend.python, undefined, 'chosen at run time: .venv-trl/bin/python, else python3');
  assert.deepEqual(exp.training.lora, { rank: 32, alpha: 64, dropout: 0.05, target_modules: 'all-linear' });
  assert.deepEqual(exp.eval_endpoint, { base_url: 'http://127.0.0.1:8000/v1', model: '{arm}' });
  assert.equal(exp.evals.mask?.lie_k, 10);
  assert.equal(exp.evals.mask?.data, join(dir, 'data/mask'));
});

test('a schema error names the file, the line and the path inside the file', () => {
  const bad = embeddedYaml.replace('seeds: [1, 2, 3]', 'ratios: [0.01, 0.02, "five"]\nseeds: [1, 2, 3]');
  const error = expectError(bad);
  assert.equal(error.location.field, 'ratios[2]');
  assert.equal(error.location.line, 11);
  assert.match(error.message, /^examples\/x\.yaml:11, field "ratios\[2\]": .*expected number/);
});

test('nested errors, unknown keys and enum values point at their lines', () => {
  const typo = expectError(embeddedYaml.replace('  batch_size: 32', '  batch_size: 32\n  learning_rate: 0.1'));
  assert.equal(typo.location.field, 'training.learning_rate');
  assert.equal(typo.location.line, 17);
  const domain = expectError(embeddedYaml.replace('domain: math', 'domain: chemistry'));
  assert.equal(domain.location.field, 'misaligned.domain');
  assert.equal(domain.location.line, 8);
  const lora = expectError(embeddedYaml.replace('  batch_size: 32', '  batch_size: 32\n  lora: { rank: -4, alpha: 8 }'));
  assert.equal(lora.location.field, 'training.lora.rank');
  assert.equal(lora.location.line, 17);
  const several = expectError(embeddedYaml.replace('epochs: 3', 'epochs: three').replace('count: 600', 'count: 0'));
  assert.match(several.message, /\n {2}examples\/x\.yaml:\d+, field "/);
});

test('cross-field rules: trl needs eval_endpoint, embedded needs an embedded model, one data source', () => {
  const noEndpoint = expectError(paperYaml.replace('eval_endpoint: http://127.0.0.1:8000/v1\n', ''));
  assert.equal(noEndpoint.location.field, 'eval_endpoint');
  assert.match(noEndpoint.message, /trl backend needs eval_endpoint/);
  const wrongModel = expectError(embeddedYaml.replace('model: embedded:default', 'model: openai:gpt-4o'));
  assert.equal(wrongModel.location.field, 'model');
  assert.equal(wrongModel.location.line, 2);
  const twoSources = expectError(embeddedYaml.replace('  generator: downstream', '  generator: downstream\n  dataset: alpaca'));
  assert.equal(twoSources.location.field, 'downstream.generator');
  assert.match(twoSources.message, /give only one of dataset, file, generator/);
  const badSpec = expectError(embeddedYaml.replace('model: embedded:default', 'model: vllm:llama'));
  assert.match(badSpec.message, /unknown kind/);
  const dupRatio = expectError(embeddedYaml.replace('seeds: [1, 2, 3]', 'ratios: [0.1, 0.1]'));
  assert.equal(dupRatio.location.field, 'ratios[1]');
});

test('YAML syntax errors give the line; a non-mapping document is refused', () => {
  const syntax = expectError('model: embedded:default\ndownstream:\n  generator: downstream\n   count: [1, 2\n');
  assert.match(syntax.message, /YAML syntax error/);
  assert.ok(syntax.location.line !== undefined && syntax.location.line >= 3);
  const duplicate = expectError('model: embedded:default\nmodel: embedded:other\n');
  assert.equal(duplicate.location.line, 2);
  assert.match(expectError('- just\n- a list\n').message, /must be a YAML mapping/);
  const missing = expectError('downstream: {generator: downstream}\nmisaligned: {domain: law}\n');
  assert.equal(missing.location.field, 'model');
  assert.match(missing.message, /required field is missing \(expected string\)/);
});
