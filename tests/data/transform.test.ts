// The seeded shift-and-rotate transform behind the robustness comparison.
import { describe, expect, it } from "vitest";
import { affineImage, loadMnist, perturbedMnist, randomAffine } from "../../src/index.js";

/** A 5×5 image with one bright pixel at (row, col). */
function dot(row: number, col: number, h = 5, w = 5): Float32Array {
  const x = new Float32Array(h * w);
  x[row * w + col] = 1;
  return x;
}

describe("affineImage", () => {
  it("is the identity at zero shift and angle", () => {
    const x = Float32Array.from({ length: 30 }, (_, i) => (i * 7) % 11);
    expect(Array.from(affineImage(x, 5, 6, 0, 0, 0))).toEqual(Array.from(x));
  });

  it("integer shifts move pixels exactly (dx right, dy down), zero filling what comes in", () => {
    expect(Array.from(affineImage(dot(1, 1), 5, 5, 2, 1, 0))).toEqual(Array.from(dot(2, 3)));
    expect(Array.from(affineImage(dot(4, 4), 5, 5, 1, 0, 0))).toEqual(new Array(25).fill(0));
  });

  it("a half-pixel shift splits a pixel evenly between two neighbours", () => {
    const y = affineImage(dot(2, 2), 5, 5, 0.5, 0, 0);
    expect(y[2 * 5 + 2]).toBeCloseTo(0.5, 6);
    expect(y[2 * 5 + 3]).toBeCloseTo(0.5, 6);
    expect(y.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it("rotates about the centre: 90° takes the pixel right of centre to the one above it (y down)", () => {
    // Centre (2, 2). Counter-clockwise as displayed: (row 2, col 4) → (row 0, col 2).
    const y = affineImage(dot(2, 4), 5, 5, 0, 0, 90);
    const want = dot(0, 2);
    for (let i = 0; i < 25; i++) expect(y[i]).toBeCloseTo(want[i], 6);
    const back = affineImage(y, 5, 5, 0, 0, -90);
    for (let i = 0; i < 25; i++) expect(back[i]).toBeCloseTo(dot(2, 4)[i], 6);
  });
});

describe("randomAffine and perturbedMnist", () => {
  it("are seeded: the same seed gives the same images, another seed others", () => {
    const x = Float32Array.from({ length: 3 * 64 }, (_, i) => ((i * 13) % 17) / 17);
    const a = randomAffine(x, 3, 8, 8, { seed: 5 });
    expect(Array.from(randomAffine(x, 3, 8, 8, { seed: 5 }))).toEqual(Array.from(a));
    expect(Array.from(randomAffine(x, 3, 8, 8, { seed: 6 }))).not.toEqual(Array.from(a));
    expect(Array.from(randomAffine(x, 3, 8, 8, { maxShift: 0, maxRotation: 0 }))).toEqual(Array.from(x));
    expect(() => randomAffine(x, 4, 8, 8)).toThrow("randomAffine: 192 values are not 4 images of 8×8");
  });

  it("perturbs every held-out digit, keeping labels, values in [0, 1] and most of the ink", async () => {
    const { test } = await loadMnist({ shape: "image" });
    const moved = perturbedMnist(test);
    expect(moved.y).toBe(test.y);
    expect(moved.length).toBe(2000);
    let changed = 0;
    let inkBefore = 0;
    let inkAfter = 0;
    let outOfRange = 0;
    for (let i = 0; i < test.length; i++) {
      let diff = 0;
      for (let p = 0; p < 784; p++) {
        const v = moved.x[i * 784 + p];
        if (!(v >= 0 && v <= 1 + 1e-6)) outOfRange++;
        diff += Math.abs(v - test.x[i * 784 + p]);
        inkBefore += test.x[i * 784 + p];
        inkAfter += v;
      }
      if (diff > 1) changed++;
    }
    expect(outOfRange).toBe(0);
    expect(changed).toBeGreaterThan(1950);
    // MNIST digits sit in a 20×20 box centred in 28×28: a 2-px shift and 15° keep them inside,
    // and bilinear resampling only blurs a little.
    expect(inkAfter / inkBefore).toBeGreaterThan(0.95);
    expect(Array.from(perturbedMnist(test).x.subarray(0, 784))).toEqual(Array.from(moved.x.subarray(0, 784)));
  });
});
