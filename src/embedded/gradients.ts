/**
 * Gradients for the few generic kernels on the embedded model's tape. tfjs-core's Node bundle
 * registers none, and its ESM gradient tree cannot be imported under Node's resolver, so the
 * model keeps its heavy ops in hand-written customGrad functions (ops.ts) and registers only these
 * cheap elementwise and shape kernels here. An already-registered gradient is left in place.
 */
import * as tf from '@tensorflow/tfjs-core';
import { savedOne, savedTwo } from './saved-tensors.js';

type T = tf.Tensor;
type Grads = { [name: string]: () => T };

/** Sums `dy` over the axes broadcasting expanded so it matches `shape`. */
function unbroadcast(dy: T, shape: number[]): T {
  const axes = tf.broadcast_util.getReductionAxes(shape, dy.shape);
  if (axes.length === 0) return tf.reshape(dy, shape);
  // A bias broadcast over leading axes: summing rows is a ones-vector matmul, far faster on wasm
  // than a Sum over a non-last axis (which transposes first).
  const leading = axes.every((a, i) => a === i);
  const size = shape.reduce((n, x) => n * x, 1);
  if (leading && size > 1 && dy.size / size > 1) {
    const rows = dy.size / size;
    return tf.reshape(tf.matMul(tf.ones([1, rows]), tf.reshape(dy, [rows, size])), shape);
  }
  return tf.reshape(tf.sum(dy, axes), shape);
}

function swapLast2(x: T): T {
  const perm = [...Array(x.rank).keys()];
  perm.splice(x.rank - 2, 2, x.rank - 1, x.rank - 2);
  return tf.transpose(x, perm);
}

/** Size of one axis; parseAxisParam has already checked the axis against the rank. */
function dim(shape: readonly number[], axis: number): number {
  const size = shape[axis];
  if (size === undefined) throw new Error(`axis ${axis} outside a rank-${shape.length} shape`);
  return size;
}

function reg(kernelName: string, config: Omit<tf.GradConfig, 'kernelName'>): void {
  if (tf.getGradient(kernelName) === undefined) tf.registerGradient({ kernelName, ...config });
}

let registered = false;

