// Initializers: the bound of each uniform and the standard deviation of each normal.
import { describe, expect, it } from "vitest";
import { manualSeed, nn, Random } from "../../src/index.js";

const { init } = nn;
const N = 100_000;

function stats(v: Float32Array): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let maxAbs = 0;
  for (const x of v) {
    s += x;
    s2 += x * x;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean), maxAbs };
}

const draw = (f: (v: Float32Array) => void): Float32Array => {
  const v = new Float32Array(N);
  f(v);
  return v;
};

// For 1e5 samples the sample std has relative standard error 1/√(2N) ≈ 0.22 % (normal) and
// √(0.8/(4N))·… ≈ 0.14 % (uniform): the 3 % bound is > 10σ, so it tests the scale, not luck.
describe("init", () => {
  it("uniform(b) stays within ±b, reaches it, has std b/√3", () => {
    const v = draw(init.uniform(0.3, new Random(1)));
    const s = stats(v);
    expect(s.maxAbs).toBeLessThanOrEqual(0.3);
    expect(s.maxAbs).toBeGreaterThan(0.299);
    expect(Math.abs(s.std / (0.3 / Math.sqrt(3)) - 1)).toBeLessThan(0.03);
  });

  it("normal(std) has mean 0 and the std", () => {
    const s = stats(draw(init.normal(0.05, new Random(2))));
    expect(Math.abs(s.mean)).toBeLessThan(5 * 0.05 / Math.sqrt(N));
    expect(Math.abs(s.std / 0.05 - 1)).toBeLessThan(0.03);
  });

  it("xavierUniform: bound gain·√(6/(fanIn + fanOut))", () => {
    manualSeed(3);
    const bound = 2 * Math.sqrt(6 / (300 + 100));
    const s = stats(draw(init.xavierUniform(300, 100, 2)));
    expect(s.maxAbs).toBeLessThanOrEqual(bound);
    expect(s.maxAbs).toBeGreaterThan(0.999 * bound);
  });

  it("xavierNormal: std gain·√(2/(fanIn + fanOut))", () => {
    manualSeed(4);
    const s = stats(draw(init.xavierNormal(300, 100)));
    expect(Math.abs(s.std / Math.sqrt(2 / 400) - 1)).toBeLessThan(0.03);
  });

  it("kaimingNormal: std √(2/fanIn) within 3 %", () => {
    manualSeed(5);
    const s = stats(draw(init.kaimingNormal(784)));
    expect(Math.abs(s.std / Math.sqrt(2 / 784) - 1)).toBeLessThan(0.03);
    expect(Math.abs(s.mean)).toBeLessThan(5 * Math.sqrt(2 / 784) / Math.sqrt(N));
  });

  it("kaimingUniform: bound √(6/fanIn), std √(2/fanIn)", () => {
    manualSeed(6);
    const s = stats(draw(init.kaimingUniform(128)));
    expect(s.maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 128));
    expect(s.maxAbs).toBeGreaterThan(0.999 * Math.sqrt(6 / 128));
    expect(Math.abs(s.std / Math.sqrt(2 / 128) - 1)).toBeLessThan(0.03);
  });

  it("torchDefault: bound 1/√fanIn (0 for fanIn 0)", () => {
    manualSeed(7);
    const s = stats(draw(init.torchDefault(64)));
    expect(s.maxAbs).toBeLessThanOrEqual(1 / 8);
    expect(s.maxAbs).toBeGreaterThan(0.999 / 8);
    expect(stats(draw(init.torchDefault(0))).maxAbs).toBe(0);
  });

  it("constant and zeros", () => {
    const v = new Float32Array(5);
    init.constant(0.25)(v);
    expect(Array.from(v)).toEqual([0.25, 0.25, 0.25, 0.25, 0.25]);
    init.zeros(v);
    expect(Array.from(v)).toEqual([0, 0, 0, 0, 0]);
  });

  it("initializers draw from the global generator at call time: manualSeed reproduces them", () => {
    manualSeed(9);
    const a = draw(init.kaimingNormal(10));
    manualSeed(9);
    expect(Array.from(draw(init.kaimingNormal(10)))).toEqual(Array.from(a));
  });
});
