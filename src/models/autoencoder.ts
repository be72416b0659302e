// The autoencoder: an encoder squeezes each input through a narrow code of k numbers, and a
// decoder rebuilds the input from the code alone. Trained to reproduce its own input, the network
// must keep in those k numbers what matters most about the data: the code is a learned
// compression (k = 32 for a 784-pixel digit), a map of the data set (k = 2, one point per digit),
// and, when the inputs are corrupted by noise but the targets are the clean originals (the
// denoising autoencoder, Vincent et al., 2008), a learned noise filter.
//
//     x ──encoder──▶ z (k numbers) ──decoder──▶ x̂ ≈ x
//
// The decoder ends in logits by default: σ(logits) are the pixels, and training uses binary
// cross-entropy on the logits. Its gradient with respect to a logit is σ(logit) − target, so a
// pixel that is wrong gets a full-size correction even when its logit is deep in the sigmoid's
// flat tails; with a sigmoid followed by MSE, the same gradient is multiplied by σ′ ≈ 0 there,
// and most MNIST pixels sit at exactly 0 or 1, exactly where σ′ vanishes. (`output: "sigmoid"`
// gives the other pairing, trained with MSE, for comparison.)
import { add } from "../autograd/arithmetic.js";
import { noGrad } from "../autograd/engine.js";
import { sigmoid } from "../autograd/activation.js";
import { binaryCrossEntropy, mse } from "../autograd/loss.js";
import { GELU, LeakyReLU, ReLU, Sigmoid, Tanh } from "../nn/activation.js";
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import { Sequential } from "../nn/sequential.js";
import { Random } from "../tensor/random.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Adds N(0, σ²) noise to its input in training mode and passes it through unchanged in eval
 * mode, like Dropout. The noise comes from its own seeded generator, so a denoising run is
 * reproducible whatever else draws random numbers.
 */
export class GaussianNoise extends Module {
  private readonly rng: Random;

  constructor(readonly std: number, seed = 0) {
    super();
    if (!(std >= 0) || !Number.isFinite(std)) throw new Error(`GaussianNoise: std must be a finite number ≥ 0, got ${std}`);
    this.rng = new Random(seed);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.std === 0) return x;
    const noise = new Tensor(x.backend, x.shape);
    const v = noise.backend.heap.f32(noise.ptr, noise.size);
    for (let i = 0; i < v.length; i++) v[i] = this.rng.normal(0, this.std);
    return add(x, noise);
  }

  override describe(): string {
    return `GaussianNoise(σ=${this.std})`;
  }
}

/** x + N(0, σ²) noise from a generator seeded with `seed`: a fixed corrupted copy (test sets). */
export function corrupt(x: Float32Array, std: number, seed = 0): Float32Array {
  const r = new Random(seed);
  return x.map((v) => v + r.normal(0, std));
}

export interface AutoencoderOptions {
  /** Input features (default 784, a flattened 28×28 image). */
  inputs?: number;
  /** Widths of the encoder's hidden layers, outermost first; the decoder mirrors them (default [256, 128]). */
  hidden?: number[];
  /** Size k of the code. */
  code: number;
  activation?: "relu" | "leakyRelu" | "tanh" | "sigmoid" | "gelu";
  /** "logits" (default, train with binary cross-entropy) or "sigmoid" (outputs in (0, 1), train with MSE). */
  output?: "logits" | "sigmoid";
  /** σ of the Gaussian noise added to the inputs while training: the denoising autoencoder (default 0). */
  noise?: number;
  /** Seed of the noise generator (default 0). */
  noiseSeed?: number;
}

const activations = { relu: ReLU, leakyRelu: LeakyReLU, tanh: Tanh, sigmoid: Sigmoid, gelu: GELU };

/**
 * A dense autoencoder: inputs → hidden… → code → …hidden → inputs. `forward` returns the
 * decoder's output (logits unless `output: "sigmoid"`); `reconstruct` returns pixels.
 * Train it with `fit(ae, data, { loss: ae.loss, ... })` on a data set whose targets are the
 * clean inputs (see `autoencoderData`).
 */
export class Autoencoder extends Module {
  readonly noise: GaussianNoise;
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  readonly inputs: number;
  readonly code: number;
  readonly output: "logits" | "sigmoid";

