// ConvTranspose2d: the upsampling layer of decoders (autoencoders, GAN generators, U-Nets). Each
// input pixel stamps the kh×kw filter, scaled by its value, onto the output, the stamps `stride`
// pixels apart and overlapping where the filter is larger than the stride; so a stride-2 layer
// doubles height and width, and learns how to fill in the pixels in between. It is the adjoint
// (the "transpose") of a Conv2d with the same settings: it maps that convolution's output shape
// back to its input shape (see src/autograd/conv-transpose.ts).
//
// Layout NCHW as in PyTorch: input [batch, inChannels, height, width], weight
// [inChannels, outChannels, kernelH, kernelW] (in before out, the reverse of Conv2d), bias
// [outChannels], so PyTorch weights load one to one.
import { pair, type Pair } from "../autograd/conv.js";
import { convTranspose2d, convTransposeGeometry, type ConvTranspose2dOptions } from "../autograd/conv-transpose.js";
import type { Tensor } from "../tensor/tensor.js";
import { torchDefault, type Init } from "./init.js";
import { checkInput, checkOptions, Module, parameter } from "./module.js";

/** Options of ConvTranspose2d: the op's geometry plus bias and initializers. */
export interface ConvTranspose2dLayerOptions extends ConvTranspose2dOptions {
  /** Add a learnable bias per output channel (default true). */
  bias?: boolean;
  /** Initializer for the weight (default PyTorch's U(±1/√fanIn), fanIn = outChannels·kh·kw: PyTorch reads it off weight axis 1). */
  weightInit?: Init;
  /** Initializer of the bias (default PyTorch's uniform ±1/√fanIn). */
  biasInit?: Init;
}

/**
 * y[b, o] = bias[o] + Σ_c (x[b, c] scattered through weight[c, o]).
 * Output size per axis: (in − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1.
 * @example
 * const up = new nn.ConvTranspose2d(32, 16, 3, { stride: 2, padding: 1, outputPadding: 1 });
 * up.forward(maps);                                       // [8, 32, 7, 7] → [8, 16, 14, 14]
 */
export class ConvTranspose2d extends Module {
  /** The kernel [inChannels, outChannels, kh, kw] (PyTorch's layout for transposed convolution). */
  readonly weight: Tensor;
  /** The bias [outChannels], or null. */
  readonly bias: Tensor | null;
  /** [kh, kw]. */
  readonly kernelSize: [number, number];
  /** Stride, padding, output padding and dilation, as given. */
  readonly options: ConvTranspose2dOptions;

  /**
   * @param inChannels C_in, channels of the input.
   * @param outChannels C_out, channels of the output.
   * @param kernelSize kh × kw (one number: square).
   * @param options Stride, padding, outputPadding, dilation, bias and initializers.
   */
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, options: ConvTranspose2dLayerOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    for (const [k, v] of [["inChannels", inChannels], ["outChannels", outChannels]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`ConvTranspose2d: ${k} must be a positive integer, got ${v}`);
    }
    this.kernelSize = pair(`ConvTranspose2d(${inChannels}→${outChannels})`, "kernelSize", kernelSize, 1);
    const { stride, padding, outputPadding, dilation } = options;
    this.options = { stride, padding, outputPadding, dilation };
    const [kh, kw] = this.kernelSize;
    // Validate the settings now, so a bad layer fails where it is built. The probe image is large
    // so that only the settings can fail; the size check depends on the input and runs in forward.
    convTransposeGeometry(this.describe(), [1, inChannels, 1 << 16, 1 << 16], [inChannels, outChannels, kh, kw], this.options);
    const fanIn = outChannels * kh * kw;
    this.weight = this.param("weight", parameter([inChannels, outChannels, kh, kw], options.weightInit ?? torchDefault(fanIn), "ConvTranspose2d"));
    this.bias = options.bias === false ? null : this.param("bias", parameter([outChannels], options.biasInit ?? torchDefault(fanIn), "ConvTranspose2d"));
  }

  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    convTransposeGeometry(this.describe(), x.shape, this.weight.shape, this.options);
    return convTranspose2d(x, this.weight, this.bias, this.options);
  }

  override describe(): string {
    const [kh, kw] = this.kernelSize;
    const extra: string[] = [];
    const { stride, padding, outputPadding, dilation } = this.options;
    const show = (v: Pair) => (!Array.isArray(v) ? String(v) : v[0] === v[1] ? String(v[0]) : `[${v.join(", ")}]`);
    if (stride !== undefined && show(stride) !== "1") extra.push(`stride ${show(stride)}`);
    if (padding !== undefined && show(padding) !== "0") extra.push(`padding ${show(padding)}`);
    if (outputPadding !== undefined && show(outputPadding) !== "0") extra.push(`outputPadding ${show(outputPadding)}`);
    if (dilation !== undefined && show(dilation) !== "1") extra.push(`dilation ${show(dilation)}`);
    if (this.bias === null) extra.push("no bias");
    return `ConvTranspose2d(${this.inChannels}→${this.outChannels}, ${kh}×${kw}${extra.map((e) => ", " + e).join("")})`;
  }
}
