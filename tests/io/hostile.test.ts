// Hostile and broken model files. Each case is a clear error naming the file, the tensor and
// what was expected; loading into an existing model leaves it bit for bit as it was, a failed
// load() leaves no tensor behind, and no size a file claims is allocated before it is checked
// against the real length of the bytes.
import { beforeAll, describe, expect, it } from "vitest";
import { fromSafetensors, getBackend, io, liveTensors, load, loadWeights, manualSeed, models, nn, ready, toFiles, toSafetensors } from "../../src/index.js";

const enc = new TextEncoder();

/** A safetensors file from a header (object or raw text) and data bytes; `claim` overrides the header length. */
function file(header: unknown, data: Uint8Array | number = 0, claim?: bigint): Uint8Array {
  const h = header instanceof Uint8Array ? header : enc.encode(typeof header === "string" ? header : JSON.stringify(header));
  const d = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, claim ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}

const f32 = (shape: number[], begin: number) => ({ dtype: "F32", shape, data_offsets: [begin, begin + 4 * shape.reduce((a, b) => a * b, 1)] });
const floats = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
const bytesOf = (m: nn.Module) => toSafetensors(m);

/** load(files) fails with `message` and leaves no tensor and no heap bytes behind. */
async function refusedCleanly(files: io.ModelFiles, message: string | RegExp): Promise<void> {
  const live = liveTensors();
  const heap = getBackend().heap.bytesInUse;
  await expect(load(files)).rejects.toThrow(message);
  expect(liveTensors()).toBe(live);
  expect(getBackend().heap.bytesInUse).toBe(heap);
}

