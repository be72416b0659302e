// dataset(): flat typed arrays cut into samples of a given shape, and clear errors for data that
// cannot be cut so; validateDataset() on data sets made by hand.
import { beforeAll, describe, expect, it } from "vitest";
import { dataset, ready, tensor } from "../../src/index.js";
import { validateDataset } from "../../src/data/dataset.js";

beforeAll(async () => {
  await ready();
});

describe("dataset", () => {
  it("a flat Float32Array with sampleShape is cut into samples; integer typed labels are accepted", () => {
    const x = Float32Array.from({ length: 3136 }, (_, i) => i % 7);
    const d = dataset(x, new Int32Array([3, 1, 4, 1]), { sampleShape: [784] });
    expect(d.length).toBe(4);
    expect(d.sampleShape).toEqual([784]);
    expect(d.targetShape).toEqual([]);
    expect(Array.from(d.y)).toEqual([3, 1, 4, 1]);
    expect(d.x[784 * 3 + 5]).toBe((784 * 3 + 5) % 7);
    const img = dataset(x, new Uint8Array(4), { sampleShape: [1, 28, 28] });
    expect(img.length).toBe(4);
    // A shaped source must hold sampleShape's values per sample.
    expect(dataset(tensor(x, [4, 784]), [0, 1, 2, 3], { sampleShape: [1, 28, 28] }).length).toBe(4);
    // Flat targets with a targetShape: two-value targets for 4 samples.
    expect(dataset(x, new Float32Array(8), { sampleShape: [784], targetShape: [2] }).targetShape).toEqual([2]);
  });

  it("data that is not a whole number of samples, or whose counts differ, is refused with both numbers", () => {
    expect(() => dataset(new Float32Array(3137), new Int32Array(4), { sampleShape: [784] })).toThrow(
      /^dataset: x has 3137 values, not a whole number of samples of shape \[784\] \(3137 \/ 784 = 4.0013\)$/,
    );
    expect(() => dataset(new Float32Array(3136), new Int32Array(5), { sampleShape: [784] })).toThrow(/^dataset: x has 4 samples but y has 5; they must match$/);
    expect(() => dataset(new Float32Array(3136), new Float32Array(7), { sampleShape: [784], targetShape: [2] })).toThrow(/^dataset: y has 7 values, not a whole number of samples of shape \[2\]/);
    expect(() => dataset(new Float32Array(8), [0, 1], { sampleShape: [-4] })).toThrow(/^dataset: sampleShape: shape \[-4\] has -4 at axis 0, expected non-negative integers$/);
    expect(() => dataset(null as never, [0])).toThrow(/^dataset: x is null, expected a Tensor, an array of rows, or a flat array or typed array$/);
    expect(() => dataset([[1, 2], [3]], [0, 1])).toThrow(/^dataset: x row 1 has 1 values, expected 2$/);
  });

  it("a hand-made data set whose arrays do not hold its length of whole samples is named precisely", () => {
    const base = { sampleShape: [3], targetShape: [], length: 4 };
    expect(() => validateDataset("fit", { ...base, x: new Float32Array(32), y: new Float32Array(4) })).toThrow(
      /^fit: x holds 32 values, not a whole number of samples of shape \[3\] but the data set's length is 4; they must match$/,
    );
    expect(() => validateDataset("fit", { ...base, x: new Float32Array(12), y: new Float32Array(3) })).toThrow(/^fit: y holds 3 samples of shape \[\] but the data set's length is 4; they must match$/);
    expect(() => validateDataset("fit", { ...base, length: 1.5, x: new Float32Array(12), y: new Float32Array(4) })).toThrow(/^fit: the data set's length is 1.5, expected a whole number of samples$/);
    expect(() => validateDataset("evaluate", { ...base, x: [1, 2, 3] as never, y: new Float32Array(4) })).toThrow(/^evaluate: the data set must have Float32Array x and y \(make one with dataset\(\)\), got x: Array, y: Float32Array$/);
    expect(() => validateDataset("fit", null as never)).toThrow(/^fit: the data set must have Float32Array x and y/);
    expect(() => validateDataset("fit", { ...base, x: new Float32Array(12), y: new Float32Array(4) })).not.toThrow();
  });
});
