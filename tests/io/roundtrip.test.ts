// save → load round trips for every models.* factory and every built-in layer type: the
// rebuilt model has the same config, bit-identical weights and buffers, and the same outputs
// (exactly: same weights, same kernels). A layer whose forward takes more than one tensor
// (attention, decoder layers) is called through `run` on pieces of the one input. Through every source: the files map, one safetensors
// file, an ArrayBuffer, a Blob, a Response, and a directory in Node.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, liveTensors, load, manualSeed, models, nn, noGrad, ops, rand, ready, save, scope, setBackend, tensor, toFiles, toSafetensors, type Tensor } from "../../src/index.js";

interface Case {
  name: string;
  build: () => nn.AnyModule;
  input: () => Tensor;
  /** The outputs compared (default: forward(input)). */
  run?: (m: nn.AnyModule, x: Tensor) => Tensor[];
}

/** Token ids [n, t] below `vocab`, as f32. */
const ids = (n: number, t: number, vocab: number) => () => tensor(Array.from({ length: n }, (_, i) => Array.from({ length: t }, (_, j) => (3 * i + 5 * j + 1) % vocab)));
/** Features [from, to) of x's last axis. */
const part = (x: Tensor, from: number, to: number) => ops.slice(x, x.rank - 1, from, to);
const img = (n: number, c: number, h: number, w: number) => () => rand([n, c, h, w]);
const flat = (n: number, f: number) => () => rand([n, f]);

