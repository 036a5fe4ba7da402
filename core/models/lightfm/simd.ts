import { wasmAsm } from '../../util';
import type { FeatureRows } from './feature-rows';
import type { LightfmParams } from './params';
import type { SgdSettings } from './sgd';

const {
  ADD, BLOCK, END, F32, GE_U, I32, LOOP, MUL, SHL, V128, br, brIf, f32Load, f32Store, f32x4Add, f32x4Div, f32x4ExtractLane,
  f32x4Mul, f32x4Splat, f32x4Sqrt, f32x4Sub, get, i32c, i32Load, inc, moduleBytes, set, v128Load, v128Store, v128Zero, wasmApi,
} = wasmAsm; // prettier-ignore
type WasmMemory = wasmAsm.WasmMemory;

// Encodings util's wasmAsm does not name (scalar f32 and bitwise i32 operators, calls, stores).
const F32_SQRT = 0x91;
const F32_ADD = 0x92;
const F32_SUB = 0x93;
const F32_MUL = 0x94;
const F32_DIV = 0x95;
const F32_NEG = 0x8c;
const F32_GT = 0x5e;
const I32_REM_U = 0x70;
const I32_AND = 0x71;
const I32_OR = 0x72;
const I32_XOR = 0x73;
const I32_SHR_U = 0x76;
const RETURN = 0x0f;
const i32Store = (offset = 0) => [0x36, 2, ...wasmAsm.uleb(offset)];
const call = (f: number) => [0x10, ...wasmAsm.uleb(f)];
const f32c = (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];

/**
 * The inner loops of LightFM's SGD (sgd.ts) as a WebAssembly module with 128-bit SIMD,
 * 4 components per instruction: the representation of a user, of an item with its score
 * against the user, the whole pairwise step (Adagrad or plain SGD, L2), and WARP's draws
 * (the generator, the positives bit set; where the bit set does not fit, sgd.ts draws in
 * JS and calls `score` per draw). BPR draws its one negative in JS. The module owns
 * its memory: the feature rows are copied in once, the parameters in and out around each
 * epoch (well under a millisecond for ML-100K). Components are padded to a multiple of 4
 * with zeros, which stay zero (their gradients are products with zero components).
 *
 * Same arithmetic as the JS loop, in float32 throughout (the JS loop sums in float64), so
 * the two agree to float32 round-off, not bit for bit.
 */
export class LightfmSimdKernel {
  /** The state of the sampling generator (sgd.ts's FastRandom steps it too). */
  readonly randomState: Int32Array;
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  private readonly fn: {
    user: (row: number) => void;
    item: (row: number, out: number) => void;
    score: (row: number) => void;
    warp?: (user: number, posScore: number) => void;
    step: (user: number, pos: number, neg: number, weight: number) => void;
  };

  private constructor(
    private readonly layout: Layout,
    memory: WasmMemory,
    exports: Record<string, unknown>,
    users: FeatureRows,
    items: FeatureRows,
    sampling: WarpSampling | undefined,
  ) {
    this.f32 = new Float32Array(memory.buffer);
    const i32 = (this.i32 = new Int32Array(memory.buffer));
    this.randomState = i32.subarray(layout.state / 4, layout.state / 4 + 1);
    const put = (at: number, values: Int32Array | Float32Array) => (values instanceof Int32Array ? i32 : this.f32).set(values, at / 4);
    put(layout.userIndptr, users.indptr);
    put(layout.userIndices, users.indices);
    put(layout.userValues, users.values);
    put(layout.itemIndptr, items.indptr);
    put(layout.itemIndices, items.indices);
    put(layout.itemValues, items.values);
    if (sampling?.positives) {
      put(layout.pool, sampling.negatives);
      put(layout.bits, sampling.positives);
    }
    this.fn = exports as unknown as LightfmSimdKernel['fn'];
  }

  /** Whether WARP's draws run in the kernel (they do where the positives fit a bit set). */
  get draws(): boolean {
    return this.fn.warp !== undefined;
  }

