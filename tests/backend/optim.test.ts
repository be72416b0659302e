// Fused optimizer updates (assembly/optim.ts, src/backend/js/optim.ts): Wasm vs JS parity over
// several steps, and values known by hand.
import { describe, it, expect, beforeAll } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { bothBackends, closeness, get, put, seeded, SIZES, zerosIn } from "./harness.js";

let js: Backend;
let wasm: Backend;
beforeAll(async () => {
  ({ js, wasm } = await bothBackends());
});
const each = (): Backend[] => [js, wasm];

const STEPS = 5;

// Tolerance of the parity tests: 1e-6 relative. JS computes each element in float64 and rounds
// once when it stores; Wasm rounds after every f32 operation (≤ 7 per value, each ≤ 6e-8
// relative) with hyperparameters derived in f64 and rounded once. One step thus differs by a few
// f32 ulps, and five steps of contracting updates compound that to a few 1e-7 at most. The error
// is made at the scale of the operands, not of the result (p − lr·d may cancel to near 0), so
// each array is compared with an absolute floor of 1e-6 × its largest magnitude: the state
// arrays have very different scales (v ≈ (1 − β2)·g² ~ 1e-3, RMSprop's buf ~ 10).
const TOL = 1e-6;

/** Largest |x|, the scale of an array's values. */
const scale = (x: ArrayLike<number>): number => Math.max(...Array.from(x, Math.abs));

/** Optimizer state in a backend's heap: named arrays of n floats. */
type State = Record<string, number>;

interface Case {
  name: string;
  /** Names of the state arrays besides p (e.g. ["buf"]). */
  state: string[];
  step(b: Backend, p: number, g: number, s: State, n: number, t: number): void;
}

const sgd = (lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean): Case => ({
  name: `SGD lr=${lr} μ=${momentum} τ=${dampening} λ=${weightDecay}${nesterov ? " nesterov" : ""}`,
  state: momentum !== 0 ? ["buf"] : [],
  step: (b, p, g, s, n, t) => b.sgdStep(p, g, s.buf ?? 0, n, lr, momentum, dampening, weightDecay, nesterov, t === 1),
});

const rmsprop = (lr: number, alpha: number, eps: number, weightDecay: number, momentum: number): Case => ({
  name: `RMSprop lr=${lr} α=${alpha} λ=${weightDecay} μ=${momentum}`,
  state: momentum > 0 ? ["v", "buf"] : ["v"],
  step: (b, p, g, s, n) => b.rmspropStep(p, g, s.v, s.buf ?? 0, n, lr, alpha, eps, weightDecay, momentum),
});

const adam = (lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: boolean): Case => ({
  name: `${decoupled ? "AdamW" : "Adam"} lr=${lr} β=(${beta1}, ${beta2}) λ=${weightDecay}`,
  state: ["m", "v"],
  step: (b, p, g, s, n, t) => b.adamStep(p, g, s.m, s.v, n, lr, beta1, beta2, eps, weightDecay, t, decoupled),
});

const CASES: Case[] = [
  sgd(0.1, 0, 0, 0, false),
  sgd(0.1, 0.9, 0, 0, false),
  sgd(0.1, 0.9, 0, 0, true),
  sgd(0.1, 0.9, 0.1, 0, false),
  sgd(0.1, 0.9, 0, 0.01, false),
  sgd(0.05, 0.9, 0.1, 0.01, true),
  rmsprop(0.01, 0.99, 1e-8, 0, 0),
  rmsprop(0.01, 0.9, 1e-8, 0, 0.9),
  rmsprop(0.01, 0.99, 1e-8, 0.01, 0),
  rmsprop(0.01, 0.99, 1e-8, 0.01, 0.5),
  rmsprop(0.001, 0.999, 1e-8, 0, 0),
  adam(1e-3, 0.9, 0.999, 1e-8, 0, false),
  adam(1e-3, 0.9, 0.999, 1e-8, 0.01, false),
  adam(1e-3, 0.9, 0.999, 1e-8, 0.01, true),
  adam(0.05, 0.8, 0.99, 1e-6, 0.1, true),
];

/** p and state after `STEPS` steps on backend b, from the same start and fresh gradients each step. */
function train(b: Backend, c: Case, n: number, seed: number): Record<string, Float32Array> {
  const p = put(b, seeded(n, seed, -1, 1));
  const s: State = {};
  for (const k of c.state) s[k] = zerosIn(b, n);
  const g = zerosIn(b, n);
  for (let t = 1; t <= STEPS; t++) {
    b.heap.f32(g, n).set(seeded(n, seed + 100 * t, -1, 1));
    c.step(b, p, g, s, n, t);
  }
  const out: Record<string, Float32Array> = { p: get(b, p, n) };
  for (const k of c.state) out[k] = get(b, s[k], n);
  out.g = get(b, g, n);
  return out;
}

