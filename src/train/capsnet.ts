// The training loop of a capsule network. It is fit's loop (shuffle, mini-batches, one optimizer
// step each, a memory scope per step) with the CapsNet loss, which needs the images as well as
// the labels: margin loss on the digit capsule lengths plus the scaled reconstruction error of
// the decoder fed the true class's capsule.
import { noGrad } from "../autograd/engine.js";
import { validateDataset, type Dataset } from "../data/dataset.js";
import { scope } from "../memory/scope.js";
import type { CapsNetLoss } from "../models/capsnet.js";
import type { Module } from "../nn/module.js";
import type { Optimizer } from "../optim/optimizer.js";
import { Random } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import type { BatchLogs, Callback, EpochLogs, TrainContext } from "./callbacks.js";
import { batchTensors, checkBatchSize } from "./evaluate.js";
import { ProgressBar } from "./progress.js";

/** What the loop needs of a capsule network (models.capsNet gives it). */
export interface CapsuleClassifier extends Module {
  /** Number of classes (capsules whose lengths forward returns). */
  readonly classes: number;
  /** Capsule lengths [batch, classes]. */
  forward(x: Tensor): Tensor;
  /** The training loss of a batch and its parts (see CapsNet.loss). */
  loss(x: Tensor, labels: ArrayLike<number>): CapsNetLoss;
}

/** Options of fitCapsNet. */
export interface CapsNetFitOptions {
  /** Passes over the training data. */
  epochs: number;
  /** Samples per step (default 32). */
  batchSize?: number;
  /** Steps the parameters after each batch. */
  optimizer: Optimizer;
  /** Multiply the learning rate by this after every epoch (default 1: constant). */
  lrDecay?: number;
  /** Held-out data whose accuracy is measured after each epoch. */
  validation?: Dataset;
  /** Seed of the shuffling (default 0). */
  seed?: number;
  /** A progress bar and a line per epoch (default true). */
  verbose?: boolean;
  /** Print through this instead of console.log. */
  log?: (line: string) => void;
  /** Called after each epoch with its logs. */
  onEpochEnd?: (logs: CapsNetEpochLogs) => void | Promise<void>;
  /**
   * fit's callbacks (io.checkpoint, earlyStopping, …): each gets the batch logs, then the epoch's
   * logs (after the epoch's learning-rate decay, so a checkpoint holds the next epoch's rate),
   * and may stop training.
   */
  callbacks?: Callback[];
  /**
   * Epochs already done, as fit's: training runs epochs initialEpoch + 1 … epochs, shuffled as in
   * one uninterrupted run with the same seed. With the model and optimizer restored by io.resume
   * from a checkpoint saved after epoch k (the optimizer's learning rate already decayed k times),
   * initialEpoch k continues that run bit for bit.
   */
  initialEpoch?: number;
}

/** What fitCapsNet reports after each epoch (fit's logs, and the parts of the loss). */
export interface CapsNetEpochLogs extends EpochLogs {
  /** 1 for the first epoch. */
  epoch: number;
  /** Mean loss (margin + reconstruction) over the epoch's samples. */
  loss: number;
  /** Mean margin and reconstruction losses over the epoch's samples. */
  margin: number;
  /** See margin. */
  reconstruction: number;
  /** Training accuracy over the epoch (the longest capsule against the label). */
  accuracy: number;
  /** Accuracy on the validation data, when given. */
  valAccuracy?: number;
  /** Wall-clock seconds of the epoch's training (validation excluded). */
  seconds: number;
  /** This process's CPU seconds for the epoch (the wall clock counts other processes too). */
  cpuSeconds: number;
}

/** This process's CPU seconds in Node; in a page, where there is no such clock, the wall clock. */
function cpuSeconds(): number {
  if (typeof process === "undefined" || typeof process.cpuUsage !== "function") return performance.now() / 1000;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function argmaxCorrect(lengths: Float32Array, labels: Float32Array, classes: number): number {
  let correct = 0;
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (lengths[r * classes + j] > lengths[r * classes + best]) best = j;
    if (best === labels[r]) correct++;
  }
  return correct;
}

/**
 * Fraction of `data` whose longest capsule is the label, in eval mode.
 *
 * @example const { train, test } = await loadMnist({ shape: "image" });
 * const model = models.capsNet();
 * await fitCapsNet(model, train, { epochs: 1, optimizer: new optim.Adam(model.parameters()) });
 * console.log(capsuleAccuracy(model, test)); // the fraction of test digits whose longest capsule is the label
 */
export function capsuleAccuracy(model: CapsuleClassifier, data: Dataset, batchSize = 250): number {
  checkBatchSize("capsuleAccuracy", batchSize);
  validateDataset("capsuleAccuracy", data);
  const order = Array.from({ length: data.length }, (_, i) => i);
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  try {
    for (let from = 0; from < data.length; from += batchSize) {
      const to = Math.min(from + batchSize, data.length);
      scope(() => noGrad(() => {
        const { x, y } = batchTensors(data, order, from, to);
        correct += argmaxCorrect(model.forward(x).toArray(), y.toArray(), model.classes);
      }));
    }
  } finally {
    model.train(wasTraining);
  }
  return correct / data.length;
}

