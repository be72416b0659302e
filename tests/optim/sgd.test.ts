// SGD against a float64 re-implementation of PyTorch's update, step by step.
import { beforeAll, describe, expect, it } from "vitest";
import { optim, ready, setBackend, tensor, type Tensor } from "../../src/index.js";
import { expectClose, randomData } from "../gradcheck.js";

interface Cfg { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean }

/** PyTorch's torch.optim.SGD in float64 over one parameter and a sequence of gradients. */
function sgdRef(p0: Float32Array, grads: Float32Array[], c: Cfg): { params: Float64Array[]; buf: Float64Array } {
  const p = Float64Array.from(p0);
  const buf = new Float64Array(p.length);
  const mu = c.momentum ?? 0;
  const params: Float64Array[] = [];
  grads.forEach((g, t) => {
    for (let i = 0; i < p.length; i++) {
      let d = g[i] + (c.weightDecay ?? 0) * p[i];
      if (mu !== 0) {
        buf[i] = t === 0 ? d : mu * buf[i] + (1 - (c.dampening ?? 0)) * d;
        d = c.nesterov ? d + mu * buf[i] : buf[i];
      }
      p[i] -= c.lr * d;
    }
    params.push(Float64Array.from(p));
  });
  return { params, buf };
}

/** Run the optimizer with the given gradients; returns the parameter after each step. */
function run(p: Tensor, grads: Float32Array[], opt: optim.Optimizer): Float32Array[] {
  return grads.map((g) => {
    p.grad?.dispose();
    p.grad = tensor(g, p.shape);
    opt.step();
    return p.toArray();
  });
}

const configs: [string, Cfg][] = [
  ["plain", { lr: 0.1 }],
  ["weight decay", { lr: 0.05, weightDecay: 0.1 }],
  ["momentum", { lr: 0.05, momentum: 0.9 }],
  ["momentum with dampening", { lr: 0.05, momentum: 0.8, dampening: 0.3 }],
  ["Nesterov", { lr: 0.05, momentum: 0.9, nesterov: true }],
  ["Nesterov with weight decay", { lr: 0.02, momentum: 0.5, nesterov: true, weightDecay: 0.01 }],
];

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    for (const [label, cfg] of configs) {
      it(`${label}: 6 steps on 33 values match float64`, () => {
        const p0 = randomData(33, 1);
        const grads = Array.from({ length: 6 }, (_, t) => randomData(33, 100 + t));
        const p = tensor(p0, [3, 11], { requiresGrad: true });
        const opt = new optim.SGD([p], cfg);
        const got = run(p, grads, opt);
        const want = sgdRef(p0, grads, cfg);
        // Each step adds a float32 rounding of ≈ 6e-8·|p| (|p| ≲ 2): 6 steps stay under 1e-6.
        got.forEach((g, t) => expectClose(g, want.params[t], 1e-6, 1e-6));
        if (cfg.momentum) expectClose(opt.stateSnapshot()[0][0], want.buf, 1e-6, 1e-6);
        else expect(opt.stateSnapshot()).toEqual([[]]);
        expect(opt.stepCount).toBe(6);
      });
    }

    it("one step by hand: p − lr·(g + λp), momentum buffer starts at the first gradient", () => {
      const p = tensor([1, -2], [2], { requiresGrad: true });
      const opt = new optim.SGD([p], { lr: 0.5, weightDecay: 0.5, momentum: 0.9 });
      p.grad = tensor([1, 1]);
      opt.step();
      // d = g + 0.5·p = [1.5, 0]; buf = d; p = p − 0.5·d
      expect(Array.from(p.toArray())).toEqual([0.25, -2]);
      expect(Array.from(opt.stateSnapshot()[0][0])).toEqual([1.5, 0]);
      opt.step();
      // d = [1 + 0.125, 1 − 1] = [1.125, 0]; buf = 0.9·[1.5, 0] + d = [2.475, 0]
      expectClose(opt.stateSnapshot()[0][0], [2.475, 0], 1e-6);
      expectClose(p.toArray(), [0.25 - 0.5 * 2.475, -2], 1e-6);
    });

    it("a changed lr is used from the next step on", () => {
      const p = tensor([1], [1], { requiresGrad: true });
      const opt = new optim.SGD([p], { lr: 0.1 });
      p.grad = tensor([1]);
      opt.step();
      opt.lr = 0.5;
      opt.step();
      expect(p.toArray()[0]).toBeCloseTo(1 - 0.1 - 0.5, 6);
    });

    it("accepts lr 0, as PyTorch does: a schedule may decay to it, and a step then moves nothing", () => {
      const p = tensor([1, -2], [2], { requiresGrad: true });
      const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
      opt.lr = 0;
      p.grad = tensor([3, 4]);
      opt.step();
      expect(Array.from(p.toArray())).toEqual([1, -2]);
    });

    it("constructor errors", () => {
      const p = tensor([1], [1], { requiresGrad: true });
      expect(() => new optim.SGD([p], { lr: -0.1 })).toThrow(/SGD: lr must be a finite number ≥ 0, got -0.1/);
      expect(() => new optim.SGD([p], { lr: NaN })).toThrow(/SGD: lr must be a finite number ≥ 0, got NaN/);
      expect(() => new optim.SGD([p], { lr: Infinity })).toThrow(/SGD: lr must be a finite number ≥ 0, got Infinity/);
      expect(() => new optim.SGD([], { lr: 0.1 })).toThrow(/SGD: got an empty parameter list/);
      expect(() => new optim.SGD([p], { lr: 0.1, nesterov: true })).toThrow(/SGD: Nesterov momentum requires momentum > 0 and dampening 0/);
      expect(() => new optim.SGD([p], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/Nesterov momentum requires momentum > 0 and dampening 0/);
      expect(() => new optim.SGD([p], { lr: 0.1, momentum: 1 })).toThrow(/SGD: momentum must be in \[0, 1\), got 1/);
      expect(() => new optim.SGD([p], { lr: 0.1, weightDecay: -1 })).toThrow(/SGD: weightDecay must be in \[0, Infinity\), got -1/);
      expect(() => new optim.SGD([tensor([1])], { lr: 0.1 })).toThrow(/SGD: parameter Tensor\[1\] does not require grad/);
    });
  });
}
