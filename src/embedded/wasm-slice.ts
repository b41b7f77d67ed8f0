/**
 * Faster Slice and Unpack kernels for the wasm backend. The stock ones read the whole input out of
 * the wasm heap (a full copy) for every slice, so unstacking n blocks costs n full copies; these
 * read a view of the heap instead and copy only the rows they return.
 */
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}

function copySlice(backend: WasmBackendLike, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  const rank = x.shape.length;
  if (begin.length !== rank || size.length !== rank) throw new Error(`slice of a rank-${rank} tensor with begin/size of rank ${begin.length}/${size.length}`);
  // Every array below is as long as the rank (strides: rank - 1, the outer axes), so the hot loop's reads are in range.
  // Copy innermost-contiguous runs; iterate over all outer index combinations.
  const inner = size[rank - 1] ?? 1;
  const outer = size.slice(0, -1);
  const count = outer.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(outer.length).fill(0);
  let o = 0;
  for (let n = 0; n < count; n++) {
    let off = rank > 0 ? begin[rank - 1]! : 0;
    for (let a = 0; a < outer.length; a++) off += (begin[a]! + idx[a]!) * strides[a]!;
    dst.set(src.subarray(off, off + inner), o);
    o += inner;
    for (let a = outer.length - 1; a >= 0; a--) {
      if (++idx[a]! < outer[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

let installed = false;

export function installFastSlice(): void {
  if (installed) return;
  installed = true;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = inputs.x as tf.TensorInfo;
      const { begin, size } = attrs as unknown as { begin: number | number[]; size: number | number[] };
      const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
      if (!b || !s) throw new Error('Slice: begin/size did not parse');
      return copySlice(backend as unknown as WasmBackendLike, x, b, s);
    },
  });
  tf.unregisterKernel('Unpack', 'wasm');
  tf.registerKernel({
    kernelName: 'Unpack',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const value = inputs.value as tf.TensorInfo;
      let axis = (attrs as unknown as { axis: number }).axis;
      if (axis < 0) axis += value.shape.length;
      const outShape = value.shape.filter((_, i) => i !== axis);
      const begin = new Array<number>(value.shape.length).fill(0);
      const size = value.shape.slice();
      size[axis] = 1;
      const outs: tf.TensorInfo[] = [];
      const length = value.shape[axis];
      if (length === undefined) throw new Error(`Unpack axis ${axis} outside a rank-${value.shape.length} tensor`);
      for (let i = 0; i < length; i++) {
        begin[axis] = i;
        const o = copySlice(backend as unknown as WasmBackendLike, value, begin, size);
        outs.push({ dataId: o.dataId, dtype: o.dtype, shape: outShape });
      }
      return outs;
    },
  });
}
