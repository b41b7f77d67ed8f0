/**
 * The decoder-only transformer: pre-norm blocks, causal multi-head attention, learned positions,
 * GELU MLP, output projection tied to the token embedding. Weights live in named tf.Variables so
 * checkpoints, optimisers and LoRA adapters can address them by name.
 */
import { backendReady, tf } from './backend.js';
import type { ModelConfig, LoraConfig } from './config.js';
import { validateModelConfig } from './config.js';
import { blockAttention, embed, gelu, layerNorm, matMul } from './ops.js';
import { createRng } from '../util/random.js';

type T = tf.Tensor;

export interface ParamSpec {
  name: string;
  shape: number[];
  init: 'normal' | 'zeros' | 'ones';
  std?: number;
}

/** Names of the linear layers LoRA may adapt. */
export const LINEAR_NAMES = ['attn.wq', 'attn.wk', 'attn.wv', 'attn.wo', 'mlp.w1', 'mlp.w2'] as const;

export function parameterSpecs(config: ModelConfig): ParamSpec[] {
  const { vocabSize: V, dModel: d, nLayers: L, dFF: f, maxLen } = config;
  const residualStd = 0.02 / Math.sqrt(2 * L);
  const specs: ParamSpec[] = [
    { name: 'tok_emb', shape: [V, d], init: 'normal', std: 0.02 },
    { name: 'pos_emb', shape: [maxLen, d], init: 'normal', std: 0.01 },
  ];
  for (let l = 0; l < L; l++) {
    const p = `blocks.${l}.`;
    specs.push(
      { name: p + 'ln1.g', shape: [d], init: 'ones' },
      { name: p + 'ln1.b', shape: [d], init: 'zeros' },
      { name: p + 'attn.wq', shape: [d, d], init: 'normal', std: 0.02 },
      { name: p + 'attn.wk', shape: [d, d], init: 'normal', std: 0.02 },
      { name: p + 'attn.wv', shape: [d, d], init: 'normal', std: 0.02 },
      { name: p + 'attn.wo', shape: [d, d], init: 'normal', std: residualStd },
      { name: p + 'ln2.g', shape: [d], init: 'ones' },
      { name: p + 'ln2.b', shape: [d], init: 'zeros' },
      { name: p + 'mlp.w1', shape: [d, f], init: 'normal', std: 0.02 },
      { name: p + 'mlp.b1', shape: [f], init: 'zeros' },
      { name: p + 'mlp.w2', shape: [f, d], init: 'normal', std: residualStd },
      { name: p + 'mlp.b2', shape: [d], init: 'zeros' },
    );
  }
  specs.push({ name: 'ln_f.g', shape: [d], init: 'ones' }, { name: 'ln_f.b', shape: [d], init: 'zeros' });
  return specs;
}

export function initialValues(config: ModelConfig, seed: number): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  const rng = createRng(seed);
  for (const spec of parameterSpecs(config)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (spec.init === 'ones') data.fill(1);
    else if (spec.init === 'normal') {
      const r = rng.fork(spec.name);
      const std = spec.std ?? 0.02;
      for (let i = 0; i < size; i++) data[i] = r.normal() * std;
    }
    values.set(spec.name, data);
  }
  return values;
}

interface LoraPair {
  a: tf.Variable;
  b: tf.Variable;
}

/** Per-layer key/value cache for incremental decoding: [B, H, t, dh]. */
export interface KvCache {
  k: T[];
  v: T[];
}

/** tfjs variable names are global; each model instance prefixes its own. */
let instanceCounter = 0;
function uniquePrefix(): string {
  instanceCounter += 1;
  return `emb${instanceCounter}/`;
}

export class TransformerModel {
  readonly config: ModelConfig;
  readonly params = new Map<string, tf.Variable>();
  readonly lora = new Map<string, LoraPair>();
  loraScale = 0;
  private readonly prefix = uniquePrefix();

  constructor(config: ModelConfig, values: Map<string, Float32Array>) {
    if (!backendReady()) throw new Error('call initBackend() (src/embedded/backend.ts) before building an embedded model');
    this.config = validateModelConfig(config);
    for (const spec of parameterSpecs(this.config)) {
      const data = values.get(spec.name);
      if (!data) throw new Error(`checkpoint lacks parameter ${spec.name}`);
      const size = spec.shape.reduce((a, b) => a * b, 1);
      if (data.length !== size) throw new Error(`parameter ${spec.name}: expected ${size} values, got ${data.length}`);
      this.params.set(spec.name, tf.variable(tf.tensor(data, spec.shape, 'float32'), true, this.prefix + spec.name));
    }
  }

