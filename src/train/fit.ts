// fit: the training loop. For each epoch, shuffle the training data, and for each mini-batch:
// forward pass (predictions), loss, backward pass (gradients of the loss with respect to every
// parameter, by backpropagation), optimizer step (move the parameters against their gradients).
// Each step runs in a memory scope, so its temporaries are freed when it ends.
import { noGrad } from "../autograd/engine.js";
import { scope } from "../memory/scope.js";
import type { Module } from "../nn/module.js";
import { Optimizer } from "../optim/optimizer.js";
import { describe } from "../tensor/check.js";
import { Random } from "../tensor/random.js";
import { fmt, sameShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { validateDataset, type Dataset } from "../data/dataset.js";
import type { BatchLogs, Callback, EpochLogs, TrainContext } from "./callbacks.js";
import { batchTensors, checkBatchSize, checkModel, evaluate } from "./evaluate.js";
import { countCorrect, resolveLoss, type LossFn, type LossName } from "./losses.js";
import { ProgressBar } from "./progress.js";

/** Options of fit: how long, in what batches, with which optimizer and loss, and what to watch. */
export interface FitOptions {
  /** Passes over the training data. */
  epochs: number;
  /** Samples per optimizer step (default 32). */
  batchSize?: number;
  /** The optimizer holding the model's parameters. */
  optimizer: Optimizer;
  /** "crossEntropy", "mse", "binaryCrossEntropy", or a function (pred, target) → scalar tensor. */
  loss: LossName | LossFn;
  /** Held-out data evaluated after each epoch. */
  validation?: Dataset;
  /** Shuffle the training samples each epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffling (default 0). */
  seed?: number;
  /** Called at the end of each batch, each epoch and of training. */
  callbacks?: Callback[];
  /** Progress output: a bar in terminals and a line per epoch (default true). */
  verbose?: boolean;
  /** Print through this instead of console.log. */
  log?: (line: string) => void;
  /**
   * Epochs already done (Keras's initial_epoch): training runs epochs initialEpoch + 1 … epochs,
   * shuffled as they would have been in one uninterrupted run with the same seed. With a model,
   * optimizer and random state restored from a checkpoint after epoch k (io.resume), initialEpoch
   * k continues that run bit for bit.
   */
  initialEpoch?: number;
}

/** Yield to the event loop at most this often, so that a page stays responsive while training. */
const YIELD_MS = 30;

/**
 * Train `model` on `data`. Returns the per-epoch logs.
 * @example
 * const history = await fit(model, train, { epochs: 5, batchSize: 32, optimizer: opt, loss: "crossEntropy", validation: test });
 */
export async function fit(model: Module, data: Dataset, options: FitOptions): Promise<EpochLogs[]> {
  checkFitOptions(model, options);
  const batchSize = options.batchSize ?? 32;
  checkBatchSize("fit", batchSize);
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new Error(`fit: epochs must be a positive integer, got ${options.epochs}`);
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= options.epochs) {
    throw new Error(`fit: initialEpoch must be an integer in [0, ${options.epochs - 1}] (epochs already done, fewer than epochs = ${options.epochs}), got ${initialEpoch}`);
  }
  validateDataset("fit", data);
  const lossFn = resolveLoss("fit", options.loss);
  checkLabels("fit", model, data, options.loss);
  // The validation set is checked as fully as the training set, before the first step: a wrong
  // width or a bad label would otherwise fail only after an epoch of training had changed the weights.
  if (options.validation) {
    const v = options.validation;
    validateDataset("fit (validation)", v);
    for (const [what, got, want] of [["samples", v.sampleShape, data.sampleShape], ["targets", v.targetShape, data.targetShape]] as const) {
      if (!sameShape(got, want)) throw new Error(`fit (validation): the validation ${what} have shape ${fmt(got)} but the training ${what} ${fmt(want)}; they must match`);
    }
    checkLabels("fit (validation)", model, v, options.loss);
  }

  const log = options.log ?? ((s: string) => console.log(s));
  const verbose = options.verbose ?? true;
  const rng = new Random(options.seed ?? 0);
  const order = Array.from({ length: data.length }, (_, i) => i);
  const history: EpochLogs[] = [];
  let stopping = false;
  const ctx: TrainContext = { model, stop: () => void (stopping = true) };
  const opt = options.optimizer;
  const logged = ["loss", ...(countsCorrect(options.loss) ? ["accuracy"] : []), ...(options.validation ? ["valLoss", ...(countsCorrect(options.loss) ? ["valAccuracy"] : [])] : [])];
  for (const cb of options.callbacks ?? []) cb.onTrainBegin?.(logged, ctx);

  // Each epoch shuffles the previous epoch's order, so a resumed run replays the skipped shuffles.
  for (let epoch = 1; epoch <= initialEpoch; epoch++) if (options.shuffle ?? true) rng.shuffle(order);
  for (let epoch = initialEpoch + 1; epoch <= options.epochs && !stopping; epoch++) {
    if (options.shuffle ?? true) rng.shuffle(order);
    model.train();
    const bar = verbose ? new ProgressBar(`epoch ${epoch}/${options.epochs}`, data.length) : null;
    const t0 = performance.now();
    let lastYield = t0;
    let lossSum = 0;
    let correct: number | null = 0;
    let seen = 0;
    const batches = Math.ceil(data.length / batchSize);
    for (let from = 0; from < data.length && !stopping; from += batchSize) {
      const to = Math.min(from + batchSize, data.length);
      const batch: BatchLogs = { epoch, batch: from / batchSize, batches, size: to - from, loss: NaN };
      scope(() => {
        const { x, y } = batchTensors(data, order, from, to);
        const pred = model.forward(x);
        const loss = lossFn(pred, y);
        if (!(loss instanceof Tensor) || loss.size !== 1) throw new Error(`fit: the loss function returned ${describe(loss)}, expected a Tensor holding one value`);
        const value = loss.item();
        if (!Number.isFinite(value)) {
          // The previous update may itself have diverged: say so rather than vouch for its weights.
          const bad = model.namedParameters().find(([, p]) => !p.toArray().every(Number.isFinite));
          const state = bad ? `, and "${bad[0]}" already holds NaN or Infinity (the previous update diverged)` : "";
          throw new Error(`fit: the loss is ${value} at epoch ${epoch}, samples ${from}–${to - 1}; training stopped before this update, so the weights are those after the previous batch${state} (try a smaller learning rate)`);
        }
        opt.zeroGrad();
        loss.backward();
        opt.step();
        lossSum += value * (to - from);
        batch.loss = value;
        if (correct !== null) {
          const c = noGrad(() => countCorrect(options.loss, pred.toArray(), y.toArray(), to - from));
          correct = c === null ? null : correct + c;
        }
      });
      seen = to;
      bar?.update(to, `loss ${(lossSum / to).toFixed(4)}`);
      for (const cb of options.callbacks ?? []) {
        const pending = cb.onBatchEnd?.(batch, ctx);
        if (pending) await pending;
      }
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise((r) => setTimeout(r, 0));
        lastYield = performance.now();
      }
    }
    bar?.end();
    const seconds = (performance.now() - t0) / 1000;
    // `seen` is the whole epoch unless a batch callback stopped it early.
    const logs: EpochLogs = { epoch, loss: lossSum / seen, seconds, samplesPerSecond: seen / seconds };
    if (correct !== null) logs.accuracy = correct / seen;
    if (options.validation) {
      const v = evaluate(model, options.validation, { loss: options.loss, batchSize: Math.max(batchSize, 256) });
      logs.valLoss = v.loss;
      if (v.accuracy !== undefined) logs.valAccuracy = v.accuracy;
    }
    history.push(logs);
    if (verbose) log(formatLogs(logs, options.epochs));
    for (const cb of options.callbacks ?? []) await cb.onEpochEnd?.(logs, ctx);
  }
  for (const cb of options.callbacks ?? []) await cb.onTrainEnd?.(history, ctx);
  return history;
}

