// The margin loss of capsule networks (Sabour et al., 2017), fused: one kernel computes the loss
// and its gradient with respect to the capsule lengths.
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { fused, labelTensor } from "./loss.js";
import { backendOf, empty } from "./util.js";

/** The margins and the weight of the absent classes (the paper's values by default). */
export interface MarginLossOptions {
  /** The length the true class's capsule should exceed (default 0.9). */
  mPlus?: number;
  /** The length every other capsule should stay under (default 0.1). */
  mMinus?: number;
  /** The weight of the absent classes' term (default 0.5). */
  lambda?: number;
}

/**
 * The margin loss over capsule lengths ℓ [batch, classes] (‖v_k‖, each in [0, 1)) and integer
 * labels, averaged over the batch:
 *
 *   L = mean_n Σ_k T_k·max(0, m⁺ − ℓ_k)² + λ·(1 − T_k)·max(0, ℓ_k − m⁻)²,   T_k = [k = label_n]
 *
 * Unlike softmax cross-entropy the classes do not compete: each capsule's length is its own
 * probability, so several digits can be present at once. λ down-weights the absent classes so that
 * early in training they do not shrink every capsule.
 * @example losses.marginLoss(ops.norm(v), labels) // v: digit capsules [batch, 10, 16]
 */
export function marginLoss(lengths: Tensor, labels: Tensor | ArrayLike<number>, options: MarginLossOptions = {}): Tensor {
  const be = backendOf("marginLoss", lengths);
  if (lengths.rank !== 2) throw new Error(`marginLoss: lengths have shape ${fmt(lengths.shape)}, expected [batch, classes]`);
  if (options === null || typeof options !== "object") throw new Error(`marginLoss: options must be an object, got ${describe(options)}`);
  const mPlus = options.mPlus ?? 0.9;
  const mMinus = options.mMinus ?? 0.1;
  const lambda = options.lambda ?? 0.5;
  for (const [k, v] of [["mPlus", mPlus], ["mMinus", mMinus], ["lambda", lambda]] as const) {
    if (!Number.isFinite(v)) throw new Error(`marginLoss: ${k} must be a finite number, got ${v}`);
  }
  const [rows, cols] = lengths.shape;
  const y = labelTensor("marginLoss", be, labels, rows, cols, "lengths");
  const grad = empty(be, lengths.shape);
  const value = be.marginLoss(lengths.ptr, y.ptr, grad.ptr, rows, cols, mPlus, mMinus, lambda);
  if (y !== labels) y.dispose();
  return fused("marginLoss", be, value, lengths, grad);
}
