// Loss functions: the single number that says how wrong the network is, and that training
// drives down. Each is one fused kernel computing the loss and its gradient together; backward
// only scales that stored gradient by the incoming one (1 when the loss is the final output).
import { Binary, Unary } from "../backend/opcodes.js";
import type { Backend } from "../backend/types.js";
import { describe, numbersOf } from "../tensor/check.js";
import { fmt, sameShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { record } from "./engine.js";
import { backendOf, empty } from "./util.js";

/**
 * A scalar tensor holding `value`, whose backward returns `grad` scaled by the upstream gradient.
 * `grad` is freed as soon as nothing can use it: at once when no graph is recorded, else when
 * backward() consumes the graph or the loss is disposed.
 */
export function fused(name: string, be: Backend, value: number, input: Tensor, grad: Tensor, target?: Tensor): Tensor {
  const loss = empty(be, []);
  be.fill(loss.ptr, 1, value);
  return record(
    loss,
    name,
    target === undefined ? [input] : [input, target],
    (g) => {
      const dx = empty(be, input.shape);
      be.binary(Binary.Mul, grad.ptr, g.ptr, dx.ptr, dx.size, 1, 1);
      if (target === undefined || !target.requiresGrad) return [dx];
      const dt = empty(be, target.shape);
      be.unary(Unary.Neg, dx.ptr, dt.ptr, dt.size, 0);
      return [dx, dt];
    },
    () => grad.dispose(),
  );
}

/** Labels given as a tensor or as plain numbers, checked to be class indices in [0, classes). */
export function labelTensor(op: string, be: Backend, labels: Tensor | ArrayLike<number>, rows: number, classes: number, what = "logits"): Tensor {
  if (!(labels instanceof Tensor) && (labels === null || typeof labels !== "object" || typeof labels.length !== "number")) {
    throw new Error(`${op}: labels are ${describe(labels)}, expected a Tensor or an array of ${rows} class indices`);
  }
  if (labels instanceof Tensor && labels.disposed) throw new Error(`${op}: labels Tensor${fmt(labels.shape)} was disposed`);
  const values = labels instanceof Tensor ? labels.toArray() : numbersOf(`${op}: labels`, labels);
  if (values.length !== rows) throw new Error(`${op}: got ${values.length} labels for ${rows} rows of ${what}`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new Error(`${op}: label ${v} at index ${i} is not a class index in [0, ${classes - 1}]`);
    }
  }
  if (labels instanceof Tensor && labels.backend === be) return labels;
  const t = empty(be, [rows]);
  be.heap.f32(t.ptr, rows).set(values);
  return t;
}

/**
 * Cross-entropy of softmax(logits) against integer class labels, averaged over rows:
 * −(1/N) Σ_n log softmax(x_n)[y_n]. logits: [N, C]; labels: N class indices. The softmax is
 * fused in (PyTorch's CrossEntropyLoss also takes raw logits): its gradient is simply
 * (softmax(x) − onehot(y)) / N.
 *
 * @example const loss = ops.crossEntropy(tensor([[2, 0, 0], [0, 0, 2]]), [0, 2]); // −log softmax at the labels: 0.2395
 */
export function crossEntropy(logits: Tensor, labels: Tensor | ArrayLike<number>): Tensor {
  checkInput("crossEntropy", "logits", logits);
  const be = backendOf("crossEntropy", logits);
  if (logits.rank !== 2) throw new Error(`crossEntropy: logits have shape ${fmt(logits.shape)}, expected [batch, classes]`);
  const [rows, cols] = logits.shape;
  const y = labelTensor("crossEntropy", be, labels, rows, cols);
  const grad = empty(be, logits.shape);
  const value = be.softmaxCrossEntropy(logits.ptr, y.ptr, grad.ptr, rows, cols);
  if (y !== labels) y.dispose();
  return fused("crossEntropy", be, value, logits, grad);
}

/** Losses are called from plain JS too: a missing or non-tensor argument gets named. */
function checkInput(op: string, what: string, t: unknown): void {
  if (!(t instanceof Tensor)) throw new Error(`${op}: ${what} is ${describe(t)}, expected a Tensor`);
}

function checkTarget(op: string, pred: Tensor, target: Tensor): void {
  checkInput(op, "prediction", pred);
  checkInput(op, "target", target);
  backendOf(op, pred, target);
  if (!sameShape(pred.shape, target.shape)) throw new Error(`${op}: prediction has shape ${fmt(pred.shape)} but target has shape ${fmt(target.shape)}`);
}

/**
 * Mean squared error (1/n) Σ (p − t)². Both arguments are differentiated, as in PyTorch's
 * mse_loss (an autoencoder's target may be another network's output): d/dt = −d/dp.
 *
 * @example const loss = ops.mse(tensor([1, 2]), tensor([1, 4])); // ((1−1)² + (2−4)²) / 2 = 2
 */
export function mse(pred: Tensor, target: Tensor): Tensor {
  checkTarget("mse", pred, target);
  const grad = empty(pred.backend, pred.shape);
  const value = pred.backend.mse(pred.ptr, target.ptr, grad.ptr, pred.size);
  return fused("mse", pred.backend, value, pred, grad, target);
}

/**
 * Binary cross-entropy on logits (PyTorch's BCEWithLogitsLoss): the mean over elements of
 * −[t·log σ(x) + (1 − t)·log(1 − σ(x))], with the sigmoid fused in so that large |x| never
 * produces log(0). Targets in [0, 1].
 *
 * @example const loss = ops.binaryCrossEntropy(tensor([0]), tensor([1])); // −log σ(0) = 0.6931
 */
export function binaryCrossEntropy(logits: Tensor, target: Tensor): Tensor {
  checkTarget("binaryCrossEntropy", logits, target);
  const grad = empty(logits.backend, logits.shape);
  const value = logits.backend.bceWithLogits(logits.ptr, target.ptr, grad.ptr, logits.size);
  return fused("binaryCrossEntropy", logits.backend, value, logits, grad);
}
