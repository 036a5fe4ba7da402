export * from './random';
export * from './errors';
export * from './hash';
export * from './version';
export * from './linalg/randomized-svd';
export { inverseSpd, inverseSpdSteps, type SpdInverseOptions } from './linalg/spd-inverse';
export { NotPositiveDefiniteError } from './linalg/small-blocks';
export { sparseGram } from './linalg/sparse-gram';
export { mirrorLower } from './linalg/symmetric';
export { DenseWorkspace, denseKernelsAvailable, type GemmCall, type Strided, type Band } from './linalg/gemm';
export type { Precision } from './linalg/gemm-code';
/** The WebAssembly assembler of RecLab's SIMD kernels (core/train's and core/util's linear algebra). */
export * as wasmAsm from './linalg/wasm-asm';
export * from './event';
