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
//
// The convolutional autoencoder (`kind: "conv"`) keeps the image an image: two stride-2 3×3
// convolutions halve it twice (28×28 → 14×14 → 7×7, 16 then 32 feature maps), and two stride-2
// transposed convolutions (src/nn/conv-transpose.ts) double it back. Filters are shared across
// positions, so a stroke is encoded the same way wherever it is, with a fraction of the dense
// model's weights. With `code: k` a dense layer squeezes the 32×7×7 maps into k numbers (and back),
// the same bottleneck as the dense model's; without it the 7×7 maps are the code.
//
//     [1, 28, 28] ─conv s2─▶ [16, 14, 14] ─conv s2─▶ [32, 7, 7] (─▶ k ─▶ [32, 7, 7]) ─convT s2─▶ [16, 14, 14] ─convT s2─▶ [1, 28, 28]
import { add } from "../autograd/arithmetic.js";
import { noGrad } from "../autograd/engine.js";
import { sigmoid } from "../autograd/activation.js";
import { binaryCrossEntropy, mse } from "../autograd/loss.js";
import { reshape } from "../autograd/shape.js";
import { Conv2d } from "../nn/conv.js";
import { ConvTranspose2d } from "../nn/conv-transpose.js";
import { Flatten, Unflatten } from "../nn/flatten.js";
import { GELU, LeakyReLU, ReLU, Sigmoid, Tanh } from "../nn/activation.js";
import { Linear } from "../nn/linear.js";
import { freeOnFailure, Module } from "../nn/module.js";
import { Sequential } from "../nn/sequential.js";
import { Random } from "../tensor/random.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { checkModelOptions, type OptionKeys } from "./options.js";

/**
 * Adds N(0, σ²) noise to its input in training mode and passes it through unchanged in eval
 * mode, like Dropout. The noise comes from its own seeded generator, so a denoising run is
 * reproducible whatever else draws random numbers.
 *
 * @example const noisy = new models.GaussianNoise(0.5).forward(randn([4, 784])); // x + N(0, 0.25) in training, x in eval
 */
export class GaussianNoise extends Module {
  /** The noise generator (checkpoints save its state). */
  readonly rng: Random;

  /**
   * @param std σ of the noise added in training: x + N(0, σ²).
   * @param seed Seeds the layer's own generator.
   */
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

/**
 * x + N(0, σ²) noise from a generator seeded with `seed`: a fixed corrupted copy (test sets).
 *
 * @example const noisy = models.corrupt(new Float32Array(784).fill(0.5), 0.3, 1); // x + N(0, 0.09), seed 1
 */
export function corrupt(x: Float32Array, std: number, seed = 0): Float32Array {
  const r = new Random(seed);
  return x.map((v) => v + r.normal(0, std));
}

/** Options of autoencoder: a dense or a convolutional one. */
export type AutoencoderOptions = DenseAutoencoderOptions | ConvAutoencoderOptions;

interface CommonOptions {
  /** The activation between layers (default "relu"). */
  activation?: "relu" | "leakyRelu" | "tanh" | "sigmoid" | "gelu";
  /** "logits" (default, train with binary cross-entropy) or "sigmoid" (outputs in (0, 1), train with MSE). */
  output?: "logits" | "sigmoid";
  /** σ of the Gaussian noise added to the inputs while training: the denoising autoencoder (default 0). */
  noise?: number;
  /** Seed of the noise generator (default 0). */
  noiseSeed?: number;
}

/** A convolutional autoencoder: strided convolutions down to a code, transposed convolutions back. */
export interface ConvAutoencoderOptions extends CommonOptions {
  /** Selects the convolutional autoencoder. */
  kind: "conv";
  /** One input image, [channels, height, width] (default [1, 28, 28]: an MNIST digit, loadMnist({ shape: "image" })). */
  image?: [number, number, number];
  /** Feature maps of the two stride-2 convolutions (default [16, 32]); the decoder mirrors them. */
  channels?: [number, number];
  /** Size k of a dense code between the feature maps; omitted: the encoder's last feature maps are the code. */
  code?: number;
}

/** A dense autoencoder: Linear layers down to a code of `code` features and back. */
export interface DenseAutoencoderOptions extends CommonOptions {
  /** Selects the dense autoencoder (the default). */
  kind?: "dense";
  /** Input features (default 784, a flattened 28×28 image). */
  inputs?: number;
  /** Widths of the encoder's hidden layers, outermost first; the decoder mirrors them (default [256, 128]). */
  hidden?: number[];
  /** Size k of the code. */
  code: number;
}

const COMMON_KEYS = { activation: "optional", output: "optional", noise: "optional", noiseSeed: "optional" } as const;
const DENSE_KEYS: OptionKeys<DenseAutoencoderOptions> = { ...COMMON_KEYS, kind: "optional", inputs: "optional", hidden: "optional", code: "required" };
const CONV_KEYS: OptionKeys<ConvAutoencoderOptions> = { ...COMMON_KEYS, kind: "required", image: "optional", channels: "optional", code: "optional" };

const activations = { relu: ReLU, leakyRelu: LeakyReLU, tanh: Tanh, sigmoid: Sigmoid, gelu: GELU };
type ActivationClass = (typeof activations)[keyof typeof activations];

/** The layers of one autoencoder and the per-sample shapes they map between. */
interface Layers {
  inputShape: number[];
  codeShape: number[];
  enc: Module[];
  dec: Module[];
}

function positive(values: [string, number][]): void {
  for (const [name, v] of values) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`autoencoder: ${name} must be a positive integer, got ${v}`);
  }
}

