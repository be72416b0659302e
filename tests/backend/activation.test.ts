// Activations, their backward rules, and softmax: Wasm vs the JS reference, and values by hand.
import { describe, it, expect } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { Activation } from "../../src/backend/opcodes.js";
import { bothBackends, closeness, expectExact, expectGuard, expectWithin, get, guarded, put, seeded, SIZES, U } from "./harness.js";

const { js, wasm } = await bothBackends();

function forwardOn(b: Backend, kind: Activation, x: Float32Array, alpha: number, alias = false): Float32Array {
  const n = x.length;
  const xp = alias ? guarded(b, n) : put(b, x);
  if (alias) b.heap.f32(xp, n).set(x);
  const y = alias ? xp : guarded(b, n);
  b.activation(kind, xp, y, n, alpha);
  expectGuard(b, y, n, `activation ${b.name} kind=${kind} n=${n}`);
  return get(b, y, n);
}

/** dx for the given x, y, dy; with `alias` dx is written over dy. */
function backwardOn(b: Backend, kind: Activation, x: Float32Array, y: Float32Array, dy: Float32Array, alpha: number, alias = false): Float32Array {
  const n = x.length;
  const xp = put(b, x);
  const yp = put(b, y);
  const dyp = guarded(b, n);
  b.heap.f32(dyp, n).set(dy);
  const dx = alias ? dyp : guarded(b, n);
  b.activationBackward(kind, xp, yp, dyp, dx, n, alpha);
  expectGuard(b, dx, n, `activationBackward ${b.name} kind=${kind} n=${n}`);
  return get(b, dx, n);
}

/**
 * [name, kind, alpha, forward [atol, rtol], backward [atol, rtol]]; [0, 0] means bit for bit, and
 * atol = 1e−40 only lets results that are 0 or subnormal on both sides compare.
 * - ReLU, and LeakyReLU with an f32 slope: selection and one product, exact. With alpha = 0.01
 *   (not an f32 value) α·x differs by f32(α)'s error plus one rounding on each side: 3U relative.
 * - Sigmoid: exp (≤ 1 ulp = 2U), 1 + e, the division and the product e·q (U each), the
 *   reference's own rounding (U): 6U relative. Its backward y(1 − y)·dy: three roundings
 *   against one, 4U.
 * - Tanh: musl's tanhf via expm1f is within ~2 ulp (4U), plus the reference's rounding: 8U.
 *   Backward (1 − y)(1 + y)·dy: at most one of 1 ∓ y is inexact, two products, the reference's
 *   rounding: 4U.
 * - GELU (exact), x·Φ(x) with Φ from the same erfc fit on both sides: the f32 Horner steps and
 *   the four-lane exp (≤ 2 ulp) of e^(p − z²) with |p − z²| ≤ 20 on [−6, 6] leave ≈ 20·4U ≈ 5e−6
 *   relative, under 1e−5; backward as for the tanh form below.
 * - GELU (tanh form), computed as x·σ(2u): the few roundings in u = c(x + kx³) are amplified by |2u| in
 *   σ(2u)'s left tail, a relative error ≈ (4|2u| + 6)U, under 1e−5 for |2u| < 40; beyond that
 *   |y| < |x|e⁻⁴⁰ and the absolute term covers it (there the reference itself, 1 + tanh u in f64,
 *   is only accurate to ~1e−16 absolute). Backward: GELU' crosses zero near x = −0.75, where its
 *   two terms (≤ 1.2 in size) cancel; their few roundings leave ~5U·1.2 ≈ 3e−7 absolute.
 */
const KINDS: [string, Activation, number, [number, number], [number, number]][] = [
  ["ReLU", Activation.ReLU, 0, [0, 0], [0, 0]],
  ["LeakyReLU α=0.125", Activation.LeakyReLU, 0.125, [0, 0], [0, 0]],
  ["LeakyReLU α=0.01", Activation.LeakyReLU, 0.01, [1e-40, 3 * U], [1e-40, 3 * U]],
  ["Sigmoid", Activation.Sigmoid, 0, [1e-40, 6 * U], [1e-40, 4 * U]],
  ["Tanh", Activation.Tanh, 0, [1e-40, 8 * U], [1e-40, 4 * U]],
  ["GELU (tanh form)", Activation.GELUTanh, 0, [1e-9, 1e-5], [3e-7, 1e-5]],
  ["GELU (exact)", Activation.GELU, 0, [1e-9, 1e-5], [3e-7, 1e-5]],
];

