/** Registers RecLab's fused training kernels for a JS backend (filled in as they are written). */
export function registerFusedKernels(_backendName: string): void {}
