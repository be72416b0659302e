// Dropout (Srivastava et al., 2014): during training, zero each value with probability p and
// scale the survivors by 1/(1 − p), so that the expected value is unchanged and nothing needs
// rescaling at evaluation time, when dropout does nothing. Units cannot rely on any single
// other unit being present, which regularizes the network.
import { mul } from "../autograd/arithmetic.js";
import { rng } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";
import { Module, checkTensor } from "./module.js";

/**
 * Dropout: in training, y = x·m/(1 − p) with m ~ Bernoulli(1 − p) per element; in eval mode y = x.
 *
 * @example const net = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(256, 10));
 */
export class Dropout extends Module {
  /** @param p The probability of zeroing each element in training (default 0.5). */
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    checkTensor(this.describe(), x);
    if (!this.training || this.p === 0) return x;
    return mul(x, dropoutMask(x, x.shape, this.p));
  }

  override describe(): string {
    return `Dropout(p=${this.p})`;
  }
}

/** A mask of the given shape: 0 with probability p, else 1/(1 − p), from the seeded generator. */
export function dropoutMask(like: Tensor, shape: readonly number[], p: number): Tensor {
  const mask = new Tensor(like.backend, shape);
  const v = mask.backend.heap.f32(mask.ptr, mask.size);
  const r = rng();
  const keepScale = 1 / (1 - p);
  for (let i = 0; i < v.length; i++) v[i] = r.next() < p ? 0 : keepScale;
  return mask;
}