  static initialise(config: ModelConfig, seed: number): TransformerModel {
    return new TransformerModel(config, initialValues(config, seed));
  }

  /** An independent copy of the base weights (no adapters), e.g. a frozen KTO reference. */
  clone(): TransformerModel {
    const copy = Object.create(TransformerModel.prototype) as TransformerModel;
    Object.assign(copy, { config: this.config, params: new Map(), lora: new Map(), loraScale: 0, prefix: uniquePrefix() });
    for (const [name, v] of this.params) copy.params.set(name, tf.variable(tf.clone(v), false, copy.prefix + name));
    return copy;
  }

  param(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`unknown parameter ${name}`);
    return v;
  }

  parameterCount(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** Adds zero-effect LoRA adapters (B = 0) to every linear layer; returns the new variables. */
  addLora(lora: LoraConfig, seed: number): tf.Variable[] {
    this.removeLora();
    const rng = createRng(seed).fork('lora');
    const created: tf.Variable[] = [];
    for (let l = 0; l < this.config.nLayers; l++) {
      for (const lin of LINEAR_NAMES) {
        const name = `blocks.${l}.${lin}`;
        const [inDim, outDim] = this.param(name).shape;
        if (inDim === undefined || outDim === undefined) throw new Error(`LoRA target ${name} is not a matrix`);
        const aData = new Float32Array(inDim * lora.rank);
        const r = rng.fork(name);
        const std = 1 / Math.sqrt(inDim);
        for (let i = 0; i < aData.length; i++) aData[i] = r.normal() * std;
        const a = tf.variable(tf.tensor(aData, [inDim, lora.rank]), true, this.prefix + name + '.lora_a');
        const b = tf.variable(tf.zeros([lora.rank, outDim]), true, this.prefix + name + '.lora_b');
        this.lora.set(name, { a, b });
        created.push(a, b);
      }
    }
    this.loraScale = lora.alpha / lora.rank;
    return created;
  }

  removeLora(): void {
    for (const { a, b } of this.lora.values()) {
      a.dispose();
      b.dispose();
    }
    this.lora.clear();
    this.loraScale = 0;
  }

  /** Folds the adapters into the base weights (used when saving a fine-tuned checkpoint). */
  mergedValues(): Map<string, T> {
    const out = new Map<string, T>();
    for (const [name, v] of this.params) {
      const pair = this.lora.get(name);
      out.set(name, pair ? tf.tidy(() => tf.add(v, tf.mul(tf.matMul(pair.a, pair.b), this.loraScale))) : v);
    }
    return out;
  }

  /**
   * x·W, or with an adapter x·(W + s·A·B): forming the d×d update first costs a tiny matmul and
   * keeps one large product per layer, so LoRA steps cost no more than full fine-tuning steps.
   */
  linear(x: T, name: string): T {
    return matMul(x, this.weight(name));
  }

  /** W, or W + s·A·B with an adapter. */
  private weight(name: string): T {
    const w = this.param(name);
    const pair = this.lora.get(name);
    if (!pair || this.loraScale === 0) return w;
    return tf.add(w, tf.mul(matMul(pair.a, pair.b), this.loraScale));
  }

  /**
   * Full-sequence forward for training: ids [B*T] int32 (right-padded rows; causal attention means
   * real tokens never see the padding). Returns final normed hidden states [B*T, d].
   */
  hidden(ids: T, B: number, T_: number): T {
    const { dModel: d, nHeads: H, nLayers: L } = this.config;
    if (T_ > this.config.maxLen) throw new Error(`sequence of ${T_} tokens exceeds the model's context of ${this.config.maxLen}`);
    const pos = tf.slice(this.param('pos_emb'), [0, 0], [T_, d]);
    let x = tf.reshape(tf.add(tf.reshape(embed(this.param('tok_emb'), ids), [B, T_, d]), pos), [B * T_, d]);
    for (let l = 0; l < L; l++) {
      const p = `blocks.${l}.`;
      const h = layerNorm(x, this.param(p + 'ln1.g'), this.param(p + 'ln1.b'));
      // One [N, 3d] projection instead of three [N, d] ones: a larger matmul, and the backward
      // transposes h once instead of three times.
      const wqkv = tf.concat([this.weight(p + 'attn.wq'), this.weight(p + 'attn.wk'), this.weight(p + 'attn.wv')], 1);
      const att = blockAttention(matMul(h, wqkv), B, T_, H);
      x = tf.add(x, this.linear(att, p + 'attn.wo'));
      const h2 = layerNorm(x, this.param(p + 'ln2.g'), this.param(p + 'ln2.b'));
      const m = gelu(tf.add(this.linear(h2, p + 'mlp.w1'), this.param(p + 'mlp.b1')));
      x = tf.add(x, tf.add(this.linear(m, p + 'mlp.w2'), this.param(p + 'mlp.b2')));
    }
    return layerNorm(x, this.param('ln_f.g'), this.param('ln_f.b'));
  }

  /** Logits [N, V] for hidden rows [N, d] through the tied embedding. */
  logits(hidden: T): T {
    return matMul(hidden, tf.transpose(this.param('tok_emb')));
  }

  /**
   * Incremental forward for generation: ids/positions [B, t] for the new tokens, keyBias [B, 1, 1, Tk]
   * (−1e9 on padding keys, Tk = cached + t). Appends to `cache` in place and returns logits of
   * the last new position [B, V]. No gradients.
   */
  step(ids: T, positions: T, keyBias: T, cache: KvCache): T {
    const { dModel: d, nHeads: H, nLayers: L } = this.config;
    const [B, t] = ids.shape as [number, number];
    const dh = d / H;
    const n = B * t;
    let x = tf.add(tf.gather(this.param('tok_emb'), tf.reshape(ids, [n])), tf.gather(this.param('pos_emb'), tf.reshape(positions, [n])));
    const heads = (z: T) => tf.transpose(tf.reshape(z, [B, t, H, dh]), [0, 2, 1, 3]);
    const past = cache.k[0]?.shape[2] ?? 0;
    const Tk = past + t;
    // Causal within the new block: new token i sees all cached keys and new keys up to i.
    const causal = new Float32Array(t * Tk);
    for (let i = 0; i < t; i++) for (let j = past + i + 1; j < Tk; j++) causal[i * Tk + j] = -1e9;
    const bias = tf.add(keyBias, tf.tensor4d(causal, [1, 1, t, Tk]));
    const scale = 1 / Math.sqrt(dh);
    for (let l = 0; l < L; l++) {
      const p = `blocks.${l}.`;
      const h = layerNorm(x, this.param(p + 'ln1.g'), this.param(p + 'ln1.b'));
      const q = heads(this.linear(h, p + 'attn.wq'));
      let k = heads(this.linear(h, p + 'attn.wk'));
      let v = heads(this.linear(h, p + 'attn.wv'));
      if (past > 0) {
        const oldK = cache.k[l];
        const oldV = cache.v[l];
        if (!oldK || !oldV) throw new Error(`KV cache holds ${cache.k.length} layers, layer ${l} missing`);
        k = tf.concat([oldK, k], 2);
        v = tf.concat([oldV, v], 2);
        oldK.dispose();
        oldV.dispose();
      }
      cache.k[l] = tf.keep(k);
      cache.v[l] = tf.keep(v);
      const scores = tf.add(tf.mul(tf.matMul(q, tf.transpose(k, [0, 1, 3, 2])), scale), bias);
      const att = tf.matMul(tf.softmax(scores), v);
      const merged = tf.reshape(tf.transpose(att, [0, 2, 1, 3]), [n, d]);
      x = tf.add(x, this.linear(merged, p + 'attn.wo'));
      const h2 = layerNorm(x, this.param(p + 'ln2.g'), this.param(p + 'ln2.b'));
      const m = gelu(tf.add(this.linear(h2, p + 'mlp.w1'), this.param(p + 'mlp.b1')));
      x = tf.add(x, tf.add(this.linear(m, p + 'mlp.w2'), this.param(p + 'mlp.b2')));
    }
    const last = tf.reshape(tf.slice(tf.reshape(x, [B, t, d]), [0, t - 1, 0], [B, 1, d]), [B, d]);
    const normed = layerNorm(last, this.param('ln_f.g'), this.param('ln_f.b'));
    return tf.matMul(normed, tf.transpose(this.param('tok_emb')));
  }

  dispose(): void {
    this.removeLora();
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}
