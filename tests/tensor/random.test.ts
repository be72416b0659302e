// The seeded generator behind every random number in wasmnn.
import { describe, expect, it } from "vitest";
import { manualSeed, Random, rng } from "../../src/index.js";

describe("Random", () => {
  it("the same seed gives the same sequence", () => {
    const a = new Random(7);
    const b = new Random(7);
    for (let i = 0; i < 1000; i++) expect(a.uint32()).toBe(b.uint32());
    const c = new Random(7);
    const d = new Random(7);
    for (let i = 0; i < 100; i++) expect(c.normal()).toBe(d.normal());
  });

  it("different seeds, even adjacent ones, give different sequences", () => {
    const seqs = [0, 1, 2, 0xffffffff].map((s) => {
      const r = new Random(s);
      return Array.from({ length: 8 }, () => r.uint32()).join(",");
    });
    expect(new Set(seqs).size).toBe(4);
    // Adjacent seeds are unrelated: about half of the bits of the first outputs differ.
    const a = new Random(100);
    const b = new Random(101);
    let bits = 0;
    for (let i = 0; i < 64; i++) {
      let x = (a.uint32() ^ b.uint32()) >>> 0;
      while (x) {
        bits += x & 1;
        x >>>= 1;
      }
    }
    // 2,048 bits, each differing with p = 1/2: 1024 ± 5·√512 ≈ 1024 ± 113.
    expect(Math.abs(bits - 1024)).toBeLessThan(113);
  });

  it("uint32 is an unsigned 32-bit integer; next is in [0, 1); uniform in [lo, hi)", () => {
    const r = new Random(3);
    let bad = 0;
    let maxU = 0;
    for (let i = 0; i < 10000; i++) {
      const u = r.uint32();
      if (!(Number.isInteger(u) && u >= 0 && u < 2 ** 32)) bad++;
      maxU = Math.max(maxU, u);
      const x = r.next();
      if (!(x >= 0 && x < 1)) bad++;
      const y = r.uniform(-3, -1);
      if (!(y >= -3 && y < -1)) bad++;
    }
    expect(bad).toBe(0);
    // The top bit is used: 10,000 draws all below 2³¹ would have probability 2^−10000.
    expect(maxU).toBeGreaterThan(2 ** 31);
  });

  it("next() is uniform: 10 bins of 1e5 draws are each within 5σ of 1e4", () => {
    const r = new Random(11);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 1e5; i++) bins[Math.floor(r.next() * 10)]++;
    // Binomial(1e5, 0.1): σ = √(1e5·0.1·0.9) ≈ 95.
    for (const b of bins) expect(Math.abs(b - 1e4)).toBeLessThan(5 * 95);
  });

  it("normal() has mean ≈ 0 and std ≈ 1 over 1e5 samples", () => {
    const r = new Random(2024);
    const n = 1e5;
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      s4 += z ** 4;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // Standard errors: 1/√n ≈ 0.0032 for the mean, 1/√(2n) ≈ 0.0022 for the std; bounds are 5σ,
    // so a correct generator fails with probability < 1e-6 (and the seed is fixed anyway).
    expect(Math.abs(mean)).toBeLessThan(0.016);
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(0.011);
    // The fourth moment of N(0, 1) is 3 (std error √(96/n) ≈ 0.031): rules out a uniform or
    // otherwise non-Gaussian shape with the right variance.
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.16);
  });

  it("normal(mean, std) shifts and scales", () => {
    const a = new Random(5);
    const b = new Random(5);
    for (let i = 0; i < 10; i++) expect(a.normal(2, 3)).toBeCloseTo(2 + 3 * b.normal(), 12);
  });

  it("int(n) covers [0, n) and shuffle is a seeded permutation", () => {
    const r = new Random(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.int(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const a = new Random(8).shuffle(Array.from({ length: 20 }, (_, i) => i));
    const b = new Random(8).shuffle(Array.from({ length: 20 }, (_, i) => i));
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("manualSeed resets the global generator", () => {
    manualSeed(99);
    const first = [rng().next(), rng().normal(), rng().uint32()];
    manualSeed(99);
    expect([rng().next(), rng().normal(), rng().uint32()]).toEqual(first);
    const fresh = new Random(99);
    manualSeed(99);
    expect(rng().next()).toBe(fresh.next());
  });
});