function compresses(code: number, inputs: number): void {
  if (code >= inputs) throw new Error(`autoencoder: code size ${code} must be smaller than the ${inputs} inputs, or nothing forces a compression`);
}

/** inputs → hidden… → code → …hidden → inputs, all Linear. */
function denseLayers(options: DenseAutoencoderOptions, Act: ActivationClass): Layers {
  const inputs = options.inputs ?? 784;
  const hidden = options.hidden ?? [256, 128];
  positive([["inputs", inputs], ["code", options.code], ...hidden.map((h, i): [string, number] => [`hidden[${i}]`, h])]);
  compresses(options.code, inputs);
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
  return { inputShape: [inputs], codeShape: [options.code], enc, dec };
}

/** Two stride-2 convolutions down, (a dense code,) two stride-2 transposed convolutions up. */
function convLayers(options: ConvAutoencoderOptions, Act: ActivationClass): Layers {
  const image = options.image ?? [1, 28, 28];
  const channels = options.channels ?? [16, 32];
  if (image.length !== 3) throw new Error(`autoencoder: image must be [channels, height, width], got ${fmt(image)}`);
  if (channels.length !== 2) throw new Error(`autoencoder: channels must be two numbers (the two convolutions' feature maps), got ${fmt(channels)}`);
  positive([["image[0]", image[0]], ["image[1]", image[1]], ["image[2]", image[2]], ["channels[0]", channels[0]], ["channels[1]", channels[1]]]);
  const [c, h, w] = image;
  const [c1, c2] = channels;
  // A 3×3 convolution with stride 2 and padding 1 maps n pixels to ⌈n/2⌉; the transposed one maps
  // m back to 2m − 1 + outputPadding, so an even size needs outputPadding 1 to come back whole.
  const half = (n: number) => Math.ceil(n / 2);
  const extra = (n: number) => (n % 2 === 0 ? 1 : 0);
  const down = { stride: 2, padding: 1 };
  const up = (hTo: number, wTo: number) => ({ stride: 2, padding: 1, outputPadding: [extra(hTo), extra(wTo)] as [number, number] });
  const maps = [c2, half(half(h)), half(half(w))];
  const enc: Module[] = [new Conv2d(c, c1, 3, down), new Act(), new Conv2d(c1, c2, 3, down), new Act()];
  const dec: Module[] = [];
  let codeShape = maps;
  if (options.code !== undefined) {
    positive([["code", options.code]]);
    compresses(options.code, c * h * w);
    const size = maps[0] * maps[1] * maps[2];
    enc.push(new Flatten(), new Linear(size, options.code));
    dec.push(new Linear(options.code, size), new Act(), new Unflatten(maps));
    codeShape = [options.code];
  }
  dec.push(new ConvTranspose2d(c2, c1, 3, up(half(h), half(w))), new Act(), new ConvTranspose2d(c1, c, 3, up(h, w)));
  return { inputShape: [c, h, w], codeShape, enc, dec };
}

/**
 * An autoencoder, dense (inputs → hidden… → code → …hidden → inputs) or convolutional (see the
 * file header). `forward` returns the decoder's output (logits unless `output: "sigmoid"`);
 * `reconstruct` returns pixels. Train it with `fit(ae, data, { loss: ae.loss, ... })` on a data
 * set whose targets are the clean inputs (see `autoencoderData`).
 *
 * @example const ae = models.autoencoder({ code: 32 }); const z = ae.encode(randn([4, 784])); // codes [4, 32]
 */
export class Autoencoder extends Module {
  /** The corruption applied to the input in training (σ = 0 unless denoising). */
  readonly noise: GaussianNoise;
  /** Input → code. */
  readonly encoder: Sequential;
  /** Code → reconstruction. */
  readonly decoder: Sequential;
  /** Dense or convolutional. */
  readonly kind: "dense" | "conv";
  /** One input's shape: [features] (dense) or [channels, height, width] (conv). */
  readonly inputShape: readonly number[];
  /** One code's shape: [k], or the encoder's feature maps for a conv model without a dense code. */
  readonly codeShape: readonly number[];
  /** Numbers per input. */
  readonly inputs: number;
  /** Numbers per code. */
  readonly code: number;
  /** Whether forward gives logits or sigmoid outputs. */
  readonly output: "logits" | "sigmoid";

