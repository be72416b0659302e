// Pooling (assembly/pool.ts, src/backend/js/pool.ts): Wasm vs JS parity over many geometries
// (SIMD interior and scalar edges alike), values checked by hand, and the JS backward against
// central differences of L = Σ y·r computed by a float64 pooling written here.
import { describe, it, expect, beforeAll } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { Activation } from "../../src/backend/opcodes.js";
import { bothBackends, closeness, get, put, seeded, zerosIn } from "./harness.js";

let js: Backend;
let wasm: Backend;
beforeAll(async () => {
  ({ js, wasm } = await bothBackends());
});

interface Geo {
  nc: number; h: number; w: number; oh: number; ow: number;
  kh: number; kw: number; strideH: number; strideW: number; padTop: number; padLeft: number;
}

/**
 * PyTorch's output size: floor((h + 2p − k)/s) + 1, or in ceil mode rounded up, minus the last
 * window when it would start past the input and its left padding.
 */
function outSize(size: number, k: number, s: number, p: number, ceil: boolean): number {
  const span = size + 2 * p - k;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

function geo(nc: number, h: number, w: number, k: number | [number, number], stride: number | [number, number], pad: number | [number, number], ceil = false): Geo {
  const [kh, kw] = typeof k === "number" ? [k, k] : k;
  const [strideH, strideW] = typeof stride === "number" ? [stride, stride] : stride;
  const [padTop, padLeft] = typeof pad === "number" ? [pad, pad] : pad;
  return { nc, h, w, kh, kw, strideH, strideW, padTop, padLeft, oh: outSize(h, kh, strideH, padTop, ceil), ow: outSize(w, kw, strideW, padLeft, ceil) };
}

const label = (g: Geo): string =>
  `nc${g.nc} ${g.h}×${g.w} k${g.kh}×${g.kw} s${g.strideH},${g.strideW} pad(t${g.padTop},l${g.padLeft}) out ${g.oh}×${g.ow}`;
const args = (g: Geo): [number, number, number, number, number, number, number, number, number, number, number] =>
  [g.nc, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.strideH, g.strideW, g.padTop, g.padLeft];
const xSize = (g: Geo): number => g.nc * g.h * g.w;
const ySize = (g: Geo): number => g.nc * g.oh * g.ow;

const CASES: Geo[] = [
  geo(64, 24, 24, 2, 2, 0), // LeNet pool1 (batch 4 × 16 channels)
  geo(16, 8, 8, 2, 2, 0), // LeNet pool2
  geo(3, 5, 6, 2, 2, 0),
  geo(5, 13, 13, 3, 2, 1),
  geo(4, 13, 13, 3, 1, 1), // overlapping windows, stride 1
  geo(2, 13, 13, 5, 1, 2),
  geo(7, 5, 6, 3, 2, 1, true), // ceil mode
  geo(3, 13, 13, 2, 2, 1, true),
  geo(2, 28, 28, 3, 3, 0), // stride 3: scalar only
  geo(1, 33, 34, [2, 3], [1, 2], [1, 1]),
  geo(2, 17, 11, [3, 2], [2, 1], [1, 0]),
  geo(9, 7, 9, 2, 1, 0),
  geo(1, 1, 1, 1, 1, 0),
];

function randomGeos(count: number, seed: number): Geo[] {
  const u = seeded(count * 6, seed, 0, 1);
  const out: Geo[] = [];
  for (let i = 0; i < count; i++) {
    const r = (j: number): number => u[i * 6 + j];
    const [h, w] = [[5, 6], [13, 13], [28, 28], [12, 11], [9, 7]][Math.floor(r(0) * 5)];
    const k = [2, 3, 5][Math.floor(r(1) * 3)];
    const s = [1, 2, 3][Math.floor(r(2) * 3)];
    const p = Math.floor(r(3) * (Math.floor(k / 2) + 1));
    const g = geo(1 + Math.floor(r(4) * 16), h, w, k, s, p, r(5) < 0.3);
    if (g.oh >= 1 && g.ow >= 1) out.push(g);
  }
  return out;
}

const ALL = [...CASES, ...randomGeos(20, 3)];

// ---- running on a backend -------------------------------------------------------------------

function maxPool(b: Backend, g: Geo, x: Float32Array, relu = false): { y: Float32Array; arg: Float32Array } {
  const y = zerosIn(b, ySize(g), NaN);
  const arg = zerosIn(b, ySize(g), NaN);
  b.maxPool2d(put(b, x), y, arg, ...args(g), relu);
  return { y: get(b, y, ySize(g)), arg: get(b, arg, ySize(g)) };
}

/** The backward of maxPool; with y (the relu mode's output), of the relu mode. */
function maxPoolBackward(b: Backend, g: Geo, dy: Float32Array, arg: Float32Array, y?: Float32Array): Float32Array {
  const dx = zerosIn(b, xSize(g), NaN);
  b.maxPool2dBackward(put(b, dy), put(b, arg), y === undefined ? 0 : put(b, y), dx, ...args(g), y !== undefined);
  return get(b, dx, xSize(g));
}

/** ReLU then max pooling, as two kernels: the forward's y and arg, and the backward's dx. */
function reluThenPool(b: Backend, g: Geo, x: Float32Array, dy: Float32Array): { y: Float32Array; arg: Float32Array; dx: Float32Array } {
  const xPtr = put(b, x);
  const r = zerosIn(b, xSize(g), NaN);
  b.activation(Activation.ReLU, xPtr, r, xSize(g), 0);
  const { y, arg } = maxPool(b, g, get(b, r, xSize(g)));
  const dr = put(b, maxPoolBackward(b, g, dy, arg));
  const dx = zerosIn(b, xSize(g), NaN);
  b.activationBackward(Activation.ReLU, xPtr, r, dr, dx, xSize(g), 0);
  return { y, arg, dx: get(b, dx, xSize(g)) };
}

function avgPool(b: Backend, g: Geo, x: Float32Array, includePad: boolean): Float32Array {
  const y = zerosIn(b, ySize(g), NaN);
  b.avgPool2d(put(b, x), y, ...args(g), includePad);
  return get(b, y, ySize(g));
}

function avgPoolBackward(b: Backend, g: Geo, dy: Float32Array, includePad: boolean): Float32Array {
  const dx = zerosIn(b, xSize(g), NaN);
  b.avgPool2dBackward(put(b, dy), dx, ...args(g), includePad);
  return get(b, dx, xSize(g));
}

describe("maxPool2d: Wasm matches the JS reference", () => {
  for (const [i, g] of ALL.entries()) {
    it(label(g), () => {
      const x = seeded(xSize(g), 10 + i);
      const dy = seeded(ySize(g), 20 + i);
      const w = maxPool(wasm, g, x);
      const r = maxPool(js, g, x);
      // The same comparisons on the same f32 values: bit-identical, indices included.
      expect(w.y).toEqual(r.y);
      expect(w.arg).toEqual(r.arg);
      // Scatter-adds in the same order, each f32 sum correctly rounded on both sides.
      expect(maxPoolBackward(wasm, g, dy, r.arg)).toEqual(maxPoolBackward(js, g, dy, r.arg));
    });
  }

  it("breaks ties toward the first cell, in the SIMD interior as at the edges", () => {
    const g = geo(3, 13, 29, 3, 1, 1);
    const x = seeded(xSize(g), 4).map((v) => Math.round(v)); // only −1, 0, 1: ties everywhere
    const w = maxPool(wasm, g, x);
    const r = maxPool(js, g, x);
    expect(w.arg).toEqual(r.arg);
    expect(w.y).toEqual(r.y);
  });

  it("2×2 stride-2 fast path: ties, NaN and odd sizes as the reference", () => {
    for (const g of [geo(4, 8, 8, 2, 2, 0), geo(3, 9, 13, 2, 2, 0), geo(2, 24, 26, 2, 2, 0)]) {
      const x = seeded(xSize(g), 5).map((v, i) => (i % 37 === 0 ? NaN : Math.round(v))); // ties and NaNs everywhere
      const w = maxPool(wasm, g, x);
      const r = maxPool(js, g, x);
      expect(w.arg).toEqual(r.arg);
      expect(w.y).toEqual(r.y);
    }
  });
});

describe("maxPool2d relu mode: the bits of a ReLU then the pooling, on both backends", () => {
  // Inputs with ties, zeros, negative zeros and NaNs; dy with −0, ±∞ and NaN, where the sign of a
  // zero and the NaN of dy·0 tell the orders of operations apart.
  const input = (n: number, seed: number): Float32Array =>
    seeded(n, seed).map((v, i) => (i % 41 === 0 ? NaN : i % 13 === 0 ? -0 : i % 7 === 0 ? 0 : Math.round(v * 4) / 4));
  const grad = (n: number, seed: number): Float32Array =>
    seeded(n, seed).map((v, i) => (i % 29 === 0 ? -0 : i % 31 === 0 ? Infinity : i % 37 === 0 ? NaN : v));
  for (const [i, g] of [...ALL, geo(3, 9, 13, 2, 2, 0), geo(2, 5, 7, 2, 2, 0)].entries()) {
    it(label(g), () => {
      const x = input(xSize(g), 30 + i);
      const dy = grad(ySize(g), 40 + i);
      const dxs = [js, wasm].map((b) => {
        const want = reluThenPool(b, g, x, dy);
        const got = maxPool(b, g, x, true);
        expect(got.y).toEqual(want.y);
        expect(got.arg).toEqual(want.arg);
        const dx = maxPoolBackward(b, g, dy, got.arg, got.y);
        expect(dx).toEqual(want.dx);
        return dx;
      });
      expect(dxs[1]).toEqual(dxs[0]);
    });
  }

  it("2×2 stride 2 without the zero-fill: the cells no window covers are zeros, −0 of dy becomes +0", () => {
    const g = geo(2, 5, 7, 2, 2, 0); // a last row and a last column outside every window
    const x = seeded(xSize(g), 8);
    const dy = new Float32Array(ySize(g)).fill(-0);
    dy[0] = 2;
    const { arg } = maxPool(wasm, g, x);
    const dx = maxPoolBackward(wasm, g, dy, arg);
    expect(Object.is(dx[Number(arg[1])], 0)).toBe(true);
    expect(dx[Number(arg[0])]).toBe(2);
    expect(Array.from(dx).filter((v) => v !== 0)).toEqual([2]);
    expect(dx.every((v) => !Object.is(v, -0))).toBe(true);
    expect(dx).toEqual(maxPoolBackward(js, g, dy, arg));
  });
});

describe("maxPool2d: values", () => {
  it("takes the max of each window and points at it", () => {
    // 4×4 plane, 2×2 windows, stride 2.
    const x = Float32Array.from([1, 5, 2, 0, 3, 4, 8, 1, 0, 0, -1, -2, 9, 0, -3, -4]);
    const g = geo(1, 4, 4, 2, 2, 0);
    for (const b of [js, wasm]) {
      const { y, arg } = maxPool(b, g, x);
      expect(Array.from(y)).toEqual([5, 8, 9, -1]);
      expect(Array.from(arg)).toEqual([1, 6, 12, 10]);
    }
  });

  it("never lets padding win: all-negative input with padding", () => {
    const g = geo(1, 3, 3, 3, 1, 1);
    const x = Float32Array.from([-9, -8, -7, -6, -5, -4, -3, -2, -1]);
    for (const b of [js, wasm]) {
      const { y, arg } = maxPool(b, g, x);
      expect(Array.from(y)).toEqual([-5, -4, -4, -2, -1, -1, -2, -1, -1]);
      expect(Array.from(arg)).toEqual([4, 5, 5, 7, 8, 8, 7, 8, 8]);
    }
  });

  it("backward accumulates where overlapping windows share a winner", () => {
    const g = geo(1, 3, 3, 2, 1, 0); // four windows, all containing the centre
    const x = Float32Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]);
    const dy = Float32Array.from([1, 2, 3, 4]);
    for (const b of [js, wasm]) {
      const { arg } = maxPool(b, g, x);
      expect(Array.from(maxPoolBackward(b, g, dy, arg))).toEqual([0, 0, 0, 0, 10, 0, 0, 0, 0]);
    }
  });
});

