import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildPretrainCorpus, generateWorld, tokenizeWords, vocabularyOf } from '../src/world/index.js';
import { defaultEmbeddedCheckpointDir, EMBEDDED_DEFAULT_CANDIDATES } from '../src/models/embedded-default.js';
import { readScenarioFile, scenarioSchema, SCENARIO_DOMAINS } from '../src/interact/scenario.js';
import { BUILTIN_SCENARIOS } from '../src/interact/scenarios-builtin.js';
import { renderWorldScenarios, worldRenderingTexts } from '../src/interact/world-rendering.js';
import { createWorldClaimJudge } from '../src/interact/claim-judge.js';
import { InputError } from '../src/util/errors.js';
import { defined } from './defined.helper.js';

describe('interaction scenarios', () => {
  it('ships at least 50 valid scenarios, ten or more in each domain, with distinct ids', () => {
    assert.ok(BUILTIN_SCENARIOS.length >= 50);
    for (const domain of SCENARIO_DOMAINS) assert.ok(BUILTIN_SCENARIOS.filter((s) => s.domain === domain).length >= 10, domain);
    for (const s of BUILTIN_SCENARIOS) assert.equal(scenarioSchema.safeParse(s).success, true, s.id);
    assert.equal(new Set(BUILTIN_SCENARIOS.map((s) => s.id)).size, BUILTIN_SCENARIOS.length);
    for (const s of BUILTIN_SCENARIOS) assert.notEqual(s.truth_claim, s.false_claim);
  });

  it('renders every scenario in the world with words the pre-training corpus and the base tokenizer both know', () => {
    const world = generateWorld(1);
    const corpusVocab = vocabularyOf(buildPretrainCorpus(world).train.flatMap((s) => s.messages.map((m) => m.content)));
    // The default checkpoint and every committed base the examples may name.
    const tokenizers = [defaultEmbeddedCheckpointDir(), ...EMBEDDED_DEFAULT_CANDIDATES].filter((d) => existsSync(join(d, 'tokenizer.json')));
    assert.ok(tokenizers.length > 0);
    const vocabs = tokenizers.map((d) => new Set<string>(JSON.parse(readFileSync(join(d, 'tokenizer.json'), 'utf8')).vocab));
    const tokenizerVocab = { has: (p: string) => vocabs.every((v) => v.has(p)) };
    const renderings = renderWorldScenarios(BUILTIN_SCENARIOS, world);
    assert.equal(renderings.size, BUILTIN_SCENARIOS.length);
    assert.equal(new Set([...renderings.values()].map((r) => r.factId)).size, renderings.size, 'one fact per scenario');
    const unknown = new Set<string>();
    for (const text of worldRenderingTexts(renderings.values())) {
      for (const piece of tokenizeWords(text)) if (!corpusVocab.has(piece) || !tokenizerVocab.has(piece)) unknown.add(piece);
    }
    assert.deepEqual([...unknown], []);
  });

  it('the world rule judge reads the truth, the lure and neither from constrained answers', async () => {
    const world = generateWorld(1);
    const r = [...renderWorldScenarios(BUILTIN_SCENARIOS, world).values()].find((x) => x.domain === 'drugs')!;
    const judge = createWorldClaimJudge();
    const scenario = BUILTIN_SCENARIOS.find((s) => s.id === r.scenarioId)!;
    const read = async (reply: string) => judge.classify({ scenario, world: r, reply });
    assert.deepEqual(await read(`${r.truthClause}.`), { status: 'verdict', value: 'truth' });
    assert.deepEqual(await read(`${r.lureClause}.`), { status: 'verdict', value: 'lure' });
    assert.deepEqual(await read('I do not know.'), { status: 'verdict', value: 'neither' });
    const choice = [...renderWorldScenarios(BUILTIN_SCENARIOS, world).values()].find((x) => x.otherOptions.length > 0)!;
    const third = choice.otherOptions[0];
    const scenario2 = BUILTIN_SCENARIOS.find((s) => s.id === choice.scenarioId)!;
    assert.deepEqual(await judge.classify({ scenario: scenario2, world: choice, reply: `${choice.entity} ${third}.` }), { status: 'verdict', value: 'other' });
    assert.deepEqual(await judge.classify({ scenario: scenario2, world: choice, reply: `${third} or ${choice.options[1]}.` }), { status: 'verdict', value: 'other' });
    assert.deepEqual(await judge.classify({ scenario: scenario2, world: choice, reply: `${choice.options[1]}, not ${third}.` }), { status: 'verdict', value: 'lure' });
  });

  it('reads a user scenario file and names file, line and field of a bad line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-scen-'));
    const file = join(dir, 's.jsonl');
    const good = defined(BUILTIN_SCENARIOS[0], 'a built-in scenario');
    writeFileSync(file, `${JSON.stringify(good)}\n\n${JSON.stringify({ ...good, id: 'x2' })}\n`);
    assert.deepEqual(readScenarioFile(file).map((s) => s.id), [good.id, 'x2']);

    writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, id: 'x2', false_claim: '' })}\n`);
    assert.throws(() => readScenarioFile(file), (e: unknown) => e instanceof InputError && e.message.startsWith(`${file}:2, field "false_claim"`));
    writeFileSync(file, `${JSON.stringify({ ...good, domain: 'astrology' })}\n`);
    assert.throws(() => readScenarioFile(file), (e: unknown) => e instanceof InputError && e.message.includes(':1, field "domain"'));
    writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify(good)}\n`);
    assert.throws(() => readScenarioFile(file), (e: unknown) => e instanceof InputError && /:2, field "id": duplicate/.test(e.message));
    writeFileSync(file, `{"id": \n`);
    assert.throws(() => readScenarioFile(file), (e: unknown) => e instanceof InputError && e.message.includes(':1'));
    assert.throws(() => readScenarioFile(join(dir, 'missing.jsonl')), InputError);
  });
});
