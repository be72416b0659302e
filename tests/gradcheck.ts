// Finite-difference gradient checks (PyTorch's gradcheck, for float32).
//
// For inputs x₁…xₖ and a fixed random tensor r of the output's shape, the scalar
// L(x) = Σ f(x)·r is differentiated twice: by autograd (backward of sum(mul(f(x), r))) and by
// central differences, (L(x + h·eᵢ) − L(x − h·eᵢ)) / 2h, with f re-run under noGrad for every
// perturbed element. A random r (rather than sum(f(x))) feeds every backward rule a non-uniform
// upstream gradient, so a rule that ignores or misplaces the incoming gradient is caught.
//
// Tolerance. The central difference has two error terms:
//   - truncation, h²/6·|∂³L| per element: with h = 1e-2 and the smooth ops on inputs of order 1,
//     that is ≈ 2e-5·|∂³L|, well under rtol·|∂L| for rtol = 1e-3 when |∂³L/∂L| stays below ~50
//     (log, sqrt and pow are fed inputs ≥ 0.5 to keep it so);
//   - rounding: f runs in float32, so each output carries an error of a few ulps, ≈ c·6e-8·|y|
//     with c the number of ops it went through. L is summed here in float64, so its error is
//     about c·6e-8·Σ|y·r|, and the difference quotient divides it by 2h: for Σ|y·r| ≤ 50, c ≤ 5
//     and h = 1e-2, that is ≤ 7.5e-4, under atol = 1e-3.
// The step itself is measured after rounding (fround(x + h) − fround(x − h)), so the rounding of
// the perturbed inputs adds no error. Inputs are kept away from kinks (0 for relu, abs,
// leakyRelu) by at least 5h, so no difference straddles one.
import { expect } from "vitest";
import { noGrad, ops, Random, scope, tensor, type Tensor } from "../src/index.js";

export interface InputSpec {
  shape: number[];
  /** Values (default: uniform in [lo, hi) from the check's seeded generator). */
  data?: ArrayLike<number>;
  lo?: number;
  hi?: number;
  /** Push generated values at least this far from 0 (for relu, abs, ...). */
  avoidZero?: number;
  /** Differentiate with respect to this input (default true). */
  grad?: boolean;
}

export interface GradcheckOptions {
  h?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
}

export interface GradcheckResult {
  /** Largest |analytic − numeric| / (atol + rtol·|numeric|): ≤ 1 passes. */
  worst: number;
  /** Number of partial derivatives compared. */
  checked: number;
  /** Largest |numeric| seen, to show that the check was not vacuous. */
  largest: number;
  analytic: Float32Array[];
  numeric: Float64Array[];
  message: string;
}

/** Input data for a spec, generated deterministically when not given. */
export function specData(spec: InputSpec, r: Random): Float32Array {
  const n = spec.shape.reduce((a, d) => a * d, 1);
  if (spec.data !== undefined) {
    if (spec.data.length !== n) throw new Error(`gradcheck: ${spec.data.length} values for shape [${spec.shape}]`);
    return Float32Array.from(spec.data);
  }
  const lo = spec.lo ?? -1;
  const hi = spec.hi ?? 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = r.uniform(lo, hi);
    if (spec.avoidZero !== undefined && Math.abs(v) < spec.avoidZero) v = (v < 0 ? -1 : 1) * spec.avoidZero + v;
    out[i] = v;
  }
  return out;
}

function dot64(y: Float32Array, r: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}

/** Compare autograd's gradients of Σ f(x)·r with central differences, on the current backend. */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, specs: InputSpec[], opts: GradcheckOptions = {}): GradcheckResult {
  const h = opts.h ?? 1e-2;
  const atol = opts.atol ?? 1e-3;
  const rtol = opts.rtol ?? 1e-3;
  const rng = new Random(opts.seed ?? 1234);
  const data = specs.map((s) => specData(s, rng));

  return scope(() => {
    const xs = specs.map((s, i) => tensor(data[i], s.shape, { requiresGrad: s.grad ?? true }));
    const y = f(...xs);
    const rv = new Float32Array(y.size);
    for (let i = 0; i < rv.length; i++) rv[i] = rng.uniform(-1, 1);
    const r = tensor(rv, y.shape);
    const loss = ops.sum(ops.mul(y, r));
    loss.backward();

    const analytic: Float32Array[] = [];
    const numeric: Float64Array[] = [];
    let worst = 0;
    let checked = 0;
    let largest = 0;
    let where = "";
    xs.forEach((x, i) => {
      if (!(specs[i].grad ?? true)) {
        analytic.push(new Float32Array(0));
        numeric.push(new Float64Array(0));
        return;
      }
      if (x.grad === null) throw new Error(`gradcheck: input ${i} got no gradient`);
      const a = x.grad.toArray();
      const num = new Float64Array(x.size);
      const v = data[i];
      for (let j = 0; j < x.size; j++) {
        const orig = v[j];
        const xp = Math.fround(orig + h);
        const xm = Math.fround(orig - h);
        const evalAt = (value: number): number => {
          v[j] = value;
          x.set(v);
          return scope(() => noGrad(() => dot64(f(...xs).toArray(), rv)));
        };
        const lp = evalAt(xp);
        const lm = evalAt(xm);
        v[j] = orig;
        x.set(v);
        num[j] = (lp - lm) / (xp - xm);
        const ratio = Math.abs(a[j] - num[j]) / (atol + rtol * Math.abs(num[j]));
        if (!(ratio <= worst)) {
          worst = Number.isNaN(ratio) ? Infinity : ratio;
          where = `input ${i} [${specs[i].shape}] element ${j}: autograd ${a[j]}, finite difference ${num[j]}`;
        }
        largest = Math.max(largest, Math.abs(num[j]));
        checked++;
      }
      analytic.push(a);
      numeric.push(num);
      // Leaf gradients are kept past scopes; this one belongs to the check.
      x.grad.dispose();
      x.grad = null;
    });
    const message = `worst ratio ${worst.toFixed(3)} (atol ${atol}, rtol ${rtol}, h ${h}) at ${where}`;
    return { worst, checked, largest, analytic, numeric, message };
  });
}