export function formatLogs(l: EpochLogs, epochs: number): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  let s = `epoch ${l.epoch}/${epochs}  loss ${l.loss.toFixed(4)}`;
  if (l.accuracy !== undefined) s += `  acc ${pct(l.accuracy)}`;
  if (l.valLoss !== undefined) s += `  val_loss ${l.valLoss.toFixed(4)}`;
  if (l.valAccuracy !== undefined) s += `  val_acc ${pct(l.valAccuracy)}`;
  return `${s}  (${l.seconds.toFixed(1)} s, ${Math.round(l.samplesPerSecond).toLocaleString("en-US")} samples/s)`;
}

/** Whether fit logs an accuracy for this loss (countCorrect gives one). */
function countsCorrect(loss: LossName | LossFn): boolean {
  return loss === "crossEntropy" || loss === "binaryCrossEntropy";
}

/**
 * The model, the optimizer and the options that fit only uses later (callbacks after the first
 * batch, the log after the first epoch), checked before the first step changes any weight.
 */
function checkFitOptions(model: Module, options: FitOptions): void {
  checkModel("fit", model);
  if (options === null || typeof options !== "object") throw new Error(`fit: options are ${describe(options)}, expected { epochs, optimizer, loss, ... }`);
  const opt = options.optimizer;
  if (!(opt instanceof Optimizer)) throw new Error(`fit: optimizer is ${describe(opt)}, expected an optimizer such as new optim.Adam(model.parameters())`);
  const own = new Set(model.parameters());
  if (!opt.params.some((p) => own.has(p))) {
    throw new Error(`fit: the ${opt.constructor.name} holds none of the model's ${own.size} parameters (it was made for another model); make it with model.parameters()`);
  }
  for (const [k, v] of [["shuffle", options.shuffle], ["verbose", options.verbose]] as const) {
    if (v !== undefined && typeof v !== "boolean") throw new Error(`fit: ${k} must be true or false, got ${describe(v)}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new Error(`fit: seed must be an integer, got ${describe(options.seed)}`);
  if (options.log !== undefined && typeof options.log !== "function") throw new Error(`fit: log must be a function (line: string) => void, got ${describe(options.log)}`);
  const callbacks = options.callbacks ?? [];
  if (!Array.isArray(callbacks)) throw new Error(`fit: callbacks must be an array of callbacks, got ${describe(callbacks)}`);
  callbacks.forEach((cb, i) => {
    if (cb === null || typeof cb !== "object") throw new Error(`fit: callback ${i} is ${describe(cb)}, expected an object with onBatchEnd, onEpochEnd or onTrainEnd`);
    for (const hook of ["onTrainBegin", "onBatchEnd", "onEpochEnd", "onTrainEnd"] as const) {
      const f = cb[hook];
      if (f !== undefined && typeof f !== "function") throw new Error(`fit: callback ${i}'s ${hook} is ${describe(f)}, expected a function`);
    }
  });
}

/**
 * For cross-entropy, every label must be a class index the model can output. Checked once before
 * training (one forward pass of one sample gives the number of classes), so that a bad label
 * fails before any weight changes.
 */
function checkLabels(who: string, model: Module, data: Dataset, loss: LossName | LossFn): void {
  if (loss !== "crossEntropy") return;
  const classes = scope(() => noGrad(() => {
    const wasTraining = model.training;
    model.eval();
    try {
      return model.forward(batchTensors(data, [0], 0, 1).x).shape.at(-1)!;
    } finally {
      model.train(wasTraining);
    }
  }));
  for (let i = 0; i < data.y.length; i++) {
    const v = data.y[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new Error(`${who}: label ${v} of sample ${i} is not a class index in [0, ${classes - 1}] (the model outputs ${classes} classes)`);
    }
  }
}
