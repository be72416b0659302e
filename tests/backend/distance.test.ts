// Pairwise squared distances and radial basis functions: Wasm vs the JS reference, and values by hand.
import { describe, it, expect } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { Basis } from "../../src/backend/basis.js";
import { bothBackends, put, get, zerosIn, seeded, closeness, SIZES } from "./harness.js";

const { js, wasm } = await bothBackends();
const BASES = [Basis.Gaussian, Basis.Multiquadric, Basis.InverseMultiquadric];

function sqDistOn(b: Backend, x: Float32Array, c: Float32Array, n: number, k: number, d: number): Float32Array {
  const out = zerosIn(b, n * k + 4, -5);
  b.sqDist(put(b, x), put(b, c), out, n, k, d);
  expect(Array.from(get(b, out + 4 * n * k, 4)), "floats after the output were written").toEqual([-5, -5, -5, -5]);
  return get(b, out, n * k);
}

describe("sqDist", () => {
  it("matches hand values", () => {
    for (const b of [js, wasm]) {
      // x = (0,0), (1,2); c = (1,0), (−1,2), (1,2)
      const got = sqDistOn(b, Float32Array.from([0, 0, 1, 2]), Float32Array.from([1, 0, -1, 2, 1, 2]), 2, 3, 2);
      expect(Array.from(got), b.name).toEqual([1, 5, 5, 4, 4, 0]);
    }
  });

  it("Wasm matches JS at awkward sizes", () => {
    for (const d of SIZES) {
      for (const [n, k] of [[1, 1], [7, 3], [17, 33]]) {
        const x = seeded(n * d, d + n, -2, 2);
        const c = seeded(k * d, d + k + 100, -2, 2);
        const a = sqDistOn(wasm, x, c, n, k, d);
        const r = sqDistOn(js, x, c, n, k, d);
        // Per term, the f32 difference and the square each round once (≤ 3u relative on the
        // square, u = 2⁻²⁴); the sum of d non-negative terms adds up to (d − 1)u, and the reference
        // rounds its f64 sum once more: (d + 3)u in all.
        expect(closeness(a, r, 1e-30, (d + 3) * 2 ** -24), `d=${d} n=${n} k=${k}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it("is exactly zero at the center, where the GEMM expansion cancels", () => {
    for (const b of [js, wasm]) {
      const x = Float32Array.from([1000.125, -999.5, 3.25]);
      expect(Array.from(sqDistOn(b, x, x, 1, 1, 3)), b.name).toEqual([0]);
    }
  });
});

function basisOn(b: Backend, kind: Basis, d2: Float32Array, w: Float32Array, n: number, k: number) {
  const d2p = put(b, d2);
  const wp = put(b, w);
  const phi = zerosIn(b, n * k);
  b.rbfBasis(kind, d2p, wp, phi, n, k);
  const dphi = seeded(n * k, 77 + n + k, -1, 1);
  const dd2 = zerosIn(b, n * k);
  const dw = zerosIn(b, k, 123);
  b.rbfBasisBackward(kind, d2p, wp, phi, put(b, dphi), dd2, dw, n, k);
  return { phi: get(b, phi, n * k), dd2: get(b, dd2, n * k), dw: get(b, dw, k), dphi };
}

describe("rbfBasis and rbfBasisBackward", () => {
  it("match the formulas in float64", () => {
    const n = 5, k = 3;
    const d2 = seeded(n * k, 3, 0, 4);
    const w = Float32Array.from([0.5, 1, 2]);
    const f = [(s: number) => Math.exp(-s / 2), (s: number) => Math.sqrt(1 + s), (s: number) => 1 / Math.sqrt(1 + s)];
    const df = [(s: number) => -Math.exp(-s / 2) / 2, (s: number) => 0.5 / Math.sqrt(1 + s), (s: number) => -0.5 * (1 + s) ** -1.5];
    for (const b of [js, wasm]) {
      for (const kind of BASES) {
        const got = basisOn(b, kind, d2, w, n, k);
        const phi = new Float64Array(n * k);
        const dd2 = new Float64Array(n * k);
        const dw = new Float64Array(k);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < k; j++) {
            const s = d2[i * k + j] / (w[j] * w[j]);
            phi[i * k + j] = f[kind](s);
            const q = got.dphi[i * k + j] * df[kind](s);
            dd2[i * k + j] = q / (w[j] * w[j]);
            dw[j] += (q * -2 * s) / w[j];
          }
        }
        const what = `${b.name} basis ${kind}`;
        expect(closeness(got.phi, phi, 1e-7, 1e-6), `${what} phi`).toBeLessThanOrEqual(1);
        expect(closeness(got.dd2, dd2, 1e-6, 1e-5), `${what} dd2`).toBeLessThanOrEqual(1);
        expect(closeness(got.dw, dw, 1e-5, 1e-5), `${what} dwidth`).toBeLessThanOrEqual(1);
      }
    }
  });

  it("Wasm matches JS at awkward sizes, and dwidthPtr 0 skips the width gradient", () => {
    for (const kind of BASES) {
      for (const n of SIZES) {
        for (const k of [1, 3, 17]) {
          const d2 = seeded(n * k, n + k, 0, 9);
          const w = seeded(k, 5 + k, 0.3, 3);
          const a = basisOn(wasm, kind, d2, w, n, k);
          const r = basisOn(js, kind, d2, w, n, k);
          const what = `kind ${kind} n=${n} k=${k}`;
          expect(closeness(a.phi, r.phi, 1e-7, 4e-6), `${what} phi`).toBeLessThanOrEqual(1);
          expect(closeness(a.dd2, r.dd2, 1e-6, 1e-5), `${what} dd2`).toBeLessThanOrEqual(1);
          // A sum of n terms of either sign: allow n roundings of the largest term.
          const scale = r.dd2.reduce((m, v, i) => Math.max(m, Math.abs(v * d2[i])), 0) * 4 / Math.min(...w);
          expect(closeness(a.dw, r.dw, (n + 2) * 2 ** -22 * scale + 1e-7, 1e-5), `${what} dwidth`).toBeLessThanOrEqual(1);
        }
      }
      const b = wasm;
      const d2p = put(b, [1, 2]);
      const wp = put(b, [1, 1]);
      const phi = zerosIn(b, 2);
      b.rbfBasis(kind, d2p, wp, phi, 1, 2);
      const dd2 = zerosIn(b, 2);
      b.rbfBasisBackward(kind, d2p, wp, phi, put(b, [1, 1]), dd2, 0, 1, 2);
      expect(get(b, dd2, 2).every(Number.isFinite)).toBe(true);
    }
  });
});
