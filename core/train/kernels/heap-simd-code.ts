/**
 * The code of heap-simd.ts's module: WebAssembly SIMD (4 floats per instruction) over
 * byte offsets of an imported memory. Parameters are listed per function; strides and
 * sizes are in bytes.
 */
import { wasmAsm } from '../../util';

const {
  ADD, ELSE, END, EQ, F32, F32_ADD, F32_MAX, GE_U, GT_U, I32, IF, MUL, V128, f32Load, f32Store, f32c0, f32x4Add,
  f32x4ExtractLane, i32Load, f32x4Div, f32x4Gt, f32x4Max, f32x4Mul, f32x4Splat, f32x4Sqrt, f32x4Sub, get, i32c,
  inc, incBy, moduleBytes, set, v128And, v128Load, v128Store, v128Zero, whileNot,
} = wasmAsm; // prettier-ignore
type WasmFunction = wasmAsm.WasmFunction;

/** Columns per register block of gemm: 8 vectors (32 floats) of sums stay in registers. */
const WIDE = 8;

/**
 * gemm(a, sAi, sAk, b, sB, c, m, k, nBytes, bias, mode, relu): see HeapSimd.gemm. Each
 * row of C is done in blocks of 32 columns (8 vector sums held in locals over the whole
 * k loop: one scalar load + splat per 8 vector multiply-adds), then 16, then 4 at a time.
 */
export function gemmFunction(): WasmFunction {
  const [A, SAI, SAK, B, SB, C, M, K, NB, BIAS, MODE, RELU] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [I, J, KK, PA, PB, ROWA, ROWC] = [12, 13, 14, 15, 16, 17, 18];
  const S = 19;
  const ACC = 20; // ACC .. ACC + WIDE - 1
  const block = (w: number): number[] => {
    const each = (f: (q: number) => number[]) => Array.from({ length: w }, (_, q) => f(q)).flat();
    const loadInit = (base: number) => each((q) => [...get(base), ...get(J), ADD, ...v128Load(16 * q), ...set(ACC + q)]);
    return whileNot([...get(J), ...i32c(16 * w), ADD, ...get(NB), GT_U], [
      ...get(MODE), ...i32c(1), EQ, ...IF,
      ...loadInit(BIAS),
      ELSE,
      ...get(MODE), ...i32c(2), EQ, ...IF,
      ...loadInit(ROWC),
      ELSE,
      ...each((q) => [...v128Zero, ...set(ACC + q)]),
      END,
      END,
      ...get(ROWA), ...set(PA),
      ...get(B), ...get(J), ADD, ...set(PB),
      ...i32c(0), ...set(KK),
      ...whileNot([...get(KK), ...get(K), GE_U], [
        ...get(PA), ...f32Load(), ...f32x4Splat, ...set(S),
        ...each((q) => [...get(ACC + q), ...get(PB), ...v128Load(16 * q), ...get(S), ...f32x4Mul, ...f32x4Add, ...set(ACC + q)]),
        ...incBy(PA, SAK), ...incBy(PB, SB), ...inc(KK, 1),
      ]),
      ...get(RELU), ...IF,
      ...each((q) => [...get(ACC + q), ...v128Zero, ...f32x4Max, ...set(ACC + q)]),
      END,
      ...each((q) => [...get(ROWC), ...get(J), ADD, ...get(ACC + q), ...v128Store(16 * q)]),
      ...inc(J, 16 * w),
    ]);
  }; // prettier-ignore
  const body = whileNot([...get(I), ...get(M), GE_U], [
    ...get(A), ...get(I), ...get(SAI), MUL, ADD, ...set(ROWA),
    ...get(C), ...get(I), ...get(NB), MUL, ADD, ...set(ROWC),
    ...i32c(0), ...set(J),
    ...block(WIDE),
    ...block(4),
    ...block(1),
    ...inc(I, 1),
  ]); // prettier-ignore
  return { name: 'gemm', params: new Array(12).fill(I32), locals: [[7, I32], [1 + WIDE, V128]], body };
}

/**
 * dot(a, sAi, b, c, m, kBytes, bias, mode, relu): the width-1 case of gemm with contiguous
 * rows of A and a contiguous B column, `C[i] = init + A[a + i*sAi + 0..kBytes) · B[b + 0..kBytes)`
 * (a dense layer with one output). kBytes a multiple of 16; init as in gemm.
 */
