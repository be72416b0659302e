// Models as files, in the Hugging Face layout: a directory with
//
//   config.json          the architecture (src/io/config.ts), so load() rebuilds the model
//   model.safetensors    the weights under PyTorch's state_dict names (src/io/safetensors.ts)
//
// and, in a checkpoint, optimizer.safetensors and trainer_state.json (src/io/checkpoint.ts).
// Everything here works on bytes, in a page as in Node: toFiles gives the directory's contents
// as a map from file name to bytes (for IndexedDB, a download, a worker), and load takes those,
// one safetensors file (its metadata carries the config), an ArrayBuffer, a Blob (a file input)
// or a Response (fetch). Only a string path needs Node: it goes through src/io/files.ts.
import "./layers.js";
import "./architectures.js";
import "./transformer.js";
import { withAllocationLimit, type AnyModule, type Module } from "../nn/module.js";
import { buildModule, entryOf, moduleConfig, type ModuleConfig } from "./config.js";
import { readSafetensors, readSafetensorsHeader, writeSafetensors, type TensorToWrite } from "./safetensors.js";
import type { DType } from "./dtypes.js";
import type { ResponseLike } from "../backend/wasm/load.js";

/** The files of a saved model by name ("config.json", "model.safetensors", ...). */
export type ModelFiles = Record<string, Uint8Array>;
/** A Blob or a File, by what load() reads of it (declared here so that the types need no DOM library). */
export interface BlobLike {
  /** The size in bytes. */
  readonly size: number;
  /** The MIME type. */
  readonly type: string;
  /** The bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What load() reads: a Node path, a safetensors file's bytes, a Blob, a Response, or the files of a directory. */
export type ModelSource = string | ArrayBuffer | Uint8Array | BlobLike | ResponseLike | ModelFiles;
/**
 * Tensors by PyTorch-style key, as fromSafetensors gives them and toSafetensors takes them.
 *
 * @property shape The tensor's shape.
 * @property data Its values, row-major.
 */
export type StateDict = Record<string, { shape: number[]; data: Float32Array | Float64Array }>;

export const CONFIG_FILE = "config.json";
export const WEIGHTS_FILE = "model.safetensors";
/** The __metadata__ key of model.safetensors that holds config.json's "model" (so one file is enough). */
export const CONFIG_METADATA_KEY = "wasmnn.config";

/** Options of toSafetensors, toFiles and save. */
export interface SafetensorsOptions {
  /** Store floating-point weights as "F32" (default, exact) or "F16" (half the size, ~3 significant digits). */
  dtype?: "F32" | "F16";
  /** String key–value pairs stored in the file's __metadata__. */
  metadata?: Record<string, string>;
}

/** Options of load, loadWeights and fromSafetensors. */
export interface LoadOptions {
  /** Accept NaN and ±Infinity in the weights (default false). */
  allowNonFinite?: boolean;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

function checkMetadata(metadata: Record<string, string>): void {
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== "string") throw new Error(`save: metadata "${k}" is ${JSON.stringify(v)}; safetensors metadata values are strings (JSON.stringify it)`);
  }
}

/** PyTorch stores num_batches_tracked as int64; every other state of the built-in layers is floating point. */
function dtypeOf(key: string, dtype: DType): DType {
  return key === "num_batches_tracked" || key.endsWith(".num_batches_tracked") ? "I64" : dtype;
}

/**
 * A model's weights (or any state dict) as safetensors bytes, PyTorch's key names. For a model
 * with a config.json entry, the config rides along in the metadata, so load(bytes) can rebuild it.
 * @example
 * const bytes = toSafetensors(model);                    // Uint8Array
 * const same = await load(bytes);                        // the architecture and the weights
 * myModule.loadStateDict(fromSafetensors(bytes));        // or into a model built in code
 */
