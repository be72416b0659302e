// Capsule kernels: Wasm vs the JS reference at awkward sizes, and values by hand.
//
// Tolerances. Every kernel here is made of dot products or sums of n terms; in f32 with any
// summation order, such a sum is within n·u·Σ|terms| of the exact one (u = 2⁻²⁴), and the
// reference (f64 sums, rounded once) within u·|result|. With inputs in [−1, 1], Σ|terms| ≤ n,
// so the bound used is atol = (n + 2)·u·n plus a few u relative for the scalar factors.
import { describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { bothBackends, closeness, expectGuard, get, guarded, put, seeded, U } from "./harness.js";

const { js, wasm } = await bothBackends();
const DIMS = [1, 3, 4, 7, 8, 16, 17, 33];

function within(a: Float32Array, r: Float32Array, n: number, what: string): void {
  expect(closeness(a, r, (n + 2) * U * n + 1e-30, 8 * U), what).toBeLessThanOrEqual(1);
}

function squashOn(b: Backend, x: Float32Array, dy: Float32Array, rows: number, dim: number) {
  const xp = put(b, x);
  const y = guarded(b, rows * dim);
  b.squash(xp, y, rows, dim);
  expectGuard(b, y, rows * dim, "squash");
  const dx = guarded(b, rows * dim);
  b.squashBackward(xp, put(b, dy), dx, rows, dim);
  expectGuard(b, dx, rows * dim, "squashBackward");
  const n = guarded(b, rows);
  b.vectorNorm(xp, n, rows, dim);
  expectGuard(b, n, rows, "vectorNorm");
  const dn = guarded(b, rows * dim);
  b.vectorNormBackward(xp, n, put(b, dy.subarray(0, rows)), dn, rows, dim);
  expectGuard(b, dn, rows * dim, "vectorNormBackward");
  return { y: get(b, y, rows * dim), dx: get(b, dx, rows * dim), n: get(b, n, rows), dn: get(b, dn, rows * dim) };
}

describe("squash, vectorNorm and their backward", () => {
  it("match hand values, and a zero vector gives zero output and zero gradient", () => {
    for (const b of [js, wasm]) {
      // [3, 4]: length 5, squashed to length 25/26: y = [3, 4]·5/26.
      const r = squashOn(b, Float32Array.from([3, 4, 0, 0]), Float32Array.from([1, -2, 5, 7]), 2, 2);
      expect(Array.from(r.y).map((v) => +v.toFixed(6)), b.name).toEqual([+(15 / 26).toFixed(6), +(20 / 26).toFixed(6), 0, 0]);
      expect(Array.from(r.n), b.name).toEqual([5, 0]);
      // Gradient at 0: f(0) = 0 and the second term is 0, so dx = 0 exactly, and finite.
      expect(Array.from(r.dx.subarray(2)), b.name).toEqual([0, 0]);
      expect(Array.from(r.dn.subarray(2)), b.name).toEqual([0, 0]);
      // At s = [3, 4], dy = [1, −2]: f = 5/26, s·dy = −5, (1 − n²)/(n(1 + n²)²) = −24/(5·676).
      const g = (-5 * -24) / (5 * 676);
      expect(r.dx[0], b.name).toBeCloseTo(5 / 26 + 3 * g, 6);
      expect(r.dx[1], b.name).toBeCloseTo((-2 * 5) / 26 + 4 * g, 6);
      // d‖x‖/dx = x/‖x‖ times dy = 1.
      expect(Array.from(r.dn.subarray(0, 2)).map((v) => +v.toFixed(6)), b.name).toEqual([0.6, 0.8]);
    }
  });

  it("Wasm matches JS at awkward sizes, tiny vectors included", () => {
    for (const dim of DIMS) {
      for (const rows of [1, 5]) {
        const x = seeded(rows * dim, dim * 7 + rows, -1, 1);
        // A row of subnormal-free tiny values: ‖s‖ ≈ 1e−15, where the formula must not lose itself.
        if (rows > 1) for (let k = 0; k < dim; k++) x[dim + k] *= 1e-15;
        const dy = seeded(rows * dim, dim + 99, -1, 1);
        const a = squashOn(wasm, x, dy, rows, dim);
        const r = squashOn(js, x, dy, rows, dim);
        for (const k of ["y", "dx", "n", "dn"] as const) within(a[k], r[k], dim, `${k} dim=${dim} rows=${rows}`);
        for (const v of [...a.dx, ...a.y]) expect(Number.isFinite(v)).toBe(true);
      }
    }
  });
});

function routingOn(b: Backend, c: Float32Array, uhat: Float32Array, v: Float32Array, init: Float32Array, batch: number, inCaps: number, outCaps: number, dim: number) {
  const [cp, up, vp] = [put(b, c), put(b, uhat), put(b, v)];
  const s = guarded(b, batch * outCaps * dim);
  b.routingWeightedSum(cp, up, s, batch, inCaps, outCaps, dim);
  expectGuard(b, s, batch * outCaps * dim, "routingWeightedSum");
  const a = put(b, [...init, 0, 0, 0, 0]);
  b.routingAgreement(up, vp, a, batch, inCaps, outCaps, dim, true);
  const o = put(b, [...uhat, 0, 0, 0, 0]);
  b.routingOuter(cp, vp, o, batch, inCaps, outCaps, dim, true);
  const o2 = guarded(b, uhat.length);
  b.routingOuter(cp, vp, o2, batch, inCaps, outCaps, dim, false);
  expectGuard(b, o2, uhat.length, "routingOuter");
  return { s: get(b, s, batch * outCaps * dim), a: get(b, a, c.length), o: get(b, o, uhat.length), o2: get(b, o2, uhat.length) };
}

describe("routing sums", () => {
  it("match float64 loops, and Wasm matches JS at awkward sizes", () => {
    for (const dim of DIMS) {
      for (const [batch, inCaps, outCaps] of [[1, 1, 1], [2, 3, 5], [3, 17, 10]]) {
        const c = seeded(batch * inCaps * outCaps, dim + 1, 0, 1);
        const uhat = seeded(c.length * dim, dim + 2);
        const v = seeded(batch * outCaps * dim, dim + 3);
        const init = seeded(c.length, dim + 4);
        const s = new Float32Array(v.length);
        const a = Float32Array.from(init);
        const o = Float32Array.from(uhat);
        for (let n = 0; n < batch; n++) for (let i = 0; i < inCaps; i++) for (let j = 0; j < outCaps; j++) {
          const row = (n * inCaps + i) * outCaps + j;
          let d = 0;
          for (let t = 0; t < dim; t++) {
            s[(n * outCaps + j) * dim + t] += c[row] * uhat[row * dim + t];
            d += uhat[row * dim + t] * v[(n * outCaps + j) * dim + t];
            o[row * dim + t] += c[row] * v[(n * outCaps + j) * dim + t];
          }
          a[row] += d;
        }
        for (const b of [js, wasm]) {
          const got = routingOn(b, c, uhat, v, init, batch, inCaps, outCaps, dim);
          const what = `${b.name} dim=${dim} ${batch}×${inCaps}×${outCaps}`;
          within(got.s, s, inCaps, `s ${what}`);
          within(got.a, a, dim + 1, `agreement ${what}`);
          within(got.o, o, 2, `outer (accumulate) ${what}`);
          within(got.o2, o.map((x, q) => x - uhat[q]), 2, `outer ${what}`);
        }
      }
    }
  });
});

function marginOn(b: Backend, l: Float32Array, labels: number[], rows: number, cols: number, mp: number, mm: number, lambda: number) {
  const g = guarded(b, rows * cols);
  const value = b.marginLoss(put(b, l), put(b, labels), g, rows, cols, mp, mm, lambda);
  expectGuard(b, g, rows * cols, "marginLoss");
  return { value, grad: get(b, g, rows * cols) };
}

describe("marginLoss", () => {
  it("matches hand values", () => {
    for (const b of [js, wasm]) {
      // Row 0, label 1: lengths 0.2 (absent, over m⁻ by 0.1), 0.5 (present, short of m⁺ by 0.4), 0.05.
      // Row 1, label 0: 0.95 (present, past m⁺: 0), 0.1 (absent, at m⁻: 0), 0.7 (over m⁻ by 0.6).
      const r = marginOn(b, Float32Array.from([0.2, 0.5, 0.05, 0.95, 0.1, 0.7]), [1, 0], 2, 3, 0.9, 0.1, 0.5);
      expect(r.value, b.name).toBeCloseTo((0.5 * 0.01 + 0.16 + 0.5 * 0.36) / 2, 6);
      const want = [0.5 * 2 * 0.1, -2 * 0.4, 0, 0, 0, 0.5 * 2 * 0.6].map((v) => v / 2);
      Array.from(r.grad).forEach((v, i) => expect(v, `${b.name} grad ${i}`).toBeCloseTo(want[i], 6));
    }
  });

  it("Wasm matches JS at awkward sizes", () => {
    for (const cols of [1, 3, 10, 17]) {
      for (const rows of [1, 7, 33]) {
        const l = seeded(rows * cols, rows + cols, 0, 1);
        const labels = Array.from({ length: rows }, (_, i) => (i * 7) % cols);
        const a = marginOn(wasm, l, labels, rows, cols, 0.9, 0.1, 0.5);
        const r = marginOn(js, l, labels, rows, cols, 0.9, 0.1, 0.5);
        expect(Math.abs(a.value - r.value), `loss cols=${cols} rows=${rows}`).toBeLessThanOrEqual(8 * U * cols * (1 + r.value));
        within(a.grad, r.grad, 1, `grad cols=${cols} rows=${rows}`);
      }
    }
  });
});
