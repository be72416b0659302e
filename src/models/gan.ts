// The generative adversarial network (Goodfellow et al., 2014): two networks trained against each
// other. The generator G turns random noise z into a sample G(z); the discriminator D looks at a
// sample and outputs a logit for "this came from the data". D learns to tell real from generated,
// G learns to fool D; at the equilibrium of this game G's samples are distributed like the data.
// The training loop that alternates their updates is in src/train/gan.ts.
import { addScalar, mul, sqrt, square, sub } from "../autograd/arithmetic.js";
import { noGrad } from "../autograd/engine.js";
import { mean } from "../autograd/reduce.js";
import { concat } from "../autograd/shape.js";
import { GELU, LeakyReLU, ReLU, Sigmoid, Tanh } from "../nn/activation.js";
import { BatchNorm1d } from "../nn/batchnorm.js";
import { Dropout } from "../nn/dropout.js";
import { Linear } from "../nn/linear.js";
import { freeOnFailure, Module } from "../nn/module.js";
import { Sequential } from "../nn/sequential.js";
import { rng, type Random } from "../tensor/random.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { getBackend } from "../backend/index.js";
import { checkModelOptions, type OptionKeys } from "./options.js";

/** Options of gan: the latent and data sizes and the two MLPs' architecture. */
export interface GanOptions {
  /** Size of the noise vector z fed to the generator. */
  latent: number;
  /** Size of a data sample (2 for points in the plane, 784 for a flattened digit). */
  features: number;
  /** Hidden widths of the generator (default [128, 128]). */
  generatorHidden?: number[];
  /** Hidden widths of the discriminator (default [128, 128]). */
  discriminatorHidden?: number[];
  /** Squashing of the generator's output, to match the data's range (default "linear"; "sigmoid" for pixels in [0, 1]). */
  generatorOutput?: "linear" | "tanh" | "sigmoid";
  /** Generator hidden activation (default "relu"; "leakyRelu" has slope 0.2). */
  generatorActivation?: "relu" | "leakyRelu" | "tanh" | "gelu";
  /**
   * BatchNorm1d after each generator hidden layer, before its activation (default false). Each
   * layer of G then works on a steady scale while D keeps moving its target, and the batch
   * statistics tie the samples of a batch together, which keeps G from collapsing them onto one
   * output. Sampling (eval mode) uses the running estimates.
   */
  generatorBatchNorm?: boolean;
  /**
   * Negative slope of the discriminator's LeakyReLUs (default 0.2, as in DCGAN): D must pass a
   * gradient back to G for every sample, and a dead ReLU passes none.
   */
  discriminatorSlope?: number;
  /**
   * Dropout after each discriminator hidden layer (default 0). On a small data set (8,000 digits) D
   * can memorize the real samples and reject everything else; G then chases a moving handful of
   * modes. Dropout keeps D's judgement smoother.
   */
  discriminatorDropout?: number;
  /**
   * Give the discriminator the minibatch standard deviation (Karras et al., 2018) as one extra input
   * feature (default false): the spread of the batch, averaged over features. A generator that
   * collapses onto a few outputs makes batches with too little spread, which D then sees at once.
   */
  minibatchStdDev?: boolean;
}

/**
 * Appends to each sample one feature: the mean over features of the standard deviation over the
 * batch, s = mean_j √(var_i x[i, j] + 1e-8). [n, f] → [n, f + 1]; differentiable, so G feels it.
 */
export class MinibatchStdDev extends Module {
  forward(x: Tensor): Tensor {
    const centred = sub(x, mean(x, 0, true));
    const s = mean(sqrt(addScalar(mean(square(centred), 0, true), 1e-8)));
    const column = new Tensor(x.backend, [x.shape[0], 1]);
    x.backend.fill(column.ptr, column.size, 1);
    return concat([x, mul(column, s)], 1);
  }
}

const activations = new Map<string, () => Module>([["relu", () => new ReLU()], ["leakyRelu", () => new LeakyReLU(0.2)], ["tanh", () => new Tanh()], ["gelu", () => new GELU()]]);

function checkWidths(op: string, widths: [string, number][]): void {
  for (const [name, v] of widths) if (!Number.isInteger(v) || v <= 0) throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
}

/**
 * A generator and a discriminator, both MLPs. `forward(z)` is the generator; `sample(n)` draws
 * n samples; `discriminator.forward(x)` gives one logit per sample ([n, 1]).
 *
 * @example const g = models.gan({ latent: 2, features: 2 }); const fake = g.forward(g.noise(16)); // [16, 2]
 */
export class GAN extends Module {
  /** G: latent z → a sample of `features` values. */
  readonly generator: Sequential;
  /** D: a sample → one logit, real (high) or generated (low). */
  readonly discriminator: Sequential;
  /** Size of the latent vector z ~ N(0, I). */
  readonly latent: number;
  /** Values in each sample. */
  readonly features: number;

