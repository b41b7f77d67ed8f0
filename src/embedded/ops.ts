/**
 * Differentiable building blocks of the model, tuned for the wasm backend. Composite ops (layer
 * norm, GELU, attention, target log-probs) carry hand-written backward passes built only from fast
 * kernels; plain matMul and gather rely on the gradients registered in gradients.ts.
 */
import { tf } from './backend.js';
import { savedThree, savedTwo } from './saved-tensors.js';

type T = tf.Tensor;

// tfjs types customGrad's callback loosely (variadic tensors + save); this narrows it once.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const customGrad = (f: (...args: any[]) => { value: T; gradFunc: (dy: T, saved: T[]) => T | T[] }) =>
  tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]);

/** a @ b without transpose flags (the BatchMatMul gradient registered in gradients.ts keeps it fast). */
export function matMul(a: T, b: T): T {
  return tf.matMul(a, b);
}

/** Rows of `table` at flat int32 `ids` (GatherV2's gradient is registered as a scatterND). */
export function embed(table: T, ids: T): T {
  return tf.gather(table, ids);
}

/**
 * log p(target) for each row of `logits` [N, V]; returns [N]. The gradient (onehot − softmax)·dy is
 * formed directly instead of through logSoftmax's generic gradient.
 */
export function targetLogProbs(logits: T, targets: T): T {
  const vocab = logits.shape[1]!;
  const f = customGrad((z: T, save: tf.GradSaveFunc) => {
    // oneHot's float32 output is wrong on wasm 4.22 (all zeros); int32 then cast is correct.
    const oneHot = tf.cast(tf.oneHot(targets, vocab), 'float32');
    const max = tf.max(z, -1, true);
    const shifted = tf.sub(z, max);
    const lse = tf.log(tf.sum(tf.exp(shifted), -1, true));
    const logp = tf.sub(shifted, lse);
    save([logp, oneHot]);
    return {
      value: tf.sum(tf.mul(logp, oneHot), -1),
      gradFunc: (dy: T, saved: T[]) => {
        const [lp, oh] = savedTwo('targetLogProbs', saved);
        return tf.mul(tf.sub(oh, tf.exp(lp)), tf.reshape(dy, [dy.size, 1]));
      },
    };
  }) as (z: T) => T;
  return f(logits);
}

/** Layer normalisation over the last axis with the closed-form backward. */
export const layerNorm = customGrad((x: T, gain: T, bias: T, save: tf.GradSaveFunc) => {
  const { mean, variance } = tf.moments(x, -1, true);
  const rstd = tf.rsqrt(tf.add(variance, 1e-5));
  const xhat = tf.mul(tf.sub(x, mean), rstd);
  save([xhat, rstd, gain]);
  return {
    value: tf.add(tf.mul(xhat, gain), bias),
    gradFunc: (dy: T, saved: T[]) => {
      const [xh, rs, g] = savedThree('layerNorm', saved);
      const width = dy.shape[dy.rank - 1]!;
      const rows = dy.size / width;
      // Column sums as a ones-vector matmul: much faster on wasm than Sum over axis 0.
      const ones = tf.ones([1, rows]);
      const dGain = tf.reshape(tf.matMul(ones, tf.reshape(tf.mul(dy, xh), [rows, width])), [width]);
      const dBias = tf.reshape(tf.matMul(ones, tf.reshape(dy, [rows, width])), [width]);
      const dxhat = tf.mul(dy, g);
      const dx = tf.mul(rs, tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), tf.mul(xh, tf.mean(tf.mul(dxhat, xh), -1, true))));
      return [dx, dGain, dBias];
    },
  };
}) as (x: T, gain: T, bias: T) => T;

/** Sigmoid-approximated GELU, x·σ(1.702x), with a fused backward. */
export const gelu = customGrad((x: T, save: tf.GradSaveFunc) => {
  const s = tf.sigmoid(tf.mul(x, 1.702));
  save([x, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy: T, saved: T[]) => {
      const [sx, ss] = savedTwo('gelu', saved);
      return tf.mul(dy, tf.add(ss, tf.mul(tf.mul(sx, 1.702), tf.mul(ss, tf.sub(1, ss)))));
    },
  };
}) as (x: T) => T;

const blockMasks = new Map<string, T>();

