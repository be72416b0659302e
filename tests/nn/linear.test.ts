// Linear: y = x·Wᵀ + b, checked by hand, by float64, and by finite differences.
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, nn, ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("holds weight [out, in] and bias [out] as parameters", () => {
      const fc = new nn.Linear(5, 3);
      expect(fc.weight.shape).toEqual([3, 5]);
      expect(fc.bias!.shape).toEqual([3]);
      expect(fc.weight.requiresGrad && fc.bias!.requiresGrad).toBe(true);
      expect(fc.parameters()).toEqual([fc.weight, fc.bias]);
      expect(fc.parameterCount()).toBe(18);
      expect(fc.weight.backend.name).toBe(name);
      const nb = new nn.Linear(5, 3, { bias: false });
      expect(nb.bias).toBeNull();
      expect(nb.parameterCount()).toBe(15);
      expect(fc.describe()).toBe("Linear(5→3)");
      expect(nb.describe()).toBe("Linear(5→3, no bias)");
    });

    it("output by hand, weights set with loadStateDict", () => {
      const fc = new nn.Linear(3, 2);
      fc.loadStateDict({
        weight: { shape: [2, 3], data: [1, -1, 2, 0.5, 0, -0.5] },
        bias: { shape: [2], data: [0.25, -1] },
      });
      const y = fc.forward(tensor([[1, 2, 3], [-2, 0, 4]]));
      // row 0: [1 − 2 + 6, 0.5 − 1.5] + b = [5.25, −2]; row 1: [−2 + 8, −1 − 2] + b = [6.25, −4]
      expect(y.toNested()).toEqual([[5.25, -2], [6.25, -4]]);
    });

    it("output by hand, weights set with .set(), no bias", () => {
      const fc = new nn.Linear(2, 3, { bias: false });
      fc.weight.set([1, 0, 0, 1, 1, 1]);
      expect(fc.forward(tensor([[3, 4]])).toNested()).toEqual([[3, 4, 7]]);
    });

    it("[2, 3, 17] input gives [2, 3, 5], equal to float64", () => {
      const fc = new nn.Linear(17, 5);
      const x = randomData(2 * 3 * 17, 3);
      const y = fc.forward(tensor(x, [2, 3, 17]));
      expect(y.shape).toEqual([2, 3, 5]);
      const w = fc.weight.toArray();
      const b = fc.bias!.toArray();
      const want: number[] = [];
      for (let r = 0; r < 6; r++) for (let o = 0; o < 5; o++) {
        let s = b[o];
        for (let i = 0; i < 17; i++) s += x[r * 17 + i] * w[o * 17 + i];
        want.push(s);
      }
      expectClose(y.toArray(), want, 1e-6, 1e-5);
    });

    it("parameter gradients by hand: dW = gᵀx, db = Σ g", () => {
      const fc = new nn.Linear(2, 1);
      fc.loadStateDict({ weight: { shape: [1, 2], data: [0.5, -1] }, bias: { shape: [1], data: [0] } });
      // loss = Σ_rows y; g = 1 per row: dW = Σ_rows x = [1 + 3, 2 + 4], db = 2
      ops.sum(fc.forward(tensor([[1, 2], [3, 4]]))).backward();
      expect(Array.from(fc.weight.grad!.toArray())).toEqual([4, 6]);
      expect(Array.from(fc.bias!.grad!.toArray())).toEqual([2]);
    });

    it("gradient with respect to the input through the module", () => {
      manualSeed(1);
      const fc = new nn.Linear(4, 3);
      expectGradcheck((x) => fc.forward(x), [{ shape: [5, 4] }]);
      fc.zeroGrad();
    });

    it("default init is PyTorch's U(±1/√in)", () => {
      manualSeed(0);
      const fc = new nn.Linear(100, 200);
      const bound = 1 / Math.sqrt(100);
      for (const p of [fc.weight.toArray(), fc.bias!.toArray()]) {
        expect(Math.max(...p.map(Math.abs))).toBeLessThanOrEqual(bound);
      }
      // 20,000 uniform draws reach within 0.1 % of the bound and spread evenly around 0.
      const w = fc.weight.toArray();
      expect(Math.max(...w)).toBeGreaterThan(0.999 * bound);
      expect(Math.min(...w)).toBeLessThan(-0.999 * bound);
      // Var U(±a) = a²/3; std error of the mean a/√(3·20000) ≈ 4e-4: 5σ = 2e-3.
      expect(Math.abs(w.reduce((a, b) => a + b, 0) / w.length)).toBeLessThan(2e-3);
    });

    it("custom initializers", () => {
      const fc = new nn.Linear(3, 2, { weightInit: nn.init.constant(0.5), biasInit: nn.init.zeros });
      expect(Array.from(fc.weight.toArray())).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
      expect(Array.from(fc.bias!.toArray())).toEqual([0, 0]);
    });

    it("the same seed gives the same weights", () => {
      manualSeed(7);
      const a = new nn.Linear(4, 4).weight.toArray();
      manualSeed(7);
      expect(Array.from(new nn.Linear(4, 4).weight.toArray())).toEqual(Array.from(a));
    });

    it("a wrong input width names the layer and both shapes", () => {
      const fc = new nn.Linear(784, 128);
      expect(() => fc.forward(tensor(new Float32Array(32 * 783), [32, 783]))).toThrow(/^Linear\(784→128\): input has shape \[32, 783\], expected \[\*, 784\]$/);
      expect(() => fc.forward(tensor(5))).toThrow(/Linear\(784→128\): input has shape \[\], expected \[\*, 784\]/);
    });

    it("bad sizes are rejected by the constructor", () => {
      expect(() => new nn.Linear(0, 3)).toThrow(/Linear: inFeatures must be a positive integer, got 0/);
      expect(() => new nn.Linear(3, 2.5)).toThrow(/Linear: outFeatures must be a positive integer, got 2.5/);
    });
  });
}
