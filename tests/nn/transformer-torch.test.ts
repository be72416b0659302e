// The transformer layers against PyTorch 1.13: scripts/transformer-fixtures.py fills each
// torch layer with fixed weights, runs fixed inputs and writes the outputs; here the same
// state_dicts load one to one into the wasmnn layers (the keys must match exactly) and the
// outputs must agree to f32 accuracy, on both backends.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { nn, ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose } from "../gradcheck.js";

type Arr = { shape: number[]; data: number[] };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: { cases: Record<string, any> } = JSON.parse(readFileSync(new URL("../fixtures/transformer.json", import.meta.url), "utf8"));
const t = (a: Arr) => tensor(a.data, a.shape);

function load(m: nn.AnyModule, state: Record<string, Arr>): void {
  expect(Object.keys(m.stateDict())).toEqual(Object.keys(state));
  m.loadStateDict(state);
}

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("MultiheadAttention, self-attention with a boolean causal mask and key padding (batchFirst): output and head-averaged weights", () => {
      const c = fx.cases.mha_self;
      const m = new nn.MultiheadAttention(8, 2, { batchFirst: true });
      load(m, c.state);
      const x = t(c.x);
      const [y, w] = m.forward(x, x, x, { attnMask: { bool: c.attn_mask, shape: [5, 5] }, keyPaddingMask: { bool: c.key_padding_mask, shape: [2, 5] } });
      expectClose(y.toArray(), c.y.data, 2e-6, 1e-5);
      expectClose(w!.toArray(), c.w.data, 1e-6, 1e-5);
    });

    it("MultiheadAttention, cross-attention with kdim 3, vdim 6 (time-major): output and per-head weights", () => {
      const c = fx.cases.mha_cross;
      const m = new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 6 });
      load(m, c.state);
      const [y, w] = m.forward(t(c.q), t(c.k), t(c.v), { averageAttnWeights: false });
      expect(w!.shape).toEqual(c.w.shape);
      expectClose(y.toArray(), c.y.data, 2e-6, 1e-5);
      expectClose(w!.toArray(), c.w.data, 1e-6, 1e-5);
    });

    for (const [key, opts] of [
      ["encoder_post_relu", { normFirst: false, activation: "relu" }],
      ["encoder_pre_gelu", { normFirst: true, activation: "gelu" }],
    ] as const) {
      it(`TransformerEncoderLayer (${opts.normFirst ? "pre" : "post"}-norm, ${opts.activation}) with a causal mask`, () => {
        const c = fx.cases[key];
        const m = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, ...opts });
        load(m, c.state);
        const causal = { bool: Array.from({ length: 25 }, (_, i) => i % 5 > Math.floor(i / 5)), shape: [5, 5] };
        expectClose(m.forward(t(c.x), { srcMask: causal }).toArray(), c.y.data, 1e-5, 1e-5);
        // isCausal without a mask builds none (the kernel skips the future): the same numbers.
        expectClose(m.forward(t(c.x), { isCausal: true }).toArray(), c.y.data, 1e-5, 1e-5);
      });
    }

    it("TransformerDecoderLayer with a causal target mask", () => {
      const c = fx.cases.decoder_post_relu;
      const m = new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true });
      load(m, c.state);
      expectClose(m.forward(t(c.tgt), t(c.memory), { tgtIsCausal: true }).toArray(), c.y.data, 1e-5, 1e-5);
    });

    it("LayerNorm over [3, 4], GELU (exact and tanh) and logSoftmax", () => {
      const c = fx.cases.layer_norm;
      const ln = new nn.LayerNorm([3, 4]);
      load(ln, c.state);
      expectClose(ln.forward(t(c.x)).toArray(), c.y.data, 1e-6, 1e-5);
      const g = fx.cases.gelu;
      expectClose(ops.gelu(t(g.x)).toArray(), g.y.data, 1e-6, 1e-5);
      expectClose(ops.gelu(t(g.x), { approximate: "tanh" }).toArray(), g.y_tanh.data, 1e-6, 1e-5);
      expectClose(ops.logSoftmax(t(g.x)).toArray(), g.log_softmax.data, 1e-6, 1e-6);
    });
  });
}