  /**
   * WARP's draws for the user buffer against a positive scoring `posScore`: uniform draws
   * from the negatives, skipping the user's positives, until one scores above posScore - 1
   * or maxSampled were drawn. Returns the violator (-1: none) and the draws it took.
   */
  warpDraws(user: number, posScore: number): { negative: number; sampled: number } {
    this.fn.warp!(user, posScore);
    return { negative: this.i32[this.layout.negative / 4], sampled: this.i32[this.layout.sampled / 4] };
  }

  /** A kernel for these rows and settings, or undefined where the engine has no WebAssembly SIMD. */
  static create(users: FeatureRows, items: FeatureRows, dim: number, settings: SgdSettings, sampling?: WarpSampling): LightfmSimdKernel | undefined {
    const api = wasmApi();
    if (!api) return undefined;
    const draws = sampling?.positives ? sampling : undefined;
    const layout = planLayout(users, items, dim, draws);
    let instance: { exports: Record<string, unknown> };
    try {
      instance = new api.Instance(new api.Module(kernelBytes(layout, settings, draws)));
    } catch {
      return undefined; // no SIMD in this engine: the JS loop runs instead
    }
    const memory = instance.exports.mem as WasmMemory;
    const pages = Math.ceil(layout.bytes / 65_536);
    const have = memory.buffer.byteLength / 65_536;
    if (pages > have) memory.grow(pages - have);
    (instance.exports.init as () => void)();
    return new LightfmSimdKernel(layout, memory, instance.exports, users, items, draws);
  }

  /** Copies the parameters in (before an epoch); the Adagrad sums stay in the kernel. */
  load(params: LightfmParams): void {
    const { dim } = params;
    copyRows(params.userEmbeddings, dim, this.f32, this.layout.userEmb / 4, this.layout.stride, 'in');
    copyRows(params.itemEmbeddings, dim, this.f32, this.layout.itemEmb / 4, this.layout.stride, 'in');
    this.f32.set(params.itemBiases, this.layout.itemBias / 4);
  }

  /** Copies the parameters out (after an epoch). */
  store(params: LightfmParams): void {
    const { dim } = params;
    copyRows(params.userEmbeddings, dim, this.f32, this.layout.userEmb / 4, this.layout.stride, 'out');
    copyRows(params.itemEmbeddings, dim, this.f32, this.layout.itemEmb / 4, this.layout.stride, 'out');
    params.itemBiases.set(this.f32.subarray(this.layout.itemBias / 4, this.layout.itemBias / 4 + params.itemBiases.length));
  }

  /** The user's representation into the kernel's user buffer. */
  user(row: number): void {
    this.fn.user(row);
  }

  /** Item `row`'s representation into the positive (`slot` 0) or negative (1) buffer; returns its score against the user buffer. */
  item(row: number, slot: 0 | 1): number {
    this.fn.item(row, slot === 0 ? this.layout.pos : this.layout.neg);
    return this.f32[this.layout.score / 4];
  }

  /**
   * Item `row`'s score against the user buffer, without building its representation (a
   * WARP draw that does not violate needs no more); `item(row, 1)` builds it for a step.
   */
  score(row: number): number {
    this.fn.score(row);
    return this.f32[this.layout.score / 4];
  }

  /** The pairwise step of weight `weight` from the user, positive and negative buffers. */
  step(user: number, positive: number, negative: number, weight: number): void {
    this.fn.step(user, positive, negative, weight);
  }
}

/** What the kernel needs to draw WARP's negatives itself. */
export interface WarpSampling {
  /** Items that may be drawn, ascending. */
  negatives: Int32Array;
  /** Bit `user x nItems + item` set for every training positive; without it the draws stay in JS. */
  positives: Int32Array | undefined;
  nItems: number;
  /** Draws per positive at most, skipped positives included. */
  maxDraws: number;
}

/** Byte offsets of everything in the kernel's memory (16-byte aligned), and the padded row stride in floats. */
interface Layout {
  stride: number;
  userEmb: number;
  itemEmb: number;
  itemBias: number;
  userG: number;
  itemG: number;
  biasG: number;
  userIndptr: number;
  userIndices: number;
  userValues: number;
  itemIndptr: number;
  itemIndices: number;
  itemValues: number;
  user: number;
  pos: number;
  neg: number;
  diff: number;
  score: number;
  state: number;
  negative: number;
  sampled: number;
  pool: number;
  bits: number;
  bytes: number;
  /** Adagrad sums start at 1 (LightFM): filled by the module's init. */
  accumulatorFloats: number;
}

