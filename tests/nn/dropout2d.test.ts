// nn.Dropout2d: whole channels zeroed with probability p, the rest scaled by 1/(1 − p); identity in eval.
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, nn, ones, ops, ready, setBackend, tensor } from "../../src/index.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("eval mode and p = 0 are the identity", () => {
      const x = ones([2, 3, 4, 4]);
      expect(new nn.Dropout2d(0.5).eval().forward(x)).toBe(x);
      expect(new nn.Dropout2d(0).forward(x)).toBe(x);
    });

    it("train mode: each (sample, channel) map is all 0 or all 1/(1 − p); ≈ p of 4,000 maps dropped", () => {
      manualSeed(4);
      const p = 0.3;
      const [n, c, hw] = [100, 40, 6];
      const y = new nn.Dropout2d(p).forward(ones([n, c, 2, 3])).toArray();
      const scale = Math.fround(1 / (1 - p));
      let dropped = 0;
      for (let m = 0; m < n * c; m++) {
        const map = y.slice(m * hw, m * hw + hw);
        const first = map[0];
        expect(first === 0 || first === scale).toBe(true);
        expect(map.every((v) => v === first)).toBe(true);
        if (first === 0) dropped++;
      }
      // Binomial(4000, 0.3): σ ≈ 29; a 5σ bound.
      expect(Math.abs(dropped - n * c * p)).toBeLessThan(5 * Math.sqrt(n * c * p * (1 - p)));
    });

    it("the gradient of a dropped map is 0, of a kept one 1/(1 − p)", () => {
      manualSeed(1);
      const x = tensor(new Float32Array(8 * 4 * 3).fill(1), [8, 4, 3], { requiresGrad: true });
      const y = new nn.Dropout2d(0.5).forward(x);
      ops.sum(y).backward();
      expect(x.grad!.toArray()).toEqual(y.toArray());
    });

    it("rejects p outside [0, 1) and inputs without a channel axis", () => {
      expect(() => new nn.Dropout2d(1)).toThrow(/Dropout2d: p must be in \[0, 1\), got 1/);
      expect(() => new nn.Dropout2d(0.5).forward(ones([4, 5]))).toThrow(/^Dropout2d\(p=0.5\): input has shape \[4, 5\], expected \[batch, channels, height, width\]/);
    });
  });
}
