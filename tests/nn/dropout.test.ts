// Dropout: identity in eval mode; in train mode zeroes ≈ p of the values and scales the rest.
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, nn, ops, ready, setBackend, tensor, ones } from "../../src/index.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("eval mode, and p = 0, are the identity", () => {
      const x = tensor([1, 2, 3]);
      const d = new nn.Dropout(0.5).eval();
      expect(d.forward(x)).toBe(x);
      expect(new nn.Dropout(0).forward(x)).toBe(x);
    });

    for (const p of [0.1, 0.3, 0.5, 0.9]) {
      it(`train mode, p = ${p}: zeroes ≈ p of 20,000 values and scales the rest by 1/(1 − p)`, () => {
        manualSeed(3);
        const n = 20000;
        const y = new nn.Dropout(p).forward(ones([100, 200])).toArray();
        const scale = Math.fround(1 / (1 - p));
        let zeros = 0;
        let wrong = 0;
        for (const v of y) {
          if (v === 0) zeros++;
          else if (v !== scale) wrong++;
        }
        expect(wrong, "values neither 0 nor 1/(1 − p)").toBe(0);
        // Binomial(n, p): σ = √(n·p·(1 − p)) ≤ 71; a 5σ bound on the count.
        expect(Math.abs(zeros - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
        // The expectation is kept: mean ≈ 1 (σ of the mean = √(p/(1 − p)/n) ≤ 0.022 for p = 0.9).
        expect(Math.abs(y.reduce((a, b) => a + b, 0) / n - 1)).toBeLessThan(5 * Math.sqrt(p / (1 - p) / n));
      });
    }

    it("is reproducible under manualSeed, and differs across seeds", () => {
      const x = tensor(Float32Array.from({ length: 64 }, (_, i) => i + 1), [8, 8]);
      const d = new nn.Dropout(0.5);
      manualSeed(11);
      const a = d.forward(x).toArray();
      manualSeed(11);
      expect(Array.from(d.forward(x).toArray())).toEqual(Array.from(a));
      manualSeed(12);
      expect(Array.from(d.forward(x).toArray())).not.toEqual(Array.from(a));
      // Survivors are x·2.
      a.forEach((v, i) => expect(v === 0 || v === 2 * (i + 1)).toBe(true));
    });

    it("the gradient is the mask: 0 where dropped, 1/(1 − p) where kept", () => {
      manualSeed(5);
      const x = tensor(Float32Array.from({ length: 50 }, (_, i) => 0.1 * i - 2), [5, 10], { requiresGrad: true });
      const y = new nn.Dropout(0.2).forward(x);
      ops.sum(y).backward();
      const yv = y.toArray();
      const g = x.grad!.toArray();
      const xv = x.toArray();
      for (let i = 0; i < 50; i++) {
        if (xv[i] === 0) continue;
        const kept = yv[i] !== 0;
        expect(g[i]).toBe(kept ? Math.fround(1 / 0.8) : 0);
      }
    });

    it("rejects p outside [0, 1)", () => {
      expect(() => new nn.Dropout(1)).toThrow(/Dropout: p must be in \[0, 1\), got 1/);
      expect(() => new nn.Dropout(-0.1)).toThrow(/Dropout: p must be in \[0, 1\), got -0.1/);
      expect(() => new nn.Dropout(NaN)).toThrow(/got NaN/);
      expect(new nn.Dropout(0.25).describe()).toBe("Dropout(p=0.25)");
    });
  });
}
