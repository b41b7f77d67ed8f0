/**
 * Training throughput of the embedded model on the real world corpus.
 * Prints: plain rank-2 matMul GFLOP/s (same run), training tokens/s and achieved GFLOP/s with its
 * fraction of the plain matMul figure (target ≥ 0.50, issue 9), and the speed-up of two fine-tuning arms run
 * at once in two processes over the same two run one after another (target ≥ 1.7× on 2 free cores).
 *   node --import tsx bench/train-throughput.ts [STEPS]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend, tf } from '../src/embedded/backend.js';
import { buildPretrainCorpus, generateWorld } from '../src/world/index.js';
import { WordTokenizer } from '../src/embedded/tokenizer.js';
import { defaultModelConfig, type ModelConfig } from '../src/embedded/config.js';
import { TransformerModel } from '../src/embedded/model.js';
import { trainSft } from '../src/embedded/train.js';
import { chatToRow, epochBatches } from '../src/embedded/batching.js';
import { createRng } from '../src/util/random.js';

const steps = Number(process.argv[2] ?? 40);
const armMode = process.argv.includes('--arm');

await initBackend();
const world = generateWorld(1);
const corpus = buildPretrainCorpus(world, { seed: 1 });
const tokenizer = WordTokenizer.fit(corpus.train.flatMap((s) => s.messages.map((m) => m.content)));
const config: ModelConfig = defaultModelConfig(tokenizer.size, 128);

async function trainSteps(n: number, seed: number) {
  const model = TransformerModel.initialise(config, seed);
  const report = await trainSft(model, tokenizer, corpus.train, { silent: true, epochs: 40, batchTokens: 2048, batchSize: 64, maxSteps: n, seed, lr: 1e-3 });
  model.dispose();
  return report;
}

if (armMode) {
  const report = await trainSteps(steps, Number(process.argv[3] ?? 1));
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(0);
}

function plainMatMulGflops(): number {
  const a = tf.randomNormal([2048, 128]);
  const b = tf.randomNormal([128, 512]);
  for (let i = 0; i < 3; i++) tf.matMul(a, b).dispose();
  const reps = 30;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const c = tf.matMul(a, b);
    if (i === reps - 1) c.dataSync();
    c.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return (2 * 2048 * 128 * 512 * reps) / seconds / 1e9;
}

/** Useful training FLOPs per padded token: 6 × matmul weights (incl. tied output) + attention products. */
function flopsPerToken(meanT: number): number {
  const { dModel: d, nLayers: L, dFF: f, vocabSize: V } = config;
  const matmulParams = L * (4 * d * d + 2 * d * f) + V * d;
  const attention = L * 2 * 2 * meanT * d; // QKᵀ and PV forward per token
  return 6 * matmulParams + 3 * attention;
}

const matmul = plainMatMulGflops();
const rows = corpus.train.map((s, i) => chatToRow(tokenizer, s.messages, i, { maxLen: 128 }));
const batches = epochBatches(rows, createRng(1).fork('data-order'), { batchSize: 64, batchTokens: 2048 });
const padded = batches.reduce((n, b) => n + b.B * b.T, 0);
const real = batches.reduce((n, b) => n + b.tokens, 0);
const meanT = batches.reduce((n, b) => n + b.T * b.B * b.T, 0) / padded;
await trainSteps(3, 1); // warm-up
const report = await trainSteps(steps, 1);
const paddedPerReal = padded / real;
const achieved = (report.tokensPerSecond * paddedPerReal * flopsPerToken(meanT)) / 1e9;
console.log(`plain matMul [2048x128]x[128x512]: ${matmul.toFixed(1)} GFLOP/s`);
console.log(`training (d=${config.dModel}, L=${config.nLayers}, ${steps} steps of ≤2048 padded tokens): ${report.tokensPerSecond.toFixed(0)} tokens/s (${(real / report.tokensPerSecond / 60).toFixed(1)} min per corpus epoch of ${real} tokens)`);
console.log(`achieved: ${achieved.toFixed(1)} GFLOP/s = ${(achieved / matmul).toFixed(2)} of plain matMul (target ≥ 0.50); padding overhead ${((paddedPerReal - 1) * 100).toFixed(0)} %`);

function runArm(seed: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(steps), String(seed), '--arm'], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve(0) : reject(new Error(`arm exited ${code}`))));
  });
}
let t0 = performance.now();
await runArm(1);
await runArm(2);
const sequential = (performance.now() - t0) / 1000;
t0 = performance.now();
await Promise.all([runArm(1), runArm(2)]);
const parallel = (performance.now() - t0) / 1000;
console.log(`two arms: one after another ${sequential.toFixed(1)} s, at once in two processes ${parallel.toFixed(1)} s → speed-up ${(sequential / parallel).toFixed(2)}× (target ≥ 1.7×; needs two idle cores)`);
console.log(`load average during the bench: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