export function dotFunction(): WasmFunction {
  const [A, SAI, B, C, M, KB, BIAS, MODE, RELU] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [I, P, ROWA] = [9, 10, 11];
  const S = 12; // f32
  const ACC = 13; // v128
  const body = whileNot([...get(I), ...get(M), GE_U], [
    ...get(A), ...get(I), ...get(SAI), MUL, ADD, ...set(ROWA),
    ...v128Zero, ...set(ACC),
    ...i32c(0), ...set(P),
    ...whileNot([...get(P), ...get(KB), GE_U], [
      ...get(ACC), ...get(ROWA), ...get(P), ADD, ...v128Load(), ...get(B), ...get(P), ADD, ...v128Load(), ...f32x4Mul, ...f32x4Add, ...set(ACC),
      ...inc(P, 16),
    ]),
    ...get(ACC), ...f32x4ExtractLane(0), ...get(ACC), ...f32x4ExtractLane(1), F32_ADD,
    ...get(ACC), ...f32x4ExtractLane(2), ...get(ACC), ...f32x4ExtractLane(3), F32_ADD, F32_ADD, ...set(S),
    ...get(MODE), ...i32c(1), EQ, ...IF, ...get(S), ...get(BIAS), ...f32Load(), F32_ADD, ...set(S), END,
    ...get(MODE), ...i32c(2), EQ, ...IF, ...get(S), ...get(C), ...get(I), ...i32c(4), MUL, ADD, ...f32Load(), F32_ADD, ...set(S), END,
    ...get(RELU), ...IF, ...get(S), ...f32c0, F32_MAX, ...set(S), END,
    ...get(C), ...get(I), ...i32c(4), MUL, ADD, ...get(S), ...f32Store(),
    ...inc(I, 1),
  ]); // prettier-ignore
  return { name: 'dot', params: new Array(9).fill(I32), locals: [[3, I32], [1, F32], [1, V128]], body };
}

/** gatherRows(table, ids, out, n, rowBytes): out row r = table row ids[r] (ids checked by the caller; rowBytes a multiple of 16). */
export function gatherRowsFunction(): WasmFunction {
  const [TABLE, IDS, OUT, N, RB] = [0, 1, 2, 3, 4];
  const [R, SRC, DST, P] = [5, 6, 7, 8];
  const body = whileNot([...get(R), ...get(N), GE_U], [
    ...get(TABLE), ...get(IDS), ...get(R), ...i32c(4), MUL, ADD, ...i32Load(0), ...get(RB), MUL, ADD, ...set(SRC),
    ...get(OUT), ...get(R), ...get(RB), MUL, ADD, ...set(DST),
    ...i32c(0), ...set(P),
    ...whileNot([...get(P), ...get(RB), GE_U], [
      ...get(DST), ...get(P), ADD, ...get(SRC), ...get(P), ADD, ...v128Load(), ...v128Store(),
      ...inc(P, 16),
    ]),
    ...inc(R, 1),
  ]); // prettier-ignore
  return { name: 'gatherRows', params: new Array(5).fill(I32), locals: [[4, I32]], body };
}

/**
 * scatterAddRows(src, ids, out, n, rowBytes, outBytes): zero `out`, then add row r of
 * `src` to row ids[r] of `out` for r < n (ids checked by the caller; rowBytes and
 * outBytes multiples of 16). An UnsortedSegmentSum over rows.
 */
export function scatterAddRowsFunction(): WasmFunction {
  const [SRC, IDS, OUT, N, RB, OB] = [0, 1, 2, 3, 4, 5];
  const [R, FROM, TO, P] = [6, 7, 8, 9];
  const body = [
    ...whileNot([...get(P), ...get(OB), GE_U], [...get(OUT), ...get(P), ADD, ...v128Zero, ...v128Store(), ...inc(P, 16)]),
    ...whileNot([...get(R), ...get(N), GE_U], [
      ...get(OUT), ...get(IDS), ...get(R), ...i32c(4), MUL, ADD, ...i32Load(0), ...get(RB), MUL, ADD, ...set(TO),
      ...get(SRC), ...get(R), ...get(RB), MUL, ADD, ...set(FROM),
      ...i32c(0), ...set(P),
      ...whileNot([...get(P), ...get(RB), GE_U], [
        ...get(TO), ...get(P), ADD,
        ...get(TO), ...get(P), ADD, ...v128Load(), ...get(FROM), ...get(P), ADD, ...v128Load(), ...f32x4Add,
        ...v128Store(),
        ...inc(P, 16),
      ]),
      ...inc(R, 1),
    ]),
  ]; // prettier-ignore
  return { name: 'scatterAddRows', params: new Array(6).fill(I32), locals: [[4, I32]], body };
}

/**
 * pairSum(a, b, out, nA, nB, rowBytes, relu): row (u, i) of `out` (u-major) = a[u] + b[i],
 * then max(., 0) if relu; rowBytes a multiple of 16. The first layer of an MLP tower over
 * every (user, item) pair from its per-user and per-item halves.
 */