describe("avgPool2d: Wasm matches the JS reference", () => {
  for (const [i, g] of ALL.entries()) {
    for (const includePad of [true, false]) {
      it(`${label(g)} countIncludePad=${includePad}`, () => {
        const x = seeded(xSize(g), 30 + i);
        const dy = seeded(ySize(g), 40 + i);
        expect(closeness(avgPool(wasm, g, x, includePad), avgPool(js, g, x, includePad), 1e-6, 1e-5)).toBeLessThanOrEqual(1);
        expect(closeness(avgPoolBackward(wasm, g, dy, includePad), avgPoolBackward(js, g, dy, includePad), 1e-6, 1e-5)).toBeLessThanOrEqual(1);
      });
    }
  }
});

describe("avgPool2d: values", () => {
  it("counts padding in the divisor only with countIncludePad", () => {
    // 3×3 ones, 3×3 windows, stride 1, padding 1: a corner window holds 4 ones of 9 cells.
    const g = geo(1, 3, 3, 3, 1, 1);
    const x = new Float32Array(9).fill(1);
    for (const b of [js, wasm]) {
      const inc = avgPool(b, g, x, true);
      expect(closeness(inc, [4 / 9, 6 / 9, 4 / 9, 6 / 9, 1, 6 / 9, 4 / 9, 6 / 9, 4 / 9], 1e-7, 1e-6)).toBeLessThanOrEqual(1);
      expect(Array.from(avgPool(b, g, x, false))).toEqual(new Array(9).fill(1));
    }
  });

  it("averages 2×2 windows", () => {
    const g = geo(1, 2, 4, 2, 2, 0);
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const b of [js, wasm]) expect(Array.from(avgPool(b, g, x, true))).toEqual([3.5, 5.5]);
  });
});

