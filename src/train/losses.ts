// Loss functions by name for fit/evaluate, and the accuracy that goes with each.
import { binaryCrossEntropy, crossEntropy, mse } from "../autograd/loss.js";
import type { Tensor } from "../tensor/tensor.js";

/** The losses fit and evaluate know by name; classification losses also report accuracy. */
export type LossName = "crossEntropy" | "mse" | "binaryCrossEntropy";
/** A loss of your own: (predictions, targets) → a scalar tensor to minimize. */
export type LossFn = (pred: Tensor, target: Tensor) => Tensor;

export function resolveLoss(op: string, loss: LossName | LossFn): LossFn {
  if (typeof loss === "function") return loss;
  switch (loss) {
    case "crossEntropy": return crossEntropy;
    case "mse": return mse;
    case "binaryCrossEntropy": return binaryCrossEntropy;
  }
  throw new Error(`${op}: unknown loss "${String(loss)}", expected "crossEntropy", "mse", "binaryCrossEntropy" or a function`);
}

/**
 * Number of correct predictions in a batch, or null when the loss has no notion of accuracy:
 * class labels → argmax of the logits; binary targets → logit > 0 against target > 0.5.
 */
export function countCorrect(loss: LossName | LossFn, pred: Float32Array, target: Float32Array, rows: number): number | null {
  if (loss === "crossEntropy") {
    const cols = pred.length / rows;
    let correct = 0;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let j = 1; j < cols; j++) if (pred[r * cols + j] > pred[r * cols + best]) best = j;
      if (best === target[r]) correct++;
    }
    return correct;
  }
  if (loss === "binaryCrossEntropy") {
    let correct = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] > 0 === target[i] > 0.5) correct++;
    return (correct * rows) / pred.length;
  }
  return null;
}
