/**
 * The code of the dense matrix-product module (gemm.ts): WebAssembly SIMD over an
 * imported memory, in the GotoBLAS layout. Operands are first packed into panels
 * (`pack`), so the inner kernel reads both contiguously: A in panels of MR rows, B in
 * panels of NR columns, each panel k-major (for each k, its MR or NR values side by side).
 * `macro` then runs the register-blocked `micro` kernel over every MR x NR tile of C.
 * Addresses, strides and `ldc` are in bytes; counts in elements.
 */
import {
  ADD, ELSE, END, EQ, GE_S, GT_S, I32, IF, LT_S, MUL, SHL, SUB, V128, AND, SHR_U,
  CALL, f32c0, f64c0, f32Load, f32Store, f64Load, f64Store, f32x4Add, f32x4Mul, f32x4Sub, f64x2Add, f64x2Mul, f64x2Sub,
  get, i32c, inc, incBy, set, v128Load, v128Load32Splat, v128Load64Splat, v128Store, v128Zero, whileNot,
  type WasmFunction,
} from './wasm-asm'; // prettier-ignore

/** Element type of a kernel module. */
export type Precision = 'float32' | 'float64';

/** Tile shape of a precision's kernel: MR rows x NR columns of C held in registers. */
export interface TileShape {
  /** Bytes per element. */
  es: number;
  mr: number;
  nr: number;
}

/*
 * 2 x 16 floats (8 vector accumulators, 4 vectors of B and one broadcast of A per k step)
 * measured fastest of 2x16, 4x8, 6x8, 4x12 and 3x12 on V8/x64 (~30 GFLOPS single core
 * in float32 on a 2.4 GHz EPYC, vs ~22-25 for the larger tiles, which exceed the 16
 * vector registers once V8's temporaries are counted). float64 keeps the same byte layout.
 */
export const TILE: Record<Precision, TileShape> = {
  float32: { es: 4, mr: 2, nr: 16 },
  float64: { es: 8, mr: 2, nr: 8 },
};

interface Ops {
  es: number;
  lanes: number;
  load: (o?: number) => number[];
  store: (o?: number) => number[];
  splat: (o?: number) => number[];
  add: number[];
  sub: number[];
  mul: number[];
}

function opsOf(p: Precision): Ops {
  return p === 'float32'
    ? { es: 4, lanes: 4, load: f32Load, store: f32Store, splat: v128Load32Splat, add: f32x4Add, sub: f32x4Sub, mul: f32x4Mul }
    : { es: 8, lanes: 2, load: f64Load, store: f64Store, splat: v128Load64Splat, add: f64x2Add, sub: f64x2Sub, mul: f64x2Mul };
}

const range = <T>(n: number, f: (k: number) => T[]): T[] => Array.from({ length: n }, (_, k) => f(k)).flat();

/**
 * micro(pa, pb, kc, c, ldc, mode): the MR x NR tile C = acc (mode 0), C + acc (1) or
 * C - acc (2), where acc = sum over kc steps of (MR values of pa) x (NR values of pb).
 */
export function microFunction(p: Precision): WasmFunction {
  const { mr, nr } = TILE[p];
  const o = opsOf(p);
  const nv = nr / o.lanes;
  const [PA, PB, KC, C, LDC, MODE] = [0, 1, 2, 3, 4, 5];
  const [K, ROW] = [6, 7];
  const BV = 8; // nv vectors of B
  const A = BV + nv; // the broadcast A value
  const ACC = A + 1; // mr * nv accumulators
  const acc = (r: number, v: number) => ACC + r * nv + v;
  const stores = (combine: (r: number, v: number) => number[]) => [
    ...get(C), ...set(ROW),
    ...range(mr, (r) => [...range(nv, (v) => [...get(ROW), ...combine(r, v), ...v128Store(16 * v)]), ...incBy(ROW, LDC)]),
  ]; // prettier-ignore
  const body = [
    ...range(mr * nv, (q) => [...v128Zero, ...set(ACC + q)]),
    ...whileNot([...get(K), ...get(KC), GE_S], [
      ...range(nv, (v) => [...get(PB), ...v128Load(16 * v), ...set(BV + v)]),
      ...range(mr, (r) => [
        ...get(PA), ...o.splat(o.es * r), ...set(A),
        ...range(nv, (v) => [...get(acc(r, v)), ...get(A), ...get(BV + v), ...o.mul, ...o.add, ...set(acc(r, v))]),
      ]),
      ...inc(PA, mr * o.es), ...inc(PB, nr * o.es), ...inc(K, 1),
    ]),
    ...get(MODE), ...i32c(0), EQ, ...IF,
    ...stores((r, v) => get(acc(r, v))),
    ELSE, ...get(MODE), ...i32c(1), EQ, ...IF,
    ...stores((r, v) => [...get(ROW), ...v128Load(16 * v), ...get(acc(r, v)), ...o.add]),
    ELSE,
    ...stores((r, v) => [...get(ROW), ...v128Load(16 * v), ...get(acc(r, v)), ...o.sub]),
    END, END,
  ]; // prettier-ignore
  return { name: 'micro', params: new Array(6).fill(I32), locals: [[2, I32], [nv + 1 + mr * nv, V128]], body };
}

