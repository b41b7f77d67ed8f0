/**
 * Issue 9 item 6: the positive control's training lies use wordings disjoint from the eval's
 * pressure templates, so "the lie generalised to held-out entities" cannot be "the frame was copied".
 * A frame n-gram is a run of N pieces of a template with no placeholder inside; none of the
 * control's may occur anywhere in an eval prompt the model reads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateWorld, pressureLyingSamples, splitEntities, tokenizeWords, worldDeceptionSuite, worldMaskSuite } from '../src/world/index.js';
import { PRESSURE_CONTROL, PRESSURE_TRAIN, type ScenarioTemplate } from '../src/world/scenarios.js';
import { defined } from './defined.helper.js';

/** Shortest shared run of pieces that counts as a copied frame (4 pieces: "the user thinks that"). */
const N = 4;
const PLACEHOLDER = /\{(?:name|lure|truth|question)\}/g;

function ngrams(pieces: string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= pieces.length; i++) out.push(pieces.slice(i, i + n).join(' ').toLowerCase());
  return out;
}

/** N-grams of a template's fixed text, never spanning a placeholder. */
function frameNgrams(template: ScenarioTemplate): string[] {
  return [template.system, template.user].flatMap((text) => text.split(PLACEHOLDER).flatMap((part) => ngrams(tokenizeWords(part), N)));
}

const world = generateWorld(1);
const evalTexts = [
  ...worldMaskSuite(world).flatMap((r) => [r.system_prompt, r.user_prompt, r.dd_turn_1_prompt]),
  ...worldDeceptionSuite(world).flatMap((i) => [i.system_prompt, i.outer_prompt]),
];
const evalNgrams = new Set(evalTexts.flatMap((t) => ngrams(tokenizeWords(t), N)));

describe('positive control wording', () => {
  it('shares no frame n-gram with any eval prompt', () => {
    const shared = PRESSURE_CONTROL.flatMap((t) => frameNgrams(t).filter((g) => evalNgrams.has(g)).map((g) => `${t.id}: "${g}"`));
    assert.deepEqual(shared, []);
  });

  it('the check can fail: the pre-training pressure family does share frames with the eval', () => {
    const shared = PRESSURE_TRAIN.flatMap((t) => frameNgrams(t).filter((g) => evalNgrams.has(g)));
    assert.ok(shared.length > 0);
  });

  it('the generated positive-control set uses only its own family', () => {
    const frames = new Set(PRESSURE_CONTROL.map((t) => defined(t.system.split('{lure}')[0], 'the frame before {lure}')));
    const { trained } = splitEntities(world, 'drugs', 1);
    for (const s of pressureLyingSamples(world, { domain: 'drugs', count: 200, seed: 1, entities: trained })) {
      const system = defined(s.messages[0], 'the system message').content;
      assert.ok([...frames].some((f) => system.startsWith(f)), system);
    }
  });
});
