// Capsule layers (Sabour, Frosst & Hinton, 2017). A layer of neurons outputs one number per
// unit; a layer of capsules outputs one vector per unit, whose length is the probability that an
// entity is present and whose direction encodes its pose (position, size, stroke width, skew).
import { capsulePredictions, dynamicRouting, squash, type RoutingGradient } from "../autograd/capsule.js";
import { reshape, transpose } from "../autograd/shape.js";
import { convGeometry, type Conv2dOptions, type Pair } from "../autograd/conv.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { Conv2d } from "./conv.js";
import { normal } from "./init.js";
import { checkInput, checkOptions, Module, parameter } from "./module.js";

function positiveInt(who: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${who}: ${name} must be a positive integer, got ${v}`);
}

/** Options of PrimaryCapsules' convolution. */
export interface PrimaryCapsulesOptions {
  /** Stride of the convolution (default 1; the paper: 2). */
  stride?: Conv2dOptions["stride"];
  /** Zero padding of the convolution (default none). */
  padding?: Conv2dOptions["padding"];
}

/**
 * The first capsule layer: a convolution with capsuleChannels·capsuleDim output channels, read as
 * capsuleChannels maps of capsuleDim-dimensional vectors, each squashed. Every position of every
 * capsule channel is one capsule, so [batch, inChannels, H, W] becomes
 * [batch, capsuleChannels·H′·W′, capsuleDim], capsules ordered by channel, then row, then column.
 * Conv output channel c·capsuleDim + d is component d of capsule channel c.
 * @example
 * const primary = new nn.PrimaryCapsules(256, 32, 8, 9, { stride: 2 }); // the paper's layer
 * primary.forward(features);                                            // [B, 256, 20, 20] → [B, 1152, 8]
 */
export class PrimaryCapsules extends Module {
  /** The convolution: capsuleChannels·capsuleDim output channels. */
  readonly conv: Conv2d;
  private readonly convOptions: Conv2dOptions;

  /**
   * @param inChannels channels of the input feature maps
   * @param capsuleChannels maps of capsules (each position of each is one capsule)
   * @param capsuleDim dimension of each capsule
   * @param kernelSize size of the convolution's window
   */
  constructor(readonly inChannels: number, readonly capsuleChannels: number, readonly capsuleDim: number, kernelSize: Pair, options: PrimaryCapsulesOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    positiveInt("PrimaryCapsules", "inChannels", inChannels);
    positiveInt("PrimaryCapsules", "capsuleChannels", capsuleChannels);
    positiveInt("PrimaryCapsules", "capsuleDim", capsuleDim);
    this.convOptions = { stride: options.stride, padding: options.padding };
    this.conv = this.child("conv", new Conv2d(inChannels, capsuleChannels * capsuleDim, kernelSize, this.convOptions));
  }

  /** Capsules produced for an input of height h and width w. */
  capsulesFor(h: number, w: number): number {
    const g = convGeometry(this.describe(), [1, this.inChannels, h, w], this.conv.weight.shape, this.convOptions);
    return this.capsuleChannels * g.oh * g.ow;
  }

  /** Images or feature maps [batch, inChannels, H, W] → squashed capsules [batch, capsules, capsuleDim]. */
  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected [batch, ${this.inChannels}, height, width]`);
    }
    const y = this.conv.forward(x);
    const [b, , h, w] = y.shape;
    const caps = transpose(reshape(y, [b, this.capsuleChannels, this.capsuleDim, h * w]), 2, 3);
    return squash(reshape(caps, [b, this.capsuleChannels * h * w, this.capsuleDim]));
  }

  override describe(): string {
    return `PrimaryCapsules(${this.inChannels}→${this.capsuleChannels}×${this.capsuleDim}D, ${this.conv.describe()})`;
  }
}

/** Options of DigitCapsules. */
export interface DigitCapsulesOptions {
  /** Iterations of routing by agreement (default 3, as in the paper). */
  routingIterations?: number;
  /** Where the gradient of routing flows (default "all": see ops.dynamicRouting). */
  routingGradient?: RoutingGradient;
  /** Standard deviation of the initial weights (default 0.01). */
  initStd?: number;
}

