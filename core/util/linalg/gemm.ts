/**
 * Dense matrix products at BLAS speed in WebAssembly SIMD: a workspace (one wasm memory
 * holding the matrices of a computation) and `gemm`, C = / += / -= A·B over strided
 * views of it, blocked as GotoBLAS does (B in KC x NC blocks for L3, A in MC x KC blocks
 * for L2, MR x NR register tiles; see gemm-code.ts). Triangular operands and lower-only
 * results skip the work on their zero or unwanted parts.
 */
import { TILE, macroFunction, microFunction, packFunction, type Precision, type TileShape } from './gemm-code';
import { moduleBytes, wasmApi, type WasmMemory } from './wasm-asm';

/** Element (r, c) of the matrix sits at element index `at + r*rs + c*cs` of the workspace. */
export interface Strided {
  at: number;
  rs: number;
  cs: number;
}

/** Entries of a band operand are zero unless lo ≤ (column - row) ≤ hi (either bound may be absent). */
export interface Band {
  lo?: number;
  hi?: number;
}

/** One product C (m x n) = / += / -= A (m x k) · B (k x n); indices are elements of the workspace. */
export interface GemmCall {
  m: number;
  n: number;
  k: number;
  a: Strided;
  b: Strided;
  /** C is row-major with leading dimension `ld`, starting at element `at`; it must not overlap A or B. */
  c: { at: number; ld: number };
  mode: 'set' | 'add' | 'sub';
  /** A is zero outside this band of (p - i), e.g. `{hi: 0}` for lower triangular A. */
  aBand?: Band;
  /** B is zero outside this band of (j - p), e.g. `{lo: 0}` for upper triangular B. */
  bBand?: Band;
  /**
   * Only C's entries with j - i ≤ `lowerFrom` are wanted (0: the lower triangle): tiles
   * wholly above are left alone, tiles across the diagonal are written whole.
   */
  lowerFrom?: number;
}

/** Cache blocking: KC deep, MC rows of A (L2), NC columns of B (L3). */
const BLOCKING: Record<Precision, { kc: number; mc: number; nc: number }> = {
  float32: { kc: 256, mc: 128, nc: 4096 },
  float64: { kc: 256, mc: 64, nc: 2048 },
};

const FAR = 1 << 30;
const PAGE = 65536;

type Kernel = (...args: number[]) => void;

interface Kernels {
  macro: Kernel;
  packA: Kernel;
  packB: Kernel;
  packAByK: Kernel;
  packBByK: Kernel;
}

const modules = new Map<Precision, object | null>();

function moduleOf(precision: Precision): object | undefined {
  if (!modules.has(precision)) {
    const wasm = wasmApi();
    let mod: object | null = null;
    try {
      if (wasm) {
        const fns = [microFunction(precision), macroFunction(precision), ...(['A', 'B'] as const).flatMap((w) => [packFunction(precision, w, 'x'), packFunction(precision, w, 'k')])];
        mod = new wasm.Module(moduleBytes(fns, 'import'));
      }
    } catch {
      mod = null;
    }
    modules.set(precision, mod);
  }
  return modules.get(precision) ?? undefined;
}

/** Whether this engine runs the SIMD kernels (WebAssembly with 128-bit SIMD: Node ≥ 16.4, current browsers). */
export function denseKernelsAvailable(precision: Precision = 'float32'): boolean {
  return moduleOf(precision) !== undefined;
}

/**
 * One wasm memory and the kernels over it. Allocate the matrices (`alloc`), fill them
 * through `view()`, compute with `gemm`, read results through `view()`. The memory is
 * freed with the workspace (wasm memories cannot shrink; drop the workspace when done).
 */
export class DenseWorkspace {
  readonly tile: TileShape;
  readonly blocking: { kc: number; mc: number; nc: number };
  private readonly memory: WasmMemory;
  private readonly kernels: Kernels;
  /** Next free element index (64-byte aligned). */
  private top = 0;
  private readonly packedA: number;
  private readonly packedB: number;
  private cachedView: Float32Array | Float64Array | undefined;

  /** `elements`: room to reserve up front (beyond the pack buffers), to avoid growing later. */
  constructor(
    readonly precision: Precision,
    elements = 0,
  ) {
    const wasm = wasmApi();
    const mod = moduleOf(precision);
    if (!wasm || !mod) throw new Error('Dense linear algebra needs WebAssembly with 128-bit SIMD (Node 16.4 or later, or a current browser).');
    this.tile = TILE[precision];
    this.blocking = BLOCKING[precision];
    const packElements = this.blocking.mc * this.blocking.kc + this.blocking.kc * this.blocking.nc + 64;
    const bytes = (packElements + elements + 64) * this.tile.es;
    this.memory = new wasm.Memory({ initial: Math.ceil(bytes / PAGE) });
    const exports = new wasm.Instance(mod, { env: { mem: this.memory } }).exports;
    this.kernels = exports as unknown as Kernels;
    this.packedA = this.alloc(this.blocking.mc * this.blocking.kc);
    this.packedB = this.alloc(this.blocking.kc * this.blocking.nc);
  }

