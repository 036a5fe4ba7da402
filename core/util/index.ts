export * from './random';
export * from './errors';
export * from './hash';
export * from './version';
export * from './linalg/randomized-svd';
/** The WebAssembly assembler of RecLab's SIMD kernels (core/train's and core/util's linear algebra). */
export * as wasmAsm from './linalg/wasm-asm';