  /** The options it was built with (config.json stores them). */
  /** @param options The options it was built with (config.json stores them). */
  constructor(readonly options: GanOptions) {
    super();
    const gHidden = options.generatorHidden ?? [128, 128];
    const dHidden = options.discriminatorHidden ?? [128, 128];
    checkWidths("gan", [["latent", options.latent], ["features", options.features], ...gHidden.map((h, i): [string, number] => [`generatorHidden[${i}]`, h]), ...dHidden.map((h, i): [string, number] => [`discriminatorHidden[${i}]`, h])]);
    const act = activations.get(options.generatorActivation ?? "relu");
    if (act === undefined) throw new Error(`gan: unknown generatorActivation "${options.generatorActivation}"`);
    const slope = options.discriminatorSlope ?? 0.2;
    if (!(slope >= 0 && slope < 1)) throw new Error(`gan: discriminatorSlope must be in [0, 1), got ${slope}`);
    this.latent = options.latent;
    this.features = options.features;

    const g: Module[] = [];
    let w = options.latent;
    for (const h of gHidden) {
      g.push(new Linear(w, h));
      if (options.generatorBatchNorm) g.push(new BatchNorm1d(h));
      g.push(act());
      w = h;
    }
    g.push(new Linear(w, options.features));
    const out = options.generatorOutput ?? "linear";
    if (out === "tanh") g.push(new Tanh());
    else if (out === "sigmoid") g.push(new Sigmoid());
    else if (out !== "linear") throw new Error(`gan: generatorOutput must be "linear", "tanh" or "sigmoid", got "${String(out)}"`);

    const d: Module[] = [];
    w = options.features;
    if (options.minibatchStdDev) {
      d.push(new MinibatchStdDev());
      w += 1;
    }
    for (const h of dHidden) {
      d.push(new Linear(w, h), new LeakyReLU(slope));
      if (options.discriminatorDropout) d.push(new Dropout(options.discriminatorDropout));
      w = h;
    }
    d.push(new Linear(w, 1));
    this.generator = this.child("generator", new Sequential(...g));
    this.discriminator = this.child("discriminator", new Sequential(...d));
  }

  /** Noise vectors z ~ N(0, I): [n, latent], from `r` (default the global seeded generator). */
  noise(n: number, r: Random = rng()): Tensor {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${this.describe()}: number of samples must be a positive integer, got ${n}`);
    const z = new Tensor(getBackend(), [n, this.latent]);
    const v = z.backend.heap.f32(z.ptr, z.size);
    for (let i = 0; i < v.length; i++) v[i] = r.normal();
    return z;
  }

  /** The generator: z [n, latent] → samples [n, features]. */
  forward(z: Tensor): Tensor {
    if (z.rank !== 2 || z.shape[1] !== this.latent) throw new Error(`${this.describe()}: noise has shape ${fmt(z.shape)}, expected [batch, ${this.latent}]`);
    return this.generator.forward(z);
  }

  /** The discriminator's logits for samples x [n, features] → [n, 1]. */
  discriminate(x: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.features) throw new Error(`${this.describe()}: discriminator input has shape ${fmt(x.shape)}, expected [batch, ${this.features}]`);
    return this.discriminator.forward(x);
  }

  /** n generated samples as a flat array ([n·features] values), in eval mode without a graph. */
  sample(n: number, r: Random = rng()): Float32Array {
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => {
        const z = this.noise(n, r);
        const x = this.forward(z);
        const out = x.toArray();
        z.dispose();
        x.dispose();
        return out;
      });
    } finally {
      this.train(wasTraining);
    }
  }

  override describe(): string {
    return `GAN(z ${this.latent} → ${this.features})`;
  }
}

const GAN_KEYS: OptionKeys<GanOptions> = {
  latent: "required", features: "required", generatorHidden: "optional", discriminatorHidden: "optional",
  generatorOutput: "optional", generatorActivation: "optional", generatorBatchNorm: "optional",
  discriminatorSlope: "optional", discriminatorDropout: "optional", minibatchStdDev: "optional",
};

/**
 * @example
 * const g = models.gan({ latent: 2, features: 2 });                 // the 8-Gaussians ring
 * const history = await fitGan(g, gaussianRing(), { epochs: 50, generatorOptimizer: new optim.Adam(g.generator.parameters()),
 *   discriminatorOptimizer: new optim.Adam(g.discriminator.parameters()) });
 * const points = g.sample(2000);
 */
export function gan(options: GanOptions): GAN {
  checkModelOptions("gan", options, GAN_KEYS);
  return freeOnFailure(() => new GAN(options));
}
