/**
 * The CSR x dense product as a tiny hand-assembled WebAssembly module with 128-bit SIMD
 * (4 floats per instruction), ~5x faster than the best JS loop. It has its own memory:
 * each call copies the operands in and the result out (~2.6 MB for LightGCN on ML-100K,
 * well under a millisecond). Only for widths that are a multiple of 4; `undefined` where
 * the engine lacks wasm SIMD.
 */

import { wasmAsm } from '../../util';

const {
  ADD, BLOCK, END: END_, GE_U, I32, LOOP, MUL, SHL, V128, br, brIf, f32Load, f32x4Add, f32x4Mul, f32x4Splat, get,
  i32c, i32Load, inc, moduleBytes, set, v128Load, v128Store, v128Zero, wasmApi,
} = wasmAsm; // prettier-ignore
type WasmMemory = wasmAsm.WasmMemory;

// Parameters (byte offsets and sizes) and locals of `spmm`.
const [INDPTR, COLS, VALS, X, OUT, NROWS, ROWBYTES] = [0, 1, 2, 3, 4, 5, 6];
const [R, P, END, O, SRC, C, W] = [7, 8, 9, 10, 11, 12, 13];

/** `base + (index << 2)` */
const word = (base: number, index: number) => [...get(base), ...get(index), ...i32c(2), SHL, ADD];

/** for (c = 0; c < rowBytes; c += 16) body */
const overRow = (body: number[]) => [
  ...i32c(0), ...set(C),
  ...BLOCK, ...LOOP,
  ...get(C), ...get(ROWBYTES), GE_U, ...brIf(1),
  ...body,
  ...inc(C, 16), ...br(0),
  END_, END_,
]; // prettier-ignore

const body = [
  ...BLOCK, ...LOOP,
  ...get(R), ...get(NROWS), GE_U, ...brIf(1),
  ...get(OUT), ...get(R), ...get(ROWBYTES), MUL, ADD, ...set(O),
  ...overRow([...get(O), ...get(C), ADD, ...v128Zero, ...v128Store()]),
  ...word(INDPTR, R), ...i32Load(0), ...set(P),
  ...word(INDPTR, R), ...i32Load(4), ...set(END),
  ...BLOCK, ...LOOP,
  ...get(P), ...get(END), GE_U, ...brIf(1),
  ...word(VALS, P), ...f32Load(), ...f32x4Splat, ...set(W),
  ...get(X), ...word(COLS, P), ...i32Load(0), ...get(ROWBYTES), MUL, ADD, ...set(SRC),
  ...overRow([
    ...get(O), ...get(C), ADD,
    ...get(O), ...get(C), ADD, ...v128Load(),
    ...get(SRC), ...get(C), ADD, ...v128Load(), ...get(W), ...f32x4Mul, ...f32x4Add,
    ...v128Store(),
  ]),
  ...inc(P, 1), ...br(0),
  END_, END_,
  ...inc(R, 1), ...br(0),
  END_, END_,
  END_,
]; // prettier-ignore

function spmmModuleBytes(): Uint8Array {
  return moduleBytes([{ name: 'spmm', params: new Array(7).fill(I32), locals: [[6, I32], [1, V128]], body: body.slice(0, -1) }], 'own');
}

/** `out = A x` with A in CSR; `x` is [nCols, d], `out` [nRows, d], d a multiple of 4. */
export type SimdSparseMatMul = (indptr: Int32Array, cols: Int32Array, vals: Float32Array, x: Float32Array, out: Float32Array, nRows: number, d: number) => void;

let cached: SimdSparseMatMul | null | undefined;

/** The SIMD product, or `undefined` where WebAssembly SIMD is unavailable. */
export function simdSparseMatMul(): SimdSparseMatMul | undefined {
  if (cached === undefined) cached = instantiate();
  return cached ?? undefined;
}

function instantiate(): SimdSparseMatMul | null {
  const wasm = wasmApi();
  if (!wasm) return null;
  let instance: { exports: Record<string, unknown> };
  try {
    instance = new wasm.Instance(new wasm.Module(spmmModuleBytes()));
  } catch {
    return null;
  }
  const memory = instance.exports.mem as WasmMemory;
  const spmm = instance.exports.spmm as (...args: number[]) => void;
  const align = (n: number) => (n + 15) & ~15;
  return (indptr, cols, vals, x, out, nRows, d) => {
    const nnz = indptr[nRows];
    const oIndptr = 0;
    const oCols = align(oIndptr + 4 * (nRows + 1));
    const oVals = align(oCols + 4 * nnz);
    const oX = align(oVals + 4 * nnz);
    const oOut = align(oX + 4 * x.length);
    const need = oOut + 4 * nRows * d;
    const have = memory.buffer.byteLength;
    if (need > have) memory.grow(Math.ceil((need - have) / 65536));
    const buf = memory.buffer;
    new Int32Array(buf, oIndptr, nRows + 1).set(indptr.subarray(0, nRows + 1));
    new Int32Array(buf, oCols, nnz).set(cols.subarray(0, nnz));
    new Float32Array(buf, oVals, nnz).set(vals.subarray(0, nnz));
    new Float32Array(buf, oX, x.length).set(x);
    spmm(oIndptr, oCols, oVals, oX, oOut, nRows, 4 * d);
    out.set(new Float32Array(buf, oOut, nRows * d));
  };
}
