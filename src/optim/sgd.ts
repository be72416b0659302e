import type { Tensor } from "../tensor/tensor.js";
import { describe } from "../tensor/check.js";
import { checkRange, Optimizer, optionsOf } from "./optimizer.js";

/** Options of SGD, as PyTorch's (lr required). */
export interface SGDOptions {
  /** Learning rate. */
  lr: number;
  /** μ, the momentum factor (default 0: plain SGD). */
  momentum?: number;
  /** τ: the gradient enters the momentum buffer scaled by 1 − τ (default 0). */
  dampening?: number;
  /** λ: adds λ·p to the gradient (L2 regularization, default 0). */
  weightDecay?: number;
  /** Nesterov momentum: step along g + μ·b instead of b (default false). */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, optionally with momentum (PyTorch's semantics):
 *
 *     g ← g + λ·p                                   (weight decay λ)
 *     b ← μ·b + (1 − τ)·g     (b ← g on the first step)
 *     g ← g + μ·b (Nesterov) or b
 *     p ← p − lr·g
 *
 * Momentum μ averages successive gradients, so steps speed up along directions where they agree
 * and cancel where they oscillate.
 * @example const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer {
  /** μ, the momentum factor. */
  readonly momentum: number;
  /** τ, the dampening of the momentum buffer. */
  readonly dampening: number;
  /** λ, the L2 penalty added to the gradient. */
  readonly weightDecay: number;
  /** Whether the step uses Nesterov momentum. */
  readonly nesterov: boolean;

  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    // PyTorch's SGD has no default lr either; without options the message says what is missing.
    super(params, optionsOf("SGD", options).lr as number);
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    checkRange("SGD", "momentum", this.momentum, 0, 1, true);
    // PyTorch leaves dampening unchecked; a NaN one would turn every weight to NaN on the 2nd step.
    checkRange("SGD", "dampening", this.dampening, 0, 1);
    checkRange("SGD", "weightDecay", this.weightDecay, 0, Infinity, true);
    if (typeof this.nesterov !== "boolean") throw new Error(`SGD: nesterov must be true or false, got ${describe(this.nesterov)}`);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) throw new Error("SGD: Nesterov momentum requires momentum > 0 and dampening 0");
  }

  protected update(p: Tensor, g: Tensor): void {
    const first = !this.state.has(p);
    const bufPtr = this.momentum > 0 ? this.slots(p, 1)[0].ptr : 0;
    p.backend.sgdStep(p.ptr, g.ptr, bufPtr, p.size, this.lr, this.momentum, this.dampening, this.weightDecay, this.nesterov, first);
  }

  protected slotNames(): readonly string[] {
    return this.momentum > 0 ? ["momentum_buffer"] : [];
  }

  hyperparameters(): Record<string, number | boolean | number[]> {
    return { lr: this.lr, momentum: this.momentum, dampening: this.dampening, weight_decay: this.weightDecay, nesterov: this.nesterov };
  }
}
