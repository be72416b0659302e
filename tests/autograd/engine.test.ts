// The backpropagation engine: accumulation over several paths and several backward calls, deep
// graphs without recursion, noGrad, error messages, and the gradient checker itself.
import { beforeAll, describe, expect, it } from "vitest";
import { liveTensors, noGrad, ops, Random, ready, scope, setBackend, tensor, type Tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, gradcheck, specData } from "../gradcheck.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    describe("a tensor used more than once", () => {
      it("x·x gives 2x", () => {
        const x = tensor([1.5, -2, 0.25], [3], { requiresGrad: true });
        ops.sum(ops.mul(x, x)).backward();
        expect(Array.from(x.grad!.toArray())).toEqual([3, -4, 0.5]);
      });

      it("add(x, x) gives 2 (the rule hands one gradient to both sides)", () => {
        const x = tensor([1, 2, 3], [3], { requiresGrad: true });
        ops.sum(ops.add(x, x)).backward();
        expect(Array.from(x.grad!.toArray())).toEqual([2, 2, 2]);
      });

      it("(x + x)·x gives 4x; a diamond tanh(x)² + tanh(x) gives (2t + 1)(1 − t²)", () => {
        const x = tensor([0.5, -1], [2], { requiresGrad: true });
        ops.sum(ops.mul(ops.add(x, x), x)).backward();
        expect(Array.from(x.grad!.toArray())).toEqual([2, -4]);
        const z = tensor([0.3, -0.7], [2], { requiresGrad: true });
        const t = ops.tanh(z);
        ops.sum(ops.add(ops.mul(t, t), t)).backward();
        expectClose(z.grad!.toArray(), [0.3, -0.7].map((v) => (2 * Math.tanh(v) + 1) * (1 - Math.tanh(v) ** 2)), 1e-6, 1e-6);
      });

      it("gradcheck agrees on reuse patterns", () => {
        expectGradcheck((x) => ops.mul(x, x), [{ shape: [2, 3] }]);
        expectGradcheck((x) => ops.sub(ops.mul(x, ops.exp(x)), ops.div(x, ops.addScalar(ops.square(x), 1))), [{ shape: [2, 3] }]);
        expectGradcheck((x, b) => ops.add(ops.mul(x, b), ops.div(b, ops.addScalar(ops.square(x), 1))), [{ shape: [4, 3] }, { shape: [3] }]);
      });
    });

    describe("accumulation across backward calls (+=, as PyTorch)", () => {
      it("backward twice with retainGraph doubles .grad", () => {
        const x = tensor([1, 2], [2], { requiresGrad: true });
        const y = ops.sum(ops.mul(x, x));
        y.backward(undefined, { retainGraph: true });
        expect(Array.from(x.grad!.toArray())).toEqual([2, 4]);
        y.backward();
        expect(Array.from(x.grad!.toArray())).toEqual([4, 8]);
      });

      it("two forward passes, two backward calls add up; zeroing .grad starts over", () => {
        const x = tensor([1, 2], [2], { requiresGrad: true });
        ops.sum(ops.mulScalar(x, 3)).backward();
        ops.sum(ops.square(x)).backward();
        expect(Array.from(x.grad!.toArray())).toEqual([3 + 2, 3 + 4]);
        x.grad!.dispose();
        x.grad = null;
        ops.sum(ops.square(x)).backward();
        expect(Array.from(x.grad!.toArray())).toEqual([2, 4]);
      });

      it("without retainGraph the graph is freed after backward", () => {
        const x = tensor([1], [1], { requiresGrad: true });
        const h = ops.exp(x);
        const y = ops.sum(h);
        y.backward();
        expect(y.node).toBeNull();
        expect(h.node).toBeNull();
      });
    });

    it("explicit upstream gradient for a non-scalar output", () => {
      const x = tensor([1, 2, 3], [3], { requiresGrad: true });
      ops.mulScalar(x, 3).backward(tensor([1, 0.5, -2]));
      expect(Array.from(x.grad!.toArray())).toEqual([3, 1.5, -6]);
    });

    it("a leaf that does not require grad gets none; intermediates keep no .grad", () => {
      const x = tensor([1, 2], [2], { requiresGrad: true });
      const c = tensor([5, 6]);
      const h = ops.mul(x, c);
      ops.sum(h).backward();
      expect(c.grad).toBeNull();
      expect(h.grad).toBeNull();
      expect(Array.from(x.grad!.toArray())).toEqual([5, 6]);
    });

    it("a deep chain of 5,000 ops backpropagates without a stack overflow", () => {
      const x = tensor([0.25, -0.5], [2], { requiresGrad: true });
      const before = liveTensors();
      const value = scope(() => {
        let y: Tensor = x;
        // Alternate y ← −y and y ← y + 0.001: 2,500 negations, so dy/dx = (−1)^2500 = 1.
        for (let i = 0; i < 5000; i++) y = i % 2 === 0 ? ops.neg(y) : ops.addScalar(y, 1e-3);
        const out = ops.sum(y);
        out.backward();
        return out.item();
      });
      let ref = 0.25 - 0.5;
      for (let i = 0; i < 5000; i++) ref = i % 2 === 0 ? -ref : ref + 1e-3;
      // 5,000 float32 roundings of values ≈ 1: error ≤ 5000·6e-8 ≈ 3e-4.
      expect(Math.abs(value - ref)).toBeLessThan(3e-4);
      expect(Array.from(x.grad!.toArray())).toEqual([1, 1]);
      // The chain's 5,000 intermediates are gone; x.grad remains.
      expect(liveTensors()).toBe(before + 1);
    });

    it("a deep chain of 5,000 tanh/addScalar ops matches the float64 chain rule", () => {
      const x = tensor([0.02], [1], { requiresGrad: true });
      const c = (i: number): number => (i % 2 === 0 ? 0.01 : -0.01);
      scope(() => {
        let y: Tensor = x;
        for (let i = 0; i < 2500; i++) y = ops.addScalar(ops.tanh(y), c(i));
        y.backward();
      });
      let v = 0.02;
      let d = 1;
      for (let i = 0; i < 2500; i++) {
        const t = Math.tanh(v);
        d *= 1 - t * t;
        v = t + c(i);
      }
      // y stays near 0.02–0.03, so each factor 1 − tanh² ≈ 0.9995 and d stays far from
      // underflow; 2,500 float32 roundings of the factors bound the relative error by ≈ 1.5e-4.
      expect(d).toBeGreaterThan(0.1);
      expect(d).toBeLessThan(0.9);
      expectClose(x.grad!.toArray(), [d], 0, 1e-3);
    });

    describe("noGrad", () => {
      it("records nothing", () => {
        const x = tensor([1, 2], [2], { requiresGrad: true });
        const y = noGrad(() => ops.mul(x, x));
        expect(y.requiresGrad).toBe(false);
        expect(y.node).toBeNull();
        expect(Array.from(y.toArray())).toEqual([1, 4]);
        expect(() => ops.sum(y).backward()).toThrow(/backward: Tensor\[\] does not require grad/);
      });

      it("nests and restores recording, also after an exception", () => {
        expect(ops.isGradEnabled()).toBe(true);
        noGrad(() => {
          noGrad(() => expect(ops.isGradEnabled()).toBe(false));
          expect(ops.isGradEnabled()).toBe(false);
        });
        expect(() => noGrad(() => {
          throw new Error("boom");
        })).toThrow("boom");
        expect(ops.isGradEnabled()).toBe(true);
        const x = tensor([1], [1], { requiresGrad: true });
        expect(ops.exp(x).node?.op).toBe("exp");
      });
    });

    describe("errors", () => {
      it("backward of a non-scalar without a gradient names the shape", () => {
        const x = tensor(new Float32Array(6), [2, 3], { requiresGrad: true });
        expect(() => ops.exp(x).backward()).toThrow(/backward: Tensor\[2, 3\] is not a single value; pass d\(loss\)\/d\(output\) as `grad`/);
      });
      it("an upstream gradient of the wrong size names both shapes", () => {
        const x = tensor(new Float32Array(6), [2, 3], { requiresGrad: true });
        expect(() => ops.exp(x).backward(tensor(new Float32Array(5)))).toThrow(/backward: grad has shape \[5\], expected \[2, 3\]/);
      });
      it("backward of a tensor no parameter reaches", () => {
        expect(() => ops.sum(tensor([1, 2])).backward()).toThrow(/backward: Tensor\[\] does not require grad/);
      });
    });

    describe("the gradient checker", () => {
      /** exp(x) whose backward wrongly returns exp(x)·1.01 − upstream ignored: must be caught. */
      const wrongExp = (x: Tensor): Tensor => {
        const y = noGrad(() => ops.exp(x));
        return ops.record(y, "wrongExp", [x], () => [noGrad(() => ops.mulScalar(y, 1.01))]);
      };
      /** The same op with the correct rule g·exp(x). */
      const rightExp = (x: Tensor): Tensor => {
        const y = noGrad(() => ops.exp(x));
        return ops.record(y, "rightExp", [x], (g) => [noGrad(() => ops.mul(g, y))]);
      };

      it("catches a wrong backward rule", () => {
        const res = gradcheck(wrongExp, [{ shape: [2, 3] }]);
        expect(res.worst).toBeGreaterThan(10);
      });
      it("passes the right one, and its finite differences are ∂/∂x Σ exp(x)·r = exp(x)·r", () => {
        const res = expectGradcheck(rightExp, [{ shape: [2, 3] }]);
        // Same generator and order as gradcheck: the inputs first, then r.
        const rng = new Random(1234);
        const x = specData({ shape: [2, 3] }, rng);
        const r = Array.from({ length: 6 }, () => rng.uniform(-1, 1));
        expectClose(res.numeric[0], Array.from(x, (v, i) => Math.exp(v) * r[i]), 2e-4, 1e-4);
        expect(res.analytic[0].length).toBe(6);
        expect(res.numeric[0].length).toBe(6);
        expect(res.checked).toBe(6);
      });
      it("leaves no tensor behind", () => {
        const before = liveTensors();
        gradcheck((a, b) => ops.mul(a, b), [{ shape: [3] }, { shape: [3] }]);
        expect(liveTensors()).toBe(before);
      });
    });
  });
}

describe("backward (both backends)", () => {
  for (const name of ["js", "wasm"] as const) {
    it(`a second backward() through a freed graph throws and leaves .grad alone (${name})`, async () => {
      await ready();
      setBackend(name);
      const x = tensor([1, 2], undefined, { requiresGrad: true });
      const y = ops.sum(ops.mul(x, x));
      y.backward();
      expect(Array.from(x.grad!.toArray())).toEqual([2, 4]);
      expect(() => y.backward()).toThrow(/backward: the graph through Tensor\[\] was already freed by an earlier backward\(\); pass \{ retainGraph: true \}/);
      expect(Array.from(x.grad!.toArray())).toEqual([2, 4]);
      const z = ops.sum(ops.mul(x, x));
      z.backward(undefined, { retainGraph: true });
      z.backward();
      expect(Array.from(x.grad!.toArray())).toEqual([6, 12]);
    });
  }
});
