// CapsNet (Sabour, Frosst & Hinton, 2017): a convolution finds local features, primary capsules
// group them into small vectors (pieces of strokes and their poses), and routing by agreement
// sends each piece to the digit capsule whose pose its vote agrees with. The length of a digit
// capsule is the probability of that digit; a decoder redraws the digit from its capsule alone,
// which forces the capsule's 16 numbers to describe how the digit looks.
//
//   [N, 1, 28, 28] ─ Conv2d(1→c, 9×9) ─ ReLU ─ PrimaryCapsules(c→p×8D, 9×9, stride 2) ─ squash
//   ─ DigitCapsules(p·6·6×8D → 10×16D, routing) ─ ‖v_k‖ → margin loss
//                                               └ mask (true / longest) ─ FC 512 ─ 1024 ─ 784, sigmoid
import { noGrad } from "../autograd/engine.js";
import { norm } from "../autograd/capsule.js";
import { marginLoss } from "../autograd/margin-loss.js";
import { mse } from "../autograd/loss.js";
import { mul, mulScalar, add } from "../autograd/arithmetic.js";
import { reshape } from "../autograd/shape.js";
import { ReLU, Sigmoid } from "../nn/activation.js";
import { DigitCapsules, PrimaryCapsules } from "../nn/capsule.js";
import { Conv2d } from "../nn/conv.js";
import { Linear } from "../nn/linear.js";
import { freeOnFailure, Module } from "../nn/module.js";
import { Sequential } from "../nn/sequential.js";
import type { RoutingGradient } from "../autograd/capsule.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { checkModelOptions, type OptionKeys } from "./options.js";

/** Sizes of models.capsNet; every one has a default (see capsNet). */
export interface CapsNetOptions {
  /** The paper's sizes: 256 convolution channels and 32 primary capsule channels (1,152 primary capsules). */
  paper?: boolean;
  /** Channels of the first convolution (default 64; the paper: 256). */
  convChannels?: number;
  /** Primary capsule channels (default 8; the paper: 32). */
  primaryChannels?: number;
  /** Dimension of a primary capsule (default 8). */
  primaryDim?: number;
  /** Dimension of a digit capsule (default 16). */
  digitDim?: number;
  /** Digit capsules, one per class (default 10). */
  classes?: number;
  /** Iterations of routing by agreement (default 3). */
  routingIterations?: number;
  /** Where the gradient of routing flows (default "all": see ops.dynamicRouting). */
  routingGradient?: RoutingGradient;
  /** Hidden layers of the decoder (default [512, 1024]). */
  decoder?: number[];
  /** Scale of the reconstruction loss, Σ of squared pixel errors (default 0.0005). */
  reconstructionWeight?: number;
  /** Input images [1, size, size] (default 28). */
  imageSize?: number;
}

/** The parts of the CapsNet loss for one batch. */
export interface CapsNetLoss {
  /** margin + reconstruction, the scalar to backpropagate. */
  loss: Tensor;
  /** The margin loss of the capsule lengths (losses.marginLoss). */
  margin: Tensor;
  /** reconstructionWeight × the sum of squared pixel errors of the decoder, averaged over the batch. */
  reconstruction: Tensor;
  /** Digit capsule lengths [batch, classes]. */
  lengths: Tensor;
}

/**
 * The capsule network. `forward(x)` gives the digit capsule lengths [batch, classes] (the class
 * is the longest); `capsules(x)` the digit capsules themselves [batch, classes, digitDim];
 * `reconstruct(v, labels?)` redraws digits from them; `loss(x, labels)` is what training minimizes.
 *
 * @example const net = models.capsNet(); const lengths = net.forward(randn([2, 1, 28, 28])); // [2, 10]: ‖v_j‖ per class
 */
export class CapsNet extends Module {
  /** The first convolution, 9×9 over the image (ReLU after it). */
  readonly conv1: Conv2d;
  /** The primary capsules: a 9×9, stride-2 convolution read as squashed vectors. */
  readonly primary: PrimaryCapsules;
  /** The digit capsules, one per class, with routing by agreement. */
  readonly digits: DigitCapsules;
  /** The reconstruction network: masked digit capsules → image. */
  readonly decoder: Sequential;
  /** Number of classes (digit capsules). */
  readonly classes: number;
  /** Dimension of a digit capsule. */
  readonly digitDim: number;
  /** Side of the square input images. */
  readonly imageSize: number;
  /** Scale of the reconstruction loss (the paper's 0.0005). */
  readonly reconstructionWeight: number;
  /** The options it was built with (config.json stores them). */
  readonly options: CapsNetOptions;

  constructor(options: CapsNetOptions = {}) {
    super();
    this.options = { ...options, decoder: options.decoder && [...options.decoder] };
    const paper = options.paper === true;
    const c = options.convChannels ?? (paper ? 256 : 64);
    const p = options.primaryChannels ?? (paper ? 32 : 8);
    const pd = options.primaryDim ?? 8;
    this.digitDim = options.digitDim ?? 16;
    this.classes = options.classes ?? 10;
    this.imageSize = options.imageSize ?? 28;
    this.reconstructionWeight = options.reconstructionWeight ?? 0.0005;
    this.conv1 = this.child("conv1", new Conv2d(1, c, 9));
    this.primary = this.child("primary", new PrimaryCapsules(c, p, pd, 9, { stride: 2 }));
    const side = this.imageSize - 8;
    if (side < 9) throw new Error(`capsNet: images of ${this.imageSize}×${this.imageSize} are too small for two 9×9 convolutions`);
    const inCaps = this.primary.capsulesFor(side, side);
    this.digits = this.child("digits", new DigitCapsules(inCaps, pd, this.classes, this.digitDim, {
      routingIterations: options.routingIterations, routingGradient: options.routingGradient,
    }));
    const layers: Module[] = [];
    let width = this.classes * this.digitDim;
    for (const h of options.decoder ?? [512, 1024]) {
      layers.push(new Linear(width, h), new ReLU());
      width = h;
    }
    layers.push(new Linear(width, this.imageSize * this.imageSize), new Sigmoid());
    this.decoder = this.child("decoder", new Sequential(...layers));
  }

