// k-means and the nearest-center width heuristic: known clusters recovered, seeded
// determinism, Lloyd's monotone inertia, empty clusters, and bad input.
import { describe, expect, it } from "vitest";
import { kmeans, nearestCenterWidths } from "../../src/cluster/kmeans.js";
import { Random } from "../../src/tensor/random.js";

/** `per` points around each of `means` (2-D), Gaussian noise σ. */
function blobs(means: number[][], per: number, sigma: number, seed: number): Float32Array {
  const r = new Random(seed);
  const out: number[] = [];
  for (const [a, b] of means) for (let i = 0; i < per; i++) out.push(a + sigma * r.normal(), b + sigma * r.normal());
  return Float32Array.from(out);
}

function inertiaOf(data: ArrayLike<number>, d: number, centers: ArrayLike<number>): number {
  const k = centers.length / d;
  let s = 0;
  for (let i = 0; i < data.length / d; i++) {
    let best = Infinity;
    for (let c = 0; c < k; c++) {
      let e = 0;
      for (let t = 0; t < d; t++) e += (data[i * d + t] - centers[c * d + t]) ** 2;
      best = Math.min(best, e);
    }
    s += best;
  }
  return s;
}

describe("kmeans", () => {
  const means = [[0, 0], [5, 0], [0, 5], [5, 5]];
  const data = blobs(means, 50, 0.3, 1);

  it("finds four well-separated blobs, each point with its own blob", () => {
    for (const init of ["kmeans++", "random"] as const) {
      const res = kmeans(data, 2, 4, { seed: 3, init });
      const found = [0, 1, 2, 3].map((c) => [res.centers[2 * c], res.centers[2 * c + 1]]);
      for (const [a, b] of means) {
        const near = found.map(([x, y]) => Math.hypot(x - a, y - b));
        expect(Math.min(...near), `${init}: a center near (${a}, ${b})`).toBeLessThan(0.15);
      }
      // Points of one blob share one label, and blobs do not share labels.
      const labels = new Set<number>();
      for (let m = 0; m < 4; m++) {
        const first = res.assignments[m * 50];
        for (let i = 0; i < 50; i++) expect(res.assignments[m * 50 + i]).toBe(first);
        labels.add(first);
      }
      expect(labels.size).toBe(4);
      // The reported inertia is that of the returned centers, and about n·2σ² = 200·0.18.
      expect(res.inertia).toBeCloseTo(inertiaOf(data, 2, res.centers), 3);
      expect(res.inertia).toBeGreaterThan(20);
      expect(res.inertia).toBeLessThan(55);
    }
  });

  it("is deterministic for a seed; centers are cluster means", () => {
    const a = kmeans(data, 2, 6, { seed: 11 });
    const b = kmeans(data, 2, 6, { seed: 11 });
    expect(Array.from(a.centers)).toEqual(Array.from(b.centers));
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    for (let c = 0; c < 6; c++) {
      let sx = 0, sy = 0, n = 0;
      for (let i = 0; i < 200; i++) if (a.assignments[i] === c) { sx += data[2 * i]; sy += data[2 * i + 1]; n++; }
      expect(n).toBeGreaterThan(0);
      expect(a.centers[2 * c]).toBeCloseTo(sx / n, 4);
      expect(a.centers[2 * c + 1]).toBeCloseTo(sy / n, 4);
    }
  });

  it("Lloyd's iterations lower the inertia of the seeding; more centers fit closer; k = n fits exactly", () => {
    const small = data.subarray(0, 24);
    const seeding = kmeans(small, 2, 6, { seed: 1, maxIterations: 0 });
    expect(seeding.iterations).toBe(0);
    const done = kmeans(small, 2, 6, { seed: 1 });
    expect(done.iterations).toBeGreaterThan(0);
    expect(done.inertia).toBeLessThanOrEqual(seeding.inertia);
    expect(kmeans(small, 2, 12, { seed: 1 }).inertia).toBeLessThan(kmeans(small, 2, 2, { seed: 1 }).inertia);
    expect(kmeans(small.subarray(0, 10), 2, 5, { seed: 2 }).inertia).toBe(0);
  });

  it("handles duplicate points (more centers than distinct points) without NaN", () => {
    const dup = Float32Array.from([1, 1, 1, 1, 1, 1, 2, 2]);
    const res = kmeans(dup, 2, 3, { seed: 0 });
    expect(Array.from(res.centers).every(Number.isFinite)).toBe(true);
    expect(res.inertia).toBe(0);
  });

  it("rejects bad input with the values", () => {
    expect(() => kmeans([0, 0, 1, 1], 2, 3)).toThrow(/kmeans: 3 centers but only 2 points; k must be at most the number of points/);
    expect(() => kmeans([0, 0, 1], 2, 1)).toThrow(/kmeans: 3 values are not a whole number of 2-dimensional points/);
    expect(() => kmeans([0, 0], 2, 0)).toThrow(/kmeans: k must be a positive integer, got 0/);
    expect(() => kmeans([0, 0], 0, 1)).toThrow(/kmeans: dimension must be a positive integer, got 0/);
    expect(() => kmeans([0, NaN, 1, 1], 2, 1)).toThrow(/kmeans: point 0 holds NaN/);
  });
});

describe("nearestCenterWidths", () => {
  it("is the distance to the nearest other center, times scale", () => {
    // (0,0), (3,0), (3,4): nearest of each is 3, 3, 4.
    expect(Array.from(nearestCenterWidths([0, 0, 3, 0, 3, 4], 2))).toEqual([3, 3, 4]);
    expect(Array.from(nearestCenterWidths([0, 0, 3, 0, 3, 4], 2, 0.5))).toEqual([1.5, 1.5, 2]);
  });

  it("falls back for a lone or duplicated center", () => {
    expect(Array.from(nearestCenterWidths([7, 7], 2, 2))).toEqual([2]);
    // (0,0) twice and (0,2): the duplicates see (0,2) at 2; (0,2) sees 2.
    expect(Array.from(nearestCenterWidths([0, 0, 0, 0, 0, 2], 2))).toEqual([2, 2, 2]);
    expect(() => nearestCenterWidths([1, 2, 3], 2)).toThrow(/nearestCenterWidths: 3 values are not whole 2-dimensional centers/);
    expect(() => nearestCenterWidths([1, 2], 2, 0)).toThrow(/scale must be positive, got 0/);
  });
});