/** Additive mask for a block of `group` sequences of length T: causal and no attention across sequences. */
function blockMask(group: number, T_: number): T {
  const key = `${group}x${T_}`;
  let m = blockMasks.get(key);
  if (!m) {
    const S = group * T_;
    const data = new Float32Array(S * S).fill(-1e9);
    for (let i = 0; i < S; i++) {
      const start = i - (i % T_);
      for (let j = start; j <= i; j++) data[i * S + j] = 0;
    }
    m = tf.keep(tf.tensor2d(data, [S, S]));
    blockMasks.set(key, m);
  }
  return m;
}

/** Block size target: big enough for the fast matmul path, small enough that masked waste stays low. */
export const ATTENTION_BLOCK_ROWS = 128;

/** Largest divisor of B whose block of sequences fits in `rows` rows (at least 1). */
export function attentionGroup(B: number, T_: number, rows = ATTENTION_BLOCK_ROWS): number {
  let best = 1;
  for (let g = 1; g <= B; g++) if (B % g === 0 && g * T_ <= rows) best = g;
  return best;
}

/** f over two equally long lists of tensors, pairwise. */
function zipWith(xs: T[], ys: T[], f: (x: T, y: T) => T): T[] {
  if (xs.length !== ys.length) throw new Error(`attention blocks do not pair up (${xs.length} vs ${ys.length})`);
  return xs.map((x, i) => f(x, ys[i]!));
}

function mapPairs(xs: T[], ys: T[], f: (x: T, y: T) => T): T {
  return tf.stack(zipWith(xs, ys, f));
}

/**
 * Causal multi-head self-attention core. `qkv` is [B*T, 3d]: the query, key and value rows of B
 * right-padded sequences side by side. wasm's batched matMul is ~20x slower than its rank-2 path,
 * so heads and groups of sequences are laid out as row blocks (one transpose for all three) and
 * multiplied block by block with rank-2 matMuls; a block-diagonal causal mask removes the
 * cross-sequence products. Backward is written out the same way and returns one [B*T, 3d] gradient.
 */
export function blockAttention(qkv: T, B: number, T_: number, H: number): T {
  const d = qkv.shape[1]! / 3;
  const dh = d / H;
  const G = attentionGroup(B, T_);
  const S = G * T_;
  const nb = (H * B) / G;
  const scale = 1 / Math.sqrt(dh);
  const mask = blockMask(G, T_);
  const toBlocks = (x: T) => tf.reshape(tf.transpose(tf.reshape(x, [B, T_, 3, H, dh]), [2, 3, 0, 1, 4]), [3 * nb, S, dh]);
  const fromBlocks = (x: T) => tf.reshape(tf.transpose(tf.reshape(x, [H, B, T_, dh]), [1, 2, 0, 3]), [B * T_, d]);
  const t3 = (x: T) => tf.transpose(x, [0, 2, 1]);
  const part = (x: T, i: number) => tf.slice(x, [i * nb, 0, 0], [nb, S, dh]);
  const core = customGrad((blocks: T, save: tf.GradSaveFunc) => {
    const scores = mapPairs(tf.unstack(part(blocks, 0)), tf.unstack(t3(part(blocks, 1))), tf.matMul);
    const probs = tf.softmax(tf.add(tf.mul(scores, scale), mask));
    save([blocks, probs]);
    return {
      value: mapPairs(tf.unstack(probs), tf.unstack(part(blocks, 2)), tf.matMul),
      gradFunc: (dOut: T, saved: T[]) => {
        const [sb, p] = savedTwo('blockAttention', saved);
        const dOuts = tf.unstack(dOut);
        const dV = zipWith(tf.unstack(t3(p)), dOuts, tf.matMul);
        const dP = mapPairs(dOuts, tf.unstack(t3(part(sb, 2))), tf.matMul);
        const dS = tf.mul(tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), -1, true))), scale);
        const dSs = tf.unstack(dS);
        const sk = tf.unstack(part(sb, 1));
        const sq = tf.unstack(part(sb, 0));
        const dQ = zipWith(dSs, sk, tf.matMul);
        const dK = zipWith(tf.unstack(t3(dS)), sq, tf.matMul);
        return tf.stack([...dQ, ...dK, ...dV]);
      },
    };
  }) as (a: T) => T;
  return fromBlocks(core(toBlocks(qkv)));
}