describe("optimizer steps: Wasm matches the JS reference", () => {
  for (const c of CASES) {
    it(`${c.name}, ${STEPS} steps, n ∈ SIZES`, () => {
      for (const n of SIZES) {
        const a = train(js, c, n, n * 31 + 5);
        const b = train(wasm, c, n, n * 31 + 5);
        for (const k of ["p", ...c.state]) {
          expect(closeness(b[k], a[k], TOL * scale(a[k]), TOL), `${k} at n=${n}`).toBeLessThanOrEqual(1);
        }
        // the gradient is an input: neither kernel may write it
        expect(Array.from(b.g), `g at n=${n}`).toEqual(Array.from(seeded(n, n * 31 + 5 + 100 * STEPS, -1, 1)));
      }
    });
  }
});

describe("optimizer steps: values by hand", () => {
  it("one Adam step from zero state moves each parameter by lr·g/(|g| + ε) ≈ lr·sign(g)", () => {
    const g = [0.5, -2, 1e-3, -0.3, 7, 0.25, -1e-4];
    const p0 = [0.1, 0.2, -0.3, 0.4, -0.5, 0, 1];
    const [lr, eps] = [0.01, 1e-8];
    // m̂ = g and v̂ = g² after one step, whatever β1, β2
    const want = p0.map((p, i) => p - (lr * g[i]) / (Math.abs(g[i]) + eps));
    for (const b of each()) {
      const n = g.length;
      const [pp, gp, mp, vp] = [put(b, p0), put(b, g), zerosIn(b, n), zerosIn(b, n)];
      b.adamStep(pp, gp, mp, vp, n, lr, 0.9, 0.999, eps, 0, 1, false);
      expect(closeness(get(b, pp, n), want, TOL, TOL), b.name).toBeLessThanOrEqual(1);
    }
  });

  it("SGD with momentum μ moves p by lr·g·(1 + 1 + μ) in two steps of a constant gradient", () => {
    const n = 7;
    const g = seeded(n, 4, -1, 1);
    const p0 = seeded(n, 5, -1, 1);
    const [lr, mu] = [0.1, 0.9];
    // step 1: buf = g; step 2: buf = μg + g
    const want = Array.from(p0, (p, i) => p - lr * g[i] * (1 + 1 + mu));
    for (const b of each()) {
      const [pp, gp, bp] = [put(b, p0), put(b, g), zerosIn(b, n, NaN)];
      b.sgdStep(pp, gp, bp, n, lr, mu, 0, 0, false, true);
      b.sgdStep(pp, gp, bp, n, lr, mu, 0, 0, false, false);
      expect(closeness(get(b, pp, n), want, TOL, TOL), b.name).toBeLessThanOrEqual(1);
      expect(closeness(get(b, bp, n), Array.from(g, (x) => x * (1 + mu)), TOL, TOL), b.name).toBeLessThanOrEqual(1);
    }
  });

  it("AdamW with a zero gradient shrinks p by the factor (1 − lr·λ)", () => {
    const n = 33;
    const p0 = seeded(n, 6, -1, 1);
    const [lr, wd] = [0.1, 0.01];
    for (const b of each()) {
      const [pp, gp, mp, vp] = [put(b, p0), zerosIn(b, n), zerosIn(b, n), zerosIn(b, n)];
      for (let t = 1; t <= 3; t++) b.adamStep(pp, gp, mp, vp, n, lr, 0.9, 0.999, 1e-8, wd, t, true);
      const want = Array.from(p0, (p) => p * (1 - lr * wd) ** 3);
      expect(closeness(get(b, pp, n), want, TOL, TOL), b.name).toBeLessThanOrEqual(1);
      expect(Array.from(get(b, mp, n)), b.name).toEqual(new Array(n).fill(0));
    }
  });

  it("SGD and RMSprop without momentum neither read nor write the buffer", () => {
    for (const n of SIZES) {
      const p0 = seeded(n, n, -1, 1);
      const g = seeded(n, n + 1, -1, 1);
      for (const b of each()) {
        // a NaN sentinel buffer: any read would poison p, any write would show
        const [pp, gp, bp] = [put(b, p0), put(b, g), zerosIn(b, n, NaN)];
        b.sgdStep(pp, gp, bp, n, 0.1, 0, 0, 0.01, false, true);
        const want = Array.from(p0, (p, i) => p - 0.1 * (g[i] + 0.01 * p));
        expect(closeness(get(b, pp, n), want, TOL, TOL), `${b.name} n=${n}`).toBeLessThanOrEqual(1);
        expect(get(b, bp, n).every(Number.isNaN), `${b.name} n=${n}`).toBe(true);

        const vp = zerosIn(b, n);
        b.rmspropStep(pp, gp, vp, bp, n, 0.01, 0.99, 1e-8, 0, 0);
        expect(get(b, pp, n).every(Number.isFinite), `${b.name} n=${n}`).toBe(true);
        expect(get(b, bp, n).every(Number.isNaN), `${b.name} n=${n}`).toBe(true);

        // and bufPtr 0 is accepted
        b.sgdStep(pp, gp, 0, n, 0.1, 0, 0, 0, false, false);
        b.rmspropStep(pp, gp, vp, 0, n, 0.01, 0.99, 1e-8, 0, 0);
        expect(get(b, pp, n).every(Number.isFinite), `${b.name} n=${n}`).toBe(true);
      }
    }
  });
});

