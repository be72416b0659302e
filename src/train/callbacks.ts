// Callbacks: code that runs at the end of each batch and each epoch, and may stop training.
import type { Module } from "../nn/module.js";
import { describe } from "../tensor/check.js";

/** What fit reports after each epoch: training loss and accuracy, validation figures, throughput. */
export interface EpochLogs {
  /** 1 for the first epoch. */
  epoch: number;
  /** Mean training loss over the epoch's samples. */
  loss: number;
  /** Training accuracy over the epoch (classification losses only). */
  accuracy?: number;
  /** Mean loss on the validation set, when fit has one. */
  valLoss?: number;
  /** Accuracy on the validation set, when fit has one and the loss classifies. */
  valAccuracy?: number;
  /** Wall-clock seconds of the epoch (training only). */
  seconds: number;
  /** Training samples per second of wall time. */
  samplesPerSecond: number;
}

/** What fit reports after each optimizer step. */
export interface BatchLogs {
  /** The epoch this batch belongs to (1 for the first). */
  epoch: number;
  /** The batch's index within its epoch, from 0. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** Samples in this batch (the last one of an epoch may be smaller). */
  size: number;
  /** The batch's mean loss, computed before the step. */
  loss: number;
}

/** What a callback may use: the model being trained, and a way to stop. */
export interface TrainContext {
  /** The model fit is training. */
  readonly model: Module;
  /** Ask fit to stop: after this epoch, or, from onBatchEnd, right after this batch. */
  stop(): void;
}

/**
 * Code run by fit at the end of each batch, each epoch and of training (as Keras callbacks).
 *
 * @example
 * ```ts
 * const logLoss: Callback = { onEpochEnd: (logs) => console.log(logs.epoch, logs.loss) };
 * await fit(model, train, { epochs: 3, optimizer: opt, loss: "crossEntropy", callbacks: [logLoss] });
 * ```
 */
export interface Callback {
  /** Once, before the first step, with the names of the values each epoch will log (fit checks callbacks' needs here). */
  onTrainBegin?(logged: readonly string[], ctx: TrainContext): void;
  /** After each optimizer step; fit awaits a returned promise before the next batch. */
  onBatchEnd?(logs: BatchLogs, ctx: TrainContext): void | Promise<void>;
  /** After each epoch (and its validation); fit awaits a returned promise. */
  onEpochEnd?(logs: EpochLogs, ctx: TrainContext): void | Promise<void>;
  /** Once, after the last epoch, with every epoch's logs. */
  onTrainEnd?(history: EpochLogs[], ctx: TrainContext): void | Promise<void>;
}

/** Options of earlyStopping: the value to watch, how long to wait, the smallest improvement, and whether to restore the best weights. */
export interface EarlyStoppingOptions {
  /** The logged value to watch (default "valLoss", or "loss" without validation data). */
  monitor?: "loss" | "valLoss" | "accuracy" | "valAccuracy";
  /** Epochs without improvement before stopping (default 5). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when stopping (default true). */
  restoreBest?: boolean;
}

/**
 * Stop when the monitored value has not improved for `patience` epochs; by default restore the
 * best weights. Losses improve downwards, accuracies upwards.
 * @example await fit(model, train, { ..., validation: test, callbacks: [earlyStopping({ patience: 3 })] });
 *
 * @property stoppedEpoch The epoch after which training stopped, or null while it runs on.
 * @property bestEpoch The epoch with the best monitored value so far.
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback & { stoppedEpoch: number | null; bestEpoch: number | null } {
  if (options === null || typeof options !== "object") throw new Error(`earlyStopping: options are ${describe(options)}, expected { monitor, patience, minDelta, restoreBest }`);
  const patience = options.patience ?? 5;
  const minDelta = options.minDelta ?? 0;
  if (!Number.isInteger(patience) || patience < 0) throw new Error(`earlyStopping: patience must be an integer ≥ 0 (epochs without improvement), got ${describe(patience)}`);
  if (typeof minDelta !== "number" || !(minDelta >= 0) || !Number.isFinite(minDelta)) throw new Error(`earlyStopping: minDelta must be a finite number ≥ 0, got ${describe(minDelta)}`);
  const monitors = ["loss", "valLoss", "accuracy", "valAccuracy"];
  if (options.monitor !== undefined && !monitors.includes(options.monitor)) throw new Error(`earlyStopping: monitor must be one of ${monitors.map((m) => `"${m}"`).join(", ")}, got ${describe(options.monitor)}`);
  if (options.restoreBest !== undefined && typeof options.restoreBest !== "boolean") throw new Error(`earlyStopping: restoreBest must be true or false, got ${describe(options.restoreBest)}`);
  let best = Infinity;
  let wait = 0;
  let weights: ReturnType<Module["stateDict"]> | null = null;
  const cb = {
    stoppedEpoch: null as number | null,
    bestEpoch: null as number | null,
    onTrainBegin(logged: readonly string[]): void {
      const key = options.monitor;
      if (key !== undefined && !logged.includes(key)) throw new Error(`earlyStopping: monitor "${key}" is not logged by this training (it logs ${logged.join(", ")}: no validation data or no accuracy for this loss)`);
    },
    onEpochEnd(logs: EpochLogs, ctx: TrainContext): void {
      const key = options.monitor ?? (logs.valLoss !== undefined ? "valLoss" : "loss");
      const raw = logs[key];
      if (raw === undefined) throw new Error(`earlyStopping: "${key}" is not logged (no validation data or no accuracy for this loss)`);
      const score = key.endsWith("ccuracy") ? -raw : raw;
      if (score < best - minDelta) {
        best = score;
        wait = 0;
        cb.bestEpoch = logs.epoch;
        if (options.restoreBest ?? true) weights = ctx.model.stateDict();
      } else if (++wait >= patience) {
        cb.stoppedEpoch = logs.epoch;
        if (weights) ctx.model.loadStateDict(weights);
        ctx.stop();
      }
    },
  };
  return cb;
}
