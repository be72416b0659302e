// Checkpoints: everything a training run needs to go on as if it had never stopped. Beside
// config.json and model.safetensors (src/io/model-files.ts), a checkpoint directory holds
//
//   optimizer.safetensors  per parameter (by its index in the optimizer): "state.{i}.step" (I64)
//                          and its state tensors under PyTorch's names ("state.{i}.exp_avg", ...);
//                          metadata: the optimizer's type, hyperparameters, and the model's name
//                          of every parameter, so a mismatch is caught on resuming
//   (several optimizers, as a GAN's: optimizer.{name}.safetensors each)
//   trainer_state.json     the epoch, and the state of every random generator: the global one
//                          (dropout, initializers) and those owned by layers (GaussianNoise)
//
// With fit's initialEpoch, which replays the data shuffles of the skipped epochs, a resumed run
// gives weights bit-identical to an uninterrupted one.
import { moduleGenerators } from "./config.js";
import type { AnyModule } from "../nn/module.js";
import type { Optimizer, OptimizerState } from "../optim/optimizer.js";
import { rng, Random, type RandomState } from "../tensor/random.js";
import type { Callback } from "../train/callbacks.js";
import { fromSafetensors, loadState, readSource, toFiles, WEIGHTS_FILE, type ModelFiles, type ModelSource, type SafetensorsOptions } from "./model-files.js";
import { readSafetensors, writeSafetensors, type TensorToWrite } from "./safetensors.js";

export const OPTIMIZER_FILE = "optimizer.safetensors";
export const TRAINER_STATE_FILE = "trainer_state.json";

/** One optimizer, or several by name (a GAN's generator and discriminator optimizers). */
export type Optimizers = Optimizer | Record<string, Optimizer>;

/** Each optimizer with the file it is saved in. */
function optimizerFiles(o: Optimizers | undefined): [string, Optimizer][] {
  if (o === undefined) return [];
  if (typeof (o as Optimizer).stateDict === "function") return [[OPTIMIZER_FILE, o as Optimizer]];
  return Object.entries(o as Record<string, Optimizer>).map(([name, opt]) => {
    if (!/^\w+$/.test(name)) throw new Error(`checkpoint: optimizer name "${name}" must be letters, digits and _`);
    return [`optimizer.${name}.safetensors`, opt];
  });
}

/** Options of save and checkpointFiles: the weights' dtype and metadata, and for a checkpoint the optimizer and epoch. */
export interface SaveOptions extends SafetensorsOptions {
  /** Save the optimizer's state too (a checkpoint; its parameters must be the model's); several by name. */
  optimizer?: Optimizers;
  /** The number of epochs completed, for resume() (default 0). */
  epoch?: number;
}

interface TrainerState {
  epoch: number;
  global_step: number | null;
  rng: { global: RandomState; modules: Record<string, RandomState> };
  metadata: Record<string, string>;
}

/** The model's name of each of the optimizer's parameters. */
function parameterNames(model: AnyModule, optimizer: Optimizer, what: string): string[] {
  const names = new Map(model.namedParameters().map(([k, t]) => [t, k]));
  return optimizer.params.map((p, i) => {
    const n = names.get(p);
    if (n === undefined) throw new Error(`${what}: parameter ${i} of the ${optimizer.constructor.name} is not one of the model's`);
    return n;
  });
}

function optimizerBytes(model: AnyModule, optimizer: Optimizer): Uint8Array {
  const names = parameterNames(model, optimizer, "save");
  const s = optimizer.stateDict();
  const tensors: [string, TensorToWrite][] = [];
  s.state.forEach((e, i) => {
    if (e === null) return;
    tensors.push([`state.${i}.step`, { shape: [], data: [e.step], dtype: "I64" }]);
    for (const [slot, data] of Object.entries(e.buffers)) tensors.push([`state.${i}.${slot}`, { shape: [...optimizer.params[i].shape], data }]);
  });
  return writeSafetensors(tensors, { optimizer: s.type, hyperparameters: JSON.stringify(s.hyperparameters), step_count: String(s.stepCount), param_names: JSON.stringify(names) });
}