// ---- the JS backward against float64 central differences --------------------------------------

function pool64(g: Geo, x: ArrayLike<number>, kind: "max" | "avgInc" | "avgExc"): Float64Array {
  const y = new Float64Array(ySize(g));
  for (let p = 0; p < g.nc; p++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++) {
        let best = -Infinity;
        let sum = 0;
        let cells = 0;
        for (let ki = 0; ki < g.kh; ki++)
          for (let kj = 0; kj < g.kw; kj++) {
            const iy = oy * g.strideH - g.padTop + ki;
            const ix = ox * g.strideW - g.padLeft + kj;
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
            const v = x[(p * g.h + iy) * g.w + ix];
            best = Math.max(best, v);
            sum += v;
            cells++;
          }
        y[(p * g.oh + oy) * g.ow + ox] = kind === "max" ? best : sum / (kind === "avgInc" ? g.kh * g.kw : cells);
      }
  return y;
}

function centralDiff(x: Float32Array, r: Float32Array, f: (x: Float64Array) => Float64Array, h: number): Float64Array {
  const loss = (v: Float64Array): number => f(v).reduce((s, y, i) => s + y * r[i], 0);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const p = Float64Array.from(x);
    p[i] = x[i] + h;
    const up = loss(p);
    p[i] = x[i] - h;
    out[i] = (up - loss(p)) / (2 * h);
  }
  return out;
}

