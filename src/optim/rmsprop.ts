import type { Tensor } from "../tensor/tensor.js";
import { checkRange, Optimizer, optionsOf } from "./optimizer.js";

/** Options of RMSprop, with PyTorch's defaults. */
export interface RMSpropOptions {
  /** Learning rate (default 0.01). */
  lr?: number;
  /** α, the smoothing of the running average of g² (default 0.99). */
  alpha?: number;
  /** ε, added to the root mean square (default 1e-8). */
  eps?: number;
  /** λ: adds λ·p to the gradient (default 0). */
  weightDecay?: number;
  /** μ, momentum on the scaled step (default 0). */
  momentum?: number;
}

/**
 * RMSprop (Hinton, 2012): divide each step by a running root-mean-square of recent gradients,
 * so every parameter moves at a similar pace whatever the scale of its gradient.
 *
 *     v ← α·v + (1 − α)·g²
 *     p ← p − lr·g / (√v + ε)          (with momentum μ: b ← μ·b + g/(√v + ε), p ← p − lr·b)
 * @example const opt = new optim.RMSprop(model.parameters(), { lr: 1e-3 });
 */
export class RMSprop extends Optimizer {
  /** α, the smoothing of the running average of g². */
  readonly alpha: number;
  /** ε, added to the root mean square. */
  readonly eps: number;
  /** λ, the L2 penalty added to the gradient. */
  readonly weightDecay: number;
  /** μ, momentum on the scaled step. */
  readonly momentum: number;

  constructor(params: Iterable<Tensor>, options: RMSpropOptions = {}) {
    super(params, optionsOf("RMSprop", options).lr ?? 1e-2);
    this.alpha = options.alpha ?? 0.99;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.momentum = options.momentum ?? 0;
    checkRange("RMSprop", "alpha", this.alpha, 0, 1, true);
    checkRange("RMSprop", "momentum", this.momentum, 0, 1, true);
    checkRange("RMSprop", "eps", this.eps, 0, Infinity, true);
    checkRange("RMSprop", "weightDecay", this.weightDecay, 0, Infinity, true);
  }

  protected update(p: Tensor, g: Tensor): void {
    const [v, buf] = this.slots(p, this.momentum > 0 ? 2 : 1);
    p.backend.rmspropStep(p.ptr, g.ptr, v.ptr, buf?.ptr ?? 0, p.size, this.lr, this.alpha, this.eps, this.weightDecay, this.momentum);
  }

  protected slotNames(): readonly string[] {
    return this.momentum > 0 ? ["square_avg", "momentum_buffer"] : ["square_avg"];
  }

  hyperparameters(): Record<string, number | boolean | number[]> {
    return { lr: this.lr, alpha: this.alpha, eps: this.eps, weight_decay: this.weightDecay, momentum: this.momentum };
  }
}