/**
 * macro(pa, pb, kc, c, ldc, mc, nc, mode, loI, loJ, loBase, hiI, hiJ, hiBase, cSkip):
 * `micro` over every tile (ir, jr) of an mc x nc block of C (multiples of MR and NR),
 * column panels outermost so that B's panel stays in L1 while A's panels stream past.
 * Each tile runs only k in [max(0, loI*ir + loJ*jr + loBase), min(kc, hiI*ir + hiJ*jr + hiBase)):
 * outside it a triangular operand is zero (the packed panels hold those zeros too, so the
 * range only saves work). A tile is skipped when jr - ir > cSkip (above the diagonal of a
 * C of which only the lower triangle is wanted). `micro` must be function 0.
 */
export function macroFunction(p: Precision): WasmFunction {
  const { es, mr, nr } = TILE[p];
  const [PA, PB, KC, C, LDC, MC, NC, MODE, LOI, LOJ, LOB, HII, HIJ, HIB, CSKIP] = range(15, (k) => [k]);
  const [IR, JR, KLO, KHI] = [15, 16, 17, 18];
  const clampLow = (l: number, bound: number[]) => [...get(l), ...bound, LT_S, ...IF, ...bound, ...set(l), END];
  const clampHigh = (l: number, bound: number[]) => [...get(l), ...bound, GT_S, ...IF, ...bound, ...set(l), END];
  const body = whileNot([...get(JR), ...get(NC), GE_S], [
    ...i32c(0), ...set(IR),
    ...whileNot([...get(IR), ...get(MC), GE_S], [
      ...get(JR), ...get(IR), SUB, ...get(CSKIP), GT_S, ...IF, ELSE,
      ...get(LOI), ...get(IR), MUL, ...get(LOJ), ...get(JR), MUL, ADD, ...get(LOB), ADD, ...set(KLO),
      ...clampLow(KLO, i32c(0)),
      ...get(HII), ...get(IR), MUL, ...get(HIJ), ...get(JR), MUL, ADD, ...get(HIB), ADD, ...set(KHI),
      ...clampHigh(KHI, get(KC)),
      ...clampLow(KHI, get(KLO)),
      ...get(PA), ...get(IR), ...get(KC), MUL, ...i32c(es), MUL, ADD, ...get(KLO), ...i32c(mr * es), MUL, ADD,
      ...get(PB), ...get(JR), ...get(KC), MUL, ...i32c(es), MUL, ADD, ...get(KLO), ...i32c(nr * es), MUL, ADD,
      ...get(KHI), ...get(KLO), SUB,
      ...get(C), ...get(IR), ...get(LDC), MUL, ADD, ...get(JR), ...i32c(es), MUL, ADD,
      ...get(LDC),
      ...get(MODE),
      ...CALL(0),
      END,
      ...inc(IR, mr),
    ]),
    ...inc(JR, nr),
  ]); // prettier-ignore
  return { name: 'macro', params: new Array(15).fill(I32), locals: [[4, I32]], body };
}

/**
 * packA / packB(src, sX, sK, dst, nX, kc, lo, hi): the nX x kc block whose element (x, k)
 * is at src + x*sX + k*sK into panels of W = MR (A) or NR (B) consecutive x, each panel
 * k-major: element (x, k) goes to dst + ((x / W) * kc * W + k * W + x % W) * es. Elements
 * with k - x outside [lo, hi] are written as zeros (the zero part of a triangular operand).
 * Two loop orders, so that the source is read along its contiguous direction: `pack*`
 * walks k within each x (for sK = es), `pack*ByK` walks x within each k (for sX = es).
 */
