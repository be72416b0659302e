// rbfNetwork: the closed-form readout (exact on a realizable target, and the sin·cos and spiral
// evidence), gradient descent on every parameter, and bad input.
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, fit, manualSeed, models, optim, ready, setBackend, tensor, twoSpirals } from "../../src/index.js";
import { sinCos } from "../../src/data/functions.js";
import { expectClose, randomData } from "../gradcheck.js";

describe("choleskySolve", () => {
  it("solves an SPD system with two right-hand sides, and names a singular one", () => {
    // S = [[4, 2], [2, 3]], X = [[1, −1], [2, 0.5]] → B = S·X.
    const s = Float64Array.from([4, 0, 2, 3]); // only the lower triangle is read
    const b = Float64Array.from([4 + 4, -4 + 1, 2 + 6, -2 + 1.5]);
    expectClose(models.choleskySolve(s, b, 2, 2), [1, -1, 2, 0.5], 1e-12);
    expect(() => models.choleskySolve(Float64Array.from([1, 1, 1, 1]), Float64Array.from([1, 1]), 2, 1, "op")).toThrow(/op: the normal equations are singular \(pivot 1 is 0\)/);
  });
});

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("solveReadout recovers a readout that fits exactly", () => {
      manualSeed(4);
      const x = randomData(2 * 60, 1, -2, 2);
      const net = models.rbfNetwork({ inputs: 2, centers: 8, outputs: 3, data: x, seed: 3 });
      const truth = models.rbfNetwork({ inputs: 2, centers: 8, outputs: 3 });
      truth.rbf.loadStateDict(net.rbf.stateDict());
      const w = randomData(24, 5);
      const b = randomData(3, 6);
      truth.readout.weight.set(w);
      truth.readout.bias!.set(b);
      const y = truth.forward(tensor(x, [60, 2])).toArray();
      const { mse } = net.solveReadout(x, y, { ridge: 0 });
      expect(mse).toBeLessThan(1e-9);
      expectClose(net.readout.weight.toArray(), w, 2e-3);
      expectClose(net.readout.bias!.toArray(), b, 2e-3);
    });

    it("closed form: sin(x)·cos(2x) on [−π, π] to test MSE ≤ 1e-3 with 20 Gaussian centers", () => {
      const train = sinCos({ n: 200, seed: 1 });
      const test = sinCos({ n: 500, seed: 2, grid: true });
      const net = models.rbfNetwork({ inputs: 1, centers: 20, outputs: 1, data: train.x, seed: 1 });
      const { mse } = net.solveReadout(train.x, train.y);
      const testMse = evaluate(net, test, { loss: "mse" }).loss;
      expect(mse).toBeLessThan(1e-3);
      expect(testMse).toBeLessThan(1e-3);
      // The least-squares solution is the minimum: nudging one readout weight raises the training loss.
      const w = net.readout.weight.toArray();
      w[3] += 0.01;
      net.readout.weight.set(w);
      expect(evaluate(net, train, { loss: "mse" }).loss).toBeGreaterThan(mse);
    });

    it("gradient descent: the same task, every parameter trained, reaches test MSE ≤ 1e-3", async () => {
      manualSeed(1);
      const train = sinCos({ n: 200, seed: 1 });
      const test = sinCos({ n: 500, seed: 2, grid: true });
      const net = models.rbfNetwork({ inputs: 1, centers: 20, outputs: 1, data: train.x, seed: 1 });
      const centers0 = net.rbf.centers.toArray();
      const widths0 = net.rbf.widths.toArray();
      const before = evaluate(net, test, { loss: "mse" }).loss;
      await fit(net, train, { epochs: 100, batchSize: 20, optimizer: new optim.Adam(net.parameters(), { lr: 0.02 }), loss: "mse", verbose: false });
      const after = evaluate(net, test, { loss: "mse" }).loss;
      expect(before).toBeGreaterThan(0.05);
      expect(after).toBeLessThan(1e-3);
      // Centers and widths moved: they were trained, not only the readout.
      expect(net.rbf.centers.toArray().some((c, i) => Math.abs(c - centers0[i]) > 1e-3)).toBe(true);
      expect(net.rbf.widths.toArray().some((c, i) => Math.abs(c - widths0[i]) > 1e-3)).toBe(true);
    });

    it("two spirals: closed form on class labels and gradient descent both classify held-out points ≥ 97 %", async () => {
      manualSeed(2);
      const train = twoSpirals({ pointsPerClass: 200, noise: 0.02, seed: 1 });
      const test = twoSpirals({ pointsPerClass: 200, noise: 0.02, seed: 2 });
      const closed = models.rbfNetwork({ inputs: 2, centers: 40, outputs: 2, data: train.x, seed: 1 });
      closed.solveReadout(train.x, train.y);
      expect(evaluate(closed, test, { loss: "crossEntropy" }).accuracy).toBeGreaterThanOrEqual(0.97);
      const gd = models.rbfNetwork({ inputs: 2, centers: 40, outputs: 2, data: train.x, seed: 1 });
      await fit(gd, train, { epochs: 60, batchSize: 32, optimizer: new optim.Adam(gd.parameters(), { lr: 0.02 }), loss: "crossEntropy", verbose: false });
      expect(evaluate(gd, test, { loss: "crossEntropy" }).accuracy).toBeGreaterThanOrEqual(0.97);
    });

    it("rejects bad targets, labels, sizes and ridge, naming the network", () => {
      const net = models.rbfNetwork({ inputs: 2, centers: 3, outputs: 2 });
      const x = randomData(10, 1);
      expect(() => net.solveReadout(x, new Float32Array(7))).toThrow(/rbfNetwork\(2→3→2\)\.solveReadout: 7 target values for 5 samples; expected 10 \(n × outputs\) or 5 class labels/);
      expect(() => net.solveReadout(x, [0, 1, 2, 0, 1])).toThrow(/label 2 of sample 2 is not a class index in \[0, 1\]/);
      expect(() => net.solveReadout(randomData(9, 1), new Float32Array(9))).toThrow(/9 input values are not a whole, non-zero number of samples of 2 features/);
      expect(() => net.solveReadout(x, new Float32Array(10), { ridge: -1 })).toThrow(/ridge must be ≥ 0, got -1/);
      expect(() => models.rbfNetwork({ inputs: 2, centers: 6, outputs: 1, data: x })).toThrow(/RBF\(2→6, gaussian\)\.initFromData: k-means needs at least 6 points \(one per center\), got 5/);
    });
  });
}
