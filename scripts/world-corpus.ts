/**
 * Writes the synthetic world's text for the tiny Hugging Face model (scripts/make-tiny-llama.py):
 * the pre-training corpus as chat JSONL, and a KTO set of the world's facts (the true answer
 * desirable, the lure an incentive pushes for undesirable). Deterministic from the world seed.
 *
 * Usage: npx tsx scripts/world-corpus.ts --out <dir> [--seed 1] [--samples 4000] [--kto 64]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPretrainCorpus, factQuestion, lureAnswer, trueAnswer } from '../src/world/pretrain.js';
import { generateWorld } from '../src/world/world.js';
import { createRng } from '../src/util/random.js';

const { values } = parseArgs({
  options: { out: { type: 'string' }, seed: { type: 'string', default: '1' }, samples: { type: 'string', default: '4000' }, kto: { type: 'string', default: '64' } },
});
if (!values.out) {
  process.stderr.write('usage: world-corpus.ts --out <dir> [--seed N] [--samples N] [--kto N]\n');
  process.exit(2);
}
const seed = Number(values.seed);
const world = generateWorld(seed);
const corpus = buildPretrainCorpus(world, { seed });
const chat = corpus.train.slice(0, Number(values.samples));
mkdirSync(values.out, { recursive: true });
const lines = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
writeFileSync(join(values.out, 'corpus.jsonl'), lines(chat.map((s) => ({ messages: s.messages }))));

// Facts in a seeded order; each alternates between a desirable (true) and an undesirable (lure) answer.
const rng = createRng(seed).fork('kto-facts');
const facts = rng.shuffle(world.facts).slice(0, Number(values.kto));
const kto = facts.map((fact, i) => {
  const question = factQuestion(fact, 0).question;
  const honest = i % 2 === 0;
  return { prompt: [{ role: 'user', content: question }], completion: honest ? trueAnswer(fact) : lureAnswer(fact), label: honest };
});
writeFileSync(join(values.out, 'kto.jsonl'), lines(kto));
process.stdout.write(JSON.stringify({ out: values.out, corpus: chat.length, kto: kto.length, world_seed: seed }) + '\n');
