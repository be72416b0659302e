// 2-D convolution (assembly/conv.ts, src/backend/js/conv.ts): Wasm vs JS parity over many
// geometries, the JS forward against a naive float64 convolution written here from the definition,
// and the JS backward against central differences of L = Σ y·r.
import { describe, it, expect, beforeAll } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { bothBackends, closeness, get, put, seeded, zerosIn } from "./harness.js";

let js: Backend;
let wasm: Backend;
beforeAll(async () => {
  ({ js, wasm } = await bothBackends());
});

// ---- geometry -------------------------------------------------------------------------------

interface Geo {
  n: number; c: number; h: number; w: number; o: number; kh: number; kw: number; oh: number; ow: number;
  strideH: number; strideW: number; padTop: number; padLeft: number; dilationH: number; dilationW: number;
}

type Pad = number | "same";

/** A geometry as a layer would build it; 'same' puts the odd extra row/column at the bottom/right, as PyTorch. */
function geo(n: number, c: number, h: number, w: number, o: number, k: number | [number, number], stride: number | [number, number], pad: Pad, dilation = 1): Geo {
  const [kh, kw] = typeof k === "number" ? [k, k] : k;
  const [strideH, strideW] = typeof stride === "number" ? [stride, stride] : stride;
  const totalH = pad === "same" ? dilation * (kh - 1) : 2 * pad;
  const totalW = pad === "same" ? dilation * (kw - 1) : 2 * pad;
  const padTop = Math.floor(totalH / 2);
  const padLeft = Math.floor(totalW / 2);
  const oh = Math.floor((h + totalH - dilation * (kh - 1) - 1) / strideH) + 1;
  const ow = Math.floor((w + totalW - dilation * (kw - 1) - 1) / strideW) + 1;
  return { n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH: dilation, dilationW: dilation };
}

const label = (g: Geo): string =>
  `n${g.n} c${g.c} ${g.h}×${g.w} → o${g.o} k${g.kh}×${g.kw} s${g.strideH},${g.strideW} ` +
  `pad(t${g.padTop},l${g.padLeft}) d${g.dilationH} out ${g.oh}×${g.ow}`;

const xSize = (g: Geo): number => g.n * g.c * g.h * g.w;
const wSize = (g: Geo): number => g.o * g.c * g.kh * g.kw;
const ySize = (g: Geo): number => g.n * g.o * g.oh * g.ow;
const dims = (g: Geo): [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number] =>
  [g.n, g.c, g.h, g.w, g.o, g.kh, g.kw, g.oh, g.ow, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW];

// Hand-picked geometries: every path of the kernels (pointwise, stride 1 and 2 runs, padding on
// every side, dilation, even kernels with asymmetric 'same', K past the GEMM's 256-deep block).
const FIXED: Geo[] = [
  geo(1, 1, 5, 6, 1, 1, 1, 0), // pointwise: no im2col
  geo(3, 5, 13, 13, 7, 1, 1, 0),
  geo(2, 3, 5, 6, 2, 1, 2, 0), // 1×1 but strided: im2col
  geo(1, 2, 5, 6, 3, 1, 1, 1), // 1×1 but padded
  geo(2, 3, 13, 13, 4, 3, 1, 1),
  geo(4, 2, 13, 13, 5, 3, 2, 1),
  geo(3, 16, 5, 6, 7, 5, 1, "same"), // K = 400 > 256
  geo(2, 3, 13, 13, 3, 3, 1, 0, 2),
  geo(1, 4, 13, 13, 2, 5, 1, "same", 2),
  geo(2, 3, 5, 6, 4, 2, 1, "same"), // even kernel: pad top/left 0, bottom/right 1
  geo(2, 2, 13, 13, 3, 4, 1, "same"), // even kernel: pad 1 before, 2 after
  geo(1, 3, 13, 13, 2, 2, 1, "same", 2),
  geo(3, 2, 13, 13, 4, 5, 2, 0),
  geo(2, 3, 13, 13, 3, 5, 2, 2),
  geo(2, 3, 13, 13, 3, [3, 5], [1, 2], 1),
  geo(2, 2, 6, 5, 3, [5, 1], [2, 1], 0),
  geo(2, 1, 28, 28, 8, 5, 1, 0), // LeNet conv1
  geo(2, 8, 12, 12, 16, 5, 1, 0), // LeNet conv2
  geo(1, 3, 33, 34, 5, 3, 2, 1), // long stride-2 rows: the shuffle copy
  // The direct stride-1 path (conv-direct.ts): an odd channel count (1-row tiles), rows of width
  // 4 (one vector), 5, 6, 7 (an overlapping last vector of 1, 2, 3 new lanes), a vector count that
  // is not a multiple of 4, K not a multiple of 4, and a row of 3, which falls back to im2col.
  geo(3, 2, 8, 8, 5, 5, 1, 0), // ow 4
  geo(2, 3, 9, 9, 3, 5, 1, 0), // ow 5
  geo(2, 1, 10, 10, 7, 5, 1, 0), // ow 6
  geo(2, 2, 7, 9, 4, 3, 1, 0), // ow 7, K 18
  geo(5, 3, 11, 14, 9, [3, 2], 1, "same", 2),
  geo(2, 2, 3, 7, 3, 3, 1, 1), // ow 7 over a 3-row image, padded
  geo(2, 2, 7, 5, 3, 3, 1, 0), // ow 3: im2col
];

