// exportOnnx of the transformer layers and GPT: every exported model runs in ONNX Runtime
// (onnxruntime-web in Node) and gives wasmnn's outputs within 1e-5 on random inputs (random
// weights too, layer norms included), at the exported shape and at another one (batch, and where
// the case says so the sequence length, symbolic). Token-id models take int64 inputs.
import * as ort from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import { exportOnnx, manualSeed, models, nn, noGrad, rand, scope, tensor, type Tensor } from "../../src/index.js";
import { maxDifference, onnxRuntime } from "./onnx-runtime.js";

interface Case {
  name: string;
  build: () => nn.AnyModule;
  shape: number[];
  /** Another input shape to run the same file on (default: the batch doubled plus one). */
  other?: number[];
  dynamicAxes?: number[];
  opset?: number;
  /** Inputs are token ids below this (int64 in ONNX Runtime, unless floatIds), not floats. */
  vocab?: number;
  /** Ids given as floats, the model's input being a float value. */
  floatIds?: boolean;
  /** Exported with isCausal, and wasmnn run with it. */
  causal?: boolean;
  /** wasmnn's forward on x (default model.forward(x), or with { isCausal } for causal cases). */
  forward?: (m: nn.AnyModule, x: Tensor) => Tensor;
}

const selfAttention = (m: nn.AnyModule, x: Tensor, isCausal = false): Tensor => (m as nn.MultiheadAttention).forward(x, x, x, { isCausal, needWeights: false })[0];
const encoderLayer = (d: number, h: number, o: nn.TransformerLayerOptions) => new nn.TransformerEncoderLayer(d, h, { dimFeedforward: 12, ...o });