/** [what, bytes, expected message] for fromSafetensors. */
const catalogue: [string, Uint8Array, string][] = [
  ["an empty file", new Uint8Array(0), "model.safetensors: truncated: 0 bytes, but a safetensors file starts with an 8-byte header length"],
  ["five bytes", new Uint8Array(5), "model.safetensors: truncated: 5 bytes"],
  ["a header length larger than the file", file({ w: f32([1], 0) }, 4, 1000n), "model.safetensors: header length 1000 bytes is larger than the"],
  ["an absurd header length (2⁶³)", file("{}", 0, 2n ** 63n), "model.safetensors: header length 9223372036854775808 bytes is absurd (the limit is 100000000)"],
  ["a header length of 100 MB", file("{}", 0, 100_000_000n), "model.safetensors: header length 100000000 bytes is absurd"],
  ["a header that is not JSON", file("{not json"), "model.safetensors: the header is not valid UTF-8 JSON"],
  ["a header that is not UTF-8", file(Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d)), "model.safetensors: the header is not valid UTF-8 JSON (The encoded data was not valid for encoding utf-8)"],
  ["a header that is an array", file("[1, 2]"), "model.safetensors: the header is an array, expected a JSON object"],
  ["a header that is a number", file("42"), "model.safetensors: the header is number, expected a JSON object"],
  ["a header that is null", file("null"), "model.safetensors: the header is null, expected a JSON object"],
  ["a __proto__ tensor", file(`{"__proto__": ${JSON.stringify(f32([1], 0))}}`, 4), 'model.safetensors: tensor "__proto__": "__proto__" cannot be a tensor name'],
  ["a constructor tensor", file({ constructor: f32([1], 0) }, 4), 'model.safetensors: tensor "constructor": "constructor" cannot be a tensor name'],
  ["a __proto__ metadata key", file(`{"__metadata__": {"__proto__": "x"}}`), 'model.safetensors: "__proto__" cannot be a __metadata__ key'],
  ["metadata that is not strings", file({ __metadata__: { epoch: 3 } }), 'model.safetensors: __metadata__ "epoch" is 3, expected a string'],
  ["duplicate keys", file(`{"w": ${JSON.stringify(f32([1], 0))}, "w": ${JSON.stringify(f32([1], 4))}}`, 8), 'model.safetensors: tensor "w" appears twice in the header'],
  ["a tensor entry that is not an object", file({ w: [1, 2] }), 'model.safetensors: tensor "w": expected an object with dtype, shape and data_offsets, got [1,2]'],
  ["data_offsets past the data", file({ w: f32([2], 0) }, 4), 'model.safetensors: tensor "w": data_offsets [0, 8] go past the 4 bytes of data (truncated file?)'],
  ["data_offsets reversed", file({ w: { dtype: "F32", shape: [1], data_offsets: [4, 0] } }, 4), 'model.safetensors: tensor "w": data_offsets [4, 0] are reversed'],
  ["data_offsets not integers", file({ w: { dtype: "F32", shape: [1], data_offsets: [0, "4"] } }, 4), 'model.safetensors: tensor "w": data_offsets [0,"4"] must be two non-negative integers [begin, end]'],
  ["overlapping tensors", file({ a: f32([2], 0), b: f32([2], 4) }, 12), 'model.safetensors: tensor "b": data_offsets [4, 12] overlap the previous tensor, which ends at 8'],
  ["a gap between tensors", file({ a: f32([1], 0), b: f32([1], 8) }, 12), 'model.safetensors: tensor "b": data_offsets [8, 12] leave a gap of 4 bytes after byte 4'],
  ["trailing bytes after the last tensor", file({ a: f32([1], 0) }, 8), "model.safetensors: the tensors cover 4 bytes of data, but the file has 8 (trailing bytes)"],
  ["a shape whose product does not match the bytes", file({ w: { dtype: "F32", shape: [2, 3], data_offsets: [0, 20] } }, 20), 'model.safetensors: tensor "w": shape [2, 3] of F32 needs 24 bytes, but data_offsets [0, 20] hold 20'],
  ["a huge claimed shape over a small range", file({ w: { dtype: "F32", shape: [2 ** 26, 2 ** 26], data_offsets: [0, 4] } }, 4), 'model.safetensors: tensor "w": shape [67108864, 67108864] of F32 needs 18014398509481984 bytes, but data_offsets [0, 4] hold 4'],
  ["a negative dimension", file({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4), 'model.safetensors: tensor "w": shape [-1] must be a list of non-negative integers'],
  ["a fractional dimension", file({ w: { dtype: "F32", shape: [1.5], data_offsets: [0, 4] } }, 4), 'model.safetensors: tensor "w": shape [1.5] must be a list of non-negative integers'],
  ["a shape that is not a list", file({ w: { dtype: "F32", shape: 4, data_offsets: [0, 16] } }, 16), 'model.safetensors: tensor "w": shape 4 must be a list of non-negative integers'],
  ["an unknown dtype", file({ w: { dtype: "F8_E4M3", shape: [4], data_offsets: [0, 4] } }, 4), 'model.safetensors: tensor "w": dtype "F8_E4M3" is not supported (expected one of F32, F16, BF16, F64, I64)'],
  ["an integer dtype not read (I32)", file({ w: { dtype: "I32", shape: [1], data_offsets: [0, 4] } }, 4), 'model.safetensors: tensor "w": dtype "I32" is not supported'],
  ["NaN in the weights", file({ w: f32([3], 0) }, floats(1, NaN, 2)), 'model.safetensors: tensor "w" holds NaN at index 1; pass allowNonFinite to accept non-finite values'],
  ["Infinity in the weights", file({ w: f32([2], 0) }, floats(-Infinity, 0)), 'model.safetensors: tensor "w" holds -Infinity at index 0'],
  ["an F64 that overflows f32", file({ w: { dtype: "F64", shape: [1], data_offsets: [0, 8] } }, new Uint8Array(Float64Array.of(1e39).buffer)), 'model.safetensors: tensor "w" holds Infinity at index 0 (F64 1e+39 overflows f32)'],
  ["an I64 beyond 2⁵³", file({ n: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, new Uint8Array(BigInt64Array.of(2n ** 60n).buffer)), 'model.safetensors: tensor "n": I64 element 0 is 1152921504606846976, beyond the integers a number holds exactly'],
];

describe("the hostile safetensors catalogue", () => {
  beforeAll(async () => {
    await ready();
  });

  for (const [what, bytes, message] of catalogue) {
    it(what, () => {
      const heap = getBackend().heap.bytesInUse;
      expect(() => fromSafetensors(bytes)).toThrow(message);
      expect(getBackend().heap.bytesInUse).toBe(heap);
    });
  }

  it("non-finite values load when asked for", () => {
    const sd = fromSafetensors(file({ w: f32([3], 0) }, floats(1, NaN, Infinity)), { allowNonFinite: true });
    expect(Array.from(sd.w.data)).toEqual([1, NaN, Infinity]);
  });

  it("a truncated copy of a real model file, at every cut, is an error", () => {
    manualSeed(1);
    const bytes = bytesOf(models.mlp({ inputs: 3, hidden: [4], outputs: 2 }));
    let errors = 0;
    for (let cut = 0; cut < bytes.length; cut += 7) {
      try {
        fromSafetensors(bytes.subarray(0, cut));
      } catch (e) {
        expect((e as Error).message).toMatch(/^model\.safetensors: /);
        errors++;
      }
    }
    expect(errors).toBe(Math.ceil(bytes.length / 7));
  });
});

describe("files that do not fit the model: all-or-nothing", () => {
  const snapshot = (m: nn.Module) => Object.values(m.stateDict()).map((v) => Array.from(new Uint32Array(v.data.buffer)));
  let target: nn.Module;
  let before: number[][];
  beforeAll(async () => {
    await ready();
    manualSeed(2);
    target = models.mlp({ inputs: 4, hidden: [5], outputs: 3 });
    before = snapshot(target);
  });

  it("a file of a different architecture names the missing and unexpected keys", async () => {
    const cnn = bytesOf(models.lenet({ channels: [1, 2] }));
    await expect(loadWeights(target, cnn)).rejects.toThrow("model.safetensors: does not fit the model: Sequential.loadStateDict: unexpected keys 3.weight, 3.bias, 7.weight, 7.bias");
    expect(snapshot(target)).toEqual(before);
  });

  it("the same layers with one shape wrong", async () => {
    const wider = bytesOf(models.mlp({ inputs: 4, hidden: [6], outputs: 3 }));
    await expect(loadWeights(target, wider)).rejects.toThrow('model.safetensors: does not fit the model: Sequential.loadStateDict: "0.weight" has shape [6, 4] with 24 values, expected [5, 4]');
    expect(snapshot(target)).toEqual(before);
  });

  it("a file with one tensor missing, and a good file whose last tensor holds NaN", async () => {
    const sd = models.mlp({ inputs: 4, hidden: [5], outputs: 3 }).stateDict();
    delete (sd as Record<string, unknown>)["2.bias"];
    await expect(loadWeights(target, toSafetensors(sd))).rejects.toThrow('Sequential.loadStateDict: missing key "2.bias" (shape [3])');
    const full = models.mlp({ inputs: 4, hidden: [5], outputs: 3 }).stateDict();
    full["2.bias"].data[2] = NaN;
    await expect(loadWeights(target, toSafetensors(full))).rejects.toThrow('model.safetensors: tensor "2.bias" holds NaN at index 2');
    expect(snapshot(target)).toEqual(before);
  });
});

describe("hostile config.json", () => {
  let files: io.ModelFiles;
  const withConfig = (model: unknown): io.ModelFiles => ({ ...files, "config.json": enc.encode(JSON.stringify({ model })) });
  const layers = (...l: unknown[]) => ({ type: "Sequential", layers: l });
  const linear = (i: number, o: number, extra = {}) => ({ type: "Linear", inFeatures: i, outFeatures: o, bias: true, ...extra });
  beforeAll(async () => {
    await ready();
    manualSeed(3);
    files = toFiles(models.mlp({ inputs: 4, hidden: [5], outputs: 3 }));
  });

  const cases: [string, () => io.ModelFiles, string | RegExp][] = [
    ["not JSON", () => ({ ...files, "config.json": enc.encode("{oops") }), "config.json: not valid UTF-8 JSON"],
    ["no model entry", () => ({ ...files, "config.json": enc.encode("{}") }), 'config.json: has no "model" entry (not a wasmnn config.json?)'],
    ["an unknown layer", () => withConfig(layers(linear(4, 5), { type: "Swish" }, linear(5, 3))), 'config.json: model.layers[1] has unknown layer type "Swish" (known: ReLU, Sigmoid'],
    ["a __proto__ layer type", () => withConfig(layers({ type: "__proto__" })), 'config.json: model.layers[0] has unknown layer type "__proto__"'],
    ["a layer with no type", () => withConfig(layers(linear(4, 5), {}, linear(5, 3))), "config.json: model.layers[1] has unknown layer type undefined"],
    ["a field of the wrong type", () => withConfig(layers(linear(4, "5" as unknown as number), { type: "ReLU" }, linear(5, 3))), 'config.json: model.layers[0] (Linear): "outFeatures" must be an integer ≥ 1, got "5"'],
    ["a negative size", () => withConfig(layers(linear(-4, 5))), 'config.json: model.layers[0] (Linear): "inFeatures" must be an integer ≥ 1, got -4'],
    ["an unknown field", () => withConfig(layers(linear(4, 5, { activation: "relu" }), { type: "ReLU" }, linear(5, 3))), 'config.json: model.layers[0] (Linear): unknown field "activation"'],
    ["layers that are not a list", () => withConfig({ type: "Sequential", layers: "all" }), 'config.json: model (Sequential): "layers" must be a list of layer configs, got "all"'],
    ["sizes that do not match the weights", () => withConfig(layers(linear(4, 3), { type: "ReLU" }, linear(3, 3))), 'model.safetensors: does not fit the model: Sequential.loadStateDict: "0.weight" has shape [5, 4] with 20 values, expected [3, 4]'],
    ["sizes far beyond the file (10⁵ × 10⁵) are refused before allocation", () => withConfig(layers(linear(100000, 100000))), "config.json: model.layers[0] (Linear): a tensor of shape [100000, 100000] (10000000000 values) is more than model.safetensors holds (43 values left)"],
    ["a config nested 100 deep", () => withConfig(Array.from({ length: 100 }).reduce((inner: unknown) => layers(inner), { type: "ReLU" })), /^config\.json: model(\.layers\[0\]){65} is nested more than 64 modules deep$/],
    ["a layer constructor's own check (dropout p = 2)", () => withConfig(layers(linear(4, 5), { type: "Dropout", p: 2 }, linear(5, 3))), "config.json: model.layers[1] (Dropout): Dropout: p must be in [0, 1), got 2"],
  ];
  for (const [what, make, message] of cases) it(what, () => refusedCleanly(make(), message));

  it("a safetensors file without config metadata says how to load it", async () => {
    const sd = models.mlp({ inputs: 2, hidden: [2], outputs: 1 }).stateDict();
    await expect(load(toSafetensors(sd))).rejects.toThrow('model.safetensors: no config.json and no "wasmnn.config" metadata, so the architecture is unknown; build the model in code and call model.loadStateDict(fromSafetensors(bytes))');
  });

  it("a failed fetch, and a source of the wrong kind", async () => {
    await expect(load(new Response("nope", { status: 404, statusText: "Not Found" }))).rejects.toThrow("load: the response for the request is 404 Not Found, not a model file");
    await expect(load(42 as unknown as Uint8Array)).rejects.toThrow("load: expected a path, an ArrayBuffer, a Uint8Array, a Blob, a Response or a map of files, got number");
    await expect(load({ "model.safetensors": "text" } as unknown as io.ModelFiles)).rejects.toThrow('load: file "model.safetensors" is not a Uint8Array');
  });

  it("a custom Module has no config entry: saving its files says so, its weights still save", () => {
    class Custom extends nn.Module {
      readonly fc = this.child("fc", new nn.Linear(2, 2));
      forward(x: Parameters<nn.Linear["forward"]>[0]) {
        return this.fc.forward(x);
      }
    }
    const m = new nn.Sequential(new Custom());
    expect(() => io.moduleConfig(m)).toThrow("config: model.layers[0] is a Custom, which has no config.json entry");
    expect(Object.keys(toFiles(new Custom()))).toEqual(["model.safetensors"]);
  });
});

describe("capsule networks: hostile config.json and files of another architecture", () => {
  const snapshot = (m: nn.Module) => Object.values(m.stateDict()).map((v) => Array.from(new Uint32Array(v.data.buffer)));
  // 17×17 images leave one position after the two 9×9 convolutions: 4 primary capsules of 4D.
  const SMALL = { convChannels: 3, primaryChannels: 4, primaryDim: 4, digitDim: 6, classes: 3, decoder: [16], imageSize: 17 };
  let files: io.ModelFiles;
  const withModel = (model: unknown): io.ModelFiles => ({ ...files, "config.json": enc.encode(JSON.stringify({ model })) });
  const caps = (extra: Record<string, unknown>) => withModel({ type: "CapsNet", ...SMALL, ...extra });
  beforeAll(async () => {
    await ready();
    manualSeed(5);
    files = toFiles(models.capsNet(SMALL));
  });

  const cases: [string, () => io.ModelFiles, string][] = [
    ["an option CapsNet does not have", () => caps({ dropout: 0.1 }), 'config.json: model (CapsNet): unknown field "dropout"'],
    ["no routing iterations", () => caps({ routingIterations: 0 }), 'config.json: model (CapsNet): "routingIterations" must be an integer ≥ 1, got 0'],
    ["an unknown routing gradient", () => caps({ routingGradient: "first" }), 'config.json: model (CapsNet): "routingGradient" must be one of "all", "last", got "first"'],
    ["a decoder that is not a list of widths", () => caps({ decoder: [16, 0] }), 'config.json: model (CapsNet): "decoder" must be a list of integers ≥ 1, got [16,0]'],
    ["images too small for two 9×9 convolutions (the layers built so far are freed)", () => caps({ imageSize: 16 }), "config.json: model (CapsNet): capsNet: images of 16×16 are too small for two 9×9 convolutions"],
    ["the paper's sizes over a small file are refused before allocation", () => withModel({ type: "CapsNet", paper: true }), "config.json: model (CapsNet): a tensor of shape [256, 1, 9, 9] (20736 values) is more than model.safetensors holds"],
    ["capsules of another shape with as many weights", () => caps({ primaryChannels: 8, primaryDim: 2 }), 'model.safetensors: does not fit the model: CapsNet.loadStateDict: "digits.weight" has shape [4, 3, 6, 4] with 288 values, expected [8, 3, 6, 2]'],
    ["DigitCapsules with a routing count that is text", () => withModel({ type: "DigitCapsules", inCapsules: 4, inDim: 4, outCapsules: 3, outDim: 6, routingIterations: "3" }), 'config.json: model (DigitCapsules): "routingIterations" must be an integer ≥ 1, got "3"'],
    ["PrimaryCapsules with a zero kernel", () => withModel({ type: "Sequential", layers: [{ type: "PrimaryCapsules", inChannels: 1, capsuleChannels: 2, capsuleDim: 4, kernelSize: 0 }] }), 'config.json: model.layers[0] (PrimaryCapsules): "kernelSize" must be an integer ≥ 1 or a pair of them, got 0'],
  ];
  for (const [what, make, message] of cases) it(what, () => refusedCleanly(make(), message));

  it("weights of another CapsNet or of a CNN do not load into a CapsNet, which stays bit for bit", async () => {
    manualSeed(6);
    const target = models.capsNet(SMALL);
    const before = snapshot(target);
    const wider = bytesOf(models.capsNet({ ...SMALL, decoder: [20] }));
    await expect(loadWeights(target, wider)).rejects.toThrow('model.safetensors: does not fit the model: CapsNet.loadStateDict: "decoder.0.weight" has shape [20, 18] with 360 values, expected [16, 18]');
    const cnn = bytesOf(models.lenet({ channels: [1, 2] }));
    await expect(loadWeights(target, cnn)).rejects.toThrow("model.safetensors: does not fit the model: CapsNet.loadStateDict: unexpected keys 0.weight");
    expect(snapshot(target)).toEqual(before);
  });
});

describe("transformers: hostile config.json and files of another architecture", () => {
  const GPT = { vocab: 11, context: 6, dim: 8, heads: 2, layers: 2 };
  let gptFiles: io.ModelFiles;
  let encoderFiles: io.ModelFiles;
  const withModel = (files: io.ModelFiles, model: unknown): io.ModelFiles => ({ ...files, "config.json": enc.encode(JSON.stringify({ model })) });
  const gpt = (extra: Record<string, unknown>) => withModel(gptFiles, { type: "GPT", ...GPT, ...extra });
  const encoderLayer = { type: "TransformerEncoderLayer", dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0, activation: "gelu", layerNormEps: 1e-5, batchFirst: true, normFirst: true, bias: true };
  const encoder = (layer: Record<string, unknown>, extra: Record<string, unknown> = {}) => withModel(encoderFiles, { type: "TransformerEncoder", encoderLayer: { ...encoderLayer, ...layer }, numLayers: 2, ...extra });
  beforeAll(async () => {
    await ready();
    manualSeed(7);
    gptFiles = toFiles(models.gpt(GPT));
    encoderFiles = toFiles(new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: "gelu", batchFirst: true, normFirst: true }), 2));
  });

  const cases: [string, () => io.ModelFiles, string][] = [
    ["an option GPT does not have", () => gpt({ hidden: 32 }), 'config.json: model (GPT): unknown field "hidden"'],
    ["heads that are text", () => gpt({ heads: "2" }), 'config.json: model (GPT): "heads" must be an integer ≥ 1, got "2"'],
    ["a tieWeights that is not a boolean", () => gpt({ tieWeights: 1 }), 'config.json: model (GPT): "tieWeights" must be true or false, got 1'],
    ["a width the heads do not divide", () => gpt({ heads: 3 }), "config.json: model (GPT): GPT: dim 8 is not divisible by heads 3 (each head takes dim / heads features)"],
    ["50 layers over a file of 2 are refused before allocation", () => gpt({ layers: 50 }), "config.json: model (GPT): a tensor of shape [24, 8] (192 values) is more than model.safetensors holds (0 values left)"],
    ["vocabulary and context swapped (as many weights)", () => gpt({ vocab: 6, context: 11 }), 'model.safetensors: does not fit the model: GPT.loadStateDict: "wte.weight" has shape [11, 8] with 88 values, expected [6, 8]'],
    ["an encoder layer with a field it does not have", () => encoder({ nheads: 2 }), 'config.json: model.encoderLayer (TransformerEncoderLayer): unknown field "nheads"'],
    ["an encoder layer with an unknown activation", () => encoder({ activation: "swish" }), 'config.json: model.encoderLayer (TransformerEncoderLayer): "activation" must be one of "relu", "gelu", got "swish"'],
    ["an encoder layer of another width", () => encoder({ dModel: 4 }), 'model.safetensors: does not fit the model: TransformerEncoder.loadStateDict: "layers.0.self_attn.in_proj_weight" has shape [24, 8] with 192 values, expected [12, 4]'],
    ["an encoder whose layer is a Linear", () => withModel(encoderFiles, { type: "TransformerEncoder", encoderLayer: { type: "Linear", inFeatures: 8, outFeatures: 8 }, numLayers: 2 }), 'config.json: model (TransformerEncoder): "encoderLayer" must be a TransformerEncoderLayer config, got {"type":"Linear"'],
    ["an encoder of 0 layers", () => encoder({}, { numLayers: 0 }), 'config.json: model (TransformerEncoder): "numLayers" must be an integer ≥ 1, got 0'],
    ["an encoder with a final norm the file does not hold", () => encoder({}, { norm: { type: "LayerNorm", normalizedShape: [8] } }), "config.json: model (TransformerEncoder): a tensor of shape [8] (8 values) is more than model.safetensors holds (0 values left)"],
    ["an encoder whose final norm is a ReLU", () => encoder({}, { norm: { type: "ReLU" } }), 'config.json: model (TransformerEncoder): "norm" must be a LayerNorm config, got {"type":"ReLU"}'],
    ["attention with a kdim of 0", () => withModel(encoderFiles, { type: "MultiheadAttention", embedDim: 8, numHeads: 2, kdim: 0 }), 'config.json: model (MultiheadAttention): "kdim" must be an integer ≥ 1, got 0'],
    ["a layer norm over no axes", () => withModel(encoderFiles, { type: "LayerNorm", normalizedShape: [] }), "config.json: model (LayerNorm): LayerNorm: normalizedShape must be positive integers, got []"],
    ["a sinusoidal encoding of 0 positions", () => withModel(encoderFiles, { type: "SinusoidalPositionalEncoding", dim: 8, maxLen: 0 }), 'config.json: model (SinusoidalPositionalEncoding): "maxLen" must be an integer ≥ 1, got 0'],
    ["a sequence model with a field it does not have", () => withModel(encoderFiles, { type: "SequenceTransformer", symbols: 10, length: 8, dim: 8, heads: 2, layers: 1, dropout: 0.1 }), 'config.json: model (SequenceTransformer): unknown field "dropout"'],
  ];
  for (const [what, make, message] of cases) it(what, () => refusedCleanly(make(), message));
});
