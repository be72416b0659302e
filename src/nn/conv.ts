// Conv2d: a convolutional layer. Where a dense layer connects every input to every neuron, a
// convolution's neurons each look at a small window (kernelSize × kernelSize) and share one set
// of weights across every position of the image: the same filter (an edge, a stroke, a corner
// detector) is tried everywhere, so the layer needs few weights and finds a pattern wherever it is.
// Stacked, convolutions see larger and larger parts of the image: spatial hierarchies.
//
// Layout NCHW as in PyTorch: input [batch, inChannels, height, width], weight
// [outChannels, inChannels, kernelH, kernelW], bias [outChannels], so PyTorch weights load one to one.
import { conv2d, convGeometry, convParams, pair, type Conv2dOptions, type Pair } from "../autograd/conv.js";
import type { Tensor } from "../tensor/tensor.js";
import { torchDefault, type Init } from "./init.js";
import { checkInput, checkOptions, Module, parameter } from "./module.js";

/** Options of Conv2d: the op's geometry plus bias and initializers. */
export interface Conv2dLayerOptions extends Conv2dOptions {
  /** Add a learnable bias per output channel (default true). */
  bias?: boolean;
  /** Initializer for the weight (default PyTorch's U(±1/√fanIn), fanIn = inChannels·kh·kw). */
  weightInit?: Init;
  /** Initializer of the bias (default PyTorch's uniform ±1/√fanIn). */
  biasInit?: Init;
}

/**
 * y[b, o] = bias[o] + Σ_c weight[o, c] ⋆ x[b, c] (⋆: 2-D cross-correlation, as PyTorch).
 * Output size per axis: ⌊(in + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1.
 * @example
 * const conv = new nn.Conv2d(1, 8, 5);                    // 8 filters of 5×5 over a grayscale image
 * const maps = conv.forward(images);                     // [32, 1, 28, 28] → [32, 8, 24, 24]
 * new nn.Conv2d(8, 16, 3, { padding: "same" });          // keeps height and width
 */
export class Conv2d extends Module {
  /** The kernel [outChannels, inChannels, kh, kw]. */
  readonly weight: Tensor;
  /** The bias [outChannels], or null. */
  readonly bias: Tensor | null;
  /** [kh, kw]. */
  readonly kernelSize: [number, number];
  /** Stride, padding and dilation, as given. */
  readonly options: Conv2dOptions;

  /**
   * @param inChannels C_in, channels of the input.
   * @param outChannels C_out, channels of the output.
   * @param kernelSize kh × kw (one number: square).
   * @param options Stride, padding, dilation, bias and initializers.
   */
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, options: Conv2dLayerOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    for (const [k, v] of [["inChannels", inChannels], ["outChannels", outChannels]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Conv2d: ${k} must be a positive integer, got ${v}`);
    }
    this.kernelSize = pair(`Conv2d(${inChannels}→${outChannels})`, "kernelSize", kernelSize, 1);
    this.options = { stride: options.stride, padding: options.padding, dilation: options.dilation };
    // Validate stride, padding and dilation now, so a bad layer fails where it is built.
    convParams(this.describe(), this.kernelSize[0], this.kernelSize[1], this.options);
    const [kh, kw] = this.kernelSize;
    const fanIn = inChannels * kh * kw;
    this.weight = this.param("weight", parameter([outChannels, inChannels, kh, kw], options.weightInit ?? torchDefault(fanIn), "Conv2d"));
    this.bias = options.bias === false ? null : this.param("bias", parameter([outChannels], options.biasInit ?? torchDefault(fanIn), "Conv2d"));
  }

  forward(x: Tensor): Tensor {
    const name = this.describe();
    checkInput(name, x);
    convGeometry(name, x.shape, this.weight.shape, this.options);
    return conv2d(x, this.weight, this.bias, this.options);
  }

  override describe(): string {
    const [kh, kw] = this.kernelSize;
    const extra: string[] = [];
    const { stride, padding, dilation } = this.options;
    const show = (v: Pair) => (!Array.isArray(v) ? String(v) : `[${v.join(", ")}]`);
    if (stride !== undefined && show(stride) !== "1") extra.push(`stride ${show(stride)}`);
    if (padding !== undefined && padding !== 0 && padding !== "valid") extra.push(`padding ${typeof padding === "string" ? padding : show(padding)}`);
    if (dilation !== undefined && show(dilation) !== "1") extra.push(`dilation ${show(dilation)}`);
    if (this.bias === null) extra.push("no bias");
    return `Conv2d(${this.inChannels}→${this.outChannels}, ${kh}×${kw}${extra.map((e) => ", " + e).join("")})`;
  }
}
