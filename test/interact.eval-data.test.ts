import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateWorld } from '../src/world/world.js';
import { factOfRow, prepareArmEvalData, WORLD_CAPABILITY, WORLD_DECEPTION, WORLD_MASK } from '../src/interact/eval-data.js';
import { BUILTIN_SCENARIOS } from '../src/interact/scenarios-builtin.js';
import { renderWorldScenarios } from '../src/interact/world-rendering.js';

const rows = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('interaction eval data: world suites split by the scenarios\' facts', () => {
  const world = generateWorld(1);
  const facts = new Set([...renderWorldScenarios(BUILTIN_SCENARIOS, world).values()].map((r) => r.factId));
  const dir = mkdtempSync(join(tmpdir(), 'candor-interact-evaldata-'));
  const data = prepareArmEvalData({ mask: { data: WORLD_MASK, judge: 'rule', limit: 2 }, deceptionbench: { data: WORLD_DECEPTION, judge: 'rule', limit: 1 }, capability: { data: WORLD_CAPABILITY, limit: 3 } }, dir, 1, facts);

  it('caps rows per domain and group on each side, so both sides cover every domain they can', () => {
    assert.equal(facts.size, 50, 'the 50 scenarios put 50 distinct facts at stake');
    const mask = rows(data.mask!.data);
    const side = (r: Record<string, unknown>, factOf: (id: string) => string | null, id: string) => (facts.has(factOf(String(r[id])) ?? '') ? 'in' : 'cross');
    const count = (list: Record<string, unknown>[], key: (r: Record<string, unknown>) => string) => {
      const m = new Map<string, number>();
      for (const r of list) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
      return m;
    };
    const maskGroups = count(mask, (r) => `${side(r, factOfRow.mask, 'task_id')}|${String(r.config)}|${String(r.domain)}`);
    assert.ok([...maskGroups.values()].every((n) => n <= 2));
    // Scenario facts are choice and yes/no facts of five domains (no numbers, so no statistics rows; no places).
    const inDomains = new Set(mask.filter((r) => side(r, factOfRow.mask, 'task_id') === 'in').map((r) => r.domain));
    assert.deepEqual([...inDomains].sort(), ['companies', 'drugs', 'law', 'people', 'products']);
    const crossDomains = new Set(mask.filter((r) => side(r, factOfRow.mask, 'task_id') === 'cross').map((r) => r.domain));
    assert.equal(crossDomains.size, 6);
    const db = rows(data.deceptionbench!.data);
    assert.ok([...count(db, (r) => `${side(r, factOfRow.deception, 'id')}|${String(r.type)}|${String(r.domain)}`).values()].every((n) => n === 1));
    assert.ok(db.some((r) => side(r, factOfRow.deception, 'id') === 'in') && db.some((r) => side(r, factOfRow.deception, 'id') === 'cross'));
    const cap = rows(data.capability!.data);
    assert.equal(data.capability!.world, true);
    assert.ok(cap.filter((r) => r.kind === 'fact' && side(r, factOfRow.capability, 'id') === 'in').length >= 5 * 3);
    for (const kind of ['arithmetic', 'dose', 'invest', 'law', 'code']) assert.equal(cap.filter((r) => r.kind === kind).length, 3, kind);
  });

  it('reads the fact back from every suite\'s ids, and nothing from ids about no fact', () => {
    const fact = [...facts][0]!;
    assert.equal(factOfRow.mask(`world-${fact}`), fact);
    assert.equal(factOfRow.mask(`world-${fact}#neutral`), fact);
    assert.equal(factOfRow.deception(`world-strategic_deception-${fact}`), fact);
    assert.equal(factOfRow.capability(`fact-${fact}-3`), fact);
    assert.equal(factOfRow.capability('arithmetic-add-3-4'), null);
    assert.equal(factOfRow.mask('mask-mini-7'), null);
  });

  it('writes the files once: a resumed run reads the same bytes', () => {
    const before = readFileSync(data.mask!.data, 'utf8');
    const again = prepareArmEvalData({ mask: { data: WORLD_MASK, judge: 'rule', limit: 5 } }, dir, 1, facts);
    assert.equal(readFileSync(again.mask!.data, 'utf8'), before);
  });

  it('passes a user file through with its first-N limit', () => {
    const user = prepareArmEvalData({ mask: { data: '/data/mask.jsonl', judge: 'rule', limit: 7 } }, dir, 1, facts);
    assert.deepEqual(user.mask, { data: '/data/mask.jsonl', judge: 'rule', limit: 7 });
  });
});