const cases: Case[] = [
  { name: "models.mlp (dropout, gelu)", build: () => models.mlp({ inputs: 6, hidden: [8, 5], outputs: 3, dropout: 0.2, activation: "gelu" }), input: flat(4, 6) },
  { name: "models.lenet (batch norm, hidden, dropout)", build: () => models.lenet({ batchNorm: true, channels: [3, 4], hidden: [10], dropout: 0.1 }), input: img(2, 1, 28, 28) },
  { name: "models.lenet (tanh, avg pool, padding 2)", build: () => models.lenet({ activation: "tanh", pool: "avg", padding: 2, channels: [2, 3], imageSize: 20, classes: 4 }), input: img(2, 1, 20, 20) },
  { name: "models.autoencoder (dense, denoising)", build: () => models.autoencoder({ inputs: 12, hidden: [8], code: 3, noise: 0.3, activation: "tanh" }), input: flat(3, 12) },
  { name: "models.autoencoder (conv, code, sigmoid)", build: () => models.autoencoder({ kind: "conv", image: [1, 8, 8], channels: [3, 4], code: 5, output: "sigmoid" }), input: img(2, 1, 8, 8) },
  { name: "models.autoencoder (conv, feature-map code)", build: () => models.autoencoder({ kind: "conv", image: [2, 7, 6], channels: [2, 3] }), input: img(2, 2, 7, 6) },
  { name: "models.gan (batch norm, minibatch std, dropout)", build: () => models.gan({ latent: 3, features: 2, generatorHidden: [6], discriminatorHidden: [5], generatorBatchNorm: true, minibatchStdDev: true, discriminatorDropout: 0.1, generatorOutput: "tanh" }), input: flat(4, 3) },
  { name: "models.rbfNetwork (fixed centers)", build: () => models.rbfNetwork({ inputs: 2, centers: 5, outputs: 3, basis: "multiquadric", learnableCenters: false }), input: flat(4, 2) },
  { name: "models.mixtureOfExperts (top 2)", build: () => models.mixtureOfExperts({ inputs: 3, outputs: 2, experts: 3, expertHidden: [4], topK: 2 }), input: flat(5, 3) },
  { name: "models.mlpWithParameters", build: () => models.mlpWithParameters(200, 4, 2), input: flat(3, 4) },
  {
    name: "Sequential of conv layers (same padding, dilation, stride, transposed, adaptive pool, unflatten)",
    build: () => new nn.Sequential(
      new nn.Conv2d(2, 3, [3, 2], { padding: "same", dilation: 2 }), new nn.LeakyReLU(0.1), new nn.Dropout2d(0.3),
      new nn.Conv2d(3, 4, 3, { stride: [2, 1], padding: [1, 0], bias: false }), new nn.BatchNorm2d(4, { momentum: null, eps: 1e-3 }),
      new nn.ConvTranspose2d(4, 2, 2, { stride: 2, outputPadding: [1, 0], dilation: 1 }), new nn.MaxPool2d(2, { stride: 1, padding: 1 }),
      new nn.AvgPool2d([2, 1], { countIncludePad: false, padding: [1, 0] }), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Unflatten([2, 1]), new nn.Flatten(1, 2),
      new nn.BatchNorm1d(2, { affine: false }), new nn.Softmax(1),
    ),
    input: img(2, 2, 9, 8),
  },
  { name: "LSTM (2 layers, bidirectional, batchFirst)", build: () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }), input: () => rand([2, 5, 3]) },
  { name: "GRU (no bias)", build: () => new nn.GRU(3, 4, { bias: false }), input: () => rand([5, 2, 3]) },
  { name: "RNN (relu, 2 layers)", build: () => new nn.RNN(2, 3, { nonlinearity: "relu", numLayers: 2 }), input: () => rand([4, 2, 2]) },
  { name: "LSTMCell", build: () => new nn.LSTMCell(3, 4), input: flat(2, 3) },
  { name: "GRUCell (no bias)", build: () => new nn.GRUCell(3, 4, { bias: false }), input: flat(2, 3) },
  { name: "RNNCell (relu)", build: () => new nn.RNNCell(3, 4, { nonlinearity: "relu" }), input: flat(2, 3) },
  { name: "Embedding + Sigmoid + Tanh + ReLU", build: () => new nn.Sequential(new nn.Embedding(7, 3), new nn.Sigmoid(), new nn.Tanh(), new nn.ReLU()), input: () => tensor([[1, 6], [0, 3]]) },
  { name: "RBF layer (gaussian)", build: () => new nn.RBF(3, 4), input: flat(2, 3) },
  // 9×9 → conv 3×3 → 7×7 → primary capsules 3×3, stride 2, padding 1 → 3 channels × 4×4 = 48 capsules.
  {
    name: "PrimaryCapsules (stride, padding) → DigitCapsules (1 routing iteration, gradient through the last)",
    build: () => new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.PrimaryCapsules(4, 3, 4, 3, { stride: 2, padding: 1 }), new nn.DigitCapsules(48, 4, 5, 6, { routingIterations: 1, routingGradient: "last" })),
    input: img(2, 1, 9, 9),
  },
  {
    name: "models.capsNet (small: 20×20 images, 4 classes, decoder [12], 2 routing iterations)",
    build: () => models.capsNet({ convChannels: 3, primaryChannels: 2, primaryDim: 4, digitDim: 5, classes: 4, routingIterations: 2, decoder: [12], reconstructionWeight: 0.001, imageSize: 20 }),
    input: img(2, 1, 20, 20),
  },
  { name: "LayerNorm over [2, 3] (eps 1e-3)", build: () => new nn.LayerNorm([2, 3], { eps: 1e-3 }), input: () => rand([2, 4, 2, 3]) },
  { name: "LayerNorm (no bias) + LayerNorm (no affine)", build: () => new nn.Sequential(new nn.LayerNorm(5, { bias: false }), new nn.LayerNorm(5, { elementwiseAffine: false })), input: flat(3, 5) },
  {
    name: "MultiheadAttention (self-attention, batchFirst, dropout, weights per head)",
    build: () => new nn.MultiheadAttention(8, 2, { batchFirst: true, dropout: 0.2 }),
    input: () => rand([2, 5, 8]),
    run: (m, x) => { const [y, w] = (m as nn.MultiheadAttention).forward(x, x, x, { averageAttnWeights: false, isCausal: true }); return [y, w!]; },
  },
  {
    name: "MultiheadAttention (kdim 3, vdim 5, no bias, [T, batch, E])",
    build: () => new nn.MultiheadAttention(8, 4, { kdim: 3, vdim: 5, bias: false }),
    input: () => rand([4, 2, 16]),
    run: (m, x) => { const [y, w] = (m as nn.MultiheadAttention).forward(part(x, 0, 8), part(x, 8, 11), part(x, 11, 16)); return [y, w!]; },
  },
  { name: "TransformerEncoderLayer (post-norm, relu, [T, batch, E])", build: () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 12, dropout: 0.1 }), input: () => rand([5, 2, 8]) },
  {
    name: "TransformerDecoderLayer (pre-norm, gelu, batchFirst, no bias, eps 1e-6)",
    build: () => new nn.TransformerDecoderLayer(8, 4, { dimFeedforward: 6, activation: "gelu", normFirst: true, batchFirst: true, bias: false, layerNormEps: 1e-6 }),
    input: () => rand([2, 7, 8]),
    run: (m, x) => [(m as nn.TransformerDecoderLayer).forward(ops.slice(x, 1, 0, 4), ops.slice(x, 1, 4, 7), { tgtIsCausal: true })],
  },
  {
    name: "TransformerEncoder (3 layers, final norm, causal)",
    build: () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, normFirst: true, activation: "gelu" }), 3, { norm: new nn.LayerNorm(8) }),
    input: () => rand([2, 5, 8]),
    run: (m, x) => [(m as nn.TransformerEncoder).forward(x, { isCausal: true })],
  },
  // One layer and no norm: the layer the encoder copies is not paid for from the file's values.
  { name: "TransformerEncoder (1 layer, no norm)", build: () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 1, { dimFeedforward: 8 }), 1), input: () => rand([3, 2, 4]) },
  {
    name: "SinusoidalPositionalEncoding ([T, batch, E], maxLen 10, offset 3)",
    build: () => new nn.SinusoidalPositionalEncoding(6, 10, { batchFirst: false }),
    input: () => rand([4, 2, 6]),
    run: (m, x) => [(m as nn.SinusoidalPositionalEncoding).forward(x, 3)],
  },
  { name: "LearnedPositionalEncoding", build: () => new nn.LearnedPositionalEncoding(7, 4), input: () => rand([2, 5, 4]) },
  { name: "models.gpt (tied)", build: () => models.gpt({ vocab: 11, context: 6, dim: 8, heads: 2, layers: 2 }), input: ids(2, 6, 11) },
  { name: "models.gpt (untied, dropout, feed-forward 12, 1 layer)", build: () => models.gpt({ vocab: 9, context: 5, dim: 8, heads: 4, layers: 1, dropout: 0.1, tieWeights: false, dimFeedforward: 12 }), input: ids(3, 4, 9) },
  { name: "models.sequenceTransformer", build: () => models.sequenceTransformer({ symbols: 5, length: 4, dim: 8, heads: 2, layers: 2 }), input: ids(3, 4, 5) },
];