describe("optimizer state never holds a subnormal float", () => {
  // Lanes: a subnormal, −0, the smallest normal, a normal, NaN and ∞ (and a scalar tail of 2).
  const MIN = 2 ** -126;
  const start = [1e-39, -0, MIN, 0.5, NaN, Infinity, -3e-40, 2e-3];
  const n = start.length;

  it("a state value that decays below 2⁻¹²⁶ is stored as +0; NaN, ∞ and normal values are kept", () => {
    for (const b of each()) {
      // Zero gradient, no weight decay: each step only scales the state (β·m, μ·buf, α·v).
      const zero = zerosIn(b, n);
      const run = (name: string, step: (p: number, s: number[]) => void, slots: number) => {
        const p = zerosIn(b, n);
        const s = Array.from({ length: slots }, () => put(b, start));
        step(p, s);
        for (const ptr of s) {
          const got = Array.from(get(b, ptr, n));
          const label = `${b.name} ${name}`;
          expect(got.map((v) => Object.is(v, 0)), label).toEqual([true, true, true, false, false, false, true, false]);
          expect(Number.isNaN(got[4]), label).toBe(true);
          expect(got[5], label).toBe(Infinity);
          expect(got[3], label).toBeGreaterThan(0.4);
          expect(got.every((v) => v === 0 || !(Math.abs(v) < MIN)), label).toBe(true);
        }
      };
      // 0.9·2⁻¹²⁶ is subnormal: the smallest normal decays out of range in one step.
      run("Adam", (p, [m, v]) => b.adamStep(p, zero, m, v, n, 1e-3, 0.9, 0.9, 1e-8, 0, 3, false), 2);
      run("SGD", (p, [buf]) => b.sgdStep(p, zero, buf, n, 0.1, 0.9, 0, 0, false, false), 1);
      run("RMSprop", (p, [v, buf]) => b.rmspropStep(p, zero, v, buf, n, 0.01, 0.9, 1e-8, 0, 0.9), 2);
    }
  });

  it("Adam with a gradient that stays 0 ends with m = 0, not a subnormal, and Wasm matches JS", () => {
    const k = 9;
    const out = each().map((b) => {
      const [p, g, m, v] = [put(b, seeded(k, 1)), put(b, seeded(k, 2)), zerosIn(b, k), zerosIn(b, k)];
      b.adamStep(p, g, m, v, k, 1e-3, 0.9, 0.999, 1e-8, 0, 1, false);
      b.heap.f32(g, k).fill(0);
      // 0.9^850 · 0.1 < 2⁻¹²⁶: without the flush m would be subnormal here.
      for (let t = 2; t <= 900; t++) b.adamStep(p, g, m, v, k, 1e-3, 0.9, 0.999, 1e-8, 0, t, false);
      return { p: get(b, p, k), m: get(b, m, k), v: get(b, v, k) };
    });
    for (const o of out) {
      expect(Array.from(o.m)).toEqual(new Array(k).fill(0));
      expect(o.v.every((x) => x > MIN)).toBe(true);
    }
    expect(closeness(out[1].p, out[0].p, TOL, TOL)).toBeLessThanOrEqual(1);
    expect(closeness(out[1].v, out[0].v, TOL, TOL * scale(out[0].v))).toBeLessThanOrEqual(1);
  });
});