const cases: Case[] = [
  { name: "LayerNorm (opset 17 LayerNormalization)", build: () => new nn.LayerNorm(6), shape: [2, 3, 6] },
  { name: "LayerNorm (opset 13, ReduceMean formula)", build: () => new nn.LayerNorm(6, { eps: 1e-3 }), shape: [2, 3, 6], opset: 13 },
  { name: "LayerNorm over two axes, no affine (opset 17)", build: () => new nn.LayerNorm([3, 4], { elementwiseAffine: false }), shape: [2, 3, 4] },
  { name: "LayerNorm over two axes, no affine (opset 16)", build: () => new nn.LayerNorm([3, 4], { elementwiseAffine: false }), shape: [2, 3, 4], opset: 16 },
  { name: "LayerNorm without bias, between Linear layers", build: () => new nn.Sequential(new nn.LayerNorm(5, { bias: false }), new nn.Linear(5, 5), new nn.LayerNorm(5, { bias: false })), shape: [3, 5] },
  { name: "LayerNorm without bias, opset 14", build: () => new nn.LayerNorm(5, { bias: false }), shape: [3, 5], opset: 14 },
  { name: "GELU exact and tanh on [batch, T, E] (Erf formula)", build: () => new nn.Sequential(new nn.Linear(4, 6), new nn.GELU(), new nn.Linear(6, 6), new nn.GELU({ approximate: "tanh" })), shape: [2, 3, 4] },
  { name: "GELU exact and tanh, opset 20 Gelu op", build: () => new nn.Sequential(new nn.GELU(), new nn.Linear(6, 6), new nn.GELU({ approximate: "tanh" })), shape: [2, 3, 6], opset: 20 },
  { name: "MultiheadAttention self-attention, [T, batch, E]", build: () => new nn.MultiheadAttention(8, 2), shape: [5, 2, 8], forward: (m, x) => selfAttention(m, x), dynamicAxes: [0, 1], other: [7, 3, 8] },
  { name: "MultiheadAttention self-attention, batchFirst, causal, no bias", build: () => new nn.MultiheadAttention(8, 4, { batchFirst: true, bias: false }), shape: [2, 6, 8], causal: true, forward: (m, x) => selfAttention(m, x, true), dynamicAxes: [0, 1], other: [3, 4, 8] },
  { name: "TransformerEncoderLayer post-norm relu, [T, batch, E]", build: () => encoderLayer(8, 2, {}), shape: [5, 2, 8], dynamicAxes: [1], other: [5, 3, 8] },
  { name: "TransformerEncoderLayer pre-norm gelu, batchFirst, causal", build: () => encoderLayer(8, 2, { normFirst: true, activation: "gelu", batchFirst: true }), shape: [2, 5, 8], causal: true, dynamicAxes: [0, 1], other: [3, 7, 8] },
  { name: "TransformerEncoderLayer post-norm gelu, causal, [T, batch, E]", build: () => encoderLayer(6, 3, { activation: "gelu" }), shape: [4, 2, 6], causal: true, dynamicAxes: [0, 1], other: [6, 1, 6] },
  { name: "TransformerEncoderLayer pre-norm relu, batchFirst, no bias, opset 13", build: () => encoderLayer(8, 4, { normFirst: true, batchFirst: true, bias: false }), shape: [2, 5, 8], opset: 13 },
  {
    name: "TransformerEncoder (3 layers, final norm), causal, opset 20",
    build: () => new nn.TransformerEncoder(encoderLayer(8, 2, { normFirst: true, activation: "gelu", batchFirst: true }), 3, { norm: new nn.LayerNorm(8) }),
    shape: [2, 5, 8], causal: true, opset: 20, dynamicAxes: [0, 1], other: [1, 9, 8],
  },
  { name: "TransformerEncoder (2 post-norm layers, no final norm)", build: () => new nn.TransformerEncoder(encoderLayer(6, 2, {}), 2), shape: [4, 3, 6] },
  { name: "SinusoidalPositionalEncoding (batchFirst)", build: () => new nn.SinusoidalPositionalEncoding(6, 16), shape: [2, 5, 6], dynamicAxes: [0, 1], other: [3, 16, 6] },
  { name: "SinusoidalPositionalEncoding ([T, batch, E])", build: () => new nn.SinusoidalPositionalEncoding(4, 10, { batchFirst: false }), shape: [5, 2, 4], dynamicAxes: [0, 1], other: [3, 3, 4] },
  { name: "LearnedPositionalEncoding (batchFirst)", build: () => new nn.LearnedPositionalEncoding(12, 6), shape: [2, 5, 6], dynamicAxes: [0, 1], other: [3, 12, 6] },
  { name: "LearnedPositionalEncoding ([T, batch, E])", build: () => new nn.LearnedPositionalEncoding(8, 4, { batchFirst: false }), shape: [5, 2, 4], dynamicAxes: [0, 1], other: [8, 3, 4] },
  { name: "Embedding (int64 ids) then Linear", build: () => new nn.Sequential(new nn.Embedding(11, 4), new nn.Linear(4, 3)), shape: [2, 5], vocab: 11, dynamicAxes: [0, 1], other: [3, 2] },
  { name: "Embedding on float ids inside the graph (Cast)", build: () => new nn.Sequential(new nn.Dropout(0.5), new nn.Embedding(7, 3)), shape: [4, 3], vocab: 7, floatIds: true },
  { name: "GPT (tied head)", build: () => models.gpt({ vocab: 13, context: 8, dim: 8, heads: 2, layers: 2 }), shape: [2, 8], vocab: 13, dynamicAxes: [0, 1], other: [3, 5] },
  { name: "GPT (lm_head, dropout off in eval), opset 13", build: () => models.gpt({ vocab: 9, context: 6, dim: 12, heads: 3, layers: 1, tieWeights: false, dropout: 0.2, dimFeedforward: 10 }), shape: [1, 6], vocab: 9, opset: 13 },
  { name: "GPT of train text's size (context 64, dim 96, 4 heads, 3 layers), opset 18", build: () => models.gpt({ vocab: 89, context: 64, dim: 96, heads: 4, layers: 3 }), shape: [1, 64], vocab: 89, opset: 18, dynamicAxes: [0, 1], other: [2, 23] },
  { name: "GPT, opset 20 (LayerNormalization, Gelu)", build: () => models.gpt({ vocab: 10, context: 7, dim: 8, heads: 4, layers: 2 }), shape: [2, 7], vocab: 10, opset: 20, dynamicAxes: [0, 1], other: [1, 3] },
];

async function run(rt: ReturnType<typeof onnxRuntime>, bytes: Uint8Array, x: Float32Array, shape: number[], ids: boolean): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const input = ids ? new ort.Tensor("int64", BigInt64Array.from(x, (v) => BigInt(v)), shape) : new ort.Tensor("float32", x, shape);
  const out = await rt.run(bytes, input);
  return { data: out.data as Float32Array, dims: out.dims };
}

function wasmnn(c: Case, model: nn.AnyModule, x: Float32Array, shape: number[]): { data: Float32Array; dims: number[] } {
  return scope(() =>
    noGrad(() => {
      const t = tensor(x, shape);
      model.eval();
      const y = c.forward ? c.forward(model, t) : (model as nn.Module<[Tensor, { isCausal?: boolean }?]>).forward(t, c.causal ? { isCausal: true } : undefined);
      return { data: y.toArray(), dims: [...y.shape] };
    }),
  );
}