  /** Element index of `elements` fresh zeroed elements (64-byte aligned). */
  alloc(elements: number): number {
    const at = this.top;
    this.top = Math.ceil((at + elements) / 16) * 16;
    const need = this.top * this.tile.es;
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      if (need > 2 ** 32) throw new RangeError(`A dense workspace of ${(need / 2 ** 30).toFixed(1)} GiB exceeds WebAssembly's 4 GiB.`);
      this.memory.grow(Math.ceil((need - have) / PAGE));
    }
    return at;
  }

  /** The whole memory as elements; take it anew after `alloc` (growing the memory detaches old views). */
  view(): Float32Array | Float64Array {
    const buf = this.memory.buffer;
    if (!this.cachedView || this.cachedView.buffer !== buf) this.cachedView = this.precision === 'float32' ? new Float32Array(buf) : new Float64Array(buf);
    return this.cachedView;
  }

  /** C = / += / -= A·B (see GemmCall). m and n must be multiples of the tile (`tile.mr`, `tile.nr`). */
  gemm(call: GemmCall): void {
    const { m, n, k, a, b, c } = call;
    const { es, mr, nr } = this.tile;
    if (m % mr !== 0 || n % nr !== 0) throw new Error(`gemm: m = ${m} and n = ${n} must be multiples of ${mr} and ${nr}`);
    if (m === 0 || n === 0) return;
    const { kc: KC, mc: MC, nc: NC } = this.blocking;
    const aLo = call.aBand?.lo ?? -FAR;
    const aHi = call.aBand?.hi ?? FAR;
    const bLo = call.bBand?.lo ?? -FAR;
    const bHi = call.bBand?.hi ?? FAR;
    const lower = call.lowerFrom ?? FAR;
    const modeCode = call.mode === 'set' ? 0 : call.mode === 'add' ? 1 : 2;
    const { macro } = this.kernels;
    // Each operand is packed along its contiguous direction.
    const packA = Math.abs(a.cs) <= Math.abs(a.rs) ? this.kernels.packA : this.kernels.packAByK;
    const packB = Math.abs(b.rs) <= Math.abs(b.cs) ? this.kernels.packB : this.kernels.packBByK;
    for (let jc = 0; jc < n; jc += NC) {
      const ncb = Math.min(NC, n - jc);
      for (let pc = 0; pc < k || (pc === 0 && k === 0); pc += KC) {
        const kcb = Math.min(KC, k - pc);
        const mode = pc === 0 ? modeCode : modeCode === 2 ? 2 : 1;
        // B's (p, j) is kept where bLo ≤ (jc + j) - (pc + p) ≤ bHi, i.e. p - j in [jc - pc - bHi, jc - pc - bLo].
        packB((b.at + pc * b.rs + jc * b.cs) * es, b.cs * es, b.rs * es, this.packedB * es, ncb, kcb, clampFar(jc - pc - bHi), clampFar(jc - pc - bLo));
        for (let ic = 0; ic < m; ic += MC) {
          const mcb = Math.min(MC, m - ic);
          // Tiles with (jc + jr) - (ic + ir + mr - 1) > lower are unwanted.
          const cSkip = lower >= FAR ? FAR : lower - jc + ic + mr - 1;
          if (cSkip < FAR && 0 - (mcb - mr) > cSkip) continue; // the whole block is above the diagonal
          // A's (i, p) is kept where aLo ≤ (pc + p) - (ic + i) ≤ aHi.
          const aShift = ic - pc;
          packA((a.at + ic * a.rs + pc * a.cs) * es, a.rs * es, a.cs * es, this.packedA * es, mcb, kcb, clampFar(aLo + aShift), clampFar(aHi + aShift));
          // Per tile k range: a lower bound from A's band (p ≥ i + aLo) or B's (p ≥ j - bHi), an upper from A's (p ≤ i + aHi) or B's (p ≤ j - bLo).
          let loI = 0;
          let loJ = 0;
          let loBase = 0;
          if (aLo > -FAR) [loI, loBase] = [1, aLo + aShift];
          else if (bHi < FAR) [loJ, loBase] = [1, jc - pc - bHi];
          let hiI = 0;
          let hiJ = 0;
          let hiBase = kcb;
          if (aHi < FAR) [hiI, hiBase] = [1, aHi + aShift + mr];
          else if (bLo > -FAR) [hiJ, hiBase] = [1, jc - pc - bLo + nr];
          macro(this.packedA * es, this.packedB * es, kcb, (c.at + ic * c.ld + jc) * es, c.ld * es, mcb, ncb, mode, loI, loJ, clampFar(loBase), hiI, hiJ, clampFar(hiBase), cSkip);
        }
        if (k === 0) break;
      }
    }
  }
}

function clampFar(x: number): number {
  return Math.max(-FAR, Math.min(FAR, x));
}
