import type { Tensor } from "../tensor/tensor.js";
import { describe } from "../tensor/check.js";
import { checkRange, Optimizer, optionsOf } from "./optimizer.js";

/** Options of Adam and AdamW, with PyTorch's defaults. */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** [β₁, β₂], the decay of the first and second moment averages (default [0.9, 0.999]). */
  betas?: [number, number];
  /** ε, added to √v̂ (default 1e-8). */
  eps?: number;
  /** λ (default 0 for Adam, 0.01 for AdamW). */
  weightDecay?: number;
}

/**
 * Adam (Kingma & Ba, 2015): momentum and RMS scaling together, with bias correction for the
 * zero-initialized averages. At step t:
 *
 *     m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
 *     p ← p − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * weightDecay adds λ·p to g (L2 regularization); AdamW decouples it instead.
 * @example const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer {
  /** β₁, the decay of the gradient average m. */
  readonly beta1: number;
  /** β₂, the decay of the squared-gradient average v. */
  readonly beta2: number;
  /** ε, added to √v̂. */
  readonly eps: number;
  /** λ: L2 on the gradient (Adam) or decoupled p ← p − lr·λ·p (AdamW). */
  readonly weightDecay: number;
  /** @internal Whether weight decay is decoupled from the gradient (AdamW). */
  protected readonly decoupled: boolean = false;

  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params, optionsOf(new.target.name, options).lr ?? 1e-3);
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) throw new Error(`${this.constructor.name}: betas must be a pair [beta1, beta2], got ${describe(betas)}`);
    [this.beta1, this.beta2] = betas;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? this.defaultDecay();
    checkRange(this.constructor.name, "beta1", this.beta1, 0, 1, true);
    checkRange(this.constructor.name, "beta2", this.beta2, 0, 1, true);
    // PyTorch: "Invalid epsilon value" unless 0 ≤ ε; an infinite ε would freeze training silently.
    checkRange(this.constructor.name, "eps", this.eps, 0, Infinity, true);
    checkRange(this.constructor.name, "weightDecay", this.weightDecay, 0, Infinity, true);
  }

  /** @internal The default λ: 0 for Adam, 0.01 for AdamW. */
  protected defaultDecay(): number {
    return 0;
  }

  protected update(p: Tensor, g: Tensor): void {
    const [m, v] = this.slots(p, 2);
    p.backend.adamStep(p.ptr, g.ptr, m.ptr, v.ptr, p.size, this.lr, this.beta1, this.beta2, this.eps, this.weightDecay, this.stepOf(p), this.decoupled);
  }

  protected slotNames(): readonly string[] {
    return ["exp_avg", "exp_avg_sq"];
  }

  hyperparameters(): Record<string, number | boolean | number[]> {
    return { lr: this.lr, betas: [this.beta1, this.beta2], eps: this.eps, weight_decay: this.weightDecay };
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, p ← p·(1 − lr·λ) before
 * the Adam step, so decay does not get rescaled by the adaptive denominator. Default λ = 0.01.
 *
 * @example const opt = new optim.AdamW(new nn.Linear(4, 2).parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;
  protected override defaultDecay(): number {
    return 0.01;
  }
}