/** Random inputs: ids in [0, vocab), or floats in [−2, 2). */
function inputs(shape: number[], vocab?: number): Float32Array {
  const u = rand(shape).toArray();
  return u.map((v) => (vocab === undefined ? 4 * v - 2 : Math.min(vocab - 1, Math.floor(v * vocab))));
}

describe("exportOnnx of the transformer layers → ONNX Runtime", () => {
  const ortRuntime = onnxRuntime();

  for (const c of cases) {
    it(c.name, async () => {
      manualSeed(5);
      const model = c.build();
      // Every weight random in [−0.5, 0.5), layer norms' γ and β included, so no part is an identity.
      for (const p of model.parameters()) p.set(rand([p.size]).toArray().map((v) => v - 0.5));
      const bytes = await exportOnnx(model, c.shape, { opset: c.opset, dynamicAxes: c.dynamicAxes, isCausal: c.causal });
      const other = c.other ?? [c.shape[0] * 2 + 1, ...c.shape.slice(1)];
      let max = 0;
      for (const shape of [c.shape, other]) {
        const x = inputs(shape, c.vocab);
        const want = wasmnn(c, model, x, shape);
        const got = await run(ortRuntime, bytes, x, shape, c.vocab !== undefined && c.floatIds !== true);
        expect(got.dims).toEqual(want.dims);
        max = Math.max(max, maxDifference(got.data, want.data));
      }
      ortRuntime.record(c.name, max);
      expect(max).toBeLessThan(1e-5);
    });
  }

  it("the causal mask changes the result: the first position of a causal export sees only itself", async () => {
    manualSeed(6);
    const layer = encoderLayer(4, 2, { batchFirst: true, dropout: 0 });
    const x = inputs([1, 3, 4]);
    const [causal, full] = await Promise.all([true, false].map(async (isCausal) => (await run(ortRuntime, await exportOnnx(layer, [1, 3, 4], { isCausal }), x, [1, 3, 4], false)).data));
    // Causal, position 0 sees only itself: the same as a sequence of that one position.
    const alone = (await run(ortRuntime, await exportOnnx(layer, [1, 1, 4]), x.slice(0, 4), [1, 1, 4], false)).data;
    for (let i = 0; i < 4; i++) expect(Math.abs(causal[i] - alone[i])).toBeLessThan(1e-6);
    expect(Math.max(...Array.from(full.slice(0, 4), (v, i) => Math.abs(v - alone[i])))).toBeGreaterThan(1e-3);
  });

  it("layers without a mapping and shapes a layer refuses are errors naming them", async () => {
    await expect(exportOnnx(new nn.TransformerDecoderLayer(4, 2), [3, 1, 4])).rejects.toThrow("exportOnnx: model is a TransformerDecoderLayer, which has no ONNX mapping");
    await expect(exportOnnx(new nn.Sequential(new nn.Embedding(5, 2), new nn.RBF(2, 3)), [1, 3])).rejects.toThrow("exportOnnx: model.1 is a RBF, which has no ONNX mapping");
    await expect(exportOnnx(new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 3 }), [3, 1, 4])).rejects.toThrow(
      "exportOnnx: MultiheadAttention(4, heads=2, kdim=3, vdim=3) is exported as self-attention only, which needs kdim = vdim = embedDim",
    );
    const gpt = models.gpt({ vocab: 5, context: 4, dim: 4, heads: 2, layers: 1 });
    await expect(exportOnnx(gpt, [1, 5])).rejects.toThrow("GPT: a sequence of 5 tokens is longer than the context of 4");
    await expect(exportOnnx(gpt, [1, 2, 4])).rejects.toThrow("GPT: ids have shape [1, 2, 4], expected [batch, T]");
    await expect(exportOnnx(models.mlp({ inputs: 2, hidden: [3], outputs: 1 }), [1, 2], { isCausal: true })).rejects.toThrow("exportOnnx: isCausal is for self-attention, and Sequential has none");
    await expect(exportOnnx(new nn.MultiheadAttention(4, 2), [3, 1, 4], { isCausal: 1 as unknown as boolean })).rejects.toThrow("exportOnnx: isCausal must be true or false, got 1");
    await expect(exportOnnx(new nn.LayerNorm(4), [2, 3])).rejects.toThrow("LayerNorm([4], eps=0.00001): input has shape [2, 3], expected [*, 4]");
  });
});
