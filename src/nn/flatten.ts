// Flatten: the bridge from convolutional feature maps to dense layers. [N, C, H, W] becomes
// [N, C·H·W]: each sample's maps laid out as one vector (channel by channel, row by row, the
// order PyTorch uses, so a Linear after it loads PyTorch weights unchanged).
import { reshape } from "../autograd/shape.js";
import { describe } from "../tensor/check.js";
import { fmt, normAxis, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { Module, checkTensor } from "./module.js";

/**
 * Collapse axes startDim..endDim (default 1..−1: everything but the batch) into one.
 * @example new nn.Flatten().forward(x); // [32, 16, 4, 4] → [32, 256]
 */
export class Flatten extends Module {
  /**
   * @param startDim The first axis merged (default 1, keeping the batch axis).
   * @param endDim The last axis merged (default −1).
   */
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    checkTensor(this.describe(), x);
    if (x.rank === 0) throw new Error(`${this.describe()}: input is a scalar, expected a tensor with axes ${this.startDim}..${this.endDim}`);
    let a: number, b: number;
    try {
      a = normAxis(this.startDim, x.rank, this.describe());
      b = normAxis(this.endDim, x.rank, this.describe());
    } catch {
      throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, which has no axes ${this.startDim}..${this.endDim}`);
    }
    if (a > b) throw new Error(`${this.describe()}: startDim ${this.startDim} comes after endDim ${this.endDim} for input ${fmt(x.shape)}`);
    return reshape(x, [...x.shape.slice(0, a), sizeOf(x.shape.slice(a, b + 1)), ...x.shape.slice(b + 1)]);
  }

  override describe(): string {
    return this.startDim === 1 && this.endDim === -1 ? "Flatten" : `Flatten(${this.startDim}, ${this.endDim})`;
  }
}

/**
 * [N, D] → [N, ...shape] with D = the size of shape: the inverse of Flatten (PyTorch's
 * nn.Unflatten(1, shape)), where a dense code is widened back into feature maps.
 *
 * @example const y = new nn.Unflatten([8, 7, 7]).forward(randn([4, 392])); // [4, 8, 7, 7]
 */
export class Unflatten extends Module {
  /** @param shape The shape the last axis is split into. */
  constructor(readonly shape: readonly number[]) {
    super();
    if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`Unflatten: shape must be an array of sizes ≥ 0, got ${describe(shape)}`);
    }
  }

  forward(x: Tensor): Tensor {
    checkTensor(this.describe(), x);
    const per = this.shape.reduce((a, d) => a * d, 1);
    if (x.rank !== 2 || x.shape[1] !== per) throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected [batch, ${per}]`);
    return reshape(x, [x.shape[0], ...this.shape]);
  }

  override describe(): string {
    return `Unflatten(1, ${fmt(this.shape)})`;
  }
}
