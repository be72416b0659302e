// config.json entries of the ready-made architectures (src/models/). models.mlp and models.lenet
// build a plain Sequential, described layer by layer (src/io/layers.ts); the classes below are
// described by the options of their factory, field by field, so each is checked on loading.
import { Autoencoder, GaussianNoise, type AutoencoderOptions } from "../models/autoencoder.js";
import { GAN, MinibatchStdDev, type GanOptions } from "../models/gan.js";
import { RbfNetwork } from "../models/rbf.js";
import { CapsNet, type CapsNetOptions } from "../models/capsnet.js";
import type { BasisName } from "../nn/rbf.js";
import { registerLayer, type ConfigReader, type Json } from "./config.js";

const ACTIVATIONS = ["relu", "leakyRelu", "tanh", "sigmoid", "gelu"] as const;

/** Copy the options that are set: absent ones keep the factory's default when loaded. */
export function setFields(o: object): Record<string, Json> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, Json>;
}

/** The optional fields of c that are present, read with their readers. */
export function optional(c: ConfigReader, readers: Record<string, (field: string) => unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(readers).filter(([k]) => c.has(k)).map(([k, read]) => [k, read(k)]));
}

registerLayer({
  type: "GaussianNoise", cls: GaussianNoise,
  toConfig: (m) => ({ std: m.std }),
  fromConfig: (c) => new GaussianNoise(c.number("std")),
  generators: (m) => [m.rng],
});
registerLayer({ type: "MinibatchStdDev", cls: MinibatchStdDev, toConfig: () => ({}), fromConfig: () => new MinibatchStdDev() });

registerLayer({
  type: "Autoencoder", cls: Autoencoder,
  toConfig: (m) => setFields({ ...m.options, kind: m.kind }),
  fromConfig: (c) => {
    const common = optional(c, {
      activation: (f) => c.choice(f, ACTIVATIONS),
      output: (f) => c.choice(f, ["logits", "sigmoid"] as const),
      noise: (f) => c.number(f),
      noiseSeed: (f) => c.int(f, 0),
    });
    if (c.choice("kind", ["dense", "conv"] as const) === "conv") {
      const conv = optional(c, { image: (f) => c.ints(f, 1, 3), channels: (f) => c.ints(f, 1, 2), code: (f) => c.int(f) });
      return new Autoencoder({ kind: "conv", ...common, ...conv } as AutoencoderOptions);
    }
    const dense = optional(c, { inputs: (f) => c.int(f), hidden: (f) => c.ints(f) });
    return new Autoencoder({ kind: "dense", ...common, ...dense, code: c.int("code") } as AutoencoderOptions);
  },
});

registerLayer({
  type: "GAN", cls: GAN,
  toConfig: (m) => setFields(m.options),
  fromConfig: (c) => new GAN({
    latent: c.int("latent"),
    features: c.int("features"),
    ...optional(c, {
      generatorHidden: (f) => c.ints(f),
      discriminatorHidden: (f) => c.ints(f),
      generatorOutput: (f) => c.choice(f, ["linear", "tanh", "sigmoid"] as const),
      generatorActivation: (f) => c.choice(f, ["relu", "leakyRelu", "tanh", "gelu"] as const),
      generatorBatchNorm: (f) => c.bool(f),
      discriminatorSlope: (f) => c.number(f),
      discriminatorDropout: (f) => c.number(f),
      minibatchStdDev: (f) => c.bool(f),
    }),
  } as GanOptions),
});

registerLayer({
  type: "RbfNetwork", cls: RbfNetwork,
  // The k-means initialization (data, seed, widthScale) is not part of the architecture: the
  // centers and widths it chose are in the weights.
  toConfig: (m) => setFields({ inputs: m.options.inputs, centers: m.options.centers, outputs: m.options.outputs, basis: m.rbf.basis, learnableCenters: m.options.learnableCenters, learnableWidths: m.options.learnableWidths }),
  fromConfig: (c) => new RbfNetwork({
    inputs: c.int("inputs"),
    centers: c.int("centers"),
    outputs: c.int("outputs"),
    basis: c.choice<BasisName>("basis", ["gaussian", "multiquadric", "inverseMultiquadric"], "gaussian"),
    ...optional(c, { learnableCenters: (f) => c.bool(f), learnableWidths: (f) => c.bool(f) }),
  }),
});

registerLayer({
  type: "CapsNet", cls: CapsNet,
  // The options as given ({ paper: true } stays that, not the sizes it stands for); the
  // convolution, capsule layers and decoder follow from them.
  toConfig: (m) => setFields(m.options),
  fromConfig: (c) => new CapsNet(optional(c, {
    paper: (f) => c.bool(f),
    convChannels: (f) => c.int(f),
    primaryChannels: (f) => c.int(f),
    primaryDim: (f) => c.int(f),
    digitDim: (f) => c.int(f),
    classes: (f) => c.int(f),
    routingIterations: (f) => c.int(f),
    routingGradient: (f) => c.choice(f, ["all", "last"] as const),
    decoder: (f) => c.ints(f),
    reconstructionWeight: (f) => c.number(f),
    imageSize: (f) => c.int(f),
  }) as CapsNetOptions),
});