export function registerEmbeddedGradients(): void {
  if (registered) return;
  registered = true;
  reg('Add', {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): Grads => {
      const [a, b] = savedTwo('Add', saved);
      return { a: () => unbroadcast(dy as T, a.shape), b: () => unbroadcast(dy as T, b.shape) };
    },
  });
  reg('Sub', {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): Grads => {
      const [a, b] = savedTwo('Sub', saved);
      return { a: () => unbroadcast(dy as T, a.shape), b: () => tf.neg(unbroadcast(dy as T, b.shape)) };
    },
  });
  reg('Multiply', {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): Grads => {
      const [a, b] = savedTwo('Multiply', saved);
      return {
        a: () => unbroadcast(tf.mul(dy as T, tf.cast(b, 'float32')), a.shape),
        b: () => unbroadcast(tf.mul(dy as T, tf.cast(a, 'float32')), b.shape),
      };
    },
  });
  reg('RealDiv', {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): Grads => {
      const [a, b] = savedTwo('RealDiv', saved);
      return {
        a: () => unbroadcast(tf.div(dy as T, b), a.shape),
        b: () => unbroadcast(tf.neg(tf.div(tf.mul(dy as T, a), tf.square(b))), b.shape),
      };
    },
  });
  // tfjs's own BatchMatMul gradient multiplies with transpose flags, ~10x slower on wasm; this one
  // transposes explicitly and then uses the plain kernel.
  reg('BatchMatMul', {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs): Grads => {
      const [a, b] = savedTwo('BatchMatMul', saved);
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (transposeA || transposeB) throw new Error('embedded gradients support matMul without transpose flags only');
      return { a: () => tf.matMul(dy as T, swapLast2(b)), b: () => tf.matMul(swapLast2(a), dy as T) };
    },
  });
  // gather's gradient needs UnsortedSegmentSum, missing on wasm; scatterND sums duplicate indices.
  reg('GatherV2', {
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, saved, attrs): Grads => {
      const [x, indices] = savedTwo('GatherV2', saved);
      const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
      if (axis !== 0 || batchDims !== 0 || x.rank !== 2) throw new Error('embedded gradients support row gathers from rank-2 tensors only');
      return {
        x: () => tf.scatterND(tf.reshape(indices, [indices.size, 1]), tf.reshape(dy as T, [indices.size, dim(x.shape, 1)]), x.shape),
        indices: () => tf.zerosLike(indices),
      };
    },
  });
  reg('Concat', {
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs): Grads => {
      const [axis] = tf.util.parseAxisParam((attrs as unknown as { axis: number }).axis, savedOne('Concat', saved).shape);
      if (axis === undefined) throw new Error('Concat gradient: no axis');
      const parts = tf.split(dy as T, saved.map((t) => dim(t.shape, axis)), axis);
      return Object.fromEntries(parts.map((part, i) => [i, () => part]));
    },
  });
  reg('Neg', { gradFunc: (dy): Grads => ({ x: () => tf.neg(dy as T) }) });
  reg('Cast', { gradFunc: (dy): Grads => ({ x: () => tf.clone(dy as T) }) });
  reg('Identity', { gradFunc: (dy): Grads => ({ x: () => tf.clone(dy as T) }) });
  reg('Reshape', {
    inputsToSave: ['x'],
    gradFunc: (dy, saved): Grads => ({ x: () => tf.reshape(dy as T, savedOne('Reshape', saved).shape) }),
  });
  reg('Transpose', {
    gradFunc: (dy, _saved, attrs): Grads => {
      const perm = (attrs as unknown as { perm: number[] }).perm;
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => (inverse[p] = i));
      return { x: () => tf.transpose(dy as T, inverse) };
    },
  });
  reg('Slice', {
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): Grads => {
      const x = savedOne('Slice', saved);
      const { begin, size } = attrs as unknown as { begin: number[]; size: number[] };
      const paddings = x.shape.map((extent, i): [number, number] => {
        const start = begin[i];
        const sliced = (dy as T).shape[i] ?? size[i];
        if (start === undefined || sliced === undefined) throw new Error(`Slice gradient: begin/size shorter than the rank-${x.rank} input`);
        return [start, extent - start - sliced];
      });
      return { x: () => tf.pad(dy as T, paddings) };
    },
  });
  reg('Sum', {
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): Grads => {
      const x = savedOne('Sum', saved);
      const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
      const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      return { x: () => tf.mul(tf.reshape(dy as T, kept), tf.ones(x.shape)) };
    },
  });
  reg('Mean', {
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): Grads => {
      const x = savedOne('Mean', saved);
      const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
      const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const count = axes.reduce((n, a) => n * dim(x.shape, a), 1);
      return { x: () => tf.mul(tf.reshape(dy as T, kept), tf.fill(x.shape, 1 / count)) };
    },
  });
  reg('Sigmoid', {
    outputsToSave: [true],
    gradFunc: (dy, saved): Grads => {
      const y = savedOne('Sigmoid', saved);
      return { x: () => tf.mul(dy as T, tf.mul(y, tf.sub(1, y))) };
    },
  });
  reg('Exp', {
    outputsToSave: [true],
    gradFunc: (dy, saved): Grads => ({ x: () => tf.mul(dy as T, savedOne('Exp', saved)) }),
  });
  reg('Log', {
    inputsToSave: ['x'],
    gradFunc: (dy, saved): Grads => ({ x: () => tf.div(dy as T, savedOne('Log', saved)) }),
  });
  reg('Softplus', {
    inputsToSave: ['x'],
    gradFunc: (dy, saved): Grads => ({ x: () => tf.mul(dy as T, tf.sigmoid(savedOne('Softplus', saved))) }),
  });
  reg('Square', {
    inputsToSave: ['x'],
    gradFunc: (dy, saved): Grads => ({ x: () => tf.mul(dy as T, tf.mul(savedOne('Square', saved), 2)) }),
  });
}
