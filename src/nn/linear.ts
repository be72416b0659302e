// Linear: a fully connected layer of neurons.
import { linear } from "../autograd/matmul.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { torchDefault, type Init } from "./init.js";
import { checkInput, checkOptions, Module, parameter } from "./module.js";

/** Options of Linear. */
export interface LinearOptions {
  /** Add a learnable bias (default true). */
  bias?: boolean;
  /** Initializer for the weight (default PyTorch's U(±1/√in)). */
  weightInit?: Init;
  /** Initializer of the bias (default PyTorch's uniform ±1/√inFeatures). */
  biasInit?: Init;
}

/**
 * y = x·Wᵀ + b. Each of the `outFeatures` neurons holds one row of W (a weight per input) and
 * one bias. Input [..., inFeatures] → output [..., outFeatures].
 * @example
 * const fc = new nn.Linear(784, 128);
 * const h = fc.forward(x); // x: [32, 784] → h: [32, 128]
 */
export class Linear extends Module {
  /** W [outFeatures, inFeatures], as PyTorch stores it. */
  readonly weight: Tensor;
  /** b [outFeatures], or null. */
  readonly bias: Tensor | null;

  /**
   * @param inFeatures Features of each input row.
   * @param outFeatures Features of each output row.
   * @param options Bias and initializers.
   */
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    for (const [k, v] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Linear: ${k} must be a positive integer, got ${v}`);
    }
    this.weight = this.param("weight", parameter([outFeatures, inFeatures], options.weightInit ?? torchDefault(inFeatures), "Linear"));
    this.bias = options.bias === false ? null : this.param("bias", parameter([outFeatures], options.biasInit ?? torchDefault(inFeatures), "Linear"));
  }

  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected [*, ${this.inFeatures}]`);
    }
    return linear(x, this.weight, this.bias);
  }

  override describe(): string {
    return `Linear(${this.inFeatures}→${this.outFeatures}${this.bias ? "" : ", no bias"})`;
  }
}
