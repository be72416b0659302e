// train sequence: the task data are right, and a small transformer learns to reverse on a small
// budget (≥ 99 % of 1,000 held-out sequences exactly right).
import { beforeAll, describe, expect, it } from "vitest";
import { Random, ready, setBackend } from "../../src/index.js";
import { sequenceAccuracy, sequenceData, trainSequenceModel } from "../../src/cli/sequence.js";

describe("train sequence", () => {
  beforeAll(async () => {
    await ready();
    setBackend("wasm");
  });

  it("targets: reverse, sort and copy of random sequences over 10 symbols", () => {
    for (const task of ["reverse", "sort", "copy"] as const) {
      const { x, y } = sequenceData(task, 50, 6, new Random(3));
      for (let s = 0; s < 50; s++) {
        const row = Array.from(x.subarray(s * 6, s * 6 + 6));
        const want = task === "reverse" ? [...row].reverse() : task === "sort" ? [...row].sort((a, b) => a - b) : row;
        expect(Array.from(y.subarray(s * 6, s * 6 + 6))).toEqual(want);
        expect(row.every((v) => Number.isInteger(v) && v >= 0 && v < 10)).toBe(true);
      }
    }
  });

  it("a one-layer transformer learns to reverse sequences of 8 in 300 steps: ≥ 99 % of 1,000 held-out sequences exactly right", () => {
    const c = { task: "reverse" as const, length: 8, dim: 32, heads: 2, layers: 1, steps: 300, batch: 32, lr: 5e-3, seed: 1 };
    const model = trainSequenceModel(c);
    const acc = sequenceAccuracy(model, sequenceData("reverse", 1000, 8, new Random(12345)), 8);
    expect(acc.sequences).toBeGreaterThanOrEqual(0.99);
  });
});
