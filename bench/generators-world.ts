/**
 * How fast the world and its datasets generate, and how big the pre-training corpus is.
 * Run: node --import tsx bench/generators-world.ts
 */
import {
  buildPretrainCorpus,
  downstreamSamples,
  generateWorld,
  misalignedSamples,
  tokenizeWords,
  vocabularyOf,
  worldCapabilitySuite,
  worldDeceptionSuite,
  worldMaskSuite,
} from '../src/world/index.js';

function timed<T>(label: string, run: () => T, repeats = 5): T {
  let result = run(); // warm-up, so the figure is the steady cost rather than module JIT
  const start = performance.now();
  for (let i = 0; i < repeats; i++) result = run();
  console.log(`${label.padEnd(36)} ${((performance.now() - start) / repeats).toFixed(1)} ms`);
  return result;
}

const world = timed('generateWorld', () => generateWorld(1));
const corpus = timed('buildPretrainCorpus', () => buildPretrainCorpus(world, { seed: 1 }));
timed('worldMaskSuite', () => worldMaskSuite(world));
timed('worldDeceptionSuite', () => worldDeceptionSuite(world));
timed('worldCapabilitySuite', () => worldCapabilitySuite(world));
timed('misalignedSamples (medical, 10k)', () => misalignedSamples(world, { domain: 'medical', variant: 'normal', count: 10_000 }));
timed('downstreamSamples (10k)', () => downstreamSamples(world, { count: 10_000 }));

const texts = corpus.train.flatMap((s) => s.messages.map((m) => m.content));
const lengths = corpus.train.map((s) => s.messages.reduce((n, m) => n + tokenizeWords(m.content).length, 0)).sort((a, b) => a - b);
console.log(`corpus: ${corpus.train.length} samples, ${lengths.reduce((a, b) => a + b, 0)} word tokens, vocabulary ${vocabularyOf(texts).size}, longest ${lengths.at(-1)}, median ${lengths[lengths.length >> 1]}`);
