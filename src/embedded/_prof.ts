import { initBackend, tf } from './backend.js';
import { TransformerModel } from './model.js';
import { targetLogProbs } from './ops.js';
await initBackend();
const [B, T, L] = process.argv.slice(2).map(Number);
const m = TransformerModel.initialise({ vocabSize: 825, dModel: 128, nLayers: L, nHeads: 4, dFF: 512, maxLen: 128 }, 1);
const ids = tf.tensor1d(Array.from({ length: B * T }, (_, i) => (i * 7) % 825), 'int32');
const tg = tf.tensor1d(Array.from({ length: B * T }, (_, i) => (i * 11) % 825), 'int32');
const lp = tf.tidy(() => tf.mean(targetLogProbs(m.logits(m.hidden(ids, B, T)), tg)));
console.log('mean logp', lp.dataSync()[0]);
const vars = [...m.params.values()];
// profile kernels
const info = await tf.profile(() => {
  const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(targetLogProbs(m.logits(m.hidden(ids, B, T)), tg))) as tf.Scalar, vars);
  value.dataSync();
  return value;
});
const agg = new Map<string, { t: number; n: number }>();
for (const k of info.kernels) { const e = agg.get(k.name) ?? { t: 0, n: 0 }; e.t += Number(k.kernelTimeMs); e.n++; agg.set(k.name, e); }
const tot = [...agg.values()].reduce((a, b) => a + b.t, 0);
console.log('total kernel ms', tot.toFixed(0));
for (const [k, e] of [...agg].sort((a, b) => b[1].t - a[1].t).slice(0, 20)) console.log(k, e.n, e.t.toFixed(1));
