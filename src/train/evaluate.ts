// evaluate and predict: running a trained model over a data set in eval mode, batch by batch,
// without recording a graph.
import { getBackend } from "../backend/index.js";
import { noGrad } from "../autograd/engine.js";
import { scope } from "../memory/scope.js";
import { Module } from "../nn/module.js";
import { describe } from "../tensor/check.js";
import { fmt, sizeOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { checkFinite, gather, validateDataset, type Dataset } from "../data/dataset.js";
import { countCorrect, resolveLoss, type LossFn, type LossName } from "./losses.js";

export function checkBatchSize(op: string, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${op}: batchSize must be a positive integer, got ${batchSize}`);
}

/** A batch as tensors on the current backend (inside the caller's scope). */
export function batchTensors(d: Dataset, idx: ArrayLike<number>, from: number, to: number): { x: Tensor; y: Tensor } {
  const b = getBackend();
  const xt = new Tensor(b, [to - from, ...d.sampleShape]);
  const yt = new Tensor(b, [to - from, ...d.targetShape]);
  // Both tensors exist before the views are made: an allocation may grow the heap and detach them.
  gather(d, idx, from, to, b.heap.f32(xt.ptr, xt.size), b.heap.f32(yt.ptr, yt.size));
  return { x: xt, y: yt };
}

/** Throw unless `model` is a Module: a plain function or object would fail at its first forward. */
export function checkModel(op: string, model: Module): void {
  if (!(model instanceof Module)) throw new Error(`${op}: model is ${describe(model)}, expected a Module`);
}

/** What evaluate returns: the mean loss, and the accuracy for classification losses. */
export interface EvalResult {
  /** Mean loss over every sample. */
  loss: number;
  /** Fraction correct, for classification losses. */
  accuracy?: number;
}

/**
 * Mean loss (and accuracy) of `model` over `data`, in eval mode.
 *
 * @example const { loss, accuracy } = evaluate(new nn.Linear(2, 2), twoSpirals(), { loss: "crossEntropy" });
 */
export function evaluate(model: Module, data: Dataset, options: { loss: LossName | LossFn; batchSize?: number }): EvalResult {
  checkModel("evaluate", model);
  if (options === null || typeof options !== "object") throw new Error(`evaluate: options are ${describe(options)}, expected { loss, batchSize? }`);
  const batchSize = options.batchSize ?? 256;
  checkBatchSize("evaluate", batchSize);
  validateDataset("evaluate", data);
  const lossFn = resolveLoss("evaluate", options.loss);
  const wasTraining = model.training;
  model.eval();
  const order = Array.from({ length: data.length }, (_, i) => i);
  let lossSum = 0;
  let correct: number | null = 0;
  try {
    for (let from = 0; from < data.length; from += batchSize) {
      const to = Math.min(from + batchSize, data.length);
      scope(() =>
        noGrad(() => {
          const { x, y } = batchTensors(data, order, from, to);
          const pred = model.forward(x);
          lossSum += lossFn(pred, y).item() * (to - from);
          const c = countCorrect(options.loss, pred.toArray(), y.toArray(), to - from);
          correct = c === null || correct === null ? null : correct + c;
        }),
      );
    }
  } finally {
    model.train(wasTraining);
  }
  const result: EvalResult = { loss: lossSum / data.length };
  if (correct !== null) result.accuracy = correct / data.length;
  return result;
}

/**
 * The model's outputs for inputs x ([N, ...sampleShape]), computed in eval mode in batches.
 * The returned tensor belongs to the caller (or the enclosing scope).
 *
 * @example const y = predict(new nn.Linear(2, 1), tensor([[0, 1], [1, 0]])); // 2 samples → [2, 1]
 */
export function predict(model: Module, x: Tensor | Float32Array, options: { batchSize?: number; sampleShape?: number[] } = {}): Tensor {
  checkModel("predict", model);
  if (!(x instanceof Tensor) && !(x instanceof Float32Array)) throw new Error(`predict: x is ${describe(x)}, expected a Tensor [batch, ...sample] or a Float32Array with sampleShape`);
  const batchSize = options.batchSize ?? 256;
  checkBatchSize("predict", batchSize);
  const data = x instanceof Tensor ? x.toArray() : x;
  const sampleShape = options.sampleShape ?? (x instanceof Tensor ? x.shape.slice(1) : null);
  if (sampleShape === null) throw new Error("predict: give `sampleShape` when x is a Float32Array");
  const per = sizeOf(sampleShape);
  const n = data.length / per;
  if (!Number.isInteger(n) || n < 1) throw new Error(`predict: ${data.length} values are not a whole, non-zero number of samples of shape ${fmt(sampleShape)}`);
  checkFinite("predict", "x", data, per);
  const d: Dataset = { x: data, y: new Float32Array(n), sampleShape, targetShape: [], length: n };
  const order = Array.from({ length: n }, (_, i) => i);
  const wasTraining = model.training;
  model.eval();
  const parts: Float32Array[] = [];
  let outShape: readonly number[] = [];
  try {
    for (let from = 0; from < n; from += batchSize) {
      const to = Math.min(from + batchSize, n);
      scope(() =>
        noGrad(() => {
          const out = model.forward(batchTensors(d, order, from, to).x);
          outShape = out.shape.slice(1);
          parts.push(out.toArray());
        }),
      );
    }
  } finally {
    model.train(wasTraining);
  }
  const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  return new Tensor(getBackend(), [n, ...outShape]).set(all);
}