const bits = (m: nn.Module) => Object.entries(m.stateDict()).map(([k, v]) => [k, Array.from(new Uint32Array(v.data.buffer))]);
const output = (c: Case, m: nn.AnyModule, x: Tensor) => scope(() => noGrad(() => (c.run ? c.run(m.eval(), x) : [(m as nn.Module).eval().forward(x)]).map((t) => Array.from(t.toArray()))));

for (const backend of ["js", "wasm"] as const) {
  describe(`round trips (${backend})`, () => {
    beforeAll(async () => {
      await ready();
      setBackend(backend);
    });

    for (const c of cases) {
      it(c.name, async () => {
        manualSeed(11);
        const model = c.build() as nn.Module;
        // Perturb buffers too (running statistics), so they are not at their initial values.
        for (const [, b] of model.namedBuffers()) if (b.size > 0) b.set(Array.from({ length: b.size }, (_, i) => 1 + i));
        const x = c.input();
        const want = output(c, model, x);
        const files = toFiles(model);
        expect(Object.keys(files).sort()).toEqual(["config.json", "model.safetensors"]);
        const bytes = files["model.safetensors"] as Uint8Array<ArrayBuffer>;
        for (const source of [files, bytes, bytes.slice().buffer, new Blob([bytes]), new Response(bytes)]) {
          const back = await load(source);
          expect(io.moduleConfig(back)).toEqual(io.moduleConfig(model));
          expect(back.training).toBe(false);
          expect(bits(back)).toEqual(bits(model));
          expect(output(c, back, x)).toEqual(want);
        }
        x.dispose();
      });
    }
  });
}

