// Fused losses (assembly/loss.ts, src/backend/js/loss.ts): Wasm vs JS parity, values known by
// hand, and finite-difference checks of the gradients against a float64 re-implementation.
import { describe, it, expect, beforeAll } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { bothBackends, closeness, get, put, seeded, SIZES, zerosIn } from "./harness.js";

let js: Backend;
let wasm: Backend;
beforeAll(async () => {
  ({ js, wasm } = await bothBackends());
});
const each = (): Backend[] => [js, wasm];

// ---- running a loss on a backend ------------------------------------------------------------

interface Out {
  loss: number;
  grad: Float32Array;
}

function runCE(b: Backend, logits: ArrayLike<number>, labels: ArrayLike<number>, rows: number, cols: number): Out {
  const x = put(b, logits);
  const l = put(b, labels);
  const g = zerosIn(b, rows * cols, NaN);
  const loss = b.softmaxCrossEntropy(x, l, g, rows, cols);
  return { loss, grad: get(b, g, rows * cols) };
}

type Pointwise = "mse" | "bceWithLogits";

function runPointwise(b: Backend, kind: Pointwise, x: ArrayLike<number>, t: ArrayLike<number>): Out {
  const n = x.length;
  const xp = put(b, x);
  const tp = put(b, t);
  const g = zerosIn(b, n, NaN);
  const loss = b[kind](xp, tp, g, n);
  return { loss, grad: get(b, g, n) };
}

function labelsFor(rows: number, cols: number, seed: number): Float32Array {
  return seeded(rows, seed, 0, 1).map((u) => Math.min(cols - 1, Math.floor(u * cols)));
}

// ---- float64 re-implementations, written from the definitions (no stabilising tricks) ---------

function ce64(x: ArrayLike<number>, labels: ArrayLike<number>, rows: number, cols: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let z = 0;
    for (let j = 0; j < cols; j++) z += Math.exp(x[r * cols + j]);
    total += -Math.log(Math.exp(x[r * cols + labels[r]]) / z);
  }
  return total / rows;
}

function mse64(p: ArrayLike<number>, t: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < p.length; i++) total += (p[i] - t[i]) ** 2;
  return total / p.length;
}

function bce64(x: ArrayLike<number>, t: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const s = 1 / (1 + Math.exp(-x[i]));
    total += -(t[i] * Math.log(s) + (1 - t[i]) * Math.log(1 - s));
  }
  return total / x.length;
}