  /** The digit capsules v [batch, classes, digitDim] of images [batch, 1, size, size]. */
  capsules(x: Tensor): Tensor {
    const s = this.imageSize;
    if (x.rank !== 4 || x.shape[1] !== 1 || x.shape[2] !== s || x.shape[3] !== s) {
      throw new Error(`CapsNet: input has shape ${fmt(x.shape)}, expected [batch, 1, ${s}, ${s}]`);
    }
    const h = new ReLU().forward(this.conv1.forward(x));
    return this.digits.forward(this.primary.forward(h));
  }

  /** Digit capsule lengths [batch, classes]: each class's probability, independently. */
  forward(x: Tensor): Tensor {
    return norm(this.capsules(x));
  }

  /**
   * The decoder's input: every capsule but one set to zero, [batch, classes·digitDim]. The kept
   * capsule is the true class's when labels are given (training), else the longest (testing).
   */
  mask(v: Tensor, labels?: ArrayLike<number>): Tensor {
    const [b, k, d] = v.shape;
    const keep = labels ?? longest(noGrad(() => norm(v)));
    if (keep.length !== b) throw new Error(`CapsNet.mask: got ${keep.length} labels for a batch of ${b}`);
    const m = new Float32Array(b * k);
    for (let i = 0; i < b; i++) {
      const c = keep[i];
      if (!Number.isInteger(c) || c < 0 || c >= k) throw new Error(`CapsNet.mask: label ${c} at index ${i} is not a class index in [0, ${k - 1}]`);
      m[i * k + c] = 1;
    }
    const mt = new Tensor(v.backend, [b, k, 1]).set(m);
    return reshape(mul(v, mt), [b, k * d]);
  }

  /** Images [batch, size·size] redrawn from the digit capsules (masked as in `mask`). */
  reconstruct(v: Tensor, labels?: ArrayLike<number>): Tensor {
    return this.decoder.forward(this.mask(v, labels));
  }

  /**
   * The training loss of a batch: margin loss on the capsule lengths, plus the reconstruction
   * loss reconstructionWeight·Σ_pixels (x − x̂)² per image (averaged over the batch), the decoder
   * fed the true class's capsule only.
   */
  loss(x: Tensor, labels: ArrayLike<number>): CapsNetLoss {
    const v = this.capsules(x);
    const lengths = norm(v);
    const margin = marginLoss(lengths, labels);
    const recon = this.reconstruct(v, labels);
    const pixels = recon.shape[1];
    // mse is the mean over batch·pixels; the sum over pixels, averaged over the batch, is pixels·mse.
    const reconstruction = mulScalar(mse(recon, reshape(x, recon.shape)), this.reconstructionWeight * pixels);
    return { loss: add(margin, reconstruction), margin, reconstruction, lengths };
  }

  override describe(): string {
    return `CapsNet(${this.conv1.outChannels} conv channels, ${this.primary.capsuleChannels}×${this.primary.capsuleDim}D primary → ${this.classes}×${this.digitDim}D digit capsules)`;
  }
}

/**
 * The index of the longest capsule in each row of lengths [batch, classes].
 *
 * @example longest(tensor([[0.1, 0.9, 0.2], [0.7, 0.3, 0.1]])); // [1, 0]: the predicted class of each row
 */
export function longest(lengths: Tensor): number[] {
  const [b, k] = lengths.shape;
  const l = lengths.toArray();
  return Array.from({ length: b }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (l[i * k + j] > l[i * k + best]) best = j;
    return best;
  });
}

const CAPSNET_KEYS: OptionKeys<CapsNetOptions> = {
  paper: "optional", convChannels: "optional", primaryChannels: "optional", primaryDim: "optional", digitDim: "optional", classes: "optional",
  routingIterations: "optional", routingGradient: "optional", decoder: "optional", reconstructionWeight: "optional", imageSize: "optional",
};

/**
 * A capsule network for MNIST-sized digits. Default: Conv2d(1→64, 9×9) → PrimaryCapsules(8
 * channels × 8D, 9×9, stride 2: 288 capsules) → DigitCapsules(10 × 16D, 3 routing iterations) →
 * decoder 160 → 512 → 1024 → 784. The paper's network (`{ paper: true }`) has 256 convolution
 * channels and 32 primary capsule channels (1,152 capsules): its primary-capsule convolution alone
 * costs 382 MFLOP per image (16× this default's 24) and its whole forward pass 13× this default's
 * 31 MFLOP. The default is shrunk in those two sizes only (64 instead of 256 convolution channels,
 * 8 instead of 32 primary capsule channels), so that 15 epochs over 8,000 digits take about 12
 * minutes of one core (169 samples per CPU second on Wasm, measured) and reach 98.75 % on the
 * held-out 2,000.
 * @example const net = models.capsNet();            // input [batch, 1, 28, 28] → lengths [batch, 10]
 * @example models.capsNet({ paper: true })           // Sabour et al.'s sizes (8.2 M parameters)
 */
export function capsNet(options: CapsNetOptions = {}): CapsNet {
  checkModelOptions("capsNet", options, CAPSNET_KEYS);
  return freeOnFailure(() => new CapsNet(options));
}