  /** The options it was built with (config.json stores them). */
  /** @param options The options it was built with, dense or convolutional (config.json stores them). */
  constructor(readonly options: AutoencoderOptions) {
    super();
    const kind = options?.kind ?? "dense";
    if (kind !== "dense" && kind !== "conv") throw new Error(`autoencoder: kind must be "dense" or "conv", got "${String(kind)}"`);
    if (kind === "conv") checkModelOptions<ConvAutoencoderOptions>('autoencoder (kind "conv")', options, CONV_KEYS);
    else checkModelOptions<DenseAutoencoderOptions>("autoencoder", options, DENSE_KEYS);
    const Act = activations[options.activation ?? "relu"];
    if (Act === undefined) throw new Error(`autoencoder: unknown activation "${options.activation}"`);
    const output = options.output ?? "logits";
    if (output !== "logits" && output !== "sigmoid") throw new Error(`autoencoder: output must be "logits" or "sigmoid", got "${String(output)}"`);
    const layers = options.kind === "conv" ? convLayers(options, Act) : denseLayers(options as DenseAutoencoderOptions, Act);
    this.kind = kind;
    this.inputShape = layers.inputShape;
    this.codeShape = layers.codeShape;
    this.inputs = layers.inputShape.reduce((a, d) => a * d, 1);
    this.code = layers.codeShape.reduce((a, d) => a * d, 1);
    this.output = output;
    this.noise = this.child("noise", new GaussianNoise(options.noise ?? 0, options.noiseSeed ?? 0));
    if (output === "sigmoid") layers.dec.push(new Sigmoid());
    this.encoder = this.child("encoder", new Sequential(...layers.enc));
    this.decoder = this.child("decoder", new Sequential(...layers.dec));
  }

  private check(x: Tensor, what: string, shape: readonly number[]): void {
    if (x.rank !== shape.length + 1 || shape.some((d, i) => x.shape[i + 1] !== d)) {
      throw new Error(`${this.describe()}: ${what} has shape ${fmt(x.shape)}, expected [batch, ${shape.join(", ")}]`);
    }
  }

  /** The code z of each input: [batch, ...inputShape] → [batch, ...codeShape]. No noise is added here. */
  encode(x: Tensor): Tensor {
    this.check(x, "input", this.inputShape);
    return this.encoder.forward(x);
  }

  /** The decoder's output for codes z: [batch, ...codeShape] → [batch, ...inputShape] (logits or pixels). */
  decode(z: Tensor): Tensor {
    this.check(z, "code", this.codeShape);
    return this.decoder.forward(z);
  }

  /** Noise (training mode only, when denoising), encode, decode. */
  forward(x: Tensor): Tensor {
    this.check(x, "input", this.inputShape);
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
    if (this.kind === "conv") {
      const code = this.codeShape.length === 1 ? String(this.code) : fmt(this.codeShape);
      return `Autoencoder(conv ${fmt(this.inputShape)}→${code}→${fmt(this.inputShape)}${noise})`;
    }
    return `Autoencoder(${this.inputs}→${this.code}→${this.inputs}${noise})`;
  }
}

/**
 * @example
 * const ae = models.autoencoder({ code: 32 });                // 784-256-128-32-128-256-784
 * const dae = models.autoencoder({ code: 32, noise: 0.5 });   // denoising
 * const cae = models.autoencoder({ kind: "conv", code: 32 }); // [1, 28, 28] images (loadMnist({ shape: "image" }))
 * await fit(ae, autoencoderData(train), { epochs: 10, optimizer: new optim.Adam(ae.parameters()), loss: ae.loss });
 */
export function autoencoder(options: AutoencoderOptions): Autoencoder {
  return freeOnFailure(() => new Autoencoder(options));
}

/**
 * A data set whose targets are its inputs (for training and evaluating autoencoders).
 *
 * @property x The inputs (the noisy ones for a denoising autoencoder).
 * @property y The targets: the clean inputs.
 * @property sampleShape The shape of one input.
 * @property targetShape The shape of one target, the same.
 * @property length The number of samples.
 *
 * @example const d = models.autoencoderData(twoSpirals()); // y = x: targets are the inputs
 */
export function autoencoderData(d: { x: Float32Array; sampleShape: readonly number[]; length: number }, inputs?: Float32Array) {
  const x = inputs ?? d.x;
  if (x.length !== d.x.length) throw new Error(`autoencoderData: ${x.length} input values for ${d.x.length} target values`);
  return { x, y: d.x, sampleShape: d.sampleShape, targetShape: d.sampleShape, length: d.length };
}