function expectClose(got: Float32Array, want: Float32Array, [atol, rtol]: [number, number], what: string): void {
  if (atol === 0 && rtol === 0) expectExact(got, want, what);
  else expect(closeness(got, want, atol, rtol), what).toBeLessThanOrEqual(1);
}

describe("activation and activationBackward", () => {
  for (const [name, kind, alpha, fwdTol, bwdTol] of KINDS) {
    it(`${name}: forward and backward match the reference`, () => {
      for (const n of SIZES) {
        const x = seeded(n, n * 101 + kind, -6, 6);
        if (n >= 3) x[1] = 0; // the kink of ReLU: f'(0) is taken as 0, on both sides
        const want = forwardOn(js, kind, x, alpha);
        expectClose(forwardOn(wasm, kind, x, alpha), want, fwdTol, `${name} forward n=${n}`);
        expectClose(forwardOn(wasm, kind, x, alpha, true), want, fwdTol, `${name} forward n=${n} (y = x)`);

        // Both backends get the same y (the reference's), so only the backward rule is compared.
        const dy = seeded(n, n * 7 + kind, -2, 2);
        const dxWant = backwardOn(js, kind, x, want, dy, alpha);
        expectClose(backwardOn(wasm, kind, x, want, dy, alpha), dxWant, bwdTol, `${name} backward n=${n}`);
        expectClose(backwardOn(wasm, kind, x, want, dy, alpha, true), dxWant, bwdTol, `${name} backward n=${n} (dx = dy)`);
      }
    });
  }

  it("sigmoid saturates without overflow: σ(100) = 1, σ(−100) ≈ 3.7e−44, σ(±1000) = 1 and 0", () => {
    const x = new Float32Array([100, -100, 1000, -1000, 0, 88.8, -88.8]);
    for (const b of [js, wasm]) {
      const y = forwardOn(b, Activation.Sigmoid, x, 0);
      expect(y.every(Number.isFinite), `${b.name}: ${y}`).toBe(true);
      expect(y[0], b.name).toBe(1);
      // e⁻¹⁰⁰ is a subnormal f32: positive, not flushed to 0.
      expect(y[1], b.name).toBeGreaterThan(0);
      expect(Math.abs(y[1] - Math.exp(-100)), b.name).toBeLessThanOrEqual(2 ** -149);
      expect(y[2], b.name).toBe(1);
      expect(y[3], b.name).toBe(0);
      expect(y[4], b.name).toBe(0.5);
      expect(y[5], b.name).toBe(1);
      expect(Math.abs(y[6] - Math.exp(-88.8)) / Math.exp(-88.8), b.name).toBeLessThan(1e-4);
    }
  });

  it("GELU(1) ≈ 0.841192 and GELU(−1) ≈ −0.158808 (tanh form); GELU'(0) = 0.5", () => {
    for (const b of [js, wasm]) {
      const y = forwardOn(b, Activation.GELUTanh, new Float32Array([1, -1, 0]), 0);
      expect(Math.abs(y[0] - 0.841192), b.name).toBeLessThan(1e-6);
      expect(Math.abs(y[1] + 0.158808), b.name).toBeLessThan(1e-6);
      expect(y[2], b.name).toBe(0);
      const dx = backwardOn(b, Activation.GELUTanh, new Float32Array([0]), new Float32Array([0]), new Float32Array([1]), 0);
      expect(dx[0], b.name).toBe(0.5);
    }
  });

  it("exact GELU: GELU(1) = 0.8413447, GELU(−1) = −0.1586553, GELU'(0) = 0.5, and x·Φ(x) keeps its relative accuracy at x = −5 and −9", () => {
    // Φ(−5) = 2.866516e−7 and Φ(−9) = 1.128588e−19 (standard normal tables); 1 + erf(x/√2) would cancel to 0 in f32.
    for (const b of [js, wasm]) {
      const y = forwardOn(b, Activation.GELU, new Float32Array([1, -1, 0, -5, -9]), 0);
      expect(Math.abs(y[0] - 0.8413447), b.name).toBeLessThan(1e-6);
      expect(Math.abs(y[1] + 0.1586553), b.name).toBeLessThan(1e-6);
      expect(y[2], b.name).toBe(0);
      expect(Math.abs(y[3] / (-5 * 2.866516e-7) - 1), b.name).toBeLessThan(1e-5);
      expect(Math.abs(y[4] / (-9 * 1.128588e-19) - 1), b.name).toBeLessThan(1e-5);
      const dx = backwardOn(b, Activation.GELU, new Float32Array([0]), new Float32Array([0]), new Float32Array([1]), 0);
      expect(Math.abs(dx[0] - 0.5), b.name).toBeLessThan(1e-7);
    }
  });

  it("GELU keeps relative accuracy in its left tail (Wasm, against an f64 x·σ(2u))", () => {
    // Here 1 + tanh(u) cancels even in f64 (the reference drifts by ~1e−16 absolute); the kernel
    // computes x·σ(2u) and stays within the amplification bound (4|2u| + 6)U of the comment above.
    const xs = new Float32Array([-3, -5, -7.2, -9]);
    const y = forwardOn(wasm, Activation.GELUTanh, xs, 0);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i];
      const u2 = 2 * Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3);
      const exact = v / (1 + Math.exp(-u2));
      expect(Math.abs(y[i] - exact) / Math.abs(exact), `GELU(${v})`).toBeLessThanOrEqual((4 * Math.abs(u2) + 6) * U);
    }
  });

  it("ReLU and LeakyReLU by hand, slope and kink included", () => {
    const x = new Float32Array([-2, -0.5, 0, 0.5, 3]);
    const dy = new Float32Array([1, 2, 3, 4, 5]);
    for (const b of [js, wasm]) {
      expect(Array.from(forwardOn(b, Activation.ReLU, x, 0)), b.name).toEqual([0, 0, 0, 0.5, 3]);
      expect(Array.from(forwardOn(b, Activation.LeakyReLU, x, 0.25)), b.name).toEqual([-0.5, -0.125, 0, 0.5, 3]);
      expect(Array.from(backwardOn(b, Activation.ReLU, x, x, dy, 0)), b.name).toEqual([0, 0, 0, 4, 5]);
      expect(Array.from(backwardOn(b, Activation.LeakyReLU, x, x, dy, 0.25)), b.name).toEqual([0.25, 0.5, 0.75, 4, 5]);
    }
  });

  it("sigmoid' = y(1 − y) and tanh' = 1 − y² by hand", () => {
    const y = new Float32Array([0.5, 0.25, -0.5, 0.75]);
    const dy = new Float32Array([2, 2, 2, 2]);
    for (const b of [js, wasm]) {
      expect(Array.from(backwardOn(b, Activation.Sigmoid, y, y, dy, 0).subarray(0, 2)), b.name).toEqual([0.5, 0.375]);
      expect(Array.from(backwardOn(b, Activation.Tanh, y, y, dy, 0)), b.name).toEqual([1.5, 1.875, 1.5, 0.875]);
    }
  });
});

