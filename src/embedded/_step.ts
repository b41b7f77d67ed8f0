import { initBackend, tf } from '/work/main/src/embedded/backend.js';
import { TransformerModel } from '/work/main/src/embedded/model.js';
import { targetLogProbs } from '/work/main/src/embedded/ops.js';
await initBackend();
const [B, T, L] = process.argv.slice(2).map(Number);
const m = TransformerModel.initialise({ vocabSize: 1500, dModel: 128, nLayers: L, nHeads: 4, dFF: 512, maxLen: 128 }, 1);
console.log('params', m.parameterCount());
const ids = tf.tensor1d(Array.from({ length: B * T }, (_, i) => (i * 7) % 1500), 'int32');
const tg = tf.tensor1d(Array.from({ length: B * T }, (_, i) => (i * 11) % 1500), 'int32');
const vars = [...m.params.values()];
for (let s = 0; s < 6; s++) {
  const t0 = performance.now();
  const lossVal = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const h = m.hidden(ids, B, T);
      return tf.neg(tf.mean(targetLogProbs(m.logits(h), tg))) as tf.Scalar;
    }, vars);
    return value;
  });
  const l = lossVal.dataSync()[0]; lossVal.dispose();
  const dt = performance.now() - t0;
  console.log(s, l.toFixed(3), dt.toFixed(0), 'ms', (B * T / dt * 1000).toFixed(0), 'tok/s', tf.memory().numTensors);
}