/**
 * The files of a model, and with `optimizer` or `epoch` those of a checkpoint. Save them with
 * save() in Node, or keep them anywhere bytes go (IndexedDB, a download).
 *
 * @example const files = io.checkpointFiles(model, { optimizer: opt, epoch: 3 }); // config, weights, optimizer and trainer state
 */
export function checkpointFiles(model: AnyModule, options: SaveOptions = {}): ModelFiles {
  if (options.optimizer && (options.dtype ?? "F32") !== "F32") throw new Error(`save: a checkpoint stores F32 weights (F16 would change them, and the resumed run with them)`);
  const files = toFiles(model, options);
  if (options.optimizer === undefined && options.epoch === undefined) return files;
  const epoch = options.epoch ?? 0;
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new Error(`save: epoch must be an integer ≥ 0, got ${epoch}`);
  const opts = optimizerFiles(options.optimizer);
  for (const [file, opt] of opts) files[file] = optimizerBytes(model, opt);
  const state: TrainerState = {
    epoch,
    global_step: opts[0]?.[1].stepCount ?? null,
    rng: { global: rng().getState(), modules: Object.fromEntries(moduleGenerators(model).map(([k, g]) => [k, g.getState()])) },
    metadata: options.metadata ?? {},
  };
  files[TRAINER_STATE_FILE] = new TextEncoder().encode(JSON.stringify(state, null, 2) + "\n");
  return files;
}

/**
 * Save a model in the Hugging Face layout into directory `dir` (Node): config.json,
 * model.safetensors, and with an optimizer the checkpoint files. Files are replaced whole.
 * @example await save(model, "./runs/mnist", { optimizer: opt, epoch: 3, metadata: { note: "lr 1e-3" } });
 */
export async function save(model: AnyModule, dir: string, options: SaveOptions = {}): Promise<void> {
  if (typeof dir !== "string") throw new Error(`save: expected a directory path (in a page, use toFiles or toSafetensors for the bytes), got ${typeof dir}`);
  const files = checkpointFiles(model, options);
  const { writeModelFiles } = await import("./files.js");
  await writeModelFiles(dir, files);
}

function parseTrainerState(bytes: Uint8Array, file: string): TrainerState {
  let s: unknown;
  try {
    s = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new Error(`${file}: not valid UTF-8 JSON (${(e as Error).message})`);
  }
  const t = s as Partial<TrainerState> | null;
  if (typeof t !== "object" || t === null || !Number.isSafeInteger(t.epoch) || (t.epoch as number) < 0) throw new Error(`${file}: expected an object with an integer epoch ≥ 0`);
  if (typeof t.rng !== "object" || t.rng === null || typeof t.rng.modules !== "object" || t.rng.modules === null) throw new Error(`${file}: has no rng states`);
  // Validate each generator state on a scratch generator before any is applied.
  for (const [k, st] of [["global", t.rng.global], ...Object.entries(t.rng.modules)] as [string, RandomState][]) {
    try {
      new Random().setState(st);
    } catch (e) {
      throw new Error(`${file}: rng "${k}": ${(e as Error).message}`);
    }
  }
  return t as TrainerState;
}

function parseOptimizer(bytes: Uint8Array, file: string, model: AnyModule, optimizer: Optimizer): OptimizerState {
  const { tensors, metadata } = readSafetensors(bytes, { name: file });
  const json = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key] ?? "null");
    } catch {
      throw new Error(`${file}: metadata "${key}" is not JSON`);
    }
  };
  const names = json("param_names");
  const mine = parameterNames(model, optimizer, "resume");
  if (JSON.stringify(names) !== JSON.stringify(mine)) throw new Error(`${file}: the optimizer was saved for parameters ${JSON.stringify(names)}, this one has ${JSON.stringify(mine)}`);
  const state: OptimizerState["state"] = optimizer.params.map(() => null);
  for (const [key, t] of tensors) {
    const m = /^state\.(\d+)\.([A-Za-z_]+)$/.exec(key);
    const i = m ? Number(m[1]) : -1;
    if (m === null || i >= state.length) throw new Error(`${file}: unexpected tensor "${key}"`);
    const e = (state[i] ??= { step: 0, buffers: {} });
    if (m[2] === "step") {
      if (t.data.length !== 1) throw new Error(`${file}: "${key}" must be a scalar`);
      e.step = t.data[0];
    } else {
      if (t.shape.join() !== optimizer.params[i].shape.join()) throw new Error(`${file}: "${key}" has shape [${t.shape.join(", ")}], parameter "${mine[i]}" [${optimizer.params[i].shape.join(", ")}]`);
      e.buffers[m[2]] = t.data;
    }
  }
  const hyperparameters = json("hyperparameters");
  if (typeof hyperparameters !== "object" || hyperparameters === null) throw new Error(`${file}: metadata "hyperparameters" is missing`);
  return { type: metadata.optimizer ?? "", hyperparameters: hyperparameters as OptimizerState["hyperparameters"], stepCount: Number(metadata.step_count), state };
}