export function pairSumFunction(): WasmFunction {
  const [A, B, OUT, NA, NB, RB, RELU] = [0, 1, 2, 3, 4, 5, 6];
  const [U, I, P, AROW, BROW] = [7, 8, 9, 10, 11];
  const FLOOR = 12; // v128: 0 with ReLU, -Infinity without (max is then the identity)
  const minusInf = [0x43, 0x00, 0x00, 0x80, 0xff];
  const body = [
    ...get(RELU), ...IF, ...v128Zero, ...set(FLOOR), ELSE, ...minusInf, ...f32x4Splat, ...set(FLOOR), END,
    ...whileNot([...get(U), ...get(NA), GE_U], [
      ...get(A), ...get(U), ...get(RB), MUL, ADD, ...set(AROW),
      ...i32c(0), ...set(I),
      ...whileNot([...get(I), ...get(NB), GE_U], [
        ...get(B), ...get(I), ...get(RB), MUL, ADD, ...set(BROW),
        ...i32c(0), ...set(P),
        ...whileNot([...get(P), ...get(RB), GE_U], [
          ...get(OUT), ...get(P), ADD,
          ...get(AROW), ...get(P), ADD, ...v128Load(), ...get(BROW), ...get(P), ADD, ...v128Load(), ...f32x4Add,
          ...get(FLOOR), ...f32x4Max,
          ...v128Store(),
          ...inc(P, 16),
        ]),
        ...incBy(OUT, RB),
        ...inc(I, 1),
      ]),
      ...inc(U, 1),
    ]),
  ]; // prettier-ignore
  return { name: 'pairSum', params: new Array(7).fill(I32), locals: [[5, I32], [1, V128]], body };
}

/** reluMask(dy, y, out, nBytes): out = dy where y > 0, else 0. */
export function reluMaskFunction(): WasmFunction {
  const [DY, Y, OUT, NB, P] = [0, 1, 2, 3, 4];
  const at = (base: number) => [...get(base), ...get(P), ADD];
  const body = whileNot([...get(P), ...get(NB), GE_U], [
    ...at(OUT),
    ...at(DY), ...v128Load(),
    ...at(Y), ...v128Load(), ...v128Zero, ...f32x4Gt,
    ...v128And,
    ...v128Store(),
    ...inc(P, 16),
  ]); // prettier-ignore
  return { name: 'reluMask', params: [I32, I32, I32, I32], locals: [[1, I32]], body };
}

/**
 * adam(p, g, m, v, p1, m1, v1, nBytes, stepSize, invSqrtC2, beta1, 1-beta1, beta2, 1-beta2, eps):
 * m1 = beta1 m + (1-beta1) g; v1 = beta2 v + (1-beta2) g^2; p1 = p - stepSize m1 / (sqrt(v1) invSqrtC2 + eps).
 */
export function adamFunction(): WasmFunction {
  const [P0, G, M0, V0, P1, M1, V1, NB] = [0, 1, 2, 3, 4, 5, 6, 7];
  const CONSTS = 8; // 7 f32 parameters
  const O = 15;
  const [VG, VM, VV] = [16, 17, 18];
  const SPLAT = 19; // 7 splatted constants
  const [STEP, INV, B1, B1C, B2, B2C, EPS] = [0, 1, 2, 3, 4, 5, 6].map((k) => SPLAT + k);
  const at = (base: number) => [...get(base), ...get(O), ADD];
  const body = [
    ...Array.from({ length: 7 }, (_, k) => [...get(CONSTS + k), ...f32x4Splat, ...set(SPLAT + k)]).flat(),
    ...whileNot([...get(O), ...get(NB), GE_U], [
      ...at(G), ...v128Load(), ...set(VG),
      ...get(B1), ...at(M0), ...v128Load(), ...f32x4Mul, ...get(B1C), ...get(VG), ...f32x4Mul, ...f32x4Add, ...set(VM),
      ...get(B2), ...at(V0), ...v128Load(), ...f32x4Mul, ...get(B2C), ...get(VG), ...get(VG), ...f32x4Mul, ...f32x4Mul, ...f32x4Add, ...set(VV),
      ...at(M1), ...get(VM), ...v128Store(),
      ...at(V1), ...get(VV), ...v128Store(),
      ...at(P1),
      ...at(P0), ...v128Load(),
      ...get(STEP), ...get(VM), ...f32x4Mul,
      ...get(VV), ...f32x4Sqrt, ...get(INV), ...f32x4Mul, ...get(EPS), ...f32x4Add,
      ...f32x4Div, ...f32x4Sub,
      ...v128Store(),
      ...inc(O, 16),
    ]),
  ]; // prettier-ignore
  return { name: 'adam', params: [...new Array(8).fill(I32), ...new Array(7).fill(F32)], locals: [[1, I32], [3 + 7, V128]], body };
}

/** Bytes of a module of `functions` over an imported memory. */
export function moduleBytesOf(functions: WasmFunction[]): Uint8Array {
  return moduleBytes(functions, 'import');
}
