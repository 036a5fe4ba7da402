import * as tf from '@tensorflow/tfjs';
import { InputError } from '../util';
import { fastGatherKernel } from './kernels/gather';
import { segmentSumKernel } from './kernels/unsorted-segment-sum';
import { sharingCastKernel, sharingIdentityKernel, sharingTransposeKernel } from './kernels/identity';
import { transposeFreeMatMulKernel } from './kernels/matmul';
import { registerFusedKernels } from './kernels/register';

/** A TensorFlow.js backend RecLab can train on, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
const patched = new Set<string>();

/**
 * Picks and initialises the fastest backend available: `@tensorflow/tfjs-node`
 * ('tensorflow', an optional dependency that is often not installed), else
 * `@tensorflow/tfjs-backend-wasm`, else pure-JS `cpu`. `prefer` moves one backend to
 * the front; a backend that cannot load is skipped. Returns the name of the backend in
 * use, which every run records. Safe to call more than once.
 */
export async function initBackend(prefer?: BackendName): Promise<string> {
  if (prefer !== undefined && !ORDER.includes(prefer)) {
    throw new InputError(`Unknown tfjs backend '${String(prefer)}'; use one of ${ORDER.join(', ')}.`, 'SPEC');
  }
  const order = prefer ? [prefer, ...ORDER.filter((b) => b !== prefer)] : ORDER;
  for (const name of order) {
    if (!loadBackendPackage(name)) continue;
    try {
      if (!(await tf.setBackend(name))) continue;
      await tf.ready();
    } catch {
      continue;
    }
    patchKernels(name);
    return name;
  }
  // cpu ships inside @tensorflow/tfjs, so reaching this point means tfjs itself is broken.
  throw new InputError('No TensorFlow.js backend could be initialised (tried tensorflow, wasm, cpu).', 'BACKEND');
}

/** Name of the backend in use (after `initBackend`). */
export function currentBackend(): string {
  return tf.getBackend();
}

function loadBackendPackage(name: BackendName): boolean {
  try {
    // Plain require with a variable-free literal per package so the optional native
    // package fails with MODULE_NOT_FOUND (not installed) instead of breaking the build.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional package, loaded only if present
    if (name === 'tensorflow') require('@tensorflow/tfjs-node');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- registers the backend on load
    else if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
    return tf.engine().registryFactory[name] !== undefined;
  } catch {
    return false;
  }
}

/**
 * Registers the kernels the JS backends lack or run slowly: UnsortedSegmentSum (the
 * gradient of every embedding lookup: missing on wasm, seconds per call on cpu), a
 * row-copy gather, a matmul that avoids wasm's slow transposed path, an Identity (and a
 * Cast to the same dtype) that shares data instead of copying it (wasm), and RecLab's
 * fused training kernels. The native backend has fast
 * versions of all of these and is left alone.
 */
function patchKernels(name: string): void {
  if (patched.has(name) || (name !== 'wasm' && name !== 'cpu')) return;
  patched.add(name);
  const gather = tf.getKernel('GatherV2', name);
  if (gather) {
    tf.unregisterKernel('GatherV2', name);
    tf.registerKernel(fastGatherKernel(name, gather.kernelFunc));
  }
  if (tf.getKernel('UnsortedSegmentSum', name)) tf.unregisterKernel('UnsortedSegmentSum', name);
  tf.registerKernel(segmentSumKernel(name, name === 'wasm' ? tf.getKernel('ScatterNd', name)?.kernelFunc : undefined));
  if (name === 'wasm') {
    const identity = tf.getKernel('Identity', name);
    if (identity) {
      tf.unregisterKernel('Identity', name);
      tf.registerKernel(sharingIdentityKernel(name));
    }
    const cast = tf.getKernel('Cast', name);
    if (cast) {
      tf.unregisterKernel('Cast', name);
      tf.registerKernel(sharingCastKernel(name, cast.kernelFunc));
    }
    const matMul = tf.getKernel('BatchMatMul', name);
    const transpose = tf.getKernel('Transpose', name);
    if (matMul && transpose) {
      tf.unregisterKernel('BatchMatMul', name);
      tf.registerKernel(transposeFreeMatMulKernel(name, matMul.kernelFunc, transpose.kernelFunc));
      tf.unregisterKernel('Transpose', name);
      tf.registerKernel(sharingTransposeKernel(name, transpose.kernelFunc));
    }
  }
  registerFusedKernels(name);
}
