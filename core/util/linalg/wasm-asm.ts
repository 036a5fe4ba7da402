/**
 * A few WebAssembly encodings for RecLab's hand-assembled SIMD modules (no toolchain in
 * the project: the modules are built as bytes at run time). Only what those modules use.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (small constants only). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A module section: id, byte length, body. */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A length-prefixed ASCII name. */
export function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

export const get = (l: number): number[] => [0x20, ...uleb(l)];
export const set = (l: number): number[] => [0x21, ...uleb(l)];
export const i32c = (n: number): number[] => [0x41, ...sleb(n)];
export const ADD = 0x6a;
export const SUB = 0x6b;
export const MUL = 0x6c;
export const AND = 0x71;
export const SHL = 0x74;
export const SHR_U = 0x76;
export const EQZ = 0x45;
export const EQ = 0x46;
export const LT_S = 0x48;
export const GT_S = 0x4a;
export const LE_S = 0x4c;
export const GE_S = 0x4e;
export const GT_U = 0x4b;
export const GE_U = 0x4f;
export const SELECT = 0x1b;
export const CALL = (f: number): number[] => [0x10, ...uleb(f)];
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const IF = [0x04, 0x40];
export const ELSE = 0x05;
export const END = 0x0b;
export const br = (d: number): number[] => [0x0c, d];
export const brIf = (d: number): number[] => [0x0d, d];
export const i32Load = (offset: number): number[] => [0x28, 2, ...uleb(offset)];
export const f32Load = (offset = 0): number[] => [0x2a, 2, ...uleb(offset)];
export const f32Store = (offset = 0): number[] => [0x38, 2, ...uleb(offset)];
export const f64Load = (offset = 0): number[] => [0x2b, 3, ...uleb(offset)];
export const f64Store = (offset = 0): number[] => [0x39, 3, ...uleb(offset)];
export const tee = (l: number): number[] => [0x22, ...uleb(l)];
export const F32_ADD = 0x92;
export const F32_MAX = 0x97;
export const f32c0 = [0x43, 0, 0, 0, 0];
export const f64c0 = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];

const simd = (op: number): number[] => [0xfd, ...uleb(op)];
export const v128Load = (offset = 0): number[] => [...simd(0x00), 4, ...uleb(offset)];
export const v128Store = (offset = 0): number[] => [...simd(0x0b), 4, ...uleb(offset)];
export const v128Zero = [...simd(0x0c), ...new Array(16).fill(0)];
/** One float loaded into every lane (x64: a single broadcast instruction). */
export const v128Load32Splat = (offset = 0): number[] => [...simd(0x09), 2, ...uleb(offset)];
export const v128Load64Splat = (offset = 0): number[] => [...simd(0x0a), 3, ...uleb(offset)];
export const f32x4Splat = simd(0x13);
export const f32x4ExtractLane = (lane: number): number[] => [...simd(0x1f), lane];
export const f32x4Gt = simd(0x44);
export const v128And = simd(0x4e);
export const f32x4Sqrt = simd(0xe3);
export const f32x4Add = simd(0xe4);
export const f32x4Sub = simd(0xe5);
export const f32x4Mul = simd(0xe6);
export const f32x4Div = simd(0xe7);
export const f32x4Max = simd(0xe9);
export const f64x2Add = simd(0xf0);
export const f64x2Sub = simd(0xf1);
export const f64x2Mul = simd(0xf2);

/** `local += by` (i32). */
export const inc = (l: number, by: number): number[] => [...get(l), ...i32c(by), ADD, ...set(l)];
/** `local += local2` (i32). */
export const incBy = (l: number, by: number): number[] => [...get(l), ...get(by), ADD, ...set(l)];

/** `block; loop; if (cond) break; body; br loop; end; end` where `cond` leaves an i32. */
export const whileNot = (cond: number[], body: number[]): number[] => [...BLOCK, ...LOOP, ...cond, ...brIf(1), ...body, ...br(0), END, END];

/** One exported function: its parameter types, local declarations (count, type) and body. */
export interface WasmFunction {
  name: string;
  params: number[];
  locals: [number, number][];
  body: number[];
}

/**
 * Module bytes for `functions` (no results), with the memory either imported as
 * `env.mem` (to work inside another module's heap) or defined and exported as `mem`.
 */
export function moduleBytes(functions: WasmFunction[], memory: 'import' | 'own'): Uint8Array {
  const types = functions.flatMap((f) => [0x60, ...uleb(f.params.length), ...f.params, 0]);
  const codes = functions.flatMap((f) => {
    const code = [...uleb(f.locals.length), ...f.locals.flatMap(([n, t]) => [...uleb(n), t]), ...f.body, END];
    return [...uleb(code.length), ...code];
  });
  const exportEntries = functions.flatMap((f, k) => [...name(f.name), 0x00, ...uleb(k)]);
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(functions.length), ...types]),
    ...(memory === 'import' ? section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]) : []),
    ...section(3, [...uleb(functions.length), ...functions.map((_, k) => uleb(k)).flat()]),
    ...(memory === 'own' ? section(5, [1, 0x00, 1]) : []),
    ...section(7, [...uleb(functions.length + (memory === 'own' ? 1 : 0)), ...(memory === 'own' ? [...name('mem'), 0x02, 0] : []), ...exportEntries]),
    ...section(10, [...uleb(functions.length), ...codes]),
  ]); // prettier-ignore
}

/** The few WebAssembly JS API members RecLab uses (the project's lib has no typings for them). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The engine's WebAssembly API, if any. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}
