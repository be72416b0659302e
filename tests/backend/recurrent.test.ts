// Parity of the recurrent kernels (fused LSTM/GRU steps, their backward, embedding) between the
// Wasm core and the JS reference, at awkward batch and hidden sizes, plus float64 references.
import { describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/types.js";
import { bothBackends, closeness, get, put, seeded } from "./harness.js";

const SHAPES: [number, number][] = [[1, 1], [3, 7], [7, 3], [2, 17], [5, 33], [1, 130], [4, 64]];
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

function runLstm(b: Backend, B: number, H: number, seed: number) {
  const n = B * H;
  const pre = seeded(4 * n, seed, -4, 4);
  const cPrev = seeded(n, seed + 1, -2, 2);
  const dh = seeded(n, seed + 2);
  const dcIn = seeded(n, seed + 3);
  const g = put(b, pre), cp = put(b, cPrev), c = put(b, new Float32Array(n)), h = put(b, new Float32Array(n)), tc = put(b, new Float32Array(n));
  b.lstmCell(g, cp, c, h, tc, B, H);
  const dhP = put(b, dh), dc = put(b, dcIn), dG = put(b, new Float32Array(4 * n));
  b.lstmCellBackward(g, cp, tc, dhP, dc, dG, B, H);
  return { pre, cPrev, dh, dcIn, act: get(b, g, 4 * n), c: get(b, c, n), h: get(b, h, n), tc: get(b, tc, n), dc: get(b, dc, n), dG: get(b, dG, 4 * n) };
}

function runGru(b: Backend, B: number, H: number, seed: number) {
  const n = B * H;
  const gi = seeded(3 * n, seed, -3, 3);
  const gh = seeded(3 * n, seed + 1, -3, 3);
  const hPrev = seeded(n, seed + 2);
  const dh = seeded(n, seed + 3);
  const giP = put(b, gi), ghP = put(b, gh), hp = put(b, hPrev), h = put(b, new Float32Array(n));
  b.gruCell(giP, ghP, hp, h, B, H);
  const dhP = put(b, dh), dGi = put(b, new Float32Array(3 * n)), dGh = put(b, new Float32Array(3 * n)), dhPrev = put(b, new Float32Array(n));
  b.gruCellBackward(giP, ghP, hp, dhP, dGi, dGh, dhPrev, B, H);
  return { gi, gh, hPrev, dh, act: get(b, giP, 3 * n), h: get(b, h, n), dGi: get(b, dGi, 3 * n), dGh: get(b, dGh, 3 * n), dhPrev: get(b, dhPrev, n) };
}

describe("lstmCell / lstmCellBackward", () => {
  it("match the float64 gate equations (js) and the JS reference (wasm)", async () => {
    const { js, wasm } = await bothBackends();
    for (const [B, H] of SHAPES) {
      const r = runLstm(js, B, H, B * 100 + H);
      // float64 reference of the forward and backward formulas
      for (let bi = 0; bi < B; bi++) {
        for (let j = 0; j < H; j++) {
          const row = bi * 4 * H, s = bi * H + j;
          const i = sig(r.pre[row + j]), f = sig(r.pre[row + H + j]), g = Math.tanh(r.pre[row + 2 * H + j]), o = sig(r.pre[row + 3 * H + j]);
          const c = f * r.cPrev[s] + i * g;
          const tc = Math.tanh(c);
          expect(Math.abs(r.c[s] - c)).toBeLessThan(1e-6);
          expect(Math.abs(r.h[s] - o * tc)).toBeLessThan(1e-6);
          const dct = r.dcIn[s] + r.dh[s] * o * (1 - tc * tc);
          const want = [dct * g * i * (1 - i), dct * r.cPrev[s] * f * (1 - f), dct * i * (1 - g * g), r.dh[s] * tc * o * (1 - o)];
          for (let k = 0; k < 4; k++) expect(Math.abs(r.dG[row + k * H + j] - want[k])).toBeLessThan(1e-5);
          expect(Math.abs(r.dc[s] - dct * f)).toBeLessThan(1e-5);
        }
      }
      const w = runLstm(wasm, B, H, B * 100 + H);
      for (const k of ["act", "c", "h", "tc", "dc", "dG"] as const) {
        expect(closeness(w[k], r[k], 1e-6, 1e-5), `${k} at B=${B} H=${H}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it("saturates without NaN at large pre-activations", async () => {
    const { js, wasm } = await bothBackends();
    for (const b of [js, wasm]) {
      const g = put(b, [100, -100, 100, 100, -100, 100, -100, -100]);
      const cp = put(b, [0.5, 0.5]);
      const c = put(b, [0, 0]), h = put(b, [0, 0]), tc = put(b, [0, 0]);
      b.lstmCell(g, cp, c, h, tc, 2, 1);
      // row 0: i=1 f=0 g=1 o=1 → c = 1; row 1: i≈0 f=1 g=−1 o≈0 → c = 0.5, h ≈ 0
      expect(Array.from(get(b, c, 2))).toEqual([1, 0.5]);
      expect(get(b, h, 2)[0]).toBeCloseTo(Math.tanh(1), 6);
      expect(Math.abs(get(b, h, 2)[1])).toBeLessThan(1e-30);
      for (const v of get(b, g, 8)) expect(Number.isFinite(v)).toBe(true);
    }
  });
});

describe("gruCell / gruCellBackward", () => {
  it("match the float64 gate equations (js) and the JS reference (wasm)", async () => {
    const { js, wasm } = await bothBackends();
    for (const [B, H] of SHAPES) {
      const r = runGru(js, B, H, B * 31 + H);
      for (let bi = 0; bi < B; bi++) {
        for (let j = 0; j < H; j++) {
          const row = bi * 3 * H, s = bi * H + j;
          const rr = sig(r.gi[row + j] + r.gh[row + j]);
          const z = sig(r.gi[row + H + j] + r.gh[row + H + j]);
          const n = Math.tanh(r.gi[row + 2 * H + j] + rr * r.gh[row + 2 * H + j]);
          expect(Math.abs(r.h[s] - ((1 - z) * n + z * r.hPrev[s]))).toBeLessThan(1e-6);
          const dn = r.dh[s] * (1 - z) * (1 - n * n);
          const dz = r.dh[s] * (r.hPrev[s] - n) * z * (1 - z);
          const dr = dn * r.gh[row + 2 * H + j] * rr * (1 - rr);
          expect(Math.abs(r.dGi[row + j] - dr)).toBeLessThan(1e-5);
          expect(Math.abs(r.dGi[row + H + j] - dz)).toBeLessThan(1e-5);
          expect(Math.abs(r.dGi[row + 2 * H + j] - dn)).toBeLessThan(1e-5);
          expect(Math.abs(r.dGh[row + 2 * H + j] - dn * rr)).toBeLessThan(1e-5);
          expect(Math.abs(r.dhPrev[s] - r.dh[s] * z)).toBeLessThan(1e-6);
        }
      }
      const w = runGru(wasm, B, H, B * 31 + H);
      for (const k of ["act", "h", "dGi", "dGh", "dhPrev"] as const) {
        expect(closeness(w[k], r[k], 1e-6, 1e-5), `${k} at B=${B} H=${H}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it("lets dhPrev alias dh", async () => {
    const { js, wasm } = await bothBackends();
    for (const b of [js, wasm]) {
      const B = 3, H = 5, n = B * H;
      const ref = runGru(b, B, H, 9);
      const giP = put(b, ref.gi), ghP = put(b, ref.gh), hp = put(b, ref.hPrev), h = put(b, new Float32Array(n));
      b.gruCell(giP, ghP, hp, h, B, H);
      const dh = put(b, ref.dh), dGi = put(b, new Float32Array(3 * n)), dGh = put(b, new Float32Array(3 * n));
      b.gruCellBackward(giP, ghP, hp, dh, dGi, dGh, dh, B, H);
      expect(Array.from(get(b, dh, n))).toEqual(Array.from(ref.dhPrev));
    }
  });
});

describe("embedding / embeddingBackward", () => {
  it("gather rows and scatter-add gradients, repeated indices accumulating", async () => {
    const { js, wasm } = await bothBackends();
    for (const dim of [1, 3, 7, 17, 33]) {
      const rows = 5;
      const weight = seeded(rows * dim, dim);
      const idx = [4, 0, 4, 2, 4, 1];
      const n = idx.length;
      const dy = seeded(n * dim, dim + 7);
      const want = new Float32Array(n * dim);
      const wantDw = new Float64Array(rows * dim).fill(0.5);
      idx.forEach((r, i) => {
        for (let j = 0; j < dim; j++) {
          want[i * dim + j] = weight[r * dim + j];
          wantDw[r * dim + j] += dy[i * dim + j];
        }
      });
      for (const b of [js, wasm]) {
        const wP = put(b, weight), iP = put(b, idx), out = put(b, new Float32Array(n * dim));
        b.embedding(wP, iP, out, n, dim, rows);
        expect(Array.from(get(b, out, n * dim))).toEqual(Array.from(want));
        const dw = put(b, new Float32Array(rows * dim).fill(0.5)), dyP = put(b, dy);
        b.embeddingBackward(dyP, iP, dw, n, dim, rows);
        expect(closeness(get(b, dw, rows * dim), wantDw, 1e-6, 1e-6), `${b.name} dim ${dim}`).toBeLessThanOrEqual(1);
      }
    }
  });
});
