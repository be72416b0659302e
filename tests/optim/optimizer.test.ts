// What every optimizer shares: skipping parameters without a gradient, zeroGrad, state
// lifetime, and minimizing a quadratic bowl through autograd.
import { beforeAll, describe, expect, it } from "vitest";
import { liveTensors, ops, optim, ready, scope, setBackend, tensor, type Tensor } from "../../src/index.js";
import { expectClose, randomData } from "../gradcheck.js";

type Make = (ps: Tensor[]) => optim.Optimizer;
const makers: [string, Make, number][] = [
  // [name, optimizer, steps]
  ["SGD", (ps) => new optim.SGD(ps, { lr: 0.1 }), 100],
  ["SGD + momentum", (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9 }), 150],
  ["SGD + Nesterov", (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true }), 150],
  ["RMSprop", (ps) => new optim.RMSprop(ps, { lr: 0.01 }), 400],
  ["RMSprop + momentum", (ps) => new optim.RMSprop(ps, { lr: 0.005, momentum: 0.9 }), 300],
  ["Adam", (ps) => new optim.Adam(ps, { lr: 0.05 }), 300],
  ["AdamW", (ps) => new optim.AdamW(ps, { lr: 0.05, weightDecay: 1e-4 }), 300],
];

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    for (const [label, make, steps] of makers) {
      it(`${label} minimizes the bowl Σ a·(p − c)² (a ∈ [0.5, 2]) from p = 0`, () => {
        const a = tensor(randomData(7, 1, 0.5, 2), [7]);
        const cv = randomData(7, 2, -1, 1);
        const c = tensor(cv, [7]);
        const p = tensor(new Float32Array(7), [7], { requiresGrad: true });
        const opt = make([p]);
        const bowl = (): Tensor => ops.sum(ops.mul(a, ops.square(ops.sub(p, c))));
        const start = scope(() => bowl().item());
        const base = liveTensors();
        let loss = start;
        for (let i = 0; i < steps; i++) {
          loss = scope(() => {
            opt.zeroGrad();
            const l = bowl();
            l.backward();
            opt.step();
            return l.item();
          });
        }
        // What remains is p.grad and the optimizer's state tensors: the loop is leak-free.
        expect(liveTensors()).toBe(base + 1 + opt.stateSnapshot()[0].length);
        expect(start).toBeGreaterThan(0.5);
        // RMSprop and Adam end in a small limit cycle of size ≈ lr around the minimum; a
        // 1e-3 relative loss still means every coordinate is within ≈ 0.03 of c.
        expect(loss / start).toBeLessThan(1e-3);
        const pv = p.toArray();
        pv.forEach((v, i) => expect(Math.abs(v - cv[i])).toBeLessThan(0.05));
        opt.zeroGrad();
        opt.dispose();
      });
    }

    it("parameters without a gradient are skipped and get no state", () => {
      for (const make of makers.map((m) => m[1])) {
        const p = tensor([1, 2], [2], { requiresGrad: true });
        const q = tensor([3, 4], [2], { requiresGrad: true });
        const opt = make([p, q]);
        p.grad = tensor([1, 1]);
        opt.step();
        expect(Array.from(q.toArray())).toEqual([3, 4]);
        expect(opt.stateSnapshot()[1]).toEqual([]);
        expect(Array.from(p.toArray())).not.toEqual([1, 2]);
        expect(opt.stepCount).toBe(1);
        opt.zeroGrad();
        opt.dispose();
      }
    });

    it("zeroGrad disposes and clears every gradient", () => {
      const p = tensor([1], [1], { requiresGrad: true });
      const q = tensor([1], [1], { requiresGrad: true });
      const opt = new optim.SGD([p, q], { lr: 0.1 });
      ops.sum(ops.mul(p, q)).backward();
      const gp = p.grad!;
      expect(gp.item()).toBe(1);
      opt.zeroGrad();
      expect(p.grad).toBeNull();
      expect(q.grad).toBeNull();
      expect(gp.disposed).toBe(true);
      opt.zeroGrad(); // with no grads: nothing to do
      opt.step();
      expect(p.toArray()[0]).toBe(1);
    });

    it("state persists across scopes and dispose() frees it", () => {
      const p = tensor([1, 2, 3], [3], { requiresGrad: true });
      const opt = new optim.Adam([p], { lr: 0.1 });
      const base = liveTensors();
      scope(() => {
        ops.sum(ops.square(p)).backward();
        opt.step();
      });
      // p.grad and Adam's m and v.
      expect(liveTensors()).toBe(base + 3);
      const [m, v] = opt.stateSnapshot()[0];
      // g = 2p = [2, 4, 6]: m = (1 − β₁)·g, v = (1 − β₂)·g².
      expectClose(m, [0.2, 0.4, 0.6], 1e-7, 1e-6);
      expectClose(v, [0.004, 0.016, 0.036], 1e-9, 1e-5);
      opt.dispose();
      expect(liveTensors()).toBe(base + 1);
      expect(opt.stateSnapshot()).toEqual([[]]);
      opt.zeroGrad();
      expect(liveTensors()).toBe(base);
    });
  });
}
