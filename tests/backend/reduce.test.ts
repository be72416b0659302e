// Reductions: sumAxis, maxAxis and sumToBroadcast, Wasm vs the JS reference and by hand.
//
// The reference sums in f64 and rounds once; the kernels sum in f32 lanes in another order. For m
// terms any such order is within (m − 1)·U·Σ|x| of the exact sum (to first order, U = 2⁻²⁴), and
// the reference within U·|sum|: the parity tests allow exactly that, per element, ×1.01 for the
// second-order terms. With mixed signs Σ|x| can be far larger than |sum|, which is why the bound
// is absolute and per element rather than one relative tolerance. Max is exact.
import { describe, it, expect } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { bothBackends, expectExact, expectGuard, expectWithin, get, guarded, put, seeded, SIZES, U } from "./harness.js";

const { js, wasm } = await bothBackends();

type Kernel = "sumAxis" | "maxAxis" | "sumToBroadcast";

/** Run a reduction of x viewed as [outer, mid, inner]; mid is len, or bn for sumToBroadcast. */
function reduceOn(b: Backend, k: Kernel, x: Float32Array, outer: number, mid: number, inner: number): Float32Array {
  const n = k === "sumToBroadcast" ? mid : outer * inner;
  const xp = put(b, x);
  const out = guarded(b, n);
  b[k](xp, out, outer, mid, inner);
  const what = `${k} ${b.name} [${outer}, ${mid}, ${inner}]`;
  expectGuard(b, out, n, what);
  expectExact(get(b, xp, x.length), x, `${what}: x was modified`);
  return get(b, out, n);
}

/** Per-element bound for a sum kernel: (terms − 1)·U·Σ|x| + U·|ref|, ×1.01. */
function sumBound(k: Kernel, x: Float32Array, want: Float32Array, outer: number, mid: number, inner: number): Float64Array {
  const abs = reduceOn(js, k, x.map(Math.abs), outer, mid, inner);
  const terms = k === "sumToBroadcast" ? outer * inner : mid;
  return Float64Array.from(abs, (a, i) => 1.01 * ((terms - 1) * U * a + U * Math.abs(want[i])));
}

/** Every [outer, mid, inner] over {1, 3, 7, 17}³, plus long axes that fill every SIMD path. */
function shapes(): [number, number, number][] {
  const s: [number, number, number][] = [];
  const small = [1, 3, 7, 17];
  for (const a of small) for (const b of small) for (const c of small) s.push([a, b, c]);
  s.push([1, 784, 1], [3, 130, 1], [2, 33, 130], [32, 1, 128], [1, 32, 130], [5, 784, 33], [130, 3, 49], [7, 128, 2]);
  return s;
}