/**
 * A fully connected capsule layer with routing by agreement. Each input capsule u_i (inDim) votes
 * for the pose of each output capsule j through its own matrix, û_j|i = W_ij·u_i; routing then
 * sends each vote where it agrees with the consensus (ops.dynamicRouting). Input [batch,
 * inCapsules, inDim] (or [batch, inCapsules·inDim]); output [batch, outCapsules, outDim].
 * weight: [inCapsules, outCapsules, outDim, inDim].
 * @example
 * const digits = new nn.DigitCapsules(1152, 8, 10, 16, { routingIterations: 3 });
 * const v = digits.forward(primaryCaps);  // [B, 1152, 8] → [B, 10, 16]
 * const probs = ops.norm(v);              // [B, 10]: each digit's length
 */
export class DigitCapsules extends Module {
  /** W_ij for every (input, output) capsule pair: [inCapsules, outCapsules, outDim, inDim]. */
  readonly weight: Tensor;
  /** Iterations of routing by agreement. */
  readonly routingIterations: number;
  /** Where the gradient of routing flows (see ops.dynamicRouting). */
  readonly routingGradient: RoutingGradient;
  /**
   * The coupling coefficients c_ij of the last forward pass, [batch, inCapsules, outCapsules] (no
   * gradient), valid as long as that pass's tensors (freed with its scope).
   */
  couplings: Tensor | null = null;

  /**
   * @param inCapsules number of input capsules
   * @param inDim dimension of an input capsule
   * @param outCapsules number of output capsules (one per class for digit capsules)
   * @param outDim dimension of an output capsule
   */
  constructor(readonly inCapsules: number, readonly inDim: number, readonly outCapsules: number, readonly outDim: number, options: DigitCapsulesOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    for (const [k, v] of [["inCapsules", inCapsules], ["inDim", inDim], ["outCapsules", outCapsules], ["outDim", outDim]] as const) positiveInt("DigitCapsules", k, v);
    const iters = options.routingIterations ?? 3;
    if (!Number.isInteger(iters) || iters < 1) throw new Error(`DigitCapsules: routingIterations must be an integer ≥ 1, got ${iters}`);
    this.routingIterations = iters;
    this.routingGradient = options.routingGradient ?? "all";
    if (this.routingGradient !== "all" && this.routingGradient !== "last") throw new Error(`DigitCapsules: routingGradient must be "all" or "last", got "${String(this.routingGradient)}"`);
    const std = options.initStd ?? 0.01;
    if (typeof std !== "number" || !(std >= 0) || !Number.isFinite(std)) throw new Error(`DigitCapsules: initStd must be a finite number ≥ 0, got ${std}`);
    this.weight = this.param("weight", parameter([inCapsules, outCapsules, outDim, inDim], normal(std), "DigitCapsules"));
  }

  /** Capsules [batch, inCapsules, inDim] (or flat [batch, inCapsules·inDim]) → routed capsules [batch, outCapsules, outDim]. */
  forward(u: Tensor): Tensor {
    checkInput(this.describe(), u);
    const who = this.describe();
    checkInput(who, u);
    const [b] = u.shape;
    if (u.rank === 2) {
      if (u.shape[1] % this.inDim !== 0) throw new Error(`${who}: input has shape ${fmt(u.shape)}, whose ${u.shape[1]} values per sample do not make whole capsules of ${this.inDim}`);
      u = reshape(u, [b, u.shape[1] / this.inDim, this.inDim]);
    }
    if (u.rank !== 3) throw new Error(`${who}: input has shape ${fmt(u.shape)}, expected [batch, ${this.inCapsules}, ${this.inDim}]`);
    if (u.shape[2] !== this.inDim) throw new Error(`${who}: input capsules have dimension ${u.shape[2]} (shape ${fmt(u.shape)}), expected ${this.inDim}`);
    if (u.shape[1] !== this.inCapsules) throw new Error(`${who}: input has ${u.shape[1]} capsules (shape ${fmt(u.shape)}), expected ${this.inCapsules}`);
    const { v, couplings } = dynamicRouting(capsulePredictions(u, this.weight), this.routingIterations, { gradient: this.routingGradient });
    this.couplings = couplings;
    return v;
  }

  override describe(): string {
    return `DigitCapsules(${this.inCapsules}×${this.inDim}D→${this.outCapsules}×${this.outDim}D, ${this.routingIterations} routing iterations)`;
  }
}
