// Pooling layers: down-sampling. Each output summarizes one window of a feature map, by its
// maximum (MaxPool2d: "is this feature present anywhere in the window?") or its mean (AvgPool2d).
// A 2×2 window with stride 2 halves height and width: fewer values for the next layer, a wider
// view of the image per position, and some tolerance to small shifts. No parameters. NCHW.
import { avgPool2d, maxPool2d, pair, poolGeometry, reluMaxPool2d, type Pair, type Pool2dOptions } from "../autograd/conv.js";
import { owning } from "../memory/scope.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkInput, checkOptions, Module } from "./module.js";

function show(v: Pair): string {
  // Also called on sizes not yet checked (describe() names the layer in their error).
  return Array.isArray(v) ? `[${v.join(", ")}]` : String(v);
}

/**
 * Kernel size, stride and padding (at most half the window) checked where the layer is built, so a
 * bad layer fails there rather than at its first forward; the input size is a placeholder.
 */
function checkPool(name: string, kernelSize: Pair, o: Pool2dOptions): void {
  pair(name, "kernelSize", kernelSize, 1);
  poolGeometry(poolDescribe(name, kernelSize, o), [1, 1, 1 << 16, 1 << 16], kernelSize, o);
}

function poolDescribe(name: string, kernelSize: Pair, o: Pool2dOptions): string {
  const parts = [show(kernelSize)];
  if (o.stride !== undefined && show(o.stride) !== show(kernelSize)) parts.push(`stride ${show(o.stride)}`);
  if (o.padding !== undefined && show(o.padding) !== "0") parts.push(`padding ${show(o.padding)}`);
  return `${name}(${parts.join(", ")})`;
}

/**
 * Max over each kernelSize window; stride defaults to kernelSize. Padding (at most half the
 * window) is never picked as the max.
 * @example new nn.MaxPool2d(2).forward(x); // [32, 8, 24, 24] → [32, 8, 12, 12]
 */
export class MaxPool2d extends Module {
  /**
   * @param kernelSize kh × kw of each window (one number: square).
   * @param options Stride (default kernelSize) and padding.
   */
  constructor(readonly kernelSize: Pair, readonly options: Pool2dOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    checkPool("MaxPool2d", kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    return this.pool(maxPool2d, x);
  }

  /**
   * forward(relu(x)) in one pass (reluMaxPool2d: the same values and gradients, without the
   * ReLU's output); nn.Sequential calls it for a ReLU followed by this layer.
   */
  forwardRelu(x: Tensor): Tensor {
    // As the forward the constructor installs: what the op makes and does not return is the output's.
    return owning(() => this.pool(reluMaxPool2d, x));
  }

  /** op (maxPool2d or reluMaxPool2d) on x, its shape checked in this layer's name. */
  private pool(op: typeof maxPool2d, x: Tensor): Tensor {
    const name = this.describe();
    checkInput(name, x);
    poolGeometry(name, x.shape, this.kernelSize, this.options);
    return op(x, this.kernelSize, this.options);
  }

  override describe(): string {
    return poolDescribe("MaxPool2d", this.kernelSize, this.options);
  }
}

/** Options of AvgPool2d: stride, padding and countIncludePad. */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** Divide by the whole window, padded zeros included (default true, PyTorch's count_include_pad). */
  countIncludePad?: boolean;
}

/**
 * Mean over each kernelSize window; stride defaults to kernelSize.
 * @example new nn.AvgPool2d(2).forward(x); // [32, 8, 24, 24] → [32, 8, 12, 12]
 */
export class AvgPool2d extends Module {
  /**
   * @param kernelSize kh × kw of each window (one number: square).
   * @param options Stride (default kernelSize), padding and countIncludePad.
   */
  constructor(readonly kernelSize: Pair, readonly options: AvgPool2dOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    checkPool("AvgPool2d", kernelSize, options);
    const cip = options.countIncludePad;
    if (cip !== undefined && typeof cip !== "boolean") throw new Error(`${this.describe()}: countIncludePad must be true or false, got ${describe(cip)}`);
  }

  forward(x: Tensor): Tensor {
    const name = this.describe();
    checkInput(name, x);
    poolGeometry(name, x.shape, this.kernelSize, this.options);
    return avgPool2d(x, this.kernelSize, this.options);
  }

  override describe(): string {
    const d = poolDescribe("AvgPool2d", this.kernelSize, this.options);
    return this.options.countIncludePad === false ? d.replace(/\)$/, ", countIncludePad false)") : d;
  }
}

/**
 * Average pooling to a fixed output size, whatever the input size. outputSize 1 is global
 * average pooling: one mean per channel, [N, C, H, W] → [N, C, 1, 1] (then Flatten for a
 * classifier head). Other sizes must divide the input evenly (the windows then do not overlap).
 *
 * @example const y = new nn.AdaptiveAvgPool2d(1).forward(randn([2, 16, 7, 7])); // [2, 16, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  /** [oh, ow], the output size whatever the input size. */
  readonly outputSize: [number, number];

  constructor(outputSize: Pair = 1) {
    super();
    this.outputSize = pair("AdaptiveAvgPool2d", "outputSize", outputSize, 1);
  }

  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    if (x.rank !== 4) throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected 4-D [batch, channels, height, width] (NCHW)`);
    const [oh, ow] = this.outputSize;
    const [h, w] = [x.shape[2], x.shape[3]];
    if (h === 0 || w === 0) throw new Error(`${this.describe()}: input ${fmt(x.shape)} has an empty image, nothing to pool`);
    if (h % oh !== 0 || w % ow !== 0) {
      throw new Error(`${this.describe()}: input ${fmt(x.shape)} is not divisible into ${oh}×${ow} equal windows; only output size 1 (global pooling) or an exact divisor of the input size is supported`);
    }
    return avgPool2d(x, [h / oh, w / ow]);
  }

  override describe(): string {
    return `AdaptiveAvgPool2d(${show(this.outputSize[0] === this.outputSize[1] ? this.outputSize[0] : this.outputSize)})`;
  }
}
