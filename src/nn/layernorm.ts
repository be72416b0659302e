// LayerNorm: standardize each sample's features on their own (no batch statistics), then a
// learned per-feature scale and shift. The normalization of every transformer block.
import { layerNorm } from "../autograd/layernorm.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "./init.js";
import { checkInput, checkOptions, Module, parameter } from "./module.js";

/** Options of LayerNorm, as in PyTorch. */
export interface LayerNormOptions {
  /** Added to the variance (default 1e−5). */
  eps?: number;
  /** Learn weight (γ, init 1) and bias (β, init 0) of normalizedShape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, learn the bias too (default true). */
  bias?: boolean;
}

/**
 * y = (x − E[x])/√(Var[x] + eps)·γ + β over the trailing axes normalizedShape, the variance biased,
 * as PyTorch's nn.LayerNorm (stateDict keys `weight`, `bias`).
 * @example
 * const ln = new nn.LayerNorm(64);
 * const y = ln.forward(x); // x: [batch, T, 64]; each [64] row normalized
 */
export class LayerNorm extends Module {
  /** The trailing axes normalized together. */
  readonly normalizedShape: number[];
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** γ, shape normalizedShape (null without elementwiseAffine). */
  readonly weight: Tensor | null;
  /** β, shape normalizedShape (null without elementwiseAffine or bias). */
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    if (typeof normalizedShape !== "number" && !Array.isArray(normalizedShape)) throw new Error(`LayerNorm: normalizedShape must be a size or an array of sizes, got ${describe(normalizedShape)}`);
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || this.normalizedShape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new Error(`LayerNorm: normalizedShape must be positive integers, got ${fmt(this.normalizedShape)}`);
    }
    this.eps = options.eps ?? 1e-5;
    if (typeof this.eps !== "number" || !(this.eps > 0)) throw new Error(`LayerNorm: eps must be a positive number, got ${describe(options.eps)}`);
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? this.param("weight", parameter(this.normalizedShape, constant(1), "LayerNorm")) : null;
    this.bias = affine && options.bias !== false ? this.param("bias", parameter(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    const k = this.normalizedShape.length;
    if (x.rank < k || x.shape.slice(x.rank - k).some((d, i) => d !== this.normalizedShape[i])) {
      throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected [*, ${this.normalizedShape.join(", ")}]`);
    }
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override describe(): string {
    return `LayerNorm(${fmt(this.normalizedShape)}, eps=${this.eps}${this.weight ? "" : ", no affine"})`;
  }
}
