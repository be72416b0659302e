// Adam and AdamW against a float64 re-implementation of PyTorch's update, step by step.
import { beforeAll, describe, expect, it } from "vitest";
import { optim, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, randomData } from "../gradcheck.js";
import { adamRef, type Cfg } from "./reference.js";

const configs: [string, Cfg][] = [
  ["defaults", {}],
  ["lr 0.05, betas (0.8, 0.99)", { lr: 0.05, betas: [0.8, 0.99] }],
  ["weight decay 0.1", { lr: 0.01, weightDecay: 0.1 }],
  ["eps 1e-2", { lr: 0.01, eps: 1e-2 }],
];

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    for (const [cls, decoupled] of [["Adam", false], ["AdamW", true]] as const) {
      for (const [label, cfg] of configs) {
        it(`${cls}, ${label}: 8 steps on 130 values match float64`, () => {
          const p0 = randomData(130, 3);
          const grads = Array.from({ length: 8 }, (_, t) => randomData(130, 300 + t));
          const p = tensor(p0, [10, 13], { requiresGrad: true });
          const opt = cls === "Adam" ? new optim.Adam([p], cfg) : new optim.AdamW([p], cfg);
          const got = grads.map((g) => {
            p.grad?.dispose();
            p.grad = tensor(g, [10, 13]);
            opt.step();
            return p.toArray();
          });
          const want = adamRef(p0, grads, cfg, decoupled);
          // Each Adam step moves p by ≤ lr·|m̂|/√v̂ ≲ lr·3; float32 keeps ≈ 1e-6 relative of
          // that step plus the rounding of p (|p| ≤ 1.5): < 1e-6 per step, 8 steps < 2e-6.
          got.forEach((g, t) => expectClose(g, want.params[t], 2e-6, 1e-6));
          const [m, v] = opt.stateSnapshot()[0];
          expectClose(m, want.m, 1e-7, 1e-5);
          expectClose(v, want.v, 1e-8, 1e-5);
        });
      }
    }

    it("Adam's first step is lr·sign(g) (bias correction), whatever |g|", () => {
      const p = tensor([0, 0, 0], [3], { requiresGrad: true });
      const opt = new optim.Adam([p], { lr: 0.1 });
      p.grad = tensor([1e-3, -5, 100]);
      opt.step();
      // m̂ = g, v̂ = g²: step = lr·g/(|g| + ε); with g = 1e-3, ε = 1e-8 costs a relative 1e-5.
      expectClose(p.toArray(), [-0.1, 0.1, -0.1], 1e-6, 1e-5);
    });

    it("AdamW decays p by (1 − lr·λ) even with a zero gradient; Adam's default λ is 0", () => {
      const p = tensor([2, -4], [2], { requiresGrad: true });
      const q = tensor([2, -4], [2], { requiresGrad: true });
      const w = new optim.AdamW([p], { lr: 0.1 });
      const a = new optim.Adam([q], { lr: 0.1 });
      expect(w.weightDecay).toBe(0.01);
      expect(a.weightDecay).toBe(0);
      p.grad = tensor([0, 0]);
      q.grad = tensor([0, 0]);
      w.step();
      a.step();
      expectClose(p.toArray(), [2 * 0.999, -4 * 0.999], 1e-7, 1e-6);
      expect(Array.from(q.toArray())).toEqual([2, -4]);
    });

    it("constructor errors", () => {
      const p = tensor([1], [1], { requiresGrad: true });
      expect(() => new optim.Adam([p], { lr: -1 })).toThrow(/Adam: lr must be a finite number ≥ 0, got -1/);
      expect(() => new optim.AdamW([p], { lr: NaN })).toThrow(/AdamW: lr must be a finite number ≥ 0, got NaN/);
      expect(() => new optim.Adam([])).toThrow(/Adam: got an empty parameter list/);
      expect(() => new optim.Adam([p], { betas: [1, 0.999] })).toThrow(/Adam: beta1 must be in \[0, 1\), got 1/);
      expect(() => new optim.AdamW([p], { betas: [0.9, 1.5] })).toThrow(/AdamW: beta2 must be in \[0, 1\), got 1.5/);
      expect(() => new optim.Adam([p], { weightDecay: -0.1 })).toThrow(/Adam: weightDecay must be in \[0, Infinity\), got -0.1/);
    });
  });
}
