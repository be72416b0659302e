// models.gpt: causality, the key/value cache giving exactly the tokens full recomputation gives
// (inside the context and past it), keys, and bad input (errors, weights untouched).
import { beforeAll, describe, expect, it } from "vitest";
import { models, ready, Random, setBackend } from "../../src/index.js";
import { expectClose } from "../gradcheck.js";

const config = { vocab: 11, context: 8, dim: 16, heads: 4, layers: 2 };

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("is causal: logits at t do not change when tokens after t change", () => {
      const m = models.gpt(config);
      const a = [1, 5, 2, 7, 3, 9, 0, 4];
      const b = [1, 5, 2, 7, 10, 10, 10, 10];
      const la = m.logits(a, 1, 8).toArray();
      const lb = m.logits(b, 1, 8).toArray();
      expect(Array.from(lb.subarray(0, 4 * 11))).toEqual(Array.from(la.subarray(0, 4 * 11)));
      expect(Math.max(...Array.from(lb.subarray(44), (v, i) => Math.abs(v - la[44 + i])))).toBeGreaterThan(1e-4);
    });

    it("generate with the key/value cache gives exactly the tokens of full recomputation, within and past the context", () => {
      const m = models.gpt(config);
      for (const o of [{ temperature: 1 }, { temperature: 0.8, topK: 3 }, { topK: 1 }]) {
        const cached = m.generate([3, 1, 4], 14, { ...o, rng: new Random(5) });
        const full = m.generate([3, 1, 4], 14, { ...o, rng: new Random(5), cache: false });
        expect(cached).toEqual(full);
        expect(cached.length).toBe(14);
        expect(cached.every((t) => Number.isInteger(t) && t >= 0 && t < 11)).toBe(true);
      }
    });

    it("the cached step's logits equal the full forward's at every position", () => {
      const m = models.gpt(config);
      const ids = [2, 7, 1, 8, 2, 8];
      const full = m.logits(ids, 1, 6).toArray();
      // generate's first token after a prefix is sampled from the last row: compare rows through topK 1.
      for (let t = 1; t <= 6; t++) {
        const row = full.subarray((t - 1) * 11, t * 11);
        const argmax = row.indexOf(Math.max(...row));
        expect(m.generate(ids.slice(0, t), 1, { topK: 1 })).toEqual([argmax]);
      }
      expectClose(m.logits(ids.slice(0, 3), 1, 3).toArray(), full.subarray(0, 33), 1e-6, 1e-6);
    });

    it("windowedBits predicts every token once; one window equals the mean cross-entropy of the logits", () => {
      const m = models.gpt(config);
      const ids = Int32Array.from({ length: 30 }, (_, i) => (i * 7) % 11);
      expect(models.windowedBits(m, ids, 4).chars).toBe(29);
      const one = ids.subarray(0, 9);
      const logits = m.logits(one.subarray(0, 8), 1, 8).toArray();
      let nats = 0;
      for (let t = 0; t < 8; t++) {
        const row = Array.from(logits.subarray(t * 11, t * 11 + 11));
        const mx = Math.max(...row);
        nats += mx + Math.log(row.reduce((a, v) => a + Math.exp(v - mx), 0)) - row[one[t + 1]];
      }
      expectClose([models.windowedBits(m, one, 4).bits], [nats / 8 / Math.LN2], 1e-5, 1e-5);
    });

    it("stateDict keys: token and position embeddings, PyTorch-named blocks, tied output", () => {
      const keys = Object.keys(models.gpt(config).stateDict());
      expect(keys.slice(0, 3)).toEqual(["wte.weight", "wpe.embedding.weight", "encoder.layers.0.self_attn.in_proj_weight"]);
      expect(keys.slice(-2)).toEqual(["encoder.norm.weight", "encoder.norm.bias"]);
      expect(keys).not.toContain("lm_head.weight");
      expect(Object.keys(models.gpt({ ...config, tieWeights: false }).stateDict())).toContain("lm_head.weight");
    });

    it("bad input: a sequence longer than the context, a token outside the vocabulary; weights untouched", () => {
      const m = models.gpt(config);
      const before = m.parameters().map((p) => p.toArray());
      expect(() => m.logits(new Array(9).fill(1), 1, 9)).toThrow("GPT: a sequence of 9 tokens is longer than the context of 8");
      expect(() => m.logits([1, 2, 11, 3], 1, 4)).toThrow("GPT: token id 11 at position 2 is outside the vocabulary [0, 11)");
      expect(() => m.generate([1, -1], 3)).toThrow("GPT: token id -1 at position 1 is outside the vocabulary [0, 11)");
      expect(() => m.generate([], 3)).toThrow("GPT.generate: the prompt is empty");
      expect(() => models.gpt({ ...config, heads: 3 })).toThrow("GPT: dim 16 is not divisible by heads 3 (each head takes dim / heads features)");
      expect(m.parameters().map((p) => p.toArray())).toEqual(before);
    });
  });
}
