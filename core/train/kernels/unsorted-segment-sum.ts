import type * as tf from '@tensorflow/tfjs';
import { kernelMemory } from './heap';
import { heapSimd } from './heap-simd';

/**
 * UnsortedSegmentSum (the gradient of gather, so of every embedding lookup): sums the
 * rows of `x` into `numSegments` output rows by `segmentIds`. wasm has no kernel for it,
 * and cpu's loops over every segment for every row (seconds per call); this is one
 * pass over the rows. Ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
export function segmentSumKernel(backendName: string, scatterNd?: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = inputs.x as tf.TensorInfo;
      const ids = inputs.segmentIds as tf.TensorInfo;
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const mem = kernelMemory(backendName, backend);
      const nIds = ids.shape.reduce((a, s) => a * s, 1);
      const inner = x.shape.slice(ids.shape.length);
      const rowSize = inner.reduce((a, s) => a * s, 1);
      // Rows of a multiple of 4 floats, ids in range: zero fill and row sums in WebAssembly
      // SIMD inside wasm's heap (~2x faster than ScatterNd, which the next branch uses).
      const simd = backendName === 'wasm' && x.dtype === 'float32' && rowSize % 4 === 0 ? heapSimd(backend) : undefined;
      if (simd && allInRange(mem.read(ids) as Int32Array, nIds, numSegments)) {
        const out = mem.output([numSegments, ...inner], 'float32');
        simd.scatterAddRows(mem.read(x).byteOffset, mem.read(ids).byteOffset, mem.read(out.info).byteOffset, nIds, rowSize, numSegments);
        return out.info;
      }
      // wasm's ScatterNd sums duplicate indices in C++ (~3x faster than the loop below)
      // but does not check bounds, so it only gets ids known to be in range.
      if (scatterNd && x.dtype === 'float32' && allInRange(mem.read(ids) as Int32Array, nIds, numSegments)) {
        const indices = { dataId: ids.dataId, shape: [nIds, 1], dtype: 'int32' } as tf.TensorInfo;
        const updates = { dataId: x.dataId, shape: [nIds, ...inner], dtype: x.dtype } as tf.TensorInfo;
        return scatterNd({ inputs: { indices, updates }, backend, attrs: { shape: [numSegments, ...inner] } });
      }
      const out = mem.output([numSegments, ...inner], x.dtype as 'float32' | 'int32');
      sumRows(mem.read(x), mem.read(ids) as Int32Array, out.values, nIds, rowSize, numSegments);
      return out.info;
    },
  };
}

function sumRows(src: Float32Array | Int32Array, seg: Int32Array, dst: Float32Array | Int32Array, nIds: number, rowSize: number, numSegments: number): void {
  if (src instanceof Float32Array && dst instanceof Float32Array) return sumRowsF32(src, seg, dst, nIds, rowSize, numSegments);
  dst.fill(0);
  for (let k = 0; k < nIds; k++) {
    const s = seg[k];
    if (s < 0 || s >= numSegments) continue;
    for (let c = 0; c < rowSize; c++) dst[s * rowSize + c] += src[k * rowSize + c];
  }
}

function sumRowsF32(src: Float32Array, seg: Int32Array, dst: Float32Array, nIds: number, rowSize: number, numSegments: number): void {
  dst.fill(0);
  for (let k = 0; k < nIds; k++) {
    const s = seg[k];
    if (s < 0 || s >= numSegments) continue;
    const to = s * rowSize;
    const from = k * rowSize;
    for (let c = 0; c < rowSize; c++) dst[to + c] += src[from + c];
  }
}

function allInRange(ids: Int32Array, n: number, bound: number): boolean {
  for (let k = 0; k < n; k++) if (!(ids[k] >= 0 && ids[k] < bound)) return false;
  return true;
}