function planLayout(users: FeatureRows, items: FeatureRows, dim: number, sampling: WarpSampling | undefined): Layout {
  const stride = Math.ceil(dim / 4) * 4;
  let at = 0;
  const take = (floats: number) => {
    const start = at;
    at += Math.ceil(floats / 4) * 16;
    return start;
  };
  const userEmb = take(users.nCols * stride);
  const itemEmb = take(items.nCols * stride);
  const itemBias = take(items.nCols);
  const userG = take(users.nCols * stride);
  const itemG = take(items.nCols * stride);
  const biasG = take(items.nCols);
  const layout: Layout = {
    stride,
    userEmb,
    itemEmb,
    itemBias,
    userG,
    itemG,
    biasG,
    accumulatorFloats: (at - userG) / 4,
    userIndptr: take(users.nRows + 1),
    userIndices: take(users.indices.length),
    userValues: take(users.values.length),
    itemIndptr: take(items.nRows + 1),
    itemIndices: take(items.indices.length),
    itemValues: take(items.values.length),
    user: take(stride),
    pos: take(stride),
    neg: take(stride),
    diff: take(stride),
    score: take(1),
    state: take(1),
    negative: take(1),
    sampled: take(1),
    pool: take(sampling?.negatives.length ?? 0),
    bits: take(sampling?.positives?.length ?? 0),
    bytes: 0,
  };
  layout.bytes = at;
  return layout;
}

function copyRows(plain: Float32Array, dim: number, heap: Float32Array, start: number, stride: number, direction: 'in' | 'out'): void {
  const rows = plain.length / dim;
  for (let r = 0; r < rows; r++) {
    if (direction === 'in') heap.set(plain.subarray(r * dim, r * dim + dim), start + r * stride);
    else plain.set(heap.subarray(start + r * stride, start + r * stride + dim), r * dim);
  }
}

/** `base + (local << 2)`: the address of element `local` of an i32/f32 array at byte `base`. */
const at4 = (base: number, local: number) => [...i32c(base), ...get(local), ...i32c(2), SHL, ADD];
/** `for (c = 0; c < bytes; c += 16) body` */
const overRow = (c: number, bytes: number, body: number[]) => [...i32c(0), ...set(c), ...BLOCK, ...LOOP, ...get(c), ...i32c(bytes), GE_U, ...brIf(1), ...body, ...inc(c, 16), ...br(0), END, END];
/** `for (q = indptr[row]; q < indptr[row + 1]; q++) body` */
const overEntries = (indptr: number, row: number, q: number, end: number, body: number[]) => [
  ...at4(indptr, row), ...i32Load(0), ...set(q),
  ...at4(indptr, row), ...i32Load(4), ...set(end),
  ...BLOCK, ...LOOP, ...get(q), ...get(end), GE_U, ...brIf(1), ...body, ...inc(q, 1), ...br(0), END, END,
]; // prettier-ignore