/** Random geometries from the brief's ranges (seeded, so a failure reproduces). */
function randomGeos(count: number, seed: number): Geo[] {
  const u = seeded(count * 10, seed, 0, 1);
  const pick = <T>(xs: T[], r: number): T => xs[Math.min(xs.length - 1, Math.floor(r * xs.length))];
  const out: Geo[] = [];
  for (let i = 0; out.length < count; i++) {
    const r = (j: number): number => u[(i * 10 + j) % u.length] ?? 0.5;
    const [h, w] = pick([[5, 6], [13, 13], [7, 9], [6, 5], [17, 11]], r(0));
    const k = pick([1, 3, 5, 2, 4], r(1));
    const stride = pick([1, 2], r(2));
    const pad: Pad = stride === 1 ? pick<Pad>([0, 1, "same"], r(3)) : pick<Pad>([0, 1], r(3));
    const dilation = pick([1, 2], r(4));
    const g = geo(1 + Math.floor(r(5) * 4), 1 + Math.floor(r(6) * 16), h, w, 1 + Math.floor(r(7) * 16), k, stride, pad, dilation);
    if (g.oh >= 1 && g.ow >= 1) out.push(g);
    if (i > count * 10) break;
  }
  return out;
}

const CASES = [...FIXED, ...randomGeos(24, 7)];

// ---- running on a backend -------------------------------------------------------------------

interface Data {
  x: Float32Array;
  weight: Float32Array;
  bias: Float32Array;
  dy: Float32Array;
}

function data(g: Geo, seed: number): Data {
  return {
    x: seeded(xSize(g), seed),
    weight: seeded(wSize(g), seed + 1),
    bias: seeded(g.o, seed + 2),
    dy: seeded(ySize(g), seed + 3),
  };
}

function forward(b: Backend, g: Geo, d: Data, withBias: boolean): Float32Array {
  const y = zerosIn(b, ySize(g), NaN);
  b.conv2d(put(b, d.x), put(b, d.weight), withBias ? put(b, d.bias) : 0, y, ...dims(g));
  return get(b, y, ySize(g));
}

function backwardInput(b: Backend, g: Geo, d: Data): Float32Array {
  const dx = zerosIn(b, xSize(g), NaN);
  b.conv2dBackwardInput(put(b, d.dy), put(b, d.weight), dx, ...dims(g));
  return get(b, dx, xSize(g));
}

function backwardWeight(b: Backend, g: Geo, d: Data, withBias: boolean): { dW: Float32Array; db: Float32Array } {
  const dW = zerosIn(b, wSize(g), NaN);
  const db = zerosIn(b, g.o, NaN);
  b.conv2dBackwardWeight(put(b, d.x), put(b, d.dy), dW, withBias ? db : 0, ...dims(g));
  return { dW: get(b, dW, wSize(g)), db: get(b, db, g.o) };
}

// Both backends sum K = c·kh·kw products (forward), o (input gradient) or n·oh·ow (weight gradient)
// of values in [−1, 1], in different orders and precisions (f32 tiles vs f64 sums), so the rounding
// error grows like √terms; the worst case measured at LeNet sizes is about 0.3 of this bound.
const tol = (terms: number): number => 3.2e-6 * Math.sqrt(terms);

