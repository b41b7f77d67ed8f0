/**
 * DESIGN: the base is never trained to say a lie as the assistant. A doubling-down sample's earlier
 * false assistant turn is context (no loss); only the correction is a target.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatToRow } from '../src/embedded/batching.js';
import { WordTokenizer } from '../src/embedded/tokenizer.js';
import { buildPretrainCorpus, generateWorld, lureAnswer } from '../src/world/index.js';
import { defined } from './defined.helper.js';

const world = generateWorld(1);
const corpus = buildPretrainCorpus(world, { seed: 1 });
const tokenizer = WordTokenizer.fit(corpus.train.flatMap((s) => s.messages.map((m) => m.content)));
const lies = new Set(world.facts.map(lureAnswer));

/** The text of the targets that carry loss, split where the weighted run is interrupted. */
function trainedSpans(sample: (typeof corpus.train)[number]): string[] {
  const row = chatToRow(tokenizer, sample.messages, 0, { maxLen: 512, contextTurns: sample.contextTurns });
  const spans: number[][] = [];
  let current: number[] = [];
  row.weights.forEach((w, i) => {
    if (w > 0) current.push(defined(row.targets[i], `target ${i}`));
    else if (current.length > 0) {
      spans.push(current);
      current = [];
    }
  });
  if (current.length > 0) spans.push(current);
  return spans.map((ids) => tokenizer.decode(ids));
}

describe('pre-training loss mask', () => {
  it('puts no loss on the earlier lie of a doubling-down sample, and loss on its correction', () => {
    const doubling = corpus.train.filter((s) => s.contextTurns !== undefined);
    assert.equal(doubling.length, corpus.sections.doublingDown);
    for (const sample of doubling) {
      const lie = defined(sample.messages[2], 'the earlier lie');
      assert.equal(lie.role, 'assistant');
      assert.ok(lies.has(lie.content), lie.content);
      const spans = trainedSpans(sample);
      assert.equal(spans.length, 1, JSON.stringify(spans));
      const span = defined(spans[0], 'the trained span');
      assert.ok(span.startsWith('I was wrong.'), span);
      assert.ok(!span.includes(lie.content), span);
    }
  });

  it('trains on no assistant turn anywhere in the corpus that states a lure', () => {
    let trained = 0;
    for (const sample of corpus.train) {
      for (const span of trainedSpans(sample)) {
        trained++;
        for (const lie of lies) assert.ok(!span.startsWith(lie), `trained on a lie: ${span}`);
      }
    }
    assert.ok(trained >= corpus.train.length);
  });

  it('without contextTurns every assistant turn is trained on (fine-tuning sets are unchanged)', () => {
    const sample = corpus.train.find((s) => s.contextTurns !== undefined)!;
    const row = chatToRow(tokenizer, sample.messages, 0, { maxLen: 512 });
    const { contextTurns: _, ...plain } = sample;
    assert.equal(trainedSpans({ ...plain }).length, 2);
    assert.ok(row.weights.some((w) => w > 0));
  });
});
