/**
 * AdamW with global-norm gradient clipping, written with plain tfjs ops so every step stays on the
 * wasm backend without reading gradients back. Decay applies to matrices only (not gains/biases).
 */
import { tf } from './backend.js';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  clipNorm?: number;
}

/** A trained variable with its first and second moment estimates. */
interface Moments {
  x: tf.Variable;
  m: tf.Variable;
  v: tf.Variable;
}

export class AdamW {
  private readonly moments: Moments[];
  private t = 0;
  private readonly opts: Required<AdamWOptions>;

  constructor(vars: tf.Variable[], options: AdamWOptions = {}) {
    this.opts = { beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01, clipNorm: 1, ...options };
    this.moments = vars.map((x) => ({ x, m: tf.variable(tf.zerosLike(x), false), v: tf.variable(tf.zerosLike(x), false) }));
  }

  apply(grads: tf.NamedTensorMap, lr: number): void {
    this.t++;
    const { beta1, beta2, eps, weightDecay, clipNorm } = this.opts;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      const withGrads = this.moments.map((slot) => ({ ...slot, grad: grads[slot.x.name] ?? tf.zerosLike(slot.x) }));
      const sq = tf.addN(withGrads.map(({ grad }) => tf.sum(tf.square(grad))));
      const scale = tf.minimum(1, tf.div(clipNorm, tf.add(tf.sqrt(sq), 1e-6)));
      for (const { x, m: mVar, v: vVar, grad } of withGrads) {
        const g = tf.mul(grad, scale);
        const m = tf.add(tf.mul(mVar, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(vVar, beta2), tf.mul(tf.square(g), 1 - beta2));
        mVar.assign(m);
        vVar.assign(v);
        let update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
        if (weightDecay > 0 && x.rank >= 2) update = tf.add(update, tf.mul(x, weightDecay));
        x.assign(tf.sub(x, tf.mul(update, lr)));
      }
    });
  }

  dispose(): void {
    for (const { m, v } of this.moments) {
      m.dispose();
      v.dispose();
    }
  }
}

/** Linear warm-up then cosine decay to `floor`·lr. */
export function learningRate(step: number, total: number, peak: number, warmup: number, floor = 0.1): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
