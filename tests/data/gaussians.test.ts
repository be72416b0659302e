// The ring of 8 Gaussians and its mode-coverage measure, checked against the distribution's own
// statistics: a correct sampler covers all 8 modes with 1/8 of the samples each, and puts
// P(|N₂(0, σ²I)| ≤ 3σ) = 1 − e^(−9/2) ≈ 0.98889 of its samples within 3σ of a centre.
import { describe, expect, it } from "vitest";
import { gaussianRing, modeCoverage, ringModes } from "../../src/index.js";

describe("ringModes", () => {
  it("puts m centres evenly on the circle of radius r, the first on the x axis", () => {
    const c = ringModes(8, 2);
    expect(c).toHaveLength(8);
    expect(c[0][0]).toBeCloseTo(2, 12);
    expect(c[0][1]).toBeCloseTo(0, 12);
    expect(c[2][0]).toBeCloseTo(0, 12);
    expect(c[2][1]).toBeCloseTo(2, 12);
    expect(c[1][0]).toBeCloseTo(Math.SQRT2, 12);
    expect(c[5][1]).toBeCloseTo(-Math.SQRT2, 12);
    for (const [x, y] of c) expect(Math.hypot(x, y)).toBeCloseTo(2, 12);
  });
});

describe("gaussianRing", () => {
  const n = 40_000;
  const std = 0.02;
  const d = gaussianRing({ n, std, seed: 3 });

  it("is a data set of [n, 2] points labelled by mode", () => {
    expect(d.length).toBe(n);
    expect(d.sampleShape).toEqual([2]);
    expect(d.x).toHaveLength(2 * n);
    expect(new Set(d.y)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  });

  it("draws each mode with probability 1/8 and each blob with the given mean and std", () => {
    const centres = ringModes();
    for (let k = 0; k < 8; k++) {
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < n; i++) if (d.y[i] === k) xs.push(d.x[2 * i]), ys.push(d.x[2 * i + 1]);
      // Binomial(n, 1/8): std √(n·(1/8)·(7/8)) ≈ 66; 4 stds.
      expect(Math.abs(xs.length - n / 8)).toBeLessThan(4 * Math.sqrt((n * 7) / 64));
      const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
      const sd = (a: number[]) => {
        const m = mean(a);
        return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
      };
      // Standard error of a mean of ~5,000 draws is σ/70 ≈ 3e-4; of a std, σ/100 ≈ 2e-4.
      expect(Math.abs(mean(xs) - centres[k][0])).toBeLessThan(1.5e-3);
      expect(Math.abs(mean(ys) - centres[k][1])).toBeLessThan(1.5e-3);
      expect(sd(xs)).toBeCloseTo(std, 3);
      expect(sd(ys)).toBeCloseTo(std, 3);
    }
  });

  it("is reproducible from its seed", () => {
    expect(gaussianRing({ n: 100, seed: 3 }).x).toEqual(gaussianRing({ n: 100, seed: 3 }).x);
    expect(gaussianRing({ n: 100, seed: 4 }).x).not.toEqual(gaussianRing({ n: 100, seed: 3 }).x);
  });

  it("rejects bad arguments", () => {
    expect(() => gaussianRing({ modes: 0 })).toThrow("gaussianRing: modes must be a positive integer, got 0");
    expect(() => gaussianRing({ std: -1 })).toThrow("gaussianRing: std must be a positive number, got -1");
    expect(() => gaussianRing({ n: 2.5 })).toThrow("gaussianRing: n must be a positive integer, got 2.5");
  });
});

describe("modeCoverage", () => {
  it("finds all 8 modes and 1 − e^(−4.5) of the true distribution's samples within 3σ", () => {
    const d = gaussianRing({ n: 40_000, std: 0.05, seed: 9 });
    const c = modeCoverage(d.x, { std: 0.05 });
    expect(c.covered).toBe(8);
    // Binomial std of the fraction: √(0.011·0.989/40000) ≈ 5e-4.
    expect(Math.abs(c.highQuality - (1 - Math.exp(-4.5)))).toBeLessThan(2.5e-3);
    for (const f of c.perMode) expect(Math.abs(f - c.highQuality / 8)).toBeLessThan(0.01);
  });

  it("counts a collapsed generator: all samples on 3 modes, or none near any mode", () => {
    const centres = ringModes();
    const pts: number[] = [];
    for (let i = 0; i < 300; i++) pts.push(centres[i % 3][0] + 0.01, centres[i % 3][1] - 0.01);
    pts.push(0, 0, 0, 0); // two samples at the centre of the ring, far from every mode
    const c = modeCoverage(pts, { std: 0.02 });
    expect(c.covered).toBe(3);
    expect(c.highQuality).toBeCloseTo(300 / 302, 12);
    expect(c.perMode.slice(0, 3)).toEqual([100 / 302, 100 / 302, 100 / 302]);
    expect(c.perMode.slice(3)).toEqual([0, 0, 0, 0, 0]);
    expect(modeCoverage([0, 0, 1, 1], { std: 0.02 }).highQuality).toBe(0);
  });

  it("applies the 2 % threshold: a mode with 1 of 100 samples is not covered", () => {
    const centres = ringModes();
    const pts: number[] = [];
    for (let i = 0; i < 99; i++) pts.push(...centres[0]);
    pts.push(...centres[4]);
    const c = modeCoverage(pts);
    expect(c.perMode[4]).toBeCloseTo(0.01, 12);
    expect(c.covered).toBe(1);
    expect(modeCoverage(pts, { minFraction: 0.01 }).covered).toBe(2);
  });

  it("rejects an odd number of values", () => {
    expect(() => modeCoverage([1, 2, 3])).toThrow("modeCoverage: expected a non-empty list of (x, y) pairs, got 3 values");
  });
});
