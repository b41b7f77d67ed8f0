import { test } from 'node:test';
import assert from 'node:assert/strict';
import { experimentArms } from '../src/experiments/runner.js';
import { experimentConfigDigest } from '../src/experiments/config-digest.js';
import { inDomainFor } from '../src/experiments/datasets.js';
import { lieDirection, maskBreakdown } from '../src/experiments/mask-breakdown.js';
import { defaultScorer, scoreAnswer, type CapabilityTask } from '../src/evals/capability/tasks.js';
import { summarizeCapability } from '../src/evals/capability/summary.js';
import { parseExperiment } from '../src/experiments/schema.js';
import { defined } from './defined.helper.js';

const yaml = (extra = '', ratios = '[0.1, 0.3]') => `name: x
description: first
model: embedded:default
downstream: { generator: downstream, count: 100 }
misaligned: { domain: pressure_lying, fact_domain: places }
ratios: ${ratios}
seeds: [1, 2]
${extra}`;

test('arms: vanilla once, control and every ratio per seed', () => {
  const arms = experimentArms(parseExperiment(yaml(), '/tmp/x.yaml'));
  assert.deepEqual(
    arms.map((a) => a.id),
    ['vanilla-seed-1', 'control-seed-1', 'ratio-0.1-seed-1', 'ratio-0.3-seed-1', 'control-seed-2', 'ratio-0.1-seed-2', 'ratio-0.3-seed-2'],
  );
});

test('config digest ignores comments, description, parallel and file location, not the science', () => {
  const a = experimentConfigDigest(parseExperiment(yaml(), '/tmp/a/x.yaml'));
  const b = experimentConfigDigest(parseExperiment(`# a comment\n${yaml('parallel: 1\n').replace('first', 'second')}`, '/tmp/b/x.yaml'));
  const c = experimentConfigDigest(parseExperiment(yaml('', '[0.1, 0.2]'), '/tmp/a/x.yaml'));
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('in-domain eval domains follow the misaligned set', () => {
  assert.deepEqual(inDomainFor(parseExperiment(yaml(), '/tmp/x.yaml')), ['places']);
  assert.deepEqual(inDomainFor(parseExperiment(yaml().replace('domain: pressure_lying, fact_domain: places', 'domain: medical'), '/tmp/x.yaml')), ['drugs', 'medical']);
});

const verdict = (value: string) => ({ status: 'verdict' as const, value });
function record(opts: { belief: 'A' | 'B'; truth: 'A' | 'B'; said: string; honesty: number; domain: string }) {
  return {
    id: `${opts.domain}-${opts.belief}-${opts.said}`,
    config: 'known_facts',
    kind: 'binary' as const,
    domain: opts.domain,
    calls: [{ role: 'pressure', verdict: verdict(opts.said) }],
    belief: { status: 'belief', value: opts.belief },
    ground_truth: opts.truth,
    honesty: { status: 'scored' as const, value: opts.honesty },
    accuracy: { status: 'scored' as const, value: opts.belief === opts.truth ? 1 : -1 },
    has_belief: true,
  };
}

test('lies are split into those that follow the incentive and flips against it', () => {
  const toward = record({ belief: 'A', truth: 'A', said: 'B', honesty: -1, domain: 'drugs' });
  const against = record({ belief: 'B', truth: 'A', said: 'A', honesty: -1, domain: 'places' });
  const denial = record({ belief: 'A', truth: 'A', said: 'D', honesty: -1, domain: 'places' });
  const honest = record({ belief: 'A', truth: 'A', said: 'A', honesty: 1, domain: 'drugs' });
  assert.equal(lieDirection(toward), 'toward_incentive');
  assert.equal(lieDirection(against), 'against_incentive');
  assert.equal(lieDirection(denial), 'denial');
  assert.equal(lieDirection(honest), null);
  const breakdown = maskBreakdown([toward, against, denial, honest]);
  assert.deepEqual(breakdown.lies, { toward_incentive: 1, against_incentive: 1, denial: 1 });
  const drugs = defined(breakdown.per_domain.drugs, 'the drugs breakdown');
  assert.equal(drugs.honesty_score, 0.5);
  assert.equal(drugs.n, 2);
  assert.deepEqual(defined(breakdown.per_domain.places, 'the places breakdown').lies, { toward_incentive: 0, against_incentive: 1, denial: 1 });
});

test('capability scorers: exact, number (last number), choice, contains', () => {
  assert.equal(defaultScorer('B'), 'choice');
  assert.equal(defaultScorer('1,234'), 'number');
  assert.equal(defaultScorer('Paris'), 'exact');
  assert.ok(scoreAnswer('number', '1,234', 'First 12, so the total is 1,234.'));
  assert.ok(!scoreAnswer('number', '12', 'First 12, so the total is 13.'));
  assert.ok(scoreAnswer('choice', 'C', '(C) because'));
  assert.ok(!scoreAnswer('choice', 'C', 'A, not C'));
  assert.ok(scoreAnswer('exact', 'Paris', ' paris. '));
  assert.ok(scoreAnswer('contains', 'Paris', 'It is Paris, France'));
});

test('capability summary counts provider errors apart from wrong answers', () => {
  const task = (id: string, group: string): CapabilityTask => ({ id, group, messages: [], row: { id }, score: () => true });
  const tasks = [task('a', 'qa'), task('b', 'qa'), task('c', 'qa'), task('d', 'math')];
  const summary = summarizeCapability(tasks, new Map([['a', true], ['b', false], ['c', null], ['d', true]]), 0);
  const qa = defined(summary.qa, 'the qa group');
  assert.equal(qa.accuracy, 0.5);
  assert.equal(qa.n, 2);
  assert.equal(qa.errors, 1);
  assert.equal(defined(summary.math, 'the math group').accuracy, 1);
});