export function packFunction(p: Precision, which: 'A' | 'B', order: 'x' | 'k'): WasmFunction {
  const { es, mr, nr } = TILE[p];
  const o = opsOf(p);
  const w = which === 'A' ? mr : nr;
  const logW = Math.log2(w);
  const logEs = Math.log2(es);
  const zero = es === 4 ? f32c0 : f64c0;
  const [SRC, SX, SK, DST, NX, KC, LO, HI] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [X, K, SP, DP, FROM, TO] = [8, 9, 10, 11, 12, 13];
  const clamp = (l: number, max: number) => [
    ...get(l), ...i32c(0), LT_S, ...IF, ...i32c(0), ...set(l), END,
    ...get(l), ...get(max), GT_S, ...IF, ...get(max), ...set(l), END,
  ]; // prettier-ignore
  /** dst offset of (x, k): dst + ((x >> logW) * kc * W + k * W + (x & (W-1))) << logEs */
  const dstOf = [
    ...get(DST),
    ...get(X), ...i32c(logW), SHR_U, ...get(KC), MUL, ...i32c(w), MUL,
    ...get(K), ...i32c(w), MUL, ADD,
    ...get(X), ...i32c(w - 1), AND, ADD,
    ...i32c(logEs), SHL, ADD,
  ]; // prettier-ignore
  let body: number[];
  if (order === 'x') {
    // For each x: k in [x + lo, x + hi] copied, the rest zeroed.
    const zeroUntil = (end: number) => whileNot([...get(K), ...get(end), GE_S], [...get(DP), ...zero, ...o.store(), ...inc(DP, w * es), ...inc(K, 1)]);
    body = whileNot([...get(X), ...get(NX), GE_S], [
      ...i32c(0), ...set(K),
      ...dstOf, ...set(DP),
      ...get(X), ...get(LO), ADD, ...set(FROM), ...clamp(FROM, KC),
      ...get(X), ...get(HI), ADD, ...i32c(1), ADD, ...set(TO), ...clamp(TO, KC),
      ...get(TO), ...get(FROM), LT_S, ...IF, ...get(FROM), ...set(TO), END,
      ...zeroUntil(FROM),
      ...get(SRC), ...get(X), ...get(SX), MUL, ADD, ...get(FROM), ...get(SK), MUL, ADD, ...set(SP),
      ...whileNot([...get(K), ...get(TO), GE_S], [
        ...get(DP), ...get(SP), ...o.load(), ...o.store(),
        ...incBy(SP, SK), ...inc(DP, w * es), ...inc(K, 1),
      ]),
      ...zeroUntil(KC),
      ...inc(X, 1),
    ]); // prettier-ignore
  } else {
    // For each k: x in [k - hi, k - lo] copied, the rest zeroed.
    const zeroUntil = (end: number) => whileNot([...get(X), ...get(end), GE_S], [...dstOf, ...zero, ...o.store(), ...inc(X, 1)]);
    body = whileNot([...get(K), ...get(KC), GE_S], [
      ...i32c(0), ...set(X),
      ...get(K), ...get(HI), SUB, ...set(FROM), ...clamp(FROM, NX),
      ...get(K), ...get(LO), SUB, ...i32c(1), ADD, ...set(TO), ...clamp(TO, NX),
      ...get(TO), ...get(FROM), LT_S, ...IF, ...get(FROM), ...set(TO), END,
      ...zeroUntil(FROM),
      ...get(SRC), ...get(K), ...get(SK), MUL, ADD, ...get(FROM), ...get(SX), MUL, ADD, ...set(SP),
      ...whileNot([...get(X), ...get(TO), GE_S], [
        ...dstOf, ...get(SP), ...o.load(), ...o.store(),
        ...incBy(SP, SX), ...inc(X, 1),
      ]),
      ...zeroUntil(NX),
      ...inc(K, 1),
    ]); // prettier-ignore
  }
  return { name: `pack${which}${order === 'k' ? 'ByK' : ''}`, params: new Array(8).fill(I32), locals: [[6, I32]], body };
}