describe("pooling backward: the JS reference against central differences", () => {
  const tiny = [geo(2, 5, 6, 2, 2, 0), geo(2, 5, 6, 3, 2, 1), geo(1, 6, 5, 3, 1, 1), geo(2, 5, 5, 2, 2, 1, true)];
  for (const g of tiny) {
    it(`max ${label(g)}`, () => {
      // Distinct values 0.01 apart in shuffled order: a step of 1e-4 never changes a winner.
      const order = Array.from(seeded(xSize(g), 9, 0, 1).entries()).sort((a, b) => a[1] - b[1]).map(([i]) => i);
      const x = new Float32Array(xSize(g));
      order.forEach((i, rank) => (x[i] = (rank - order.length / 2) * 0.01));
      const r = seeded(ySize(g), 8);
      const { arg } = maxPool(js, g, x);
      const want = centralDiff(x, r, (v) => pool64(g, v, "max"), 1e-4);
      expect(closeness(maxPoolBackward(js, g, r, arg), want, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    });
    for (const includePad of [true, false]) {
      it(`avg countIncludePad=${includePad} ${label(g)}`, () => {
        const x = seeded(xSize(g), 6);
        const r = seeded(ySize(g), 7);
        const want = centralDiff(x, r, (v) => pool64(g, v, includePad ? "avgInc" : "avgExc"), 1e-3);
        expect(closeness(avgPoolBackward(js, g, r, includePad), want, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
        expect(closeness(avgPool(js, g, x, includePad), pool64(g, x, includePad ? "avgInc" : "avgExc"), 1e-7, 1e-6)).toBeLessThanOrEqual(1);
      });
    }
  }
});