function softmaxOn(b: Backend, x: Float32Array, rows: number, cols: number, alias = false): Float32Array {
  const n = rows * cols;
  const xp = alias ? guarded(b, n) : put(b, x);
  if (alias) b.heap.f32(xp, n).set(x);
  const y = alias ? xp : guarded(b, n);
  b.softmax(xp, y, rows, cols);
  expectGuard(b, y, n, `softmax ${b.name} ${rows}×${cols}`);
  return get(b, y, n);
}

function softmaxBackwardOn(b: Backend, y: Float32Array, dy: Float32Array, rows: number, cols: number, alias = false): Float32Array {
  const n = rows * cols;
  const yp = put(b, y);
  const dyp = guarded(b, n);
  b.heap.f32(dyp, n).set(dy);
  const dx = alias ? dyp : guarded(b, n);
  b.softmaxBackward(yp, dyp, dx, rows, cols);
  expectGuard(b, dx, n, `softmaxBackward ${b.name} ${rows}×${cols}`);
  return get(b, dx, n);
}

/**
 * Allowed |wasm − js| for softmax, per element. The kernel rounds x − max (an error of
 * |x − max|·U in the exponent), calls expf (2U), sums the row in f32 ((cols − 1)U relative, the
 * terms being positive) and divides (U); the reference rounds e and the quotient (2U). So
 * y_wasm/y_js − 1 is within (|x_j − max| + max_k|x_k − max| + cols + 6)U.
 */
