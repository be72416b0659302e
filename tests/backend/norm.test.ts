// Batch normalization (assembly/norm.ts, src/backend/js/norm.ts): Wasm vs JS parity over
// [n, c, inner] shapes, a hand-computed example, and the JS backward against central differences
// of L = Σ y·r through a float64 batch norm written here.
import { describe, it, expect, beforeAll } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { bothBackends, closeness, get, put, seeded, zerosIn } from "./harness.js";

let js: Backend;
let wasm: Backend;
beforeAll(async () => {
  ({ js, wasm } = await bothBackends());
});

interface Shape {
  n: number;
  c: number;
  inner: number;
}

// inner = 1 (BatchNorm1d), short rows (no SIMD), 5×6 and 13×13 images, 784 = 28×28.
const SHAPES: Shape[] = [
  { n: 1, c: 1, inner: 1 },
  { n: 4, c: 16, inner: 1 },
  { n: 32, c: 7, inner: 1 },
  { n: 3, c: 5, inner: 2 },
  { n: 2, c: 3, inner: 3 },
  { n: 4, c: 8, inner: 30 },
  { n: 2, c: 16, inner: 169 },
  { n: 3, c: 1, inner: 784 },
  { n: 1, c: 4, inner: 7 },
  { n: 17, c: 3, inner: 33 },
];
const label = (s: Shape): string => `[${s.n}, ${s.c}, ${s.inner}]`;
const EPS = 1e-5;

interface Forward {
  mean: Float32Array;
  variance: Float32Array;
  y: Float32Array;
  xhat: Float32Array;
}

/** Training-mode forward: batch statistics, then normalize. */
function train(b: Backend, s: Shape, x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null): Forward {
  const size = s.n * s.c * s.inner;
  const xp = put(b, x);
  const mean = zerosIn(b, s.c, NaN);
  const variance = zerosIn(b, s.c, NaN);
  const y = zerosIn(b, size, NaN);
  const xhat = zerosIn(b, size, NaN);
  b.batchNormStats(xp, mean, variance, s.n, s.c, s.inner);
  b.batchNorm(xp, mean, variance, gamma ? put(b, gamma) : 0, beta ? put(b, beta) : 0, y, xhat, s.n, s.c, s.inner, EPS);
  return { mean: get(b, mean, s.c), variance: get(b, variance, s.c), y: get(b, y, size), xhat: get(b, xhat, size) };
}

interface Backward {
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
}

function backward(b: Backend, s: Shape, dy: Float32Array, xhat: Float32Array, variance: Float32Array, gamma: Float32Array | null, eps = EPS): Backward {
  const size = s.n * s.c * s.inner;
  const dx = zerosIn(b, size, NaN);
  const dgamma = zerosIn(b, s.c, NaN);
  const dbeta = zerosIn(b, s.c, NaN);
  b.batchNormBackward(put(b, dy), put(b, xhat), put(b, variance), gamma ? put(b, gamma) : 0, dx, dgamma, dbeta, s.n, s.c, s.inner, eps);
  return { dx: get(b, dx, size), dgamma: get(b, dgamma, s.c), dbeta: get(b, dbeta, s.c) };
}

