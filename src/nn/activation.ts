// Activation layers: modules wrapping the activation functions of autograd/activation.ts, so
// they can sit in a Sequential between the layers whose outputs they make nonlinear.
import { gelu, leakyRelu, relu, sigmoid, softmax, tanh, type GeluOptions } from "../autograd/activation.js";
import { describe } from "../tensor/check.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkInput, checkOptions, Module } from "./module.js";

/**
 * max(0, x). The default hidden activation: cheap, and its gradient does not saturate for x > 0.
 *
 * @example const y = new nn.ReLU().forward(tensor([-1, 2])); // [0, 2]
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    return relu(x);
  }
}

/**
 * x for x > 0, else negativeSlope·x: keeps a small gradient for negative inputs.
 *
 * @example const y = new nn.LeakyReLU(0.2).forward(tensor([-1, 2])); // [-0.2, 2]
 */
export class LeakyReLU extends Module {
  /** @param negativeSlope The slope α for x < 0: f(x) = max(0, x) + α·min(0, x) (default 0.01). */
  constructor(readonly negativeSlope = 0.01) {
    super();
    if (typeof negativeSlope !== "number" || !Number.isFinite(negativeSlope)) throw new Error(`LeakyReLU: negativeSlope must be a finite number, got ${describe(negativeSlope)}`);
  }
  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    return leakyRelu(x, this.negativeSlope);
  }
  override describe(): string {
    return `LeakyReLU(${this.negativeSlope})`;
  }
}

/**
 * 1/(1 + e⁻ˣ) ∈ (0, 1): a probability, or a gate.
 *
 * @example const p = new nn.Sigmoid().forward(tensor([0])); // [0.5]
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    return sigmoid(x);
  }
}

/**
 * tanh(x) ∈ (−1, 1), zero-centred.
 *
 * @example const y = new nn.Tanh().forward(tensor([0])); // [0]
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    return tanh(x);
  }
}

/**
 * x·Φ(x), the smooth ReLU of transformers; exact by default, as PyTorch's nn.GELU().
 * @example
 * new nn.GELU();                          // x·Φ(x)
 * new nn.GELU({ approximate: "tanh" });  // GPT-2's tanh form
 */
export class GELU extends Module {
  /** "none": exact x·Φ(x); "tanh": the tanh approximation. */
  readonly approximate: "none" | "tanh";

  constructor(options: GeluOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    this.approximate = options.approximate ?? "none";
    if (this.approximate !== "none" && this.approximate !== "tanh") throw new Error(`GELU: approximate must be "none" or "tanh", got "${String(this.approximate)}"`);
  }

  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    return gelu(x, { approximate: this.approximate });
  }

  override describe(): string {
    return this.approximate === "tanh" ? `GELU(approximate="tanh")` : "GELU";
  }
}

/**
 * softmax along `dim` (default last): turns scores into probabilities that sum to 1.
 *
 * @example const p = new nn.Softmax().forward(tensor([[1, 1]])); // [[0.5, 0.5]]
 */
export class Softmax extends Module {
  /** @param dim The axis that sums to one (default −1, the last). */
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    return softmax(x, this.dim);
  }
}