export function toSafetensors(source: AnyModule | StateDict, options: SafetensorsOptions = {}): Uint8Array {
  const dtype = options.dtype ?? "F32";
  if (dtype !== "F32" && dtype !== "F16") throw new Error(`toSafetensors: dtype must be "F32" or "F16", got ${JSON.stringify(dtype)}`);
  const metadata: Record<string, string> = { format: "pt", ...options.metadata };
  checkMetadata(metadata);
  const isModule = typeof (source as Module).stateDict === "function";
  const state = isModule ? (source as Module).stateDict() : (source as StateDict);
  if (isModule && entryOf(source as Module) !== undefined) metadata[CONFIG_METADATA_KEY] = JSON.stringify(moduleConfig(source as Module));
  const tensors = Object.entries(state).map(([k, t]): [string, TensorToWrite] => [k, { shape: t.shape, data: t.data, dtype: dtypeOf(k, dtype) }]);
  return writeSafetensors(tensors, metadata);
}

/**
 * The state dict in safetensors bytes (F32, F16, BF16 and F64 become Float32Array, I64 Float64Array),
 * for `model.loadStateDict`. Throws on a damaged or hostile file, naming what is wrong.
 *
 * @example const state = fromSafetensors(toSafetensors(new nn.Linear(2, 3))); // { weight: { shape: [3, 2], … }, bias: … }
 */
export function fromSafetensors(bytes: Uint8Array | ArrayBuffer, options: LoadOptions & { name?: string } = {}): StateDict {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { tensors } = readSafetensors(u8, { name: options.name ?? WEIGHTS_FILE, allowNonFinite: options.allowNonFinite });
  const out: StateDict = Object.create(null);
  for (const [k, t] of tensors) out[k] = { shape: t.shape, data: t.data };
  return out;
}

/**
 * config.json's text for a model.
 *
 * @example const json = io.configJson(new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU())); // what config.json holds
 */
export function configJson(model: AnyModule): string {
  const model_ = moduleConfig(model);
  return JSON.stringify({ model_type: "wasmnn", architectures: [model_.type], wasmnn_format: 1, model: model_ }, null, 2) + "\n";
}

/**
 * The files of a saved model: config.json and model.safetensors (config.json only for models
 * that have a config entry: built-in layers, their Sequentials and every models.* factory).
 *
 * @example const files = toFiles(new nn.Linear(2, 3)); // { "config.json": …, "model.safetensors": … }
 */
export function toFiles(model: AnyModule, options: SafetensorsOptions = {}): ModelFiles {
  const files: ModelFiles = {};
  if (entryOf(model) !== undefined) files[CONFIG_FILE] = utf8(configJson(model));
  files[WEIGHTS_FILE] = toSafetensors(model, options);
  return files;
}

/** Parse config.json's text and return its "model" object (checked when built). */
export function parseConfig(bytes: Uint8Array, file = CONFIG_FILE): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new Error(`${file}: not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected a JSON object, got ${Array.isArray(parsed) ? "an array" : JSON.stringify(parsed)}`);
  const model = (parsed as Record<string, unknown>).model;
  if (model === undefined) throw new Error(`${file}: has no "model" entry (not a wasmnn config.json?)`);
  return model;
}

/** Free the parameters and buffers of a model that will not be used. */
export function disposeModule(m: AnyModule): void {
  for (const [, t] of [...m.namedParameters(), ...m.namedBuffers()]) t.dispose();
}

/** Load `state` into `model` all-or-nothing, with the file's name in the error. */
export function loadState(model: AnyModule, state: StateDict, file: string): void {
  try {
    model.loadStateDict(state);
  } catch (e) {
    throw new Error(`${file}: does not fit the model: ${(e as Error).message}`);
  }
}

/** Files read from a source, and how to name each in messages (its path, its URL, or its name). */
export interface SourceFiles {
  files: ModelFiles;
  where(file: string): string;
}

const named = (files: ModelFiles, label?: string): SourceFiles => ({ files, where: (f) => (label !== undefined && f === WEIGHTS_FILE ? label : f) });

