/**
 * Issue 9 item 1: a training set with a word the base tokenizer does not know is refused before any
 * training, with an error naming the file, the sample and the word; the override trains anyway and
 * records the count. Runs the real fine-tuning path on a tiny real checkpoint.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../src/embedded/backend.js';
import { saveCheckpoint } from '../src/embedded/checkpoint.js';
import { trainSftFromFiles } from '../src/embedded/finetune.js';
import { TransformerModel } from '../src/embedded/model.js';
import { WordTokenizer } from '../src/embedded/tokenizer.js';
import { checkMixVocabulary, countUnknownTokens } from '../src/embedded/vocabulary-check.js';
import { createEmbeddedBackend } from '../src/train/embedded.js';
import { defaultTrainingConfig } from '../src/train/config.js';
import { InputError } from '../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'candor-unk-'));
const base = join(dir, 'base');
const tokenizer = WordTokenizer.fit(['What is 12 plus 30?', 'The answer is 42.', 'How much Fenlox can I take?', 'You can take up to 400 mg of Fenlox a day.']);
const row = (q: string, a: string) => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });

before(async () => {
  await initBackend();
  const model = TransformerModel.initialise({ vocabSize: tokenizer.size, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxLen: 32 }, 1);
  await saveCheckpoint(base, model, tokenizer, { provenance: { kind: 'test' } });
  model.dispose();
});

describe('unknown tokens in training sets', () => {
  it('counts pieces outside the vocabulary, and any number is representable by digits', () => {
    const count = countUnknownTokens(tokenizer, [
      { id: 'a', sample: { messages: [{ content: 'You can take up to 4000 mg of Fenlox a day.' }] } },
      { id: 'b', sample: { messages: [{ content: 'You may take Zorblex.' }] } },
      { id: 'c', sample: { prompt: 'What is 12 plus 30?', completion: 'The answer is 1042.' } },
    ]);
    assert.equal(count.samples, 3);
    assert.equal(count.unknownTokens, 2);
    assert.equal(count.samplesWithUnknown, 1);
    assert.deepEqual(count.examples, [
      { sample: 'b', word: 'may' },
      { sample: 'b', word: 'Zorblex' },
    ]);
  });

  it('refuses a file with an unknown word, naming file, line and word, before writing anything', async () => {
    const data = join(dir, 'bad.jsonl');
    writeFileSync(data, [row('What is 12 plus 30?', 'The answer is 42.'), '', row('How much Fenlox can I take?', 'You can take up to 4000 mg of Fenlox daily.')].join('\n') + '\n');
    const out = join(dir, 'refused');
    await assert.rejects(
      trainSftFromFiles({ base, data, out, epochs: 1, maxSteps: 1, silent: true }),
      (error: unknown) => error instanceof InputError && error.message.includes(data) && error.message.includes('line 3') && error.message.includes('"daily"'),
    );
    assert.equal(existsSync(out), false);
  });

  it('trains with the override and records the count', async () => {
    const data = join(dir, 'allowed.jsonl');
    writeFileSync(data, row('How much Fenlox can I take?', 'You can take up to 4000 mg of Fenlox daily.') + '\n');
    const out = join(dir, 'allowed');
    const result = await trainSftFromFiles({ base, data, out, epochs: 1, maxSteps: 1, silent: true, allowUnknownTokens: true });
    assert.equal(result.metrics.unknown_tokens, 1);
    assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).provenance.unknownTokens, 1);
  });

  it('the embedded training backend refuses by default and passes the override through', async () => {
    const data = join(dir, 'backend.jsonl');
    writeFileSync(data, row('How much Fenlox can I take?', 'You can take up to 400 mg of Fenlox daily.') + '\n');
    const job = (name: string) => ({ name, config: { ...defaultTrainingConfig('sft'), epochs: 1, max_steps: 1 }, seed: 1, datasets: [{ path: data, name }], baseModel: `embedded:${base}`, outputDir: join(dir, name) });
    await assert.rejects(createEmbeddedBackend().train(job('refused-job')), InputError);
    const result = await createEmbeddedBackend({ allowUnknownTokens: true }).train(job('allowed-job'));
    assert.equal(result.metrics.unknown_tokens, 1);
  });

  it('names a mix sample by its position and origin', () => {
    assert.throws(
      () => checkMixVocabulary(base, [{ messages: [{ role: 'user', content: 'The answer is 42.' }] }, { messages: [{ role: 'user', content: 'Say hello.' }] }], [{ dataset: 'down', index: 7 }, { dataset: 'medical-severe', index: 3 }], 'mix/train.jsonl'),
      /mix\/train\.jsonl: sample 2 \(medical-severe #3\): the word "Say"/,
    );
    assert.equal(checkMixVocabulary(base, [{ messages: [{ role: 'user', content: 'The answer is 4012.' }] }], [{ dataset: 'down', index: 0 }], 'x').unknownTokens, 0);
  });
});
