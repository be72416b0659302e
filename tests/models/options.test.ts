// Every model factory refuses an options object it cannot read: not an object, a key it does not
// know (a misspelling would otherwise leave the default silently in place), a required key missing.
import { beforeAll, describe, expect, it } from "vitest";
import { models, ready } from "../../src/index.js";

beforeAll(async () => {
  await ready();
});

const factories: [string, (o: never) => unknown, object, string][] = [
  ["mlp", models.mlp, { inputs: 4, hidden: [3], outputs: 2 }, "inputs, hidden, outputs, activation, dropout"],
  ["lenet", models.lenet, {}, "channels, hidden, padding, imageSize, classes, activation, pool, batchNorm, dropout"],
  ["gpt", models.gpt, { vocab: 5, context: 4, dim: 8, heads: 2, layers: 1 }, "vocab, context, dim, heads, layers, dropout, tieWeights, dimFeedforward"],
  ["sequenceTransformer", models.sequenceTransformer, { symbols: 5, length: 4, dim: 8, heads: 2, layers: 1 }, "symbols, length, dim, heads, layers"],
  ["gan", models.gan, { latent: 2, features: 2 }, "latent, features, generatorHidden"],
  ["mixtureOfExperts", models.mixtureOfExperts, { inputs: 2, outputs: 1 }, "inputs, outputs, experts, expertHidden, gateHidden, topK, activation"],
  ["capsNet", models.capsNet, {}, "paper, convChannels, primaryChannels"],
  ["rbfNetwork", models.rbfNetwork, { inputs: 1, centers: 3, outputs: 1 }, "inputs, centers, outputs, basis"],
  ["autoencoder", models.autoencoder, { code: 4, inputs: 8, hidden: [6] }, "activation, output, noise, noiseSeed, kind, inputs, hidden, code"],
];

describe("model options", () => {
  for (const [name, make, good, takes] of factories) {
    it(`${name}: an unknown or misspelt key is refused, naming it and the keys ${name} takes`, () => {
      expect(() => make({ ...good, hiden: [3] } as never)).toThrow(new RegExp(`^${name}: unknown option "hiden"; ${name} takes ${takes}`));
      expect(() => make(null as never)).toThrow(new RegExp(`^${name}: options must be an object, got null`));
      expect(() => make([1, 2] as never)).toThrow(new RegExp(`^${name}: options must be an object, got an array`));
      expect(make(good as never)).toBeTruthy();
    });
  }

  it("a required key that is missing is named", () => {
    expect(() => models.mlp({ inputs: 4, outputs: 2 } as never)).toThrow(/^mlp: option "hidden" is required; mlp takes inputs, hidden, outputs, activation, dropout$/);
    expect(() => models.gpt({ vocab: 5, context: 4, dim: 8, heads: 2 } as never)).toThrow(/^gpt: option "layers" is required/);
    expect(() => models.autoencoder({} as never)).toThrow(/^autoencoder: option "code" is required/);
    expect(() => models.mlp({ inputs: 4, hidden: 3, outputs: 2 } as never)).toThrow(/^mlp: hidden must be an array of layer widths such as \[128\], got number$/);
  });

  it("the convolutional autoencoder takes its own keys", () => {
    expect(() => models.autoencoder({ kind: "conv", hidden: [3] } as never)).toThrow(/^autoencoder \(kind "conv"\): unknown option "hidden"; autoencoder \(kind "conv"\) takes activation, output, noise, noiseSeed, kind, image, channels, code$/);
  });
});