/** Bytes or files from any source; a string path is read through the Node wrappers. */
export async function readSource(source: ModelSource, what: string): Promise<SourceFiles> {
  if (typeof source === "string") {
    const { readModelFiles } = await import("./files.js");
    return readModelFiles(source);
  }
  if (source instanceof Uint8Array) return named({ [WEIGHTS_FILE]: source });
  if (source instanceof ArrayBuffer) return named({ [WEIGHTS_FILE]: new Uint8Array(source) });
  if (typeof Response !== "undefined" && source instanceof Response) {
    if (!source.ok) throw new Error(`${what}: the response for ${source.url || "the request"} is ${source.status} ${source.statusText}, not a model file`);
    return named({ [WEIGHTS_FILE]: new Uint8Array(await source.arrayBuffer()) }, source.url || undefined);
  }
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    return named({ [WEIGHTS_FILE]: new Uint8Array(await source.arrayBuffer()) }, (source as Blob & { name?: string }).name);
  }
  if (typeof source === "object" && source !== null && !Array.isArray(source)) {
    for (const [k, v] of Object.entries(source)) if (!(v instanceof Uint8Array)) throw new Error(`${what}: file "${k}" is not a Uint8Array`);
    return named(source as ModelFiles);
  }
  throw new Error(`${what}: expected a path, an ArrayBuffer, a Uint8Array, a Blob, a Response or a map of files, got ${source === null ? "null" : typeof source}`);
}

/** The architecture in a source's files: config.json, else the config in model.safetensors' metadata. */
function configOf(src: SourceFiles): { config: unknown; file: string } {
  if (src.files[CONFIG_FILE] !== undefined) return { config: parseConfig(src.files[CONFIG_FILE], src.where(CONFIG_FILE)), file: src.where(CONFIG_FILE) };
  const name = src.where(WEIGHTS_FILE);
  const text = readSafetensorsHeader(src.files[WEIGHTS_FILE], { name }).metadata[CONFIG_METADATA_KEY];
  if (text === undefined) throw new Error(`${name}: no config.json and no "${CONFIG_METADATA_KEY}" metadata, so the architecture is unknown; build the model in code and call model.loadStateDict(fromSafetensors(bytes))`);
  const file = `${name} (metadata ${CONFIG_METADATA_KEY})`;
  return { config: parseConfig(utf8(`{"model":${text}}`), file), file };
}

/**
 * Rebuild a saved model: its architecture from config.json (or the safetensors metadata) and
 * its weights, in eval mode. All-or-nothing: a damaged file, an unknown layer or weights that do
 * not fit the architecture throw, naming the file, and leave nothing allocated behind.
 * @example
 * const model = await load("./my-model");                        // Node: a directory from save()
 * const model = await load(await fetch("/models/mnist.safetensors")); // a page
 */
export async function load(source: ModelSource, options: LoadOptions = {}): Promise<Module> {
  const src = await readSource(source, "load");
  const weights = src.files[WEIGHTS_FILE];
  if (weights === undefined) throw new Error(`load: ${src.where(WEIGHTS_FILE)} is missing`);
  const state = fromSafetensors(weights, { name: src.where(WEIGHTS_FILE), allowNonFinite: options.allowNonFinite });
  const { config, file } = configOf(src);
  // The config could claim layers far larger than the file; the file's real size bounds the build.
  const values = Object.values(state).reduce((n, t) => n + t.data.length, 0);
  const model = withAllocationLimit(values, src.where(WEIGHTS_FILE), () => buildModule(config, "model", file));
  try {
    loadState(model, state, src.where(WEIGHTS_FILE));
  } catch (e) {
    disposeModule(model);
    throw e;
  }
  return model.eval();
}

/**
 * Load weights from any source into a model built in code (a custom Module, or one whose
 * config is known). All-or-nothing; a file of another architecture names its missing and extra keys.
 *
 * @example const m = new nn.Linear(2, 3); await loadWeights(m, toSafetensors(new nn.Linear(2, 3)));
 */
export async function loadWeights(model: AnyModule, source: ModelSource, options: LoadOptions = {}): Promise<void> {
  const src = await readSource(source, "loadWeights");
  const weights = src.files[WEIGHTS_FILE];
  if (weights === undefined) throw new Error(`loadWeights: ${src.where(WEIGHTS_FILE)} is missing`);
  loadState(model, fromSafetensors(weights, { name: src.where(WEIGHTS_FILE), allowNonFinite: options.allowNonFinite }), src.where(WEIGHTS_FILE));
}

export type { ModuleConfig };
