// The adding problem generator, and a short run showing the LSTM learns it where the mean cannot.
import { describe, expect, it } from "vitest";
import { addingProblem, losses, manualSeed, nn, noGrad, ops, optim, ready, scope, tensor } from "../../src/index.js";

describe("addingProblem", () => {
  it("has two markers, one per half, and the target is the sum of the marked values", () => {
    const T = 11;
    const d = addingProblem({ length: T, count: 300, seed: 4 });
    expect(d.sampleShape).toEqual([T, 2]);
    expect(d.targetShape).toEqual([1]);
    let mean = 0;
    for (let n = 0; n < d.length; n++) {
      const marks: number[] = [];
      let sum = 0;
      for (let t = 0; t < T; t++) {
        const v = d.x[(n * T + t) * 2], m = d.x[(n * T + t) * 2 + 1];
        expect(v >= 0 && v < 1).toBe(true);
        expect(m === 0 || m === 1).toBe(true);
        if (m === 1) { marks.push(t); sum += v; }
      }
      expect(marks.length).toBe(2);
      expect(marks[0]).toBeLessThan(5);
      expect(marks[1]).toBeGreaterThanOrEqual(5);
      expect(d.y[n]).toBeCloseTo(sum, 6);
      mean += d.y[n] / d.length;
    }
    // predicting the mean leaves the variance of a sum of two U[0,1): 1/6
    let mse = 0;
    for (const y of d.y) mse += (y - 1) ** 2 / d.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.06);
    expect(Math.abs(mse - 1 / 6)).toBeLessThan(0.03);
    expect(Array.from(addingProblem({ length: T, count: 3, seed: 4 }).y)).toEqual(Array.from(d.y.subarray(0, 3)));
  });

  it("rejects bad sizes", () => {
    expect(() => addingProblem({ length: 1 })).toThrow(/addingProblem: length must be an integer ≥ 2, got 1/);
    expect(() => addingProblem({ count: 0 })).toThrow(/addingProblem: count must be a positive integer, got 0/);
  });

  it("an LSTM gets well below the mean's MSE at T = 10 in a short run", async () => {
    await ready();
    manualSeed(1);
    const T = 10, B = 32, H = 16, steps = 300;
    const train = addingProblem({ length: T, count: steps * B, seed: 1 });
    const valid = addingProblem({ length: T, count: 256, seed: 2 });
    const lstm = new nn.LSTM(2, H, { batchFirst: true });
    const head = new nn.Linear(H, 1);
    const params = [...lstm.parameters(), ...head.parameters()];
    const opt = new optim.Adam(params, { lr: 1e-2 });
    const predict = (x: Float32Array, n: number) => head.forward(ops.reshape(lstm.forwardWithState(tensor(x, [n, T, 2])).h, [n, H]));
    for (let s = 0; s < steps; s++) {
      scope(() => {
        const loss = losses.mse(predict(train.x.subarray(s * B * T * 2, (s + 1) * B * T * 2), B), tensor(train.y.subarray(s * B, (s + 1) * B), [B, 1]));
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
    }
    const mse = scope(() => noGrad(() => losses.mse(predict(valid.x, 256), tensor(valid.y, [256, 1])).item()));
    expect(mse).toBeLessThan(0.02);
  });
});
