// nn.MultiheadAttention, nn.LayerNorm, the transformer layers and positional encodings: PyTorch's
// stateDict keys, finite-difference gradients through the modules (inputs and parameters), the
// causal property, and bad input (clear errors, weights untouched). Values against PyTorch are
// in transformer-torch.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { nn, ops, ready, setBackend, tensor, type Tensor } from "../../src/index.js";
import { expectClose, fdCheck, randomData } from "../gradcheck.js";

const expectFd = (leaves: Tensor[], run: () => Tensor[]) => {
  const r = fdCheck(leaves, run);
  expect(r.worst, r.where).toBeLessThanOrEqual(1);
  expect(r.largest).toBeGreaterThan(1e-3);
};
const input = (shape: number[], seed: number) => tensor(randomData(shape.reduce((a, d) => a * d, 1), seed, -2, 2), shape, { requiresGrad: true });
const weights = (m: nn.AnyModule) => m.parameters().map((p) => p.toArray());

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("stateDict keys equal PyTorch's (listed by torch 1.13)", () => {
      expect(Object.keys(new nn.MultiheadAttention(8, 2).stateDict())).toEqual(["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
      expect(Object.keys(new nn.MultiheadAttention(8, 2, { kdim: 5, vdim: 6 }).stateDict())).toEqual(["q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
      expect(Object.keys(new nn.LayerNorm(8).stateDict())).toEqual(["weight", "bias"]);
      const enc = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
      expect(Object.keys(enc.stateDict())).toEqual([
        "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
        "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
      ]);
      const stack = new nn.TransformerEncoder(enc, 2, { norm: new nn.LayerNorm(8) });
      const keys = Object.keys(stack.stateDict());
      expect(keys.length).toBe(26);
      expect(keys.slice(0, 2)).toEqual(["layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias"]);
      expect(keys.slice(-2)).toEqual(["norm.weight", "norm.bias"]);
      const s = new nn.MultiheadAttention(8, 2).stateDict();
      expect(s.in_proj_weight.shape).toEqual([24, 8]);
      expect(s.in_proj_bias.shape).toEqual([24]);
    });

    it("MultiheadAttention gradient: self-attention with key padding, inputs and every parameter", () => {
      const m = new nn.MultiheadAttention(6, 2, { batchFirst: true });
      const x = input([2, 3, 6], 1);
      const pad = { bool: [false, false, true, false, false, false], shape: [2, 3] };
      expectFd([x, ...m.parameters()], () => [m.forward(x, x, x, { keyPaddingMask: pad })[0]]);
    });
    it("MultiheadAttention gradient: cross-attention, Tq 2 ≠ Tk 4, kdim 3 and vdim 5 ≠ E, additive mask, time-major", () => {
      const m = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5 });
      const [q, k, v] = [input([2, 2, 4], 2), input([4, 2, 3], 3), input([4, 2, 5], 4)];
      const mask = tensor(randomData(8, 5, -1, 1), [2, 4]);
      expectFd([q, k, v, ...m.parameters()], () => [m.forward(q, k, v, { attnMask: mask })[0]]);
    });
    it("TransformerEncoderLayer gradient (pre-norm, gelu, causal)", () => {
      const m = new nn.TransformerEncoderLayer(6, 2, { dimFeedforward: 8, dropout: 0, batchFirst: true, normFirst: true, activation: "gelu" });
      const x = tensor(randomData(2 * 3 * 6, 6, -3, 3), [2, 3, 6], { requiresGrad: true });
      expectFd([x, ...m.parameters()], () => [m.forward(x, { isCausal: true })]);
    });
    it("nn.LayerNorm gradient, weight and bias included", () => {
      const m = new nn.LayerNorm(5);
      m.weight!.set(randomData(5, 7, 0.5, 1.5));
      const x = tensor(randomData(15, 8, -3, 3), [3, 5], { requiresGrad: true });
      expectFd([x, ...m.parameters()], () => [m.forward(x)]);
    });

    it("causality: a causal layer's output at t does not change when tokens after t change", () => {
      const m = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, normFirst: true });
      const a = randomData(6 * 8, 9);
      const b = a.slice();
      for (let i = 4 * 8; i < 6 * 8; i++) b[i] += 1; // change positions 4 and 5
      const ya = m.forward(tensor(a, [1, 6, 8]), { isCausal: true }).toArray();
      const yb = m.forward(tensor(b, [1, 6, 8]), { isCausal: true }).toArray();
      expect(Array.from(yb.subarray(0, 4 * 8))).toEqual(Array.from(ya.subarray(0, 4 * 8)));
      expect(Math.max(...Array.from(yb.subarray(32), (v, i) => Math.abs(v - ya[32 + i])))).toBeGreaterThan(1e-3);
    });

    it("head-averaged weights are rows of probabilities; needWeights false gives null", () => {
      const m = new nn.MultiheadAttention(8, 4, { batchFirst: true });
      const x = input([2, 5, 8], 10);
      const [y, w] = m.forward(x, x, x, { isCausal: true });
      expect(y.shape).toEqual([2, 5, 8]);
      expect(w!.shape).toEqual([2, 5, 5]);
      const wa = w!.toArray();
      for (let r = 0; r < 10; r++) expectClose([wa.subarray(r * 5, r * 5 + 5).reduce((s, v) => s + v, 0)], [1], 1e-6);
      expect(wa[1]).toBe(0); // query 0 cannot see key 1
      expect(m.forward(x, x, x, { needWeights: false })[1]).toBeNull();
    });

    it("positional encodings: sinusoidal values, learned rows added, offsets", () => {
      const pe = new nn.SinusoidalPositionalEncoding(4, 10);
      const x = tensor(new Float32Array(2 * 3 * 4), [2, 3, 4]);
      const y = pe.forward(x, 2).toArray();
      const want = (p: number) => [Math.sin(p), Math.cos(p), Math.sin(p / 100), Math.cos(p / 100)];
      expectClose(y.subarray(0, 12), [2, 3, 4].flatMap(want), 1e-6);
      expectClose(y.subarray(12), [2, 3, 4].flatMap(want), 1e-6);
      expect(Object.keys(pe.stateDict())).toEqual(["pe"]);
      const lp = new nn.LearnedPositionalEncoding(5, 4);
      expect(Object.keys(lp.stateDict())).toEqual(["embedding.weight"]);
      const w = lp.embedding.weight.toArray();
      expect(Array.from(lp.forward(x).toArray().subarray(0, 12))).toEqual(Array.from(w.subarray(0, 12)));
      expect(() => lp.forward(x, 3)).toThrow("LearnedPositionalEncoding(5, 4): positions 3…5 of input [2, 3, 4] go past the 5 this encoding holds");
    });

    it("positional encodings on [T, batch, E] (batchFirst false) add position t's row to every sample at t, with gradients", () => {
      const T = 3, B = 2, E = 4;
      const x = tensor(Array.from({ length: T * B * E }, (_, i) => 0.1 * i), [T, B, E], { requiresGrad: true });
      for (const enc of [new nn.SinusoidalPositionalEncoding(E, 10, { batchFirst: false }), new nn.LearnedPositionalEncoding(10, E, { batchFirst: false })]) {
        const table = (enc instanceof nn.SinusoidalPositionalEncoding ? enc.pe : enc.embedding.weight).toArray();
        const y = enc.forward(x, 1);
        expect(y.shape).toEqual([T, B, E]);
        const got = y.toArray(), xs = x.toArray();
        const want = xs.map((v, i) => v + table[(1 + Math.floor(i / (B * E))) * E + (i % E)]);
        expectClose(got, want, 1e-6);
        const loss = ops.sum(ops.mul(y, y));
        loss.backward();
        expectClose(x.grad!.toArray(), Array.from(got, (v) => 2 * v), 1e-5);
        x.grad = null;
      }
    });

    it("bad input: clear errors naming the layer and the shapes, weights untouched", () => {
      expect(() => new nn.MultiheadAttention(10, 3)).toThrow("MultiheadAttention: embedDim 10 is not divisible by numHeads 3");
      const m = new nn.MultiheadAttention(8, 2, { batchFirst: true });
      const before = weights(m);
      const x = input([2, 5, 8], 11);
      const k = input([2, 4, 8], 12);
      const v = input([2, 3, 8], 13);
      expect(() => m.forward(x, k, v)).toThrow("MultiheadAttention(8, heads=2): key and value have different lengths: key [2, 4, 8], value [2, 3, 8]");
      expect(() => m.forward(x, x, x, { attnMask: tensor(new Float32Array(20), [5, 4]) })).toThrow(
        "MultiheadAttention(8, heads=2): attnMask has shape [5, 4], expected [5, 5] or [4, 5, 5] (batch·numHeads, Tq, Tk)",
      );
      expect(() => m.forward(x, x, x, { keyPaddingMask: { bool: [true, false], shape: [2, 1] } })).toThrow("keyPaddingMask has shape [2, 1], expected [2, 5] (batch, Tk)");
      expect(() => m.forward(input([2, 5, 7], 14), x, x)).toThrow("query has shape [2, 5, 7], expected [batch, T, 8]");
      expect(weights(m)).toEqual(before);
      expect(() => new nn.LayerNorm(4).forward(x)).toThrow("LayerNorm([4], eps=0.00001): input has shape [2, 5, 8], expected [*, 4]");
    });
  });
}