describe("transformer configs", () => {
  const configOf = (m: nn.AnyModule) => JSON.parse(new TextDecoder().decode(toFiles(m)["config.json"]));

  it("GPT's config.json holds every GptOptions field, defaults filled in", async () => {
    await ready();
    manualSeed(1);
    const config = configOf(models.gpt({ vocab: 11, context: 6, dim: 8, heads: 2, layers: 2 }));
    expect(config.architectures).toEqual(["GPT"]);
    expect(config.model).toEqual({ type: "GPT", vocab: 11, context: 6, dim: 8, heads: 2, layers: 2, dropout: 0, tieWeights: true, dimFeedforward: 32 });
  });

  it("a TransformerEncoder holds its layer once, with every option, and its norm", () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
    expect(configOf(new nn.TransformerEncoder(layer, 3, { norm: new nn.LayerNorm(8) })).model).toEqual({
      type: "TransformerEncoder",
      encoderLayer: { type: "TransformerEncoderLayer", dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0.1, activation: "relu", layerNormEps: 1e-5, batchFirst: true, normFirst: false, bias: true },
      numLayers: 3,
      norm: { type: "LayerNorm", normalizedShape: [8], eps: 1e-5, elementwiseAffine: true, bias: true },
    });
    expect(configOf(new nn.MultiheadAttention(8, 4, { kdim: 3 })).model).toEqual({ type: "MultiheadAttention", embedDim: 8, numHeads: 4, bias: true, batchFirst: false, dropout: 0, kdim: 3, vdim: 8 });
  });

  it("fields left out read as PyTorch's defaults", async () => {
    const minimal = async (m: nn.AnyModule, model: Record<string, unknown>) => {
      const back = await load({ ...toFiles(m), "config.json": new TextEncoder().encode(JSON.stringify({ model })) });
      expect(io.moduleConfig(back)).toEqual(io.moduleConfig(m));
    };
    await minimal(new nn.TransformerEncoderLayer(8, 2), { type: "TransformerEncoderLayer", dModel: 8, nhead: 2 });
    await minimal(new nn.TransformerDecoderLayer(8, 2), { type: "TransformerDecoderLayer", dModel: 8, nhead: 2 });
    await minimal(new nn.MultiheadAttention(8, 2), { type: "MultiheadAttention", embedDim: 8, numHeads: 2 });
    await minimal(new nn.LayerNorm(8), { type: "LayerNorm", normalizedShape: [8] });
    await minimal(new nn.SinusoidalPositionalEncoding(4), { type: "SinusoidalPositionalEncoding", dim: 4 });
    await minimal(models.gpt({ vocab: 5, context: 4, dim: 8, heads: 2, layers: 1 }), { type: "GPT", vocab: 5, context: 4, dim: 8, heads: 2, layers: 1 });
  });

  it("models.gpt and load() keep no template layer: the tensors made are the model's own", async () => {
    let before = liveTensors();
    const model = models.gpt({ vocab: 11, context: 6, dim: 8, heads: 2, layers: 3 });
    const own = model.namedParameters().length + model.namedBuffers().length;
    expect(own).toBe(2 + 3 * 12 + 2);
    expect(liveTensors() - before).toBe(own);
    before = liveTensors();
    const back = await load(toFiles(model));
    expect(liveTensors() - before).toBe(own);
    expect(bits(back)).toEqual(bits(model));
  });
});

describe("save and load a directory (Node)", () => {
  const dir = mkdtempSync(join(tmpdir(), "wasmnn-io-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes config.json and model.safetensors, and load(dir) rebuilds the model", async () => {
    await ready();
    manualSeed(2);
    const model = models.lenet({ batchNorm: true, channels: [2, 3] });
    await save(model, join(dir, "lenet"), { metadata: { accuracy: "0.98" } });
    expect(readdirSync(join(dir, "lenet")).sort()).toEqual(["config.json", "model.safetensors"]);
    const config = JSON.parse(await (await import("node:fs/promises")).readFile(join(dir, "lenet", "config.json"), "utf8"));
    expect(config.model_type).toBe("wasmnn");
    expect(config.architectures).toEqual(["Sequential"]);
    expect(config.model.layers[0]).toEqual({ type: "Conv2d", inChannels: 1, outChannels: 2, kernelSize: [5, 5], padding: 0, bias: false });
    const back = await load(join(dir, "lenet"));
    expect(bits(back)).toEqual(bits(model));
    // One file alone also loads: its metadata carries the config.
    const single = await load(join(dir, "lenet", "model.safetensors"));
    expect(bits(single)).toEqual(bits(model));
    expect(io.readSafetensors(toSafetensors(model, { metadata: { accuracy: "0.98" } })).metadata.accuracy).toBe("0.98");
  });

  it("a failed load leaves no tensor behind", async () => {
    const before = liveTensors();
    await expect(load(join(dir, "missing"))).rejects.toThrow(`load: ${join(dir, "missing")} does not exist`);
    const files = toFiles(models.mlp({ inputs: 2, hidden: [3], outputs: 1 }));
    const after = liveTensors();
    const edit = (from: string, to: string) => ({ ...files, "config.json": new TextEncoder().encode(new TextDecoder().decode(files["config.json"]).replace(from, to)) });
    // Sizes the file does not hold are refused before they are allocated ...
    await expect(load(edit('"outFeatures": 1', '"outFeatures": 2'))).rejects.toThrow("config.json: model.layers[2] (Linear): a tensor of shape [2, 3] (6 values) is more than model.safetensors holds (4 values left)");
    // ... and sizes that fit the budget but not the tensors are refused by the weights.
    await expect(load(edit('"inFeatures": 2,\n        "outFeatures": 3', '"inFeatures": 3,\n        "outFeatures": 2'))).rejects.toThrow('model.safetensors: does not fit the model: Sequential.loadStateDict: "0.weight" has shape [3, 2] with 6 values, expected [2, 3]');
    expect(liveTensors()).toBe(after);
    expect(after - before).toBe(4);
  });
});