  constructor(options: AutoencoderOptions) {
    super();
    const inputs = options.inputs ?? 784;
    const hidden = options.hidden ?? [256, 128];
    const Act = activations[options.activation ?? "relu"];
    if (Act === undefined) throw new Error(`autoencoder: unknown activation "${options.activation}"`);
    for (const [name, v] of [["inputs", inputs], ["code", options.code], ...hidden.map((h, i) => [`hidden[${i}]`, h] as const)] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`autoencoder: ${name} must be a positive integer, got ${v}`);
    }
    if (options.code >= inputs) throw new Error(`autoencoder: code size ${options.code} must be smaller than the ${inputs} inputs, or nothing forces a compression`);
    const output = options.output ?? "logits";
    if (output !== "logits" && output !== "sigmoid") throw new Error(`autoencoder: output must be "logits" or "sigmoid", got "${String(output)}"`);
    this.inputs = inputs;
    this.code = options.code;
    this.output = output;
    this.noise = this.child("noise", new GaussianNoise(options.noise ?? 0, options.noiseSeed ?? 0));

    const widths = [inputs, ...hidden, options.code];
    const enc: Module[] = [];
    for (let i = 0; i + 1 < widths.length; i++) {
      enc.push(new Linear(widths[i], widths[i + 1]));
      // The code itself stays linear: an activation there would only restrict where codes can lie.
      if (i + 2 < widths.length) enc.push(new Act());
    }
    const back = [...widths].reverse();
    const dec: Module[] = [];
    for (let i = 0; i + 1 < back.length; i++) {
      dec.push(new Linear(back[i], back[i + 1]));
      if (i + 2 < back.length) dec.push(new Act());
    }
    if (output === "sigmoid") dec.push(new Sigmoid());
    this.encoder = this.child("encoder", new Sequential(...enc));
    this.decoder = this.child("decoder", new Sequential(...dec));
  }

  private check(x: Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== this.inputs) throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected [batch, ${this.inputs}]`);
  }

  /** The code z of each input: [batch, inputs] → [batch, code]. No noise is added here. */
  encode(x: Tensor): Tensor {
    this.check(x);
    return this.encoder.forward(x);
  }

  /** The decoder's output for codes z: [batch, code] → [batch, inputs] (logits or pixels). */
  decode(z: Tensor): Tensor {
    if (z.rank !== 2 || z.shape[1] !== this.code) throw new Error(`${this.describe()}: code has shape ${fmt(z.shape)}, expected [batch, ${this.code}]`);
    return this.decoder.forward(z);
  }

  /** Noise (training mode only, when denoising), encode, decode. */
  forward(x: Tensor): Tensor {
    this.check(x);
    return this.decoder.forward(this.encoder.forward(this.noise.forward(x)));
  }

  /** The decoder's output as pixels in (0, 1). */
  toPixels(out: Tensor): Tensor {
    return this.output === "logits" ? sigmoid(out) : out;
  }

  /** Reconstructions (pixels) of x, in eval mode and without a graph. */
  reconstruct(x: Tensor): Tensor {
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => this.toPixels(this.forward(x)));
    } finally {
      this.train(wasTraining);
    }
  }

  /** The training loss that suits the output: binary cross-entropy on logits, or MSE on sigmoid pixels. */
  readonly loss = (out: Tensor, target: Tensor): Tensor => (this.output === "logits" ? binaryCrossEntropy(out, target) : mse(out, target));

  /** Mean squared error per pixel between the reconstruction and the target (for evaluate). */
  readonly pixelMse = (out: Tensor, target: Tensor): Tensor => mse(this.toPixels(out), target);

  override describe(): string {
    const noise = this.noise.std > 0 ? `, denoising σ=${this.noise.std}` : "";
    return `Autoencoder(${this.inputs}→${this.code}→${this.inputs}${noise})`;
  }
}

/**
 * @example
 * const ae = models.autoencoder({ code: 32 });                // 784-256-128-32-128-256-784
 * const dae = models.autoencoder({ code: 32, noise: 0.5 });   // denoising
 * await fit(ae, autoencoderData(train), { epochs: 10, optimizer: new optim.Adam(ae.parameters()), loss: ae.loss });
 */
export function autoencoder(options: AutoencoderOptions): Autoencoder {
  return new Autoencoder(options);
}

/** A data set whose targets are its inputs (for training and evaluating autoencoders). */
export function autoencoderData(d: { x: Float32Array; sampleShape: readonly number[]; length: number }, inputs?: Float32Array) {
  const x = inputs ?? d.x;
  if (x.length !== d.x.length) throw new Error(`autoencoderData: ${x.length} input values for ${d.x.length} target values`);
  return { x, y: d.x, sampleShape: d.sampleShape, targetShape: d.sampleShape, length: d.length };
}
