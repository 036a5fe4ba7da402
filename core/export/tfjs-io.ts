import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../util';

/**
 * TF.js model files on a local disk from plain Node. `@tensorflow/tfjs` ships IO
 * handlers for browsers and HTTP only (the `file://` one lives in tfjs-node, which these
 * machines often cannot install), so this is a small `tf.io.IOHandler` that writes and
 * reads the standard layout: `model.json` (topology, if any, plus a weights manifest)
 * and one `weights.bin` shard. Files written here load in any TF.js runtime with
 * `tf.io.decodeWeights`; files from the TF.js converter load here.
 */

/** The URL scheme of this handler in `tf.io` routers. */
export const FILE_SCHEME = 'file://';
/** Name of the weights shard written next to `model.json`. */
export const WEIGHTS_FILE = 'weights.bin';
const MODEL_FILE = 'model.json';

/** `model.json` as written (the TF.js `ModelJSON` shape, topology optional). */
export interface ModelJsonFile {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology?: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

/** `dir/model.json` for a folder, the path itself for a `.json` file; strips `file://`. */
function modelJsonPath(target: string): string {
  const p = target.startsWith(FILE_SCHEME) ? target.slice(FILE_SCHEME.length) : target;
  return p.endsWith('.json') ? p : path.join(p, MODEL_FILE);
}

function concatBuffers(data: tf.io.WeightData): ArrayBuffer {
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

/** A `tf.io.IOHandler` that saves to and loads from a folder (or a `model.json` path) on disk. */
export class FileSystemIO implements tf.io.IOHandler {
  readonly modelPath: string;

  constructor(target: string) {
    this.modelPath = modelJsonPath(target);
  }

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    const dir = path.dirname(this.modelPath);
    fs.mkdirSync(dir, { recursive: true });
    const weights = artifacts.weightData ? new Uint8Array(concatBuffers(artifacts.weightData)) : new Uint8Array(0);
    const json: ModelJsonFile = {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology ?? null,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      userDefinedMetadata: artifacts.userDefinedMetadata,
    };
    fs.writeFileSync(path.join(dir, WEIGHTS_FILE), weights);
    fs.writeFileSync(this.modelPath, JSON.stringify(json, null, 2) + '\n');
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        weightSpecsBytes: JSON.stringify(json.weightsManifest).length,
        weightDataBytes: weights.byteLength,
      },
    };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    const json = readModelJson(this.modelPath);
    const dir = path.dirname(this.modelPath);
    const specs: tf.io.WeightsManifestEntry[] = [];
    const shards: ArrayBuffer[] = [];
    for (const group of json.weightsManifest) {
      specs.push(...group.weights);
      for (const shard of group.paths) {
        const file = path.resolve(dir, shard);
        // A manifest is data: it must not name files outside its folder.
        if (path.relative(dir, file).startsWith('..') || path.isAbsolute(shard)) {
          throw new InputError(`${this.modelPath}: weights path '${shard}' leaves the model folder; a model.json may only name files next to it.`, 'BUNDLE');
        }
        if (!fs.existsSync(file)) throw new InputError(`${file}: weights file named in ${this.modelPath} is missing.`, 'BUNDLE');
        const bytes = fs.readFileSync(file);
        shards.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      }
    }
    const weightData = tf.io.concatenateArrayBuffers(shards);
    const expected = weightBytes(specs);
    if (weightData.byteLength !== expected) {
      const files = json.weightsManifest.flatMap((g) => g.paths).join(', ');
      throw new InputError(
        `${path.join(dir, files)}: holds ${weightData.byteLength} bytes of weights, but ${this.modelPath} describes ${expected}; the weights file is truncated or belongs to another model.`,
        'BUNDLE',
      );
    }
    return {
      modelTopology: (json.modelTopology ?? undefined) as tf.io.ModelArtifacts['modelTopology'],
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? undefined,
      weightSpecs: specs,
      weightData,
      userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
    };
  }
}

/** Bytes of the weights the specs describe (float32/int32: 4 per value, bool: 1; quantised weights as stored). */
export function weightBytes(specs: tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const q = s.quantization;
    const per = q ? (q.dtype === 'float16' ? 2 : q.dtype === 'uint16' ? 2 : 1) : s.dtype === 'bool' ? 1 : 4;
    if (s.dtype === 'string') throw new InputError(`Weight '${s.name}' is a string tensor; RecLab model files hold numeric weights only.`, 'BUNDLE');
    total += n * per;
  }
  return total;
}

/** Reads and checks `model.json`. */
export function readModelJson(file: string): ModelJsonFile {
  if (!fs.existsSync(file)) throw new InputError(`${file}: model file not found.`, 'BUNDLE');
  let json: ModelJsonFile;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJsonFile;
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message}).`, 'BUNDLE');
  }
  if (!json || !Array.isArray(json.weightsManifest)) throw new InputError(`${file}: has no weightsManifest; is it a TF.js model.json?`, 'BUNDLE');
  return json;
}

/** An IO handler for a folder or `model.json` path (with or without `file://`). */
export function fileSystemIO(target: string): FileSystemIO {
  return new FileSystemIO(target);
}

let routed = false;

/**
 * Registers `file://` URLs with `tf.io`'s save and load routers, so TF.js APIs that take a
 * URL (`model.save('file://dir')`, `tf.loadLayersModel('file://dir/model.json')`) use
 * this handler. Safe to call more than once.
 */
export function registerFileSystemRouter(): void {
  if (routed) return;
  routed = true;
  const router = (url: string | string[]) => {
    const u = Array.isArray(url) ? url[0] : url;
    // tf.io routers answer null for URLs they do not handle (the declared type omits it).
    return (typeof u === 'string' && u.startsWith(FILE_SCHEME) ? new FileSystemIO(u) : null) as tf.io.IOHandler;
  };
  tf.io.registerSaveRouter(router);
  tf.io.registerLoadRouter(router);
}

/**
 * Saves named tensors as `dir/model.json` (weights manifest, no topology) and
 * `dir/weights.bin`; `metadata` goes to `userDefinedMetadata`.
 */
export async function saveWeights(dir: string, tensors: { name: string; tensor: tf.Tensor }[], metadata: Record<string, unknown>, format = 'reclab-architecture'): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  await new FileSystemIO(dir).save({
    format,
    generatedBy: `TensorFlow.js tfjs-core v${tf.version_core}`,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: metadata as tf.io.ModelArtifacts['userDefinedMetadata'],
  });
}

/** Loads `dir/model.json` + its weights: tensors by name (the caller disposes them) and the metadata. */
export async function loadWeights(dir: string): Promise<{ tensors: tf.NamedTensorMap; specs: tf.io.WeightsManifestEntry[]; metadata: Record<string, unknown>; format?: string }> {
  const artifacts = await new FileSystemIO(dir).load();
  const specs = artifacts.weightSpecs ?? [];
  const tensors = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
  return { tensors, specs, metadata: (artifacts.userDefinedMetadata ?? {}) as Record<string, unknown>, format: artifacts.format };
}
