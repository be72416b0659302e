// Dropout2d (Tompson et al., 2015): dropout of whole channels. Neighbouring pixels of a feature
// map are strongly correlated, so zeroing single values (nn.Dropout) barely regularizes a
// convolutional layer: the neighbours carry the same information. Dropout2d zeroes an entire
// feature map per sample with probability p and scales the kept maps by 1/(1 − p); at
// evaluation time it does nothing.
import { mul } from "../autograd/arithmetic.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { dropoutMask } from "./dropout.js";
import { Module, checkTensor } from "./module.js";

/**
 * Input [N, C, H, W] (or [N, C, L]): one keep/drop draw per (sample, channel).
 * @example new nn.Dropout2d(0.2).forward(maps); // whole 24×24 maps zeroed, ≈ 20 % of them
 */
export class Dropout2d extends Module {
  /** @param p The probability of zeroing each whole channel in training (default 0.5). */
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout2d: p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    checkTensor(this.describe(), x);
    if (x.rank < 3) throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected [batch, channels, height, width]`);
    if (!this.training || this.p === 0) return x;
    // [N, C, 1, 1] broadcast over each map.
    const mask = dropoutMask(x, [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)], this.p);
    return mul(x, mask);
  }

  override describe(): string {
    return `Dropout2d(p=${this.p})`;
  }
}
