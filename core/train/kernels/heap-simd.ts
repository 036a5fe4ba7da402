/**
 * SIMD loops that run inside the tfjs wasm backend's own heap: a hand-assembled
 * WebAssembly module that imports the backend's memory, so kernels pass tensor byte
 * offsets and nothing is copied. Used for the dense layers and Adam of training
 * steps, where wasm's own kernels lose most of their time to per-call overhead and
 * slow layouts (a 1024x32 by 32x64 BatchMatMul takes ~1 ms; this loop ~0.2 ms).
 */
import { wasmAsm } from '../../util';
import {
  adamFunction,
  dotFunction,
  gatherRowsFunction,
  gemmFunction,
  moduleBytesOf,
  pairSumFunction,
  reluMaskFunction,
  scatterAddRowsFunction,
} from './heap-simd-code';

/** Byte offsets into the heap; sizes in elements unless named `...Bytes`. */
export interface HeapSimd {
  /**
   * `C[i, j] = init + sum_k A[a + i*sAi + k*sAk] * B[b + k*sB + j]` for `i < m`, `j < n`
   * (byte strides; C rows are contiguous, `n` floats), then `max(., 0)` if `relu`.
   * `init` is 0 (`mode` 0), `bias[j]` (1) or the current C (2, accumulate). `n` must be a
   * multiple of 4.
   */
  gemm(a: number, sAi: number, sAk: number, b: number, sB: number, c: number, m: number, k: number, n: number, bias: number, mode: 0 | 1 | 2, relu: boolean): void;
  /**
   * gemm with `n` = 1 over contiguous A rows and B: `C[i] = init + A[a + i*sAi + (0..k)] · B[b + (0..k)]`,
   * init `bias[0]`, C[i] or 0 by `mode`. `k` must be a multiple of 4.
   */
  dot(a: number, sAi: number, b: number, c: number, m: number, k: number, bias: number, mode: 0 | 1 | 2, relu: boolean): void;
  /** Row `ids[r]` of `table` to row `r` of `out` for `r < n`; ids must be in range, `rowSize` a multiple of 4. */
  gatherRows(table: number, ids: number, out: number, n: number, rowSize: number): void;
  /** `out` (`outRows x rowSize`) = 0, then row r of `src` added to row `ids[r]` for r < n; ids in range, `rowSize` a multiple of 4. */
  scatterAddRows(src: number, ids: number, out: number, n: number, rowSize: number, outRows: number): void;
  /** Row `u * nB + i` of `out` = `a[u] + b[i]` (max 0 if relu), rows of `rowSize` floats (a multiple of 4). */
  pairSum(a: number, b: number, out: number, nA: number, nB: number, rowSize: number, relu: boolean): void;
  /** `out[p] = y[p] > 0 ? dy[p] : 0` over `n` floats (`n` a multiple of 4). */
  reluMask(dy: number, y: number, out: number, n: number): void;
  /** One Adam step over `n` floats (`n` a multiple of 4); see kernels/adam.ts for the formula. */
  adam(p: number, g: number, m: number, v: number, p1: number, m1: number, v1: number, n: number, c: AdamConstants): void;
}

/** Per-step constants of Adam. */
export interface AdamConstants {
  stepSize: number;
  invSqrtC2: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

interface WasmBackendLike {
  wasm?: { asm?: Record<string, unknown>; wasmExports?: Record<string, unknown> };
}

const instances = new WeakMap<object, HeapSimd | null>();

/** The heap module for a wasm backend object, or `undefined` (no wasm SIMD, not a wasm backend). */
export function heapSimd(backend: unknown): HeapSimd | undefined {
  if (disabled) return undefined;
  const exportsOf = (backend as WasmBackendLike).wasm;
  const exported = exportsOf?.asm ?? exportsOf?.wasmExports;
  const memory = exported?.memory as wasmAsm.WasmMemory | undefined;
  if (!memory) return undefined;
  let inst = instances.get(memory);
  if (inst === undefined) {
    inst = instantiate(memory);
    instances.set(memory, inst);
  }
  return inst ?? undefined;
}

let disabled = false;
/** Turns the SIMD loops off (`true`: kernels use their JS loops) or back on; for tests and A/B benchmarks. */
export function disableHeapSimd(off: boolean): void {
  disabled = off;
}

let bytes: Uint8Array | undefined;

function instantiate(memory: wasmAsm.WasmMemory): HeapSimd | null {
  const wasm = wasmAsm.wasmApi();
  if (!wasm) return null;
  bytes ??= moduleBytesOf([gemmFunction(), dotFunction(), gatherRowsFunction(), scatterAddRowsFunction(), pairSumFunction(), reluMaskFunction(), adamFunction()]);
  let fns: Record<string, (...args: number[]) => void>;
  try {
    fns = new wasm.Instance(new wasm.Module(bytes), { env: { mem: memory } }).exports as typeof fns;
  } catch {
    return null;
  }
  const { gemm, dot, gatherRows, scatterAddRows, pairSum, reluMask, adam } = fns;
  return {
    gemm: (a, sAi, sAk, b, sB, c, m, k, n, bias, mode, relu) => gemm(a, sAi, sAk, b, sB, c, m, k, 4 * n, bias, mode, relu ? 1 : 0),
    dot: (a, sAi, b, c, m, k, bias, mode, relu) => dot(a, sAi, b, c, m, 4 * k, bias, mode, relu ? 1 : 0),
    gatherRows: (table, ids, out, n, rowSize) => gatherRows(table, ids, out, n, 4 * rowSize),
    scatterAddRows: (src, ids, out, n, rowSize, outRows) => scatterAddRows(src, ids, out, n, 4 * rowSize, 4 * rowSize * outRows),
    pairSum: (a, b, out, nA, nB, rowSize, relu) => pairSum(a, b, out, nA, nB, 4 * rowSize, relu ? 1 : 0),
    reluMask: (dy, y, out, n) => reluMask(dy, y, out, 4 * n),
    adam: (p, g, m, v, p1, m1, v1, n, c) => adam(p, g, m, v, p1, m1, v1, 4 * n, c.stepSize, c.invSqrtC2, c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2, c.epsilon),
  };
}