/**
 * Train a capsule network on images with class labels. Returns the per-epoch logs.
 * @example await fitCapsNet(models.capsNet(), train, { epochs: 10, optimizer: new optim.Adam(net.parameters()), validation: test })
 */
export async function fitCapsNet(model: CapsuleClassifier, data: Dataset, options: CapsNetFitOptions): Promise<CapsNetEpochLogs[]> {
  const batchSize = options.batchSize ?? 32;
  checkBatchSize("fitCapsNet", batchSize);
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new Error(`fitCapsNet: epochs must be a positive integer, got ${options.epochs}`);
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= options.epochs) {
    throw new Error(`fitCapsNet: initialEpoch must be an integer in [0, ${options.epochs - 1}] (epochs already done, fewer than epochs = ${options.epochs}), got ${initialEpoch}`);
  }
  validateDataset("fitCapsNet", data);
  if (options.validation) validateDataset("fitCapsNet (validation)", options.validation);
  for (let i = 0; i < data.y.length; i++) {
    const v = data.y[i];
    if (!Number.isInteger(v) || v < 0 || v >= model.classes) throw new Error(`fitCapsNet: label ${v} of sample ${i} is not a class index in [0, ${model.classes - 1}]`);
  }
  const log = options.log ?? ((s: string) => console.log(s));
  const verbose = options.verbose ?? true;
  const callbacks = options.callbacks ?? [];
  const rng = new Random(options.seed ?? 0);
  const order = Array.from({ length: data.length }, (_, i) => i);
  const opt = options.optimizer;
  const history: CapsNetEpochLogs[] = [];
  let stopping = false;
  const ctx: TrainContext = { model, stop: () => void (stopping = true) };
  const batches = Math.ceil(data.length / batchSize);
  // Each epoch shuffles the previous epoch's order, so a resumed run replays the skipped shuffles.
  for (let epoch = 1; epoch <= initialEpoch; epoch++) rng.shuffle(order);
  for (let epoch = initialEpoch + 1; epoch <= options.epochs && !stopping; epoch++) {
    rng.shuffle(order);
    model.train();
    const bar = verbose ? new ProgressBar(`epoch ${epoch}/${options.epochs}`, data.length) : null;
    const t0 = performance.now();
    const c0 = cpuSeconds();
    let margin = 0;
    let recon = 0;
    let correct = 0;
    let seen = 0;
    for (let from = 0; from < data.length && !stopping; from += batchSize) {
      const to = Math.min(from + batchSize, data.length);
      const batch: BatchLogs = { epoch, batch: from / batchSize, batches, size: to - from, loss: NaN };
      scope(() => {
        const { x, y } = batchTensors(data, order, from, to);
        const labels = y.toArray();
        const l = model.loss(x, labels);
        const value = l.loss.item();
        if (!Number.isFinite(value)) throw new Error(`fitCapsNet: the loss is ${value} at epoch ${epoch}, samples ${from}–${to - 1}; training stopped before this update`);
        opt.zeroGrad();
        l.loss.backward();
        opt.step();
        batch.loss = value;
        margin += l.margin.item() * (to - from);
        recon += l.reconstruction.item() * (to - from);
        correct += argmaxCorrect(l.lengths.toArray(), labels, model.classes);
      });
      seen = to;
      bar?.update(to, `margin ${(margin / to).toFixed(4)} recon ${(recon / to).toFixed(4)}`);
      for (const cb of callbacks) await cb.onBatchEnd?.(batch, ctx);
      // Let a page (or a progress timer) breathe between batches.
      if (from % (batchSize * 16) === 0) await new Promise((r) => setTimeout(r, 0));
    }
    bar?.end();
    const seconds = (performance.now() - t0) / 1000;
    // `seen` is the whole epoch unless a batch callback stopped it early.
    const logs: CapsNetEpochLogs = {
      epoch, loss: (margin + recon) / seen, margin: margin / seen, reconstruction: recon / seen, accuracy: correct / seen,
      seconds, cpuSeconds: cpuSeconds() - c0, samplesPerSecond: seen / seconds,
    };
    if (options.validation) logs.valAccuracy = capsuleAccuracy(model, options.validation);
    history.push(logs);
    if (verbose) log(formatCapsNetLogs(logs, options.epochs));
    opt.lr *= options.lrDecay ?? 1;
    await options.onEpochEnd?.(logs);
    for (const cb of callbacks) await cb.onEpochEnd?.(logs, ctx);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(history, ctx);
  return history;
}

/** One line of an epoch's logs, as fitCapsNet prints it. */
export function formatCapsNetLogs(l: CapsNetEpochLogs, epochs: number): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  let s = `epoch ${l.epoch}/${epochs}  margin ${l.margin.toFixed(4)}  recon ${l.reconstruction.toFixed(4)}  acc ${pct(l.accuracy)}`;
  if (l.valAccuracy !== undefined) s += `  val_acc ${pct(l.valAccuracy)}`;
  return `${s}  (${l.seconds.toFixed(1)} s, ${l.cpuSeconds.toFixed(1)} CPU s)`;
}
