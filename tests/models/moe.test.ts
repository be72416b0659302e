// Mixture of experts on the piecewise task: the evidence at a small budget (beats a single MLP
// of equal size, each quadrant routed ≥ 80 % to its own expert), the losses by hand, and helpers.
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, fit, manualSeed, models, nn, optim, piecewise4, piecewiseRegion, PIECEWISE_FUNCTIONS, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose } from "../gradcheck.js";

describe("piecewise4", () => {
  it("labels quadrants and evaluates each quadrant's function", () => {
    const d = piecewise4({ n: 50, seed: 3 });
    expect(d.sampleShape).toEqual([2]);
    for (let i = 0; i < 50; i++) {
      const [x, y] = [d.x[2 * i], d.x[2 * i + 1]];
      expect(d.regions[i]).toBe(piecewiseRegion(x, y));
      expect(d.y[i]).toBeCloseTo(PIECEWISE_FUNCTIONS[d.regions[i]](x, y), 5);
    }
    expect([piecewiseRegion(0.5, 0.5), piecewiseRegion(-0.5, 0.5), piecewiseRegion(-0.5, -0.5), piecewiseRegion(0.5, -0.5)]).toEqual([0, 1, 2, 3]);
  });
});

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("4 experts beat a single MLP of equal parameter count, and each quadrant gets its own expert (≥ 80 %)", async () => {
      const train = piecewise4({ n: 1000, seed: 1 });
      const test = piecewise4({ n: 1000, seed: 2 });
      manualSeed(1);
      const moe = models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 4, expertHidden: [8] });
      await fit(moe, train, { epochs: 100, batchSize: 32, optimizer: new optim.Adam(moe.parameters(), { lr: 0.01 }), loss: models.competitiveLoss(moe, 0.5, 0.1), verbose: false });
      manualSeed(1);
      const single = models.mlpWithParameters(moe.parameterCount(), 2, 1);
      expect(single.parameterCount()).toBeLessThanOrEqual(moe.parameterCount());
      expect(single.parameterCount()).toBeGreaterThan(moe.parameterCount() - 5);
      await fit(single, train, { epochs: 100, batchSize: 32, optimizer: new optim.Adam(single.parameters(), { lr: 0.01 }), loss: "mse", verbose: false });
      const moeMse = evaluate(moe, test, { loss: "mse" }).loss;
      const singleMse = evaluate(single, test, { loss: "mse" }).loss;
      expect(moeMse).toBeLessThan(singleMse);
      const { dominant } = models.regionRouting(moe, test.x, test.regions, 4);
      for (const d of dominant) expect(d.fraction).toBeGreaterThanOrEqual(0.8);
      expect(new Set(dominant.map((d) => d.expert)).size).toBe(4);
    });

    it("competitiveLoss is −mean log Σ w·exp(−‖t − o‖²/2σ²), plus the weighted aux loss", () => {
      // Two constant experts (outputs 0 and 2) and a gate with logits (x, 0).
      const e0 = new nn.Linear(1, 1);
      e0.loadStateDict({ weight: { shape: [1, 1], data: [0] }, bias: { shape: [1], data: [0] } });
      const e1 = new nn.Linear(1, 1);
      e1.loadStateDict({ weight: { shape: [1, 1], data: [0] }, bias: { shape: [1], data: [2] } });
      const gate = new nn.Linear(1, 2, { bias: false });
      gate.weight.set([1, 0]);
      const moe = new nn.MixtureOfExperts([e0, e1], gate);
      const x = [0.5, -1, 30];
      const t = [0.2, 1.5, 0];
      const sigma = 0.7;
      const pred = moe.forward(tensor(x, [3, 1]));
      const aux = moe.auxLoss!.item();
      const value = models.competitiveLoss(moe, sigma, 0.25)(pred, tensor(t, [3, 1])).item();
      let want = 0;
      x.forEach((xi, i) => {
        const g0 = 1 / (1 + Math.exp(-xi));
        want -= Math.log(g0 * Math.exp(-(t[i] ** 2) / (2 * sigma ** 2)) + (1 - g0) * Math.exp(-((t[i] - 2) ** 2) / (2 * sigma ** 2))) / 3;
      });
      expect(value).toBeCloseTo(want + 0.25 * aux, 5);
      // Blended-output MSE plus the aux loss.
      const blend = models.moeLoss(moe, "mse", 0.5)(pred, tensor(t, [3, 1])).item();
      const p = pred.toArray();
      expect(blend).toBeCloseTo(t.reduce((s, ti, i) => s + (p[i] - ti) ** 2, 0) / 3 + 0.5 * aux, 5);
      expect(() => models.competitiveLoss(moe, 0)).toThrow(/competitiveLoss: sigma must be positive, got 0/);
      expect(() => models.competitiveLoss(moe)(pred, tensor([1, 2], [2, 1]))).toThrow(/competitiveLoss: target has shape \[2,1\], expected \[3,1\]/);
    });

    it("competitiveLoss stays finite when the routed experts are far off (top-k)", () => {
      const moe = models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 3, expertHidden: [4], topK: 2 });
      const x = tensor([0.1, 0.2, -0.3, 0.4], [2, 2]);
      const pred = moe.forward(x);
      const value = models.competitiveLoss(moe, 0.05)(pred, tensor([500, -500], [2, 1])).item();
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(1e6);
    });

    it("regionRouting counts the top expert per region; mlpWithParameters sizes the baseline", () => {
      const gate = new nn.Linear(2, 2, { bias: false });
      gate.weight.set([10, 0, -10, 0]); // expert 0 for x > 0, expert 1 for x < 0
      const moe = new nn.MixtureOfExperts([new nn.Linear(2, 1), new nn.Linear(2, 1)], gate);
      const x = Float32Array.from([0.5, 0, 0.2, 1, -0.3, 0, -0.1, 0, 0.4, 0]);
      const r = models.regionRouting(moe, x, [0, 0, 1, 1, 1], 2);
      expectClose(r.share.flat(), [1, 0, 1 / 3, 2 / 3], 1e-12);
      expect(r.dominant).toEqual([{ expert: 0, fraction: 1 }, { expert: 1, fraction: 2 / 3 }]);
      const m = models.mlpWithParameters(144, 2, 1);
      expect(m.parameterCount()).toBe(141); // 2→35→1
      expect(() => models.mlpWithParameters(3, 2, 1)).toThrow(/mlpWithParameters: 3 parameters cannot hold one hidden unit for 2 → 1/);
      expect(() => models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 2, topK: 3 })).toThrow(/MixtureOfExperts\(2 experts\): topK must be an integer in \[1, 2\], got 3 \(more than the 2 experts\)/);
    });
  });
}