describe("sumAxis, maxAxis, sumToBroadcast", () => {
  for (const k of ["sumAxis", "sumToBroadcast"] as const) {
    it(`${k} matches the reference within the f32 summation bound`, () => {
      for (const [outer, mid, inner] of shapes()) {
        const x = seeded(outer * mid * inner, outer * 10007 + mid * 101 + inner, -1, 1);
        const want = reduceOn(js, k, x, outer, mid, inner);
        expectWithin(reduceOn(wasm, k, x, outer, mid, inner), want, sumBound(k, x, want, outer, mid, inner), `${k} [${outer}, ${mid}, ${inner}]`);
      }
    });
  }

  it("maxAxis matches the reference bit for bit, all-negative data included", () => {
    for (const [outer, len, inner] of shapes()) {
      for (const [lo, hi] of [[-1, 1], [-5, -1]]) {
        const x = seeded(outer * len * inner, outer * 10007 + len * 101 + inner, lo, hi);
        const want = reduceOn(js, "maxAxis", x, outer, len, inner);
        expectExact(reduceOn(wasm, "maxAxis", x, outer, len, inner), want, `maxAxis [${outer}, ${len}, ${inner}] in [${lo}, ${hi})`);
      }
    }
  });

  it("an empty axis gives 0 for sums and −∞ for max", () => {
    for (const b of [js, wasm]) {
      expect(Array.from(reduceOn(b, "sumAxis", new Float32Array(0), 2, 0, 3)), b.name).toEqual([0, 0, 0, 0, 0, 0]);
      expect(Array.from(reduceOn(b, "maxAxis", new Float32Array(0), 2, 0, 1)), b.name).toEqual([-Infinity, -Infinity]);
    }
  });

  it("by hand on x = [[[1, 2], [3, 4], [5, 6]], [[−1, −2], [−3, −4], [−5, −7]]] viewed as [2, 3, 2]", () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -7]);
    for (const b of [js, wasm]) {
      // Over the middle axis: [1+3+5, 2+4+6] and [−1−3−5, −2−4−7].
      expect(Array.from(reduceOn(b, "sumAxis", x, 2, 3, 2)), b.name).toEqual([9, 12, -9, -13]);
      expect(Array.from(reduceOn(b, "maxAxis", x, 2, 3, 2)), b.name).toEqual([5, 6, -1, -2]);
      // out[c] = Σ_o Σ_i x[o][c][i]: c = 0: 1+2−1−2 = 0, c = 1: 3+4−3−4 = 0, c = 2: 5+6−5−7 = −1.
      expect(Array.from(reduceOn(b, "sumToBroadcast", x, 2, 3, 2)), b.name).toEqual([0, 0, -1]);
      // The same data as one row of 12 (inner = 1): sum −1, max 6; and as 12 rows of one.
      expect(Array.from(reduceOn(b, "sumAxis", x, 1, 12, 1)), b.name).toEqual([-1]);
      expect(Array.from(reduceOn(b, "maxAxis", x, 1, 12, 1)), b.name).toEqual([6]);
      expect(Array.from(reduceOn(b, "sumToBroadcast", x, 12, 1, 1)), b.name).toEqual([-1]);
      // As a 4×3 matrix: column sums (the bias gradient of a 4-row batch).
      expect(Array.from(reduceOn(b, "sumToBroadcast", x, 4, 3, 1)), b.name).toEqual([1 + 4 - 1 - 4, 2 + 5 - 2 - 5, 3 + 6 - 3 - 7]);
    }
  });

  it("maxAxis of all-negative rows is the least negative, not 0", () => {
    const x = new Float32Array([-3, -1.5, -2, -8, -0.25, -9, -4, -6, -5]);
    for (const b of [js, wasm]) {
      expect(Array.from(reduceOn(b, "maxAxis", x, 3, 3, 1)), b.name).toEqual([-1.5, -0.25, -4]);
      expect(Array.from(reduceOn(b, "maxAxis", x, 1, 3, 3)), b.name).toEqual([-3, -0.25, -2]);
    }
  });
});

describe("sumSquares", () => {
  // A square of an f32 is exact in f64 (48 significant bits of 53), so the only rounding is the
  // f64 additions: for n terms any order is within (n − 1)·2⁻⁵³·Σx² of the exact sum.
  function sumSquaresOn(b: Backend, x: Float32Array): number {
    const xp = put(b, x);
    const s = b.sumSquares(xp, x.length);
    expectExact(get(b, xp, x.length), x, `sumSquares ${b.name}: x was modified`);
    return s;
  }

  it("matches the reference within the f64 summation bound, every SIMD tail", () => {
    for (const n of [...SIZES, 8, 9, 15, 16, 100_003]) {
      const x = seeded(n, n);
      const want = sumSquaresOn(js, x);
      expect(Math.abs(sumSquaresOn(wasm, x) - want), `n = ${n}`).toBeLessThanOrEqual((n - 1) * 2 ** -53 * want);
    }
  });

  it("by hand: 1² + … + 11² = 506, the empty sum is 0, and f32 values near 1e30 do not overflow", () => {
    const x = Float32Array.from({ length: 11 }, (_, i) => i + 1);
    const big = Float32Array.from([1e30, -1e30, 2e30]);
    for (const b of [js, wasm]) {
      expect(sumSquaresOn(b, x), b.name).toBe(506);
      expect(sumSquaresOn(b, new Float32Array(0)), b.name).toBe(0);
      // Their squares (~1e60) are far beyond f32's 3.4e38: the sum is accumulated in f64.
      const want = 2 * Math.fround(1e30) ** 2 + Math.fround(2e30) ** 2;
      expect(Math.abs(sumSquaresOn(b, big) - want), b.name).toBeLessThanOrEqual(2 * 2 ** -53 * want);
    }
  });
});