/** Central differences of f at x (float64), one coordinate at a time. */
function numericGrad(f: (x: Float64Array) => number, x0: ArrayLike<number>, h: number): Float64Array {
  const x = Float64Array.from(x0);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    x[i] = xi + h;
    const up = f(x);
    x[i] = xi - h;
    const down = f(x);
    x[i] = xi;
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

// Tolerances. Both backends read the same f32 inputs. JS evaluates each element in float64 and
// rounds once on store; Wasm evaluates in f32 (Mathf.exp/log1p are correctly rounded to within
// 1 ulp) and accumulates the loss in f64. A gradient element is therefore off by a few f32 ulps
// of the quantities it is made from — of size 1/rows (softmax CE, whose p − 1 cancels), of
// 2|p − t|/n (mse) or 1/n (bce) — so the absolute tolerance is 1e-6 × that scale (≈ 16 ulps) and
// the relative one 1e-6. The mean loss carries the same relative error (its terms are ≥ 0);
// an absolute 1e-6 covers a loss near 0 whose log-sum-exp still sits at the scale of 1.
const RTOL = 1e-6;

describe("softmaxCrossEntropy", () => {
  const ROWS = [1, 3, 7, 33, 130];
  const COLS = [1, 2, 10, 17, 784];

  it("matches the JS reference (loss and gradient) at awkward shapes", () => {
    for (const rows of ROWS) {
      for (const cols of COLS) {
        const seed = rows * 1000 + cols;
        const logits = seeded(rows * cols, seed, -6, 6);
        const labels = labelsFor(rows, cols, seed + 1);
        const a = runCE(js, logits, labels, rows, cols);
        const b = runCE(wasm, logits, labels, rows, cols);
        const where = `rows=${rows} cols=${cols}`;
        expect(Number.isFinite(b.loss), where).toBe(true);
        expect(closeness([b.loss], [a.loss], 1e-6, RTOL), where).toBeLessThanOrEqual(1);
        expect(closeness(b.grad, a.grad, 1e-6 / rows, RTOL), where).toBeLessThanOrEqual(1);
      }
    }
  });

  it("of uniform logits over C classes is ln C, with gradient (1/C − onehot)/rows", () => {
    const rows = 3;
    const C = 10;
    const labels = [0, 4, 9];
    for (const b of each()) {
      const { loss, grad } = runCE(b, new Float32Array(rows * C).fill(0.7), labels, rows, C);
      expect(Math.abs(loss - Math.log(C)), b.name).toBeLessThan(1e-6);
      const want = new Float32Array(rows * C);
      for (let r = 0; r < rows; r++) for (let j = 0; j < C; j++) want[r * C + j] = (1 / C - (j === labels[r] ? 1 : 0)) / rows;
      expect(closeness(grad, want, 1e-7, RTOL), b.name).toBeLessThanOrEqual(1);
    }
  });

  it("does not overflow at a logit of 1000", () => {
    for (const b of each()) {
      // the confident, right answer: loss 0, gradient 0
      const right = runCE(b, [1000, 0], [0], 1, 2);
      expect(Number.isFinite(right.loss), b.name).toBe(true);
      expect(Math.abs(right.loss), b.name).toBeLessThan(1e-6);
      expect(Array.from(right.grad), b.name).toEqual([0, 0]);
      // the confident, wrong answer: loss 1000, gradient (p − onehot)/rows = ([1, 0] − [0, 1])/2 per row
      const wrong = runCE(b, [1000, 0, 0, 1000], [1, 0], 2, 2);
      expect(wrong.loss, b.name).toBeCloseTo(1000, 3);
      expect(Array.from(wrong.grad), b.name).toEqual([0.5, -0.5, -0.5, 0.5]);
    }
  });

  it("gives 0 for a single class", () => {
    for (const b of each()) {
      const { loss, grad } = runCE(b, [3, -2], [0, 0], 2, 1);
      expect(loss, b.name).toBe(0);
      expect(Array.from(grad), b.name).toEqual([0, 0]);
    }
  });

  it("has the gradient of its float64 definition (central differences)", () => {
    const rows = 3;
    const cols = 5;
    const logits = seeded(rows * cols, 77, -3, 3);
    const labels = labelsFor(rows, cols, 78);
    const f = (x: Float64Array): number => ce64(x, labels, rows, cols);
    // h = 1e-4: truncation error h²·|f'''|/6 < 1e-9 and rounding error ~1e-16/h = 1e-12, far
    // below the f32 rounding of the kernel's gradient (≤ 1 ulp of 1/rows ≈ 2e-8).
    const num = numericGrad(f, logits, 1e-4);
    for (const b of each()) {
      const { loss, grad } = runCE(b, logits, labels, rows, cols);
      expect(closeness([loss], [f(Float64Array.from(logits))], 1e-7, RTOL), b.name).toBeLessThanOrEqual(1);
      expect(closeness(grad, num, 1e-7, RTOL), b.name).toBeLessThanOrEqual(1);
    }
  });
});

describe("mse", () => {
  it("matches the JS reference at n ∈ SIZES", () => {
    for (const n of SIZES) {
      const p = seeded(n, n, -2, 2);
      const t = seeded(n, n + 7, -2, 2);
      const a = runPointwise(js, "mse", p, t);
      const b = runPointwise(wasm, "mse", p, t);
      expect(closeness([b.loss], [a.loss], 0, RTOL), `n=${n}`).toBeLessThanOrEqual(1);
      // 2(p − t)/n with |p − t| ≤ 4: an ulp-level error is absolute at that scale
      expect(closeness(b.grad, a.grad, (8 / n) * 1e-6, RTOL), `n=${n}`).toBeLessThanOrEqual(1);
    }
  });

  it("of [1, 2] against [0, 0] is 2.5 with gradient [1, 2]", () => {
    for (const b of each()) {
      const { loss, grad } = runPointwise(b, "mse", [1, 2], [0, 0]);
      expect(loss, b.name).toBe(2.5);
      expect(Array.from(grad), b.name).toEqual([1, 2]);
    }
  });

  it("has the gradient of its float64 definition (central differences)", () => {
    const p = seeded(7, 91, -2, 2);
    const t = seeded(7, 92, -2, 2);
    const f = (x: Float64Array): number => mse64(x, t);
    const num = numericGrad(f, p, 1e-3); // quadratic: central differences are exact up to rounding
    for (const b of each()) {
      const { loss, grad } = runPointwise(b, "mse", p, t);
      expect(closeness([loss], [f(Float64Array.from(p))], 0, RTOL), b.name).toBeLessThanOrEqual(1);
      expect(closeness(grad, num, 1e-7, RTOL), b.name).toBeLessThanOrEqual(1);
    }
  });
});

describe("bceWithLogits", () => {
  it("matches the JS reference at n ∈ SIZES", () => {
    for (const n of SIZES) {
      const x = seeded(n, 3 * n, -8, 8);
      const t = seeded(n, 3 * n + 1, 0, 1);
      const a = runPointwise(js, "bceWithLogits", x, t);
      const b = runPointwise(wasm, "bceWithLogits", x, t);
      expect(closeness([b.loss], [a.loss], 0, RTOL), `n=${n}`).toBeLessThanOrEqual(1);
      expect(closeness(b.grad, a.grad, 1e-6 / n, RTOL), `n=${n}`).toBeLessThanOrEqual(1);
    }
  });

  it("of a logit 0 is ln 2 whatever the target, with gradient (1/2 − t)/n", () => {
    for (const b of each()) {
      const { loss, grad } = runPointwise(b, "bceWithLogits", [0, 0, 0], [0, 1, 0.25]);
      expect(Math.abs(loss - Math.LN2), b.name).toBeLessThan(1e-7);
      expect(closeness(grad, [0.5 / 3, -0.5 / 3, 0.25 / 3], 0, 1e-7), b.name).toBeLessThanOrEqual(1);
    }
  });

  it("stays finite at logits ±100", () => {
    for (const b of each()) {
      // right answers cost ~e^−100, wrong ones 100 each: mean 200/4
      const { loss, grad } = runPointwise(b, "bceWithLogits", [100, -100, 100, -100], [1, 0, 0, 1]);
      expect(Number.isFinite(loss), b.name).toBe(true);
      expect(loss, b.name).toBeCloseTo(50, 4);
      // σ(−100)/4 ≈ 1e−44 is a representable subnormal, so "≈ 0" rather than "= 0"
      expect(closeness(grad, [0, 0, 0.25, -0.25], 1e-30, 0), b.name).toBeLessThanOrEqual(1);
    }
  });

  it("has the gradient of its float64 definition (central differences)", () => {
    const x = seeded(9, 55, -4, 4);
    const t = seeded(9, 56, 0, 1);
    const f = (v: Float64Array): number => bce64(v, t);
    // h = 1e-4: truncation h²·|f'''|/6 ≤ 1e-9 (|σ''| ≤ 0.1), rounding ~1e-12
    const num = numericGrad(f, x, 1e-4);
    for (const b of each()) {
      const { loss, grad } = runPointwise(b, "bceWithLogits", x, t);
      expect(closeness([loss], [f(Float64Array.from(x))], 1e-7, RTOL), b.name).toBeLessThanOrEqual(1);
      expect(closeness(grad, num, 1e-7, RTOL), b.name).toBeLessThanOrEqual(1);
    }
  });
});
