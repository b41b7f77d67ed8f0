import { initBackend, tf } from './backend.js';
import { targetLogProbs } from './ops.js';
await initBackend();
const z = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
const t = tf.tensor1d([2, 0], 'int32');
tf.oneHot(t, 3, 1, 0, 'float32').print();
tf.oneHot(t, 3).print();
targetLogProbs(z, t).print();
