// RMSprop against a float64 re-implementation of PyTorch's update, step by step.
import { beforeAll, describe, expect, it } from "vitest";
import { optim, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, randomData } from "../gradcheck.js";

interface Cfg { lr?: number; alpha?: number; eps?: number; weightDecay?: number; momentum?: number }

function rmspropRef(p0: Float32Array, grads: Float32Array[], c: Cfg): { params: Float64Array[]; v: Float64Array; buf: Float64Array } {
  const lr = c.lr ?? 1e-2;
  const alpha = c.alpha ?? 0.99;
  const eps = c.eps ?? 1e-8;
  const mu = c.momentum ?? 0;
  const p = Float64Array.from(p0);
  const v = new Float64Array(p.length);
  const buf = new Float64Array(p.length);
  const params = grads.map((g) => {
    for (let i = 0; i < p.length; i++) {
      const d = g[i] + (c.weightDecay ?? 0) * p[i];
      v[i] = alpha * v[i] + (1 - alpha) * d * d;
      const step = d / (Math.sqrt(v[i]) + eps);
      if (mu > 0) {
        buf[i] = mu * buf[i] + step;
        p[i] -= lr * buf[i];
      } else p[i] -= lr * step;
    }
    return Float64Array.from(p);
  });
  return { params, v, buf };
}

const configs: [string, Cfg][] = [
  ["defaults", {}],
  ["alpha 0.9, lr 0.05", { alpha: 0.9, lr: 0.05 }],
  ["weight decay", { lr: 0.01, weightDecay: 0.1 }],
  ["momentum", { lr: 0.01, momentum: 0.9 }],
  ["momentum, weight decay, eps 1e-3", { lr: 0.02, momentum: 0.5, weightDecay: 0.05, eps: 1e-3 }],
];

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    for (const [label, cfg] of configs) {
      it(`${label}: 6 steps on 17 values match float64`, () => {
        const p0 = randomData(17, 2);
        const grads = Array.from({ length: 6 }, (_, t) => randomData(17, 200 + t));
        const p = tensor(p0, [17], { requiresGrad: true });
        const opt = new optim.RMSprop([p], cfg);
        const got = grads.map((g) => {
          p.grad?.dispose();
          p.grad = tensor(g);
          opt.step();
          return p.toArray();
        });
        const want = rmspropRef(p0, grads, cfg);
        // g/√v is O(10) at the first step (v = (1 − α)·g²); float32 keeps ≈ 1e-7 relative of it,
        // times lr ≤ 0.05: ≤ 5e-7 per step.
        got.forEach((g, t) => expectClose(g, want.params[t], 2e-6, 1e-6));
        const state = opt.stateSnapshot()[0];
        expect(state.length).toBe(cfg.momentum ? 2 : 1);
        expectClose(state[0], want.v, 1e-7, 1e-5);
        if (cfg.momentum) expectClose(state[1], want.buf, 1e-5, 1e-5);
      });
    }

    it("first step by hand: v = (1 − α)g², p −= lr·g/(√v + ε) = lr·sign(g)/√(1 − α)", () => {
      const p = tensor([0, 0], [2], { requiresGrad: true });
      const opt = new optim.RMSprop([p], { lr: 0.01, alpha: 0.99 });
      p.grad = tensor([2, -0.5]);
      opt.step();
      expectClose(opt.stateSnapshot()[0][0], [0.04, 0.0025], 1e-9, 1e-6);
      expectClose(p.toArray(), [-0.1, 0.1], 1e-7, 1e-5);
    });

    it("constructor errors", () => {
      const p = tensor([1], [1], { requiresGrad: true });
      expect(() => new optim.RMSprop([p], { lr: -1 })).toThrow(/RMSprop: lr must be a finite number ≥ 0, got -1/);
      expect(() => new optim.RMSprop([], {})).toThrow(/RMSprop: got an empty parameter list/);
      expect(() => new optim.RMSprop([p], { alpha: 1 })).toThrow(/RMSprop: alpha must be in \[0, 1\), got 1/);
      expect(() => new optim.RMSprop([p], { momentum: -0.5 })).toThrow(/RMSprop: momentum must be in \[0, 1\), got -0.5/);
    });
  });
}