/** gradcheck that fails the current test with the worst mismatch when the gradients differ. */
export function expectGradcheck(f: (...xs: Tensor[]) => Tensor, specs: InputSpec[], opts: GradcheckOptions = {}): GradcheckResult {
  const res = gradcheck(f, specs, opts);
  expect(res.checked, "no derivative was checked").toBeGreaterThan(0);
  expect(res.largest, "every derivative is zero: the check proves nothing").toBeGreaterThan(1e-3);
  expect(res.worst, res.message).toBeLessThanOrEqual(1);
  return res;
}

/** Largest |a − b| over two arrays (a length mismatch is a failure). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Assert |actual − expected| ≤ atol + rtol·|expected| elementwise, naming the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 0): void {
  expect(actual.length, "length").toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const r = Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i]));
    if (!(r <= worst)) {
      worst = Number.isNaN(r) ? Infinity : r;
      at = i;
    }
  }
  expect(worst, at < 0 ? "" : `element ${at}: got ${actual[at]}, expected ${expected[at]} (atol ${atol}, rtol ${rtol})`).toBeLessThanOrEqual(1);
}

/** Deterministic values in [lo, hi) for test data. */
export function randomData(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: n }, () => r.uniform(lo, hi));
}

/** NumPy broadcasting of a op b in float64, for reference values. */
export function broadcastRef(a: ArrayLike<number>, as: readonly number[], b: ArrayLike<number>, bs: readonly number[], op: (x: number, y: number) => number): { data: Float64Array; shape: number[] } {
  const rank = Math.max(as.length, bs.length);
  const pa = [...Array(rank - as.length).fill(1), ...as];
  const pb = [...Array(rank - bs.length).fill(1), ...bs];
  const shape = pa.map((d, i) => Math.max(d, pb[i]));
  const n = shape.reduce((p, d) => p * d, 1);
  const data = new Float64Array(n);
  const idx = new Array(rank).fill(0);
  const offset = (s: number[], id: number[]): number => {
    let o = 0;
    for (let k = 0; k < rank; k++) o = o * s[k] + (s[k] === 1 ? 0 : id[k]);
    return o;
  };
  for (let i = 0; i < n; i++) {
    let rem = i;
    for (let k = rank - 1; k >= 0; k--) {
      idx[k] = rem % shape[k];
      rem = Math.floor(rem / shape[k]);
    }
    data[i] = op(a[offset(pa, idx)], b[offset(pb, idx)]);
  }
  return { data, shape };
}

/**
 * Central differences of L = Σ_k Σ outs_k ⊙ r_k with respect to every element of `leaves`
 * (parameters, inputs, states), against autograd. Float32 forward, float64 sums; h = 1e-2.
 */
export function fdCheck(leaves: Tensor[], run: () => Tensor[], seed = 5): { worst: number; checked: number; largest: number; where: string } {
  const rng = new Random(seed);
  let rs: Float32Array[] = [];
  const lossOf = (outs: Tensor[]): number => outs.reduce((s, o, k) => s + o.toArray().reduce((a, v, i) => a + v * rs[k][i], 0), 0);
  scope(() => {
    const outs = run();
    rs = outs.map((o) => Float32Array.from({ length: o.size }, () => rng.uniform(-1, 1)));
    const loss = outs.map((o, k) => ops.sum(ops.mul(o, tensor(rs[k], o.shape)))).reduce((a, b) => ops.add(a, b));
    loss.backward();
  });
  let worst = 0, checked = 0, largest = 0, where = "";
  leaves.forEach((t, li) => {
    const a = t.grad!.toArray();
    const v = t.toArray();
    for (let j = 0; j < t.size; j++) {
      const orig = v[j];
      const xp = Math.fround(orig + 1e-2), xm = Math.fround(orig - 1e-2);
      v[j] = xp; t.set(v);
      const lp = scope(() => noGrad(() => lossOf(run())));
      v[j] = xm; t.set(v);
      const lm = scope(() => noGrad(() => lossOf(run())));
      v[j] = orig; t.set(v);
      const num = (lp - lm) / (xp - xm);
      const ratio = Math.abs(a[j] - num) / (1e-3 + 1e-3 * Math.abs(num));
      if (ratio > worst) { worst = ratio; where = `leaf ${li} [${t.shape}] element ${j}: autograd ${a[j]}, numeric ${num}`; }
      largest = Math.max(largest, Math.abs(num));
      checked++;
    }
    t.grad!.dispose();
    t.grad = null;
  });
  return { worst, checked, largest, where };
}
