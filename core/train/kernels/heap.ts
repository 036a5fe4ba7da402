import type * as tf from '@tensorflow/tfjs';

/**
 * Zero-copy access to tensor data inside a kernel, for the two backends RecLab registers
 * JS kernels on. The wasm backend keeps tensors in the wasm heap (a view is valid until
 * the next allocation, so take views after allocating outputs); the cpu backend keeps
 * them as typed arrays.
 */
export interface KernelMemory {
  /** Values of an input tensor (do not write). */
  read(t: tf.TensorInfo): Float32Array | Int32Array;
  /** A new output; `values` is where to write it. Call `views()` again after allocating more. */
  output(shape: number[], dtype: 'float32' | 'int32'): { info: tf.TensorInfo; values: Float32Array | Int32Array };
}

interface WasmLikeBackend {
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array;
}

interface CpuLikeBackend {
  data: { get(dataId: unknown): { values: Float32Array | Int32Array } };
  makeTensorInfo(shape: number[], dtype: string, values?: Float32Array | Int32Array): tf.TensorInfo;
}

/** Memory accessors for `backend` (a wasm or cpu backend object passed to a kernel). */
export function kernelMemory(backendName: string, backend: unknown): KernelMemory {
  if (backendName === 'wasm') {
    const b = backend as WasmLikeBackend;
    return {
      read: (t) => b.typedArrayFromHeap(t),
      output: (shape, dtype) => {
        const info = b.makeOutput(shape, dtype);
        return { info, values: b.typedArrayFromHeap(info) };
      },
    };
  }
  const b = backend as CpuLikeBackend;
  return {
    read: (t) => b.data.get(t.dataId).values,
    output: (shape, dtype) => {
      const n = shape.reduce((a, s) => a * s, 1);
      const values = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
      return { info: b.makeTensorInfo(shape, dtype, values), values };
    },
  };
}

/**
 * The parts of tfjs 4.22's wasm backend that kernels passing byte offsets to the heap SIMD
 * module use. Offsets stay valid when the heap grows; views (`KernelMemory.read`) do not.
 */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  disposeData(dataId: unknown, force?: boolean): boolean;
  dataIdMap: { get(dataId: unknown): { memoryOffset: number } };
  wasm: { HEAPF32: Float32Array };
}

/** Byte offset of tensor `t`'s data in the wasm heap of `backend`. */
export function heapOffset(backend: WasmHeapBackend, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}
