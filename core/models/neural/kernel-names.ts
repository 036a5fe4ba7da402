/**
 * Names of RecLab's own tfjs kernels that the models call: core/train registers them
 * for the wasm (and cpu) backends; a model runs one only where it is registered and
 * falls back to plain tfjs ops elsewhere. One list, so a name cannot drift.
 */

/** The fused dense layer (several inputs, bias, activation) and its gradient. */
export const DENSE_KERNEL = 'ReclabDense';
export const DENSE_GRAD_KERNEL = 'ReclabDenseGrad';
/** The all-pairs row sum `act(a[u] + b[i])`: full ranking's first tower layer in one pass. */
export const PAIRWISE_SUM_KERNEL = 'ReclabPairwiseSum';
/** CSR x dense matmul (feature blocks stay sparse). */
export const SPARSE_DENSE_MATMUL_KERNEL = 'ReclabSparseDenseMatMul';