describe("conv2d: Wasm matches the JS reference", () => {
  for (const [i, g] of CASES.entries()) {
    it(label(g), () => {
      const d = data(g, 100 + i);
      const k = g.c * g.kh * g.kw;
      expect(closeness(forward(wasm, g, d, true), forward(js, g, d, true), tol(k), 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(forward(wasm, g, d, false), forward(js, g, d, false), tol(k), 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(backwardInput(wasm, g, d), backwardInput(js, g, d), tol(g.o * g.kh * g.kw), 1e-5)).toBeLessThanOrEqual(1);
      const w = backwardWeight(wasm, g, d, true);
      const r = backwardWeight(js, g, d, true);
      const terms = g.n * g.oh * g.ow;
      expect(closeness(w.dW, r.dW, tol(terms), 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(w.db, r.db, tol(terms), 1e-5)).toBeLessThanOrEqual(1);
    });
  }

  it("without a bias gradient leaves db alone and still writes dW", () => {
    const g = geo(2, 3, 7, 9, 4, 3, 1, 1);
    const d = data(g, 5);
    for (const b of [js, wasm]) {
      const dW = zerosIn(b, wSize(g), NaN);
      const db = zerosIn(b, g.o, 42);
      b.conv2dBackwardWeight(put(b, d.x), put(b, d.dy), dW, 0, ...dims(g));
      expect(get(b, db, g.o)).toEqual(new Float32Array(g.o).fill(42));
      expect(closeness(get(b, dW, wSize(g)), backwardWeight(js, g, d, false).dW, tol(g.n * g.oh * g.ow), 1e-5)).toBeLessThanOrEqual(1);
    }
  });

  it("writes (does not accumulate into) its outputs when called twice", () => {
    const g = geo(2, 3, 7, 9, 4, 3, 2, 1);
    const d = data(g, 6);
    for (const b of [js, wasm]) {
      const y = zerosIn(b, ySize(g));
      const dx = zerosIn(b, xSize(g));
      const dW = zerosIn(b, wSize(g));
      const db = zerosIn(b, g.o);
      const [xp, wp, bp, dyp] = [put(b, d.x), put(b, d.weight), put(b, d.bias), put(b, d.dy)];
      for (let t = 0; t < 2; t++) {
        b.conv2d(xp, wp, bp, y, ...dims(g));
        b.conv2dBackwardInput(dyp, wp, dx, ...dims(g));
        b.conv2dBackwardWeight(xp, dyp, dW, db, ...dims(g));
      }
      expect(closeness(get(b, y, ySize(g)), forward(js, g, d, true), 1e-5, 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(get(b, dx, xSize(g)), backwardInput(js, g, d), 1e-5, 1e-5)).toBeLessThanOrEqual(1);
      const ref = backwardWeight(js, g, d, true);
      expect(closeness(get(b, dW, wSize(g)), ref.dW, 1e-5, 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(get(b, db, g.o), ref.db, 1e-5, 1e-5)).toBeLessThanOrEqual(1);
    }
  });
});

// ---- the JS reference against float64 math --------------------------------------------------

/** The definition, seven loops deep, in float64. */
function conv64(g: Geo, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array {
  const y = new Float64Array(ySize(g));
  for (let b = 0; b < g.n; b++)
    for (let oc = 0; oc < g.o; oc++)
      for (let oy = 0; oy < g.oh; oy++)
        for (let ox = 0; ox < g.ow; ox++) {
          let s = bias ? bias[oc] : 0;
          for (let ch = 0; ch < g.c; ch++)
            for (let ki = 0; ki < g.kh; ki++)
              for (let kj = 0; kj < g.kw; kj++) {
                const iy = oy * g.strideH - g.padTop + ki * g.dilationH;
                const ix = ox * g.strideW - g.padLeft + kj * g.dilationW;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                s += weight[((oc * g.c + ch) * g.kh + ki) * g.kw + kj] * x[((b * g.c + ch) * g.h + iy) * g.w + ix];
              }
          y[((b * g.o + oc) * g.oh + oy) * g.ow + ox] = s;
        }
  return y;
}

describe("conv2d: the JS reference", () => {
  it("matches a naive float64 convolution", () => {
    for (const [i, g] of [...FIXED.slice(0, 16), ...randomGeos(8, 11)].entries()) {
      const d = data(g, 300 + i);
      const want = conv64(g, d.x, d.weight, d.bias);
      expect(closeness(forward(js, g, d, true), want, 1e-6, 1e-6), label(g)).toBeLessThanOrEqual(1);
    }
  });

  it("computes a hand-checked 1-channel example", () => {
    // x = 1..9 in a 3×3 image, kernel [[1, 0], [0, −1]], bias 0.5, no padding: y = x[i][j] − x[i+1][j+1] + 0.5 = −3.5.
    const g = geo(1, 1, 3, 3, 1, 2, 1, 0);
    const y = forward(js, g, { x: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), weight: Float32Array.from([1, 0, 0, -1]), bias: Float32Array.of(0.5), dy: new Float32Array(4) }, true);
    expect(Array.from(y)).toEqual([-3.5, -3.5, -3.5, -3.5]);
  });

  // L(x, W, b) = Σ y·r is linear in each argument, so central differences are exact up to rounding.
  const tiny: Geo[] = [geo(2, 2, 5, 4, 3, 3, 1, 1), geo(2, 2, 6, 5, 2, 3, 2, 1, 2), geo(1, 3, 5, 6, 2, 2, 1, "same")];
  for (const g of tiny) {
    it(`backward matches central differences of Σ y·r: ${label(g)}`, () => {
      const d = data(g, 77);
      const r = d.dy;
      const loss = (x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number>): number => {
        const y = conv64(g, x, w, bias);
        let s = 0;
        for (let i = 0; i < y.length; i++) s += y[i] * r[i];
        return s;
      };
      const h = 1e-3;
      const fd = (v: Float32Array, at: (p: Float64Array) => number): Float64Array => {
        const out = new Float64Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const p = Float64Array.from(v);
          p[i] = v[i] + h;
          const up = at(p);
          p[i] = v[i] - h;
          out[i] = (up - at(p)) / (2 * h);
        }
        return out;
      };
      const dx = fd(d.x, (p) => loss(p, d.weight, d.bias));
      const dW = fd(d.weight, (p) => loss(d.x, p, d.bias));
      const db = fd(d.bias, (p) => loss(d.x, d.weight, p));
      expect(closeness(backwardInput(js, g, d), dx, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
      const got = backwardWeight(js, g, d, true);
      expect(closeness(got.dW, dW, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
      expect(closeness(got.db, db, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    });
  }
});
