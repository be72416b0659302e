// Batch normalization (Ioffe & Szegedy, 2015): standardize each channel to mean 0 and variance 1
// over the batch, then let the network rescale it (γ, "weight") and shift it (β, "bias"). Each
// layer then sees inputs on a steady scale while the layers below it change, which allows larger
// learning rates and makes deep nets much easier to train.
//
// In training the statistics are the batch's; running estimates of them are kept, as PyTorch does:
//   running_mean ← (1 − momentum)·running_mean + momentum·mean
//   running_var  ← (1 − momentum)·running_var  + momentum·var·M/(M − 1)   (unbiased, M values per channel)
// and evaluation (model.eval()) normalizes with those, so a single sample gets a deterministic
// answer. momentum null: a cumulative average over all batches seen (momentum = 1/num_batches_tracked).
// Buffers are named as in PyTorch (running_mean, running_var, num_batches_tracked).
import { batchNorm } from "../autograd/conv.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "./init.js";
import { buffer, checkInput, checkOptions, Module, parameter } from "./module.js";

/** Options of BatchNorm1d and BatchNorm2d, as in PyTorch. */
export interface BatchNormLayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the newest batch in the running estimates (default 0.1); null: cumulative average. */
  momentum?: number | null;
  /** Learn γ and β (default true). */
  affine?: boolean;
  /** Keep running estimates for eval mode (default true); false: batch statistics always. */
  trackRunningStats?: boolean;
}

abstract class BatchNormBase extends Module {
  /** γ [C], the learned scale (null when affine is false). */
  readonly weight: Tensor | null;
  /** β [C], the learned shift (null when affine is false). */
  readonly bias: Tensor | null;
  /** Running estimate of each feature's mean, used in eval mode (null without trackRunningStats). */
  readonly runningMean: Tensor | null;
  /** Running estimate of each feature's (unbiased) variance, used in eval mode. */
  readonly runningVar: Tensor | null;
  /** How many training batches updated the running estimates. */
  readonly numBatchesTracked: Tensor | null;
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Weight of the newest batch in the running estimates; null: cumulative average. */
  readonly momentum: number | null;

  /** @param numFeatures C, the number of features or channels normalized. */
  constructor(readonly numFeatures: number, options: BatchNormLayerOptions) {
    super();
    checkOptions(this.constructor.name, options);
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) throw new Error(`${this.constructor.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (typeof this.eps !== "number" || !(this.eps > 0)) throw new Error(`${this.constructor.name}: eps must be a positive number, got ${describe(this.eps)}`);
    if (this.momentum !== null && !(typeof this.momentum === "number" && this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${this.constructor.name}: momentum must be in [0, 1] or null, got ${describe(this.momentum)}`);
    const affine = options.affine ?? true;
    this.weight = affine ? this.param("weight", parameter([numFeatures], constant(1), this.constructor.name)) : null;
    this.bias = affine ? this.param("bias", parameter([numFeatures], undefined, this.constructor.name)) : null;
    const track = options.trackRunningStats ?? true;
    this.runningMean = track ? this.buffer("running_mean", buffer([numFeatures], 0, this.constructor.name)) : null;
    this.runningVar = track ? this.buffer("running_var", buffer([numFeatures], 1)) : null;
    this.numBatchesTracked = track ? this.buffer("num_batches_tracked", buffer([], 0)) : null;
  }

  /** Ranks this layer accepts and how to name them in errors. */
  protected abstract readonly ranks: readonly number[];
  /** @internal The expected input layout, for error messages. */
  protected abstract readonly layout: string;

  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    if (!this.ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected ${this.layout}`);
    }
    // Without running estimates, evaluation normalizes with the batch's statistics too.
    const training = this.training || this.runningMean === null;
    const count = this.training && this.numBatchesTracked !== null ? this.numBatchesTracked.item() + 1 : 0;
    const y = batchNorm(x, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      training,
      momentum: this.momentum ?? (count > 0 ? 1 / count : 0),
      eps: this.eps,
    });
    // Counted only once batchNorm has accepted the input (a failed call changes nothing).
    if (count > 0) this.numBatchesTracked!.set([count]);
    return y;
  }

  override describe(): string {
    const extra = [this.weight === null ? "affine false" : "", this.runningMean === null ? "no running stats" : ""].filter((s) => s !== "");
    return `${this.constructor.name}(${this.numFeatures}${extra.map((e) => ", " + e).join("")})`;
  }
}

/**
 * Batch norm over [N, C] (features of a dense layer) or [N, C, L] (sequences), per feature C.
 * @example const bn = new nn.BatchNorm1d(128); bn.forward(h); // h: [32, 128]
 */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
  protected readonly layout = `[batch, ${this.numFeatures}] or [batch, ${this.numFeatures}, length]`;

  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}

/**
 * Batch norm over images [N, C, H, W], per channel C (statistics over the batch and every position).
 * @example new nn.Sequential(new nn.Conv2d(1, 8, 3), new nn.BatchNorm2d(8), new nn.ReLU());
 */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
  protected readonly layout = `[batch, ${this.numFeatures}, height, width] (NCHW)`;

  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}
