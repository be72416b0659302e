// Per-parameter step counts (PyTorch's state["step"]): a parameter that gets no gradient in the
// first steps starts its own count when it does, so Adam's bias correction for it begins at t = 1.
// Checked against a float64 implementation of each optimizer, written here, that keeps one
// count per parameter; and shown to differ from what one shared count would give.
import { beforeAll, describe, expect, it } from "vitest";
import { nn, optim, ready, setBackend, tensor, type Tensor } from "../../src/index.js";
import { expectClose } from "../gradcheck.js";
import { adamRef } from "./reference.js";

/** Gradients for p (every step) and q (from step 4 on): step s, element i. */
const gradP = (s: number) => [0.3 * Math.sin(s), -0.2 + 0.05 * s];
const gradQ = (s: number) => (s >= 4 ? [0.5 - 0.1 * s, 0.25 * Math.cos(s)] : null);
const P0 = [0.5, -1];
const Q0 = [2, 0.25];
const STEPS = 7;

type Ref = (p: number[], g: number[], state: Record<string, any>) => void;

/** adamRef (./reference.ts) one step at a time, for the per-parameter state of reference(). */
function adamStep(lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean, sharedStep?: () => number): Ref {
  return (p, g, s) => {
    const t = (s.step = ((s.step as number | undefined) ?? 0) + 1);
    const grads = ((s.grads ??= []) as number[][]);
    const steps = ((s.steps ??= []) as number[]);
    grads.push([...g]);
    steps.push(sharedStep ? sharedStep() : t);
    const start = (s.p0 ??= [...p]) as number[];
    const out = adamRef(start, grads, { lr, betas: [b1, b2], eps, weightDecay: wd }, decoupled, steps).params.at(-1)!;
    for (let i = 0; i < p.length; i++) p[i] = out[i];
  };
}

function sgdRef(lr: number, mu: number): Ref {
  return (p, g, s) => {
    const b = s.b as number[] | undefined;
    s.b = b === undefined ? [...g] : b.map((x, i) => mu * x + g[i]);
    for (let i = 0; i < p.length; i++) p[i] -= lr * (s.b as number[])[i];
  };
}

function rmspropRef(lr: number, alpha: number, eps: number): Ref {
  return (p, g, s) => {
    const v = (s.v ??= [0, 0]) as number[];
    for (let i = 0; i < p.length; i++) {
      v[i] = alpha * v[i] + (1 - alpha) * g[i] * g[i];
      p[i] -= (lr * g[i]) / (Math.sqrt(v[i]) + eps);
    }
  };
}

/** Run the reference for STEPS steps (calling `onStep` before each); returns q. */
function reference(update: Ref, onStep?: () => void): number[] {
  const p = [...P0];
  const q = [...Q0];
  const sp = {};
  const sq = {};
  for (let s = 1; s <= STEPS; s++) {
    onStep?.();
    update(p, gradP(s), sp);
    const gq = gradQ(s);
    if (gq) update(q, gq, sq);
  }
  return q;
}

function run(make: (params: Tensor[]) => optim.Optimizer): { q: number[]; steps: number[] } {
  const p = nn.parameter([2], (v) => v.set(P0));
  const q = nn.parameter([2], (v) => v.set(Q0));
  const opt = make([p, q]);
  for (let s = 1; s <= STEPS; s++) {
    opt.zeroGrad();
    p.grad = tensor(gradP(s));
    const gq = gradQ(s);
    if (gq) q.grad = tensor(gq);
    opt.step();
  }
  return { q: Array.from(q.toArray()), steps: [opt.stepOf(p), opt.stepOf(q)] };
}

for (const name of ["js", "wasm"] as const) {
  describe(`per-parameter steps (${name})`, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("Adam: q, first updated at step 4, is corrected as at its own step 1 (PyTorch), not as at step 4", () => {
      const got = run((ps) => new optim.Adam(ps, { lr: 0.1 }));
      expect(got.steps).toEqual([STEPS, STEPS - 3]);
      const want = reference(adamStep(0.1, 0.9, 0.999, 1e-8, 0, false));
      expectClose(got.q, want, 1e-6, 1e-6);
      // One count shared by all parameters (the step() call number) moves q visibly elsewhere.
      let call = 0;
      const shared = reference(adamStep(0.1, 0.9, 0.999, 1e-8, 0, false, () => call), () => call++);
      expect(Math.max(...shared.map((v, i) => Math.abs(v - want[i])))).toBeGreaterThan(1e-2);
    });

    it("AdamW (decoupled decay): the same per-parameter correction", () => {
      const got = run((ps) => new optim.AdamW(ps, { lr: 0.05, weightDecay: 0.1, betas: [0.8, 0.99] }));
      expectClose(got.q, reference(adamStep(0.05, 0.8, 0.99, 1e-8, 0.1, true)), 1e-6, 1e-6);
    });

    it("SGD with momentum: q's buffer starts as its first gradient at step 4", () => {
      const got = run((ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 }));
      expect(got.steps).toEqual([STEPS, STEPS - 3]);
      expectClose(got.q, reference(sgdRef(0.1, 0.9)), 1e-6, 1e-6);
    });

    it("RMSprop: q's square average starts from zero at step 4", () => {
      const got = run((ps) => new optim.RMSprop(ps, { lr: 0.01, alpha: 0.9 }));
      expectClose(got.q, reference(rmspropRef(0.01, 0.9, 1e-8)), 1e-6, 1e-6);
    });

    it("stateDict / loadStateDict carry the per-parameter steps", () => {
      const p = nn.parameter([2], (v) => v.set(P0));
      const q = nn.parameter([2], (v) => v.set(Q0));
      const a = new optim.Adam([p, q]);
      p.grad = tensor([1, 2]);
      a.step();
      const s = a.stateDict();
      expect(s.state[0]!.step).toBe(1);
      expect(s.state[1]).toBeNull();
      expect(Object.keys(s.state[0]!.buffers)).toEqual(["exp_avg", "exp_avg_sq"]);
      const b = new optim.Adam([p, q]);
      b.loadStateDict(s);
      expect([b.stepOf(p), b.stepOf(q), b.stepCount]).toEqual([1, 0, 1]);
      expect(b.stateSnapshot()).toEqual(a.stateSnapshot());
    });
  });
}
