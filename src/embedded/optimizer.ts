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

export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  private readonly opts: Required<AdamWOptions>;

  constructor(
    private readonly vars: tf.Variable[],
    options: AdamWOptions = {},
  ) {
    this.opts = { beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01, clipNorm: 1, ...options };
    this.m = vars.map((x) => tf.variable(tf.zerosLike(x), false));
    this.v = vars.map((x) => tf.variable(tf.zerosLike(x), false));
  }

  apply(grads: tf.NamedTensorMap, lr: number): void {
    this.t++;
    const { beta1, beta2, eps, weightDecay, clipNorm } = this.opts;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      const gs = this.vars.map((x) => grads[x.name] ?? tf.zerosLike(x));
      const sq = tf.addN(gs.map((g) => tf.sum(tf.square(g))));
      const scale = tf.minimum(1, tf.div(clipNorm, tf.add(tf.sqrt(sq), 1e-6)));
      this.vars.forEach((x, i) => {
        const g = tf.mul(gs[i], scale);
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        let update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
        if (weightDecay > 0 && x.rank >= 2) update = tf.add(update, tf.mul(x, weightDecay));
        x.assign(tf.sub(x, tf.mul(update, lr)));
      });
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

/** Linear warm-up then cosine decay to `floor`·lr. */
export function learningRate(step: number, total: number, peak: number, warmup: number, floor = 0.1): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