function softmaxBound(x: Float32Array, want: Float32Array, rows: number, cols: number): Float64Array {
  const bound = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    let max = -Infinity;
    let min = Infinity;
    for (const v of row) { max = Math.max(max, v); min = Math.min(min, v); }
    for (let j = 0; j < cols; j++) {
      const k = r * cols + j;
      bound[k] = (max - x[k] + (max - min) + cols + 6) * U * Math.abs(want[k]);
    }
  }
  return bound;
}

/**
 * For softmaxBackward: the kernel's dot Σ dy·y in f32 is within cols·U·Σ|dy·y| of the exact one
 * (the reference's f64 dot is exact to far below that); dx = y(dy − dot) then adds two roundings
 * on the kernel's side and one on the reference's.
 */
function softmaxBackwardBound(y: Float32Array, dy: Float32Array, want: Float32Array, rows: number, cols: number): Float64Array {
  const bound = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    let absDot = 0;
    for (let j = 0; j < cols; j++) {
      dot += dy[r * cols + j] * y[r * cols + j];
      absDot += Math.abs(dy[r * cols + j] * y[r * cols + j]);
    }
    for (let j = 0; j < cols; j++) {
      const k = r * cols + j;
      bound[k] = Math.abs(y[k]) * cols * U * absDot + 2 * U * Math.abs(y[k] * (dy[k] - dot)) + U * Math.abs(want[k]);
    }
  }
  return bound;
}

describe("softmax and softmaxBackward", () => {
  it("match the reference at awkward row lengths", () => {
    for (const rows of [1, 3, 7]) {
      for (const cols of SIZES) {
        const n = rows * cols;
        const x = seeded(n, rows * 1009 + cols, -8, 8);
        const want = softmaxOn(js, x, rows, cols);
        const bound = softmaxBound(x, want, rows, cols);
        expectWithin(softmaxOn(wasm, x, rows, cols), want, bound, `softmax ${rows}×${cols}`);
        expectWithin(softmaxOn(wasm, x, rows, cols, true), want, bound, `softmax ${rows}×${cols} (y = x)`);

        const dy = seeded(n, rows * 31 + cols, -1, 1);
        const dxWant = softmaxBackwardOn(js, want, dy, rows, cols);
        const dxBound = softmaxBackwardBound(want, dy, dxWant, rows, cols);
        expectWithin(softmaxBackwardOn(wasm, want, dy, rows, cols), dxWant, dxBound, `softmaxBackward ${rows}×${cols}`);
        expectWithin(softmaxBackwardOn(wasm, want, dy, rows, cols, true), dxWant, dxBound, `softmaxBackward ${rows}×${cols} (dx = dy)`);
      }
    }
  });

  it("softmax([0, ln 2, ln 3]) = [1/6, 2/6, 3/6], and a shift by 1000 changes nothing", () => {
    const x = new Float32Array([0, Math.LN2, Math.log(3), 1000, 1000 + Math.LN2, 1000 + Math.log(3)]);
    for (const b of [js, wasm]) {
      const y = softmaxOn(b, x, 2, 3);
      // Inputs are f32: ln 2 and ln 3 carry ~3e−8 of rounding into the exponents, well inside
      // 1e−6 with the kernel's own (cols + 6)U; 1000 + ln k is off by up to ulp(1000)/2 = 3e−5.
      expect(closeness(y.subarray(0, 3), [1 / 6, 2 / 6, 3 / 6], 0, 1e-6), `${b.name}: ${y}`).toBeLessThanOrEqual(1);
      expect(closeness(y.subarray(3), [1 / 6, 2 / 6, 3 / 6], 0, 1e-4), `${b.name}: ${y}`).toBeLessThanOrEqual(1);
    }
  });

  it("softmaxBackward by hand: y = [1/2, 1/2], dy = [1, 0] gives [1/4, −1/4]", () => {
    for (const b of [js, wasm]) {
      expect(Array.from(softmaxBackwardOn(b, new Float32Array([0.5, 0.5]), new Float32Array([1, 0]), 1, 2)), b.name).toEqual([0.25, -0.25]);
    }
  });
});