describe("batch norm: Wasm matches the JS reference", () => {
  for (const [i, s] of SHAPES.entries()) {
    it(`training forward and backward ${label(s)}`, () => {
      const size = s.n * s.c * s.inner;
      // An offset mean and a spread per channel, as activations have.
      const x = seeded(size, 50 + i, -2, 3);
      const gamma = seeded(s.c, 60 + i, 0.5, 1.5);
      const beta = seeded(s.c, 70 + i);
      const dy = seeded(size, 80 + i);
      const w = train(wasm, s, x, gamma, beta);
      const r = train(js, s, x, gamma, beta);
      expect(closeness(w.mean, r.mean, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(w.variance, r.variance, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(w.xhat, r.xhat, 1e-5, 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(w.y, r.y, 1e-5, 1e-5)).toBeLessThanOrEqual(1);
      // Both backwards from the same x̂ and variance, so only the backward itself is compared.
      const wb = backward(wasm, s, dy, r.xhat, r.variance, gamma);
      const rb = backward(js, s, dy, r.xhat, r.variance, gamma);
      const m = s.n * s.inner;
      expect(closeness(wb.dbeta, rb.dbeta, 1e-6 * Math.sqrt(m), 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(wb.dgamma, rb.dgamma, 1e-6 * Math.sqrt(m), 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(wb.dx, rb.dx, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
    });
  }

  it("evaluation: running statistics, no affine, no x̂", () => {
    const s = { n: 3, c: 6, inner: 13 };
    const size = s.n * s.c * s.inner;
    const x = seeded(size, 1, -2, 2);
    const mean = seeded(s.c, 2);
    const variance = seeded(s.c, 3, 0.2, 2);
    const out = (b: Backend): Float32Array => {
      const y = zerosIn(b, size, NaN);
      b.batchNorm(put(b, x), put(b, mean), put(b, variance), 0, 0, y, 0, s.n, s.c, s.inner, EPS);
      return get(b, y, size);
    };
    const want = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const ch = Math.floor(i / s.inner) % s.c;
      want[i] = (x[i] - mean[ch]) / Math.sqrt(variance[ch] + EPS);
    }
    expect(closeness(out(js), want, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    expect(closeness(out(wasm), want, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
  });

  it("works in place: y over x, dx over dy", () => {
    const s = { n: 2, c: 3, inner: 10 };
    const size = s.n * s.c * s.inner;
    const x = seeded(size, 4);
    const dy = seeded(size, 5);
    const gamma = seeded(s.c, 6);
    const ref = train(js, s, x, gamma, null);
    const refB = backward(js, s, dy, ref.xhat, ref.variance, gamma);
    for (const b of [js, wasm]) {
      const xp = put(b, x);
      const mean = zerosIn(b, s.c);
      const variance = zerosIn(b, s.c);
      const xhat = zerosIn(b, size);
      const gp = put(b, gamma);
      b.batchNormStats(xp, mean, variance, s.n, s.c, s.inner);
      b.batchNorm(xp, mean, variance, gp, 0, xp, xhat, s.n, s.c, s.inner, EPS);
      expect(closeness(get(b, xp, size), ref.y, 1e-5, 1e-5)).toBeLessThanOrEqual(1);
      const dyp = put(b, dy);
      b.batchNormBackward(dyp, xhat, variance, gp, dyp, 0, 0, s.n, s.c, s.inner, EPS);
      expect(closeness(get(b, dyp, size), refB.dx, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
    }
  });
});

describe("batch norm: values", () => {
  // N = 2, C = 1, inner = 2, x = [1, 2, 3, 4]: mean 2.5, var 1.25, invstd = 2/√5,
  // x̂ = [−3, −1, 1, 3]/√5. With γ = 2, β = 0.5, eps = 0 and dy = [1, 0, 0, 0]:
  // dβ = 1, dγ = x̂₀ = −3/√5, dx = γ·invstd/4·(4·dy − 1 − x̂·dγ) = [1.2, −1.6, −0.4, 0.8]/√5.
  const s = { n: 2, c: 1, inner: 2 };
  const r5 = Math.sqrt(5);
  for (const name of ["js", "wasm"] as const) {
    it(`a hand-computed example (${name})`, () => {
      const b = name === "js" ? js : wasm;
      const xp = put(b, [1, 2, 3, 4]);
      const mean = zerosIn(b, 1);
      const variance = zerosIn(b, 1);
      const y = zerosIn(b, 4);
      const xhat = zerosIn(b, 4);
      const gamma = put(b, [2]);
      b.batchNormStats(xp, mean, variance, s.n, s.c, s.inner);
      expect(get(b, mean, 1)[0]).toBe(2.5);
      expect(get(b, variance, 1)[0]).toBe(1.25);
      b.batchNorm(xp, mean, variance, gamma, put(b, [0.5]), y, xhat, s.n, s.c, s.inner, 0);
      expect(closeness(get(b, xhat, 4), [-3 / r5, -1 / r5, 1 / r5, 3 / r5], 1e-7, 1e-6)).toBeLessThanOrEqual(1);
      expect(closeness(get(b, y, 4), [0.5 - 6 / r5, 0.5 - 2 / r5, 0.5 + 2 / r5, 0.5 + 6 / r5], 1e-7, 1e-6)).toBeLessThanOrEqual(1);
      const dx = zerosIn(b, 4);
      const dgamma = zerosIn(b, 1);
      const dbeta = zerosIn(b, 1);
      b.batchNormBackward(put(b, [1, 0, 0, 0]), xhat, variance, gamma, dx, dgamma, dbeta, s.n, s.c, s.inner, 0);
      expect(closeness(get(b, dx, 4), [1.2 / r5, -1.6 / r5, -0.4 / r5, 0.8 / r5], 1e-7, 1e-6)).toBeLessThanOrEqual(1);
      expect(closeness(get(b, dgamma, 1), [-3 / r5], 1e-7, 1e-6)).toBeLessThanOrEqual(1);
      expect(get(b, dbeta, 1)[0]).toBe(1);
    });
  }
});

// ---- the JS backward against float64 central differences --------------------------------------

/** Training-mode batch norm from the definition, in float64. */
function bn64(s: Shape, x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  const m = s.n * s.inner;
  for (let ch = 0; ch < s.c; ch++) {
    const idx: number[] = [];
    for (let b = 0; b < s.n; b++) for (let i = 0; i < s.inner; i++) idx.push((b * s.c + ch) * s.inner + i);
    const mean = idx.reduce((a, j) => a + x[j], 0) / m;
    const variance = idx.reduce((a, j) => a + (x[j] - mean) ** 2, 0) / m;
    for (const j of idx) y[j] = (gamma[ch] * (x[j] - mean)) / Math.sqrt(variance + EPS) + beta[ch];
  }
  return y;
}

describe("batch norm backward: the JS reference against central differences", () => {
  for (const s of [{ n: 2, c: 2, inner: 3 }, { n: 4, c: 3, inner: 1 }, { n: 3, c: 2, inner: 5 }]) {
    it(label(s), () => {
      const size = s.n * s.c * s.inner;
      const x = seeded(size, 90, -2, 2);
      const gamma = seeded(s.c, 91, 0.5, 1.5);
      const beta = seeded(s.c, 92);
      const r = seeded(size, 93);
      const loss = (xv: ArrayLike<number>, g: ArrayLike<number>, bt: ArrayLike<number>): number =>
        bn64(s, xv, g, bt).reduce((a, y, i) => a + y * r[i], 0);
      const h = 1e-4;
      const fd = (v: Float32Array, f: (p: Float64Array) => number): Float64Array => {
        const out = new Float64Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const p = Float64Array.from(v);
          p[i] = v[i] + h;
          const up = f(p);
          p[i] = v[i] - h;
          out[i] = (up - f(p)) / (2 * h);
        }
        return out;
      };
      const fwd = train(js, s, x, gamma, beta);
      const got = backward(js, s, r, fwd.xhat, fwd.variance, gamma);
      expect(closeness(got.dx, fd(x, (p) => loss(p, gamma, beta)), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
      expect(closeness(got.dgamma, fd(gamma, (p) => loss(x, p, beta)), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
      expect(closeness(got.dbeta, fd(beta, (p) => loss(x, gamma, p)), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
    });
  }
});