/**
 * Restore a checkpoint into `model` (and `optimizer`, and the random generators) and return the
 * epoch it was saved after, for fit's initialEpoch. All-or-nothing: if any part does not fit,
 * the model, the optimizer and the generators are left as they were.
 * @example
 * const { epoch } = await resume("./runs/mnist", model, opt);
 * await fit(model, train, { epochs: 10, optimizer: opt, loss: "crossEntropy", initialEpoch: epoch });
 *
 * @property epoch The epochs completed when the checkpoint was saved: fit's initialEpoch.
 * @property metadata The metadata saved with it.
 */
export async function resume(source: ModelSource, model: AnyModule, optimizer?: Optimizers): Promise<{ epoch: number; metadata: Record<string, string> }> {
  const src = await readSource(source, "resume");
  const need = (f: string, why: string): Uint8Array => {
    const b = src.files[f];
    if (b === undefined) throw new Error(`resume: ${src.where(f)} is missing (${why})`);
    return b;
  };
  const weights = fromSafetensors(need(WEIGHTS_FILE, "the weights"), { name: src.where(WEIGHTS_FILE) });
  const trainer = parseTrainerState(need(TRAINER_STATE_FILE, "not a checkpoint: save with { optimizer } or { epoch }"), src.where(TRAINER_STATE_FILE));
  const opts = optimizerFiles(optimizer).map(([file, o]) => [file, o, parseOptimizer(need(file, "the optimizer state"), src.where(file), model, o)] as const);
  const generators = moduleGenerators(model);
  const saved = Object.keys(trainer.rng.modules);
  if (saved.join() !== generators.map(([k]) => k).join()) throw new Error(`${src.where(TRAINER_STATE_FILE)}: random generators [${saved.join(", ")}] do not match the model's [${generators.map(([k]) => k).join(", ")}]`);

  const before = model.stateDict();
  loadState(model, weights, src.where(WEIGHTS_FILE));
  const restored: [Optimizer, OptimizerState][] = [];
  for (const [file, o, state] of opts) {
    try {
      const previous = o.stateDict();
      o.loadStateDict(state);
      restored.push([o, previous]);
    } catch (e) {
      model.loadStateDict(before);
      for (const [r, previous] of restored) r.loadStateDict(previous);
      throw new Error(`${src.where(file)}: ${(e as Error).message}`);
    }
  }
  rng().setState(trainer.rng.global);
  for (const [k, g] of generators) g.setState(trainer.rng.modules[k]);
  return { epoch: trainer.epoch, metadata: trainer.metadata };
}

/**
 * A fit callback that saves a checkpoint after every `every` epochs (default 1): into directory
 * `target` (Node), or handed to a function (anywhere). Resume with resume() and initialEpoch.
 * @example await fit(model, train, { epochs: 10, optimizer: opt, loss: "crossEntropy", callbacks: [checkpoint("./runs/mnist", { optimizer: opt })] });
 */
export function checkpoint(target: string | ((files: ModelFiles, epoch: number) => void | Promise<void>), options: { optimizer: Optimizers; every?: number; metadata?: Record<string, string> }): Callback {
  const every = options.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new Error(`checkpoint: every must be a positive integer, got ${every}`);
  return {
    async onEpochEnd(logs, ctx) {
      if (logs.epoch % every !== 0) return;
      const files = checkpointFiles(ctx.model, { optimizer: options.optimizer, epoch: logs.epoch, metadata: options.metadata });
      if (typeof target === "string") await (await import("./files.js")).writeModelFiles(target, files);
      else await target(files, logs.epoch);
    },
  };
}
