/**
 * The tensors a kernel or customGrad forward saved for its backward, checked. A missing one is a
 * bug in the op that saved them, so the error names the op instead of failing deep inside tfjs.
 */
import type { Tensor } from '@tensorflow/tfjs-core';

export function savedOne(op: string, saved: readonly Tensor[]): Tensor {
  const [x] = saved;
  if (!x) throw new Error(`${op} gradient: the tensor it saves is missing`);
  return x;
}

export function savedTwo(op: string, saved: readonly Tensor[]): [Tensor, Tensor] {
  const [a, b] = saved;
  if (!a || !b) throw new Error(`${op} gradient: expected 2 saved tensors, got ${saved.length}`);
  return [a, b];
}

export function savedThree(op: string, saved: readonly Tensor[]): [Tensor, Tensor, Tensor] {
  const [a, b, c] = saved;
  if (!a || !b || !c) throw new Error(`${op} gradient: expected 3 saved tensors, got ${saved.length}`);
  return [a, b, c];
}