/** The module: user, item, updateRow, updateBias, step, init, score (function indices in this order: step calls 2 and 3). */
function kernelBytes(l: Layout, s: SgdSettings, sampling: WarpSampling | undefined): Uint8Array {
  const rowBytes = l.stride * 4;
  const adagrad = s.optimizer === 'adagrad';
  const lr = s.learningRate;

  // user(row): u = sum over the user's entries of x * userEmb[f].
  const [uROW, uQ, uEND, uSRC, uC, uX] = [0, 1, 2, 3, 4, 5];
  const user = [
    ...overRow(uC, rowBytes, [...get(uC), ...v128Zero, ...v128Store(l.user)]),
    ...overEntries(l.userIndptr, uROW, uQ, uEND, [
      ...at4(l.userValues, uQ), ...f32Load(), ...f32x4Splat, ...set(uX),
      ...at4(l.userIndices, uQ), ...i32Load(0), ...i32c(rowBytes), MUL, ...i32c(l.userEmb), ADD, ...set(uSRC),
      ...overRow(uC, rowBytes, [...get(uC), ...get(uC), ...v128Load(l.user), ...get(uSRC), ...get(uC), ADD, ...v128Load(), ...get(uX), ...f32x4Mul, ...f32x4Add, ...v128Store(l.user)]),
    ]),
  ]; // prettier-ignore

  // item(row, out): out = sum of x * itemEmb[f], b = sum of x * itemBias[f]; score = u . out + b.
  const [iROW, iOUT, iQ, iEND, iSRC, iC, iF, iX, iB, iXS, iACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const item = [
    ...overRow(iC, rowBytes, [...get(iOUT), ...get(iC), ADD, ...v128Zero, ...v128Store()]),
    ...f32c(0), ...set(iB),
    ...overEntries(l.itemIndptr, iROW, iQ, iEND, [
      ...at4(l.itemValues, iQ), ...f32Load(), ...set(iXS),
      ...at4(l.itemIndices, iQ), ...i32Load(0), ...set(iF),
      ...get(iB), ...get(iXS), ...at4(l.itemBias, iF), ...f32Load(), F32_MUL, F32_ADD, ...set(iB),
      ...get(iXS), ...f32x4Splat, ...set(iX),
      ...get(iF), ...i32c(rowBytes), MUL, ...i32c(l.itemEmb), ADD, ...set(iSRC),
      ...overRow(iC, rowBytes, [
        ...get(iOUT), ...get(iC), ADD,
        ...get(iOUT), ...get(iC), ADD, ...v128Load(), ...get(iSRC), ...get(iC), ADD, ...v128Load(), ...get(iX), ...f32x4Mul, ...f32x4Add,
        ...v128Store(),
      ]),
    ]),
    ...v128Zero, ...set(iACC),
    ...overRow(iC, rowBytes, [...get(iACC), ...get(iC), ...v128Load(l.user), ...get(iOUT), ...get(iC), ADD, ...v128Load(), ...f32x4Mul, ...f32x4Add, ...set(iACC)]),
    ...i32c(l.score),
    ...get(iACC), ...f32x4ExtractLane(0), ...get(iACC), ...f32x4ExtractLane(1), F32_ADD,
    ...get(iACC), ...f32x4ExtractLane(2), ...get(iACC), ...f32x4ExtractLane(3), F32_ADD, F32_ADD,
    ...get(iB), F32_ADD,
    ...f32Store(),
  ]; // prettier-ignore

  // score(row): sum of x * (itemBias[f] + u . itemEmb[f]), one horizontal sum at the end.
  const [cROW, cQ, cEND, cSRC, cC, cB, cXS, cX, cACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const score = [
    ...f32c(0), ...set(cB),
    ...v128Zero, ...set(cACC),
    ...overEntries(l.itemIndptr, cROW, cQ, cEND, [
      ...at4(l.itemValues, cQ), ...f32Load(), ...set(cXS),
      ...at4(l.itemIndices, cQ), ...i32Load(0), ...set(cSRC),
      ...get(cB), ...get(cXS), ...get(cSRC), ...i32c(2), SHL, ...f32Load(l.itemBias), F32_MUL, F32_ADD, ...set(cB),
      ...get(cXS), ...f32x4Splat, ...set(cX),
      ...get(cSRC), ...i32c(rowBytes), MUL, ...i32c(l.itemEmb), ADD, ...set(cSRC),
      ...overRow(cC, rowBytes, [
        ...get(cACC), ...get(cX), ...get(cC), ...v128Load(l.user), ...get(cSRC), ...get(cC), ADD, ...v128Load(), ...f32x4Mul, ...f32x4Mul, ...f32x4Add, ...set(cACC),
      ]),
    ]),
    ...i32c(l.score),
    ...get(cACC), ...f32x4ExtractLane(0), ...get(cACC), ...f32x4ExtractLane(1), F32_ADD,
    ...get(cACC), ...f32x4ExtractLane(2), ...get(cACC), ...f32x4ExtractLane(3), F32_ADD, F32_ADD,
    ...get(cB), F32_ADD,
    ...f32Store(),
  ]; // prettier-ignore

  // updateRow(emb, g, f, coef, vec, alpha): row f of emb moves by the gradient coef * vec + alpha * w.
  const [rEMB, rG, rF, rCOEF, rVEC, rALPHA, rC, rW, rGA, rCV, rAV, rGV, rWV, rLR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const newWeight = adagrad
    ? [...get(rWV), ...get(rLR), ...get(rGV), ...f32x4Mul, ...get(rGA), ...get(rC), ADD, ...v128Load(), ...f32x4Sqrt, ...f32x4Div, ...f32x4Sub]
    : [...get(rWV), ...get(rLR), ...get(rGV), ...f32x4Mul, ...f32x4Sub]; // prettier-ignore
  const updateRow = [
    ...get(rF), ...i32c(rowBytes), MUL, ...set(rGA),
    ...get(rEMB), ...get(rGA), ADD, ...set(rW),
    ...get(rG), ...get(rGA), ADD, ...set(rGA),
    ...get(rCOEF), ...f32x4Splat, ...set(rCV),
    ...get(rALPHA), ...f32x4Splat, ...set(rAV),
    ...f32c(lr), ...f32x4Splat, ...set(rLR),
    ...overRow(rC, rowBytes, [
      ...get(rW), ...get(rC), ADD, ...v128Load(), ...set(rWV),
      ...get(rCV), ...get(rVEC), ...get(rC), ADD, ...v128Load(), ...f32x4Mul, ...get(rAV), ...get(rWV), ...f32x4Mul, ...f32x4Add, ...set(rGV),
      ...get(rW), ...get(rC), ADD, ...newWeight, ...v128Store(),
      ...(adagrad
        ? [...get(rGA), ...get(rC), ADD, ...get(rGA), ...get(rC), ADD, ...v128Load(), ...get(rGV), ...get(rGV), ...f32x4Mul, ...f32x4Add, ...v128Store()]
        : []),
    ]),
  ]; // prettier-ignore

  // updateBias(f, grad): item bias f moves by grad + itemAlpha * b.
  const [bF, bGRAD, bA, bG, bW] = [0, 1, 2, 3, 4];
  const updateBias = [
    ...get(bF), ...i32c(2), SHL, ...set(bA),
    ...get(bA), ...f32Load(l.itemBias), ...set(bW),
    ...get(bGRAD), ...f32c(s.itemAlpha), ...get(bW), F32_MUL, F32_ADD, ...set(bG),
    ...get(bA),
    ...get(bW), ...f32c(lr), ...get(bG), F32_MUL,
    ...(adagrad ? [...get(bA), ...f32Load(l.biasG), F32_SQRT, F32_DIV] : []),
    F32_SUB, ...f32Store(l.itemBias),
    ...(adagrad ? [...get(bA), ...get(bA), ...f32Load(l.biasG), ...get(bG), ...get(bG), F32_MUL, F32_ADD, ...f32Store(l.biasG)] : []),
  ]; // prettier-ignore

  // step(user, pos, neg, w): positive rows by -w x u, negative rows by +w x u, user rows by w x (n - p).
  const [sUSER, sPOS, sNEG, sW, sC, sQ, sEND, sF, sXS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const itemRows = (row: number, negate: boolean) =>
    overEntries(l.itemIndptr, row, sQ, sEND, [
      ...at4(l.itemIndices, sQ), ...i32Load(0), ...set(sF),
      ...get(sW), ...at4(l.itemValues, sQ), ...f32Load(), F32_MUL, ...(negate ? [F32_NEG] : []), ...set(sXS),
      ...i32c(l.itemEmb), ...i32c(l.itemG), ...get(sF), ...get(sXS), ...i32c(l.user), ...f32c(s.itemAlpha), ...call(2),
      ...get(sF), ...get(sXS), ...call(3),
    ]); // prettier-ignore
  const step = [
    ...overRow(sC, rowBytes, [...get(sC), ...get(sC), ...v128Load(l.neg), ...get(sC), ...v128Load(l.pos), ...f32x4Sub, ...v128Store(l.diff)]),
    ...itemRows(sPOS, true),
    ...itemRows(sNEG, false),
    ...overEntries(l.userIndptr, sUSER, sQ, sEND, [
      ...i32c(l.userEmb), ...i32c(l.userG),
      ...at4(l.userIndices, sQ), ...i32Load(0),
      ...get(sW), ...at4(l.userValues, sQ), ...f32Load(), F32_MUL,
      ...i32c(l.diff), ...f32c(s.userAlpha), ...call(2),
    ]),
  ]; // prettier-ignore

  // init(): every Adagrad sum to 1.
  const [nC] = [0];
  const one = [0xfd, 0x0c, ...Array.from({ length: 4 }, () => Array.from(new Uint8Array(Float32Array.of(1).buffer))).flat()];
  const init = [...overRow(nC, l.accumulatorFloats * 4, [...get(nC), ...one, ...v128Store(l.userG)])];

  // warp(user, posScore): sgd.ts's draw loop (warpExample), with FastRandom.below inlined.
  const [wUSER, wPOS, wSAMPLED, wDRAWS, wS, wT, wNEG, wBIT] = [0, 1, 2, 3, 4, 5, 6, 7];
  const warp = sampling
    ? [
        ...i32c(0), ...set(wSAMPLED), ...i32c(0), ...set(wDRAWS),
        ...BLOCK, ...LOOP,
        ...get(wSAMPLED), ...i32c(s.maxSampled), GE_U, ...brIf(1),
        ...get(wDRAWS), ...i32c(sampling.maxDraws), GE_U, ...brIf(1),
        ...inc(wDRAWS, 1),
        // s = state + 0x6d2b79f5; t = imul(s ^ s >>> 15, s | 1); t ^= t + imul(t ^ t >>> 7, t | 61); t ^= t >>> 14
        ...i32c(0), ...i32Load(l.state), ...i32c(0x6d2b79f5), ADD, ...set(wS),
        ...i32c(0), ...get(wS), ...i32Store(l.state),
        ...get(wS), ...get(wS), ...i32c(15), I32_SHR_U, I32_XOR, ...get(wS), ...i32c(1), I32_OR, MUL, ...set(wT),
        ...get(wT), ...get(wT), ...get(wT), ...get(wT), ...i32c(7), I32_SHR_U, I32_XOR, ...get(wT), ...i32c(61), I32_OR, MUL, ADD, I32_XOR, ...set(wT),
        ...get(wT), ...get(wT), ...i32c(14), I32_SHR_U, I32_XOR, ...set(wT),
        ...get(wT), ...i32c(sampling.negatives.length), I32_REM_U, ...i32c(2), SHL, ...i32Load(l.pool), ...set(wNEG),
        // a training positive of the user: draw again
        ...get(wUSER), ...i32c(sampling.nItems), MUL, ...get(wNEG), ADD, ...set(wBIT),
        ...get(wBIT), ...i32c(5), I32_SHR_U, ...i32c(2), SHL, ...i32Load(l.bits), ...get(wBIT), I32_SHR_U, ...i32c(1), I32_AND, ...brIf(0),
        ...inc(wSAMPLED, 1),
        ...get(wNEG), ...call(6),
        ...i32c(0), ...f32Load(l.score), ...get(wPOS), ...f32c(1), F32_SUB, F32_GT,
        ...wasmAsm.IF,
        ...i32c(0), ...get(wNEG), ...i32Store(l.negative),
        ...i32c(0), ...get(wSAMPLED), ...i32Store(l.sampled),
        RETURN,
        END,
        ...br(0),
        END, END,
        ...i32c(0), ...i32c(-1), ...i32Store(l.negative),
        ...i32c(0), ...get(wSAMPLED), ...i32Store(l.sampled),
      ]
    : [];

  const bytes = moduleBytes(
    [
      { name: 'user', params: [I32], locals: [[4, I32], [1, V128]], body: user },
      { name: 'item', params: [I32, I32], locals: [[5, I32], [1, V128], [2, F32], [1, V128]], body: item },
      { name: 'updateRow', params: [I32, I32, I32, F32, I32, F32], locals: [[3, I32], [5, V128]], body: updateRow },
      { name: 'updateBias', params: [I32, F32], locals: [[1, I32], [2, F32]], body: updateBias },
      { name: 'step', params: [I32, I32, I32, F32], locals: [[4, I32], [1, F32]], body: step },
      { name: 'init', params: [], locals: [[1, I32]], body: init },
      { name: 'score', params: [I32], locals: [[4, I32], [2, F32], [2, V128]], body: score },
      ...(sampling ? [{ name: 'warp', params: [I32, F32], locals: [[6, I32]] as [number, number][], body: warp }] : []),
    ],
    'own',
  );
  return bytes;
}
