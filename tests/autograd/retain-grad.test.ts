// retainGrad(): the gradient of an intermediate tensor, kept by backward() on request (PyTorch's
// retain_grad()), and producer(): which op made a tensor, also after backward() consumed it.
import { beforeAll, describe, expect, it } from "vitest";
import { liveTensors, nn, ops, ready, scope, setBackend, tensor } from "../../src/index.js";
import { producer } from "../../src/autograd/engine.js";
import { expectClose } from "../gradcheck.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("keeps d(loss)/d(h) of a retained intermediate and of nothing else", () => {
      const x = tensor([0.5, -1, 2], [3], { requiresGrad: true });
      const h = ops.tanh(x).retainGrad();
      const s = ops.mul(h, h); // not retained
      const loss = ops.sum(s);
      loss.backward();
      const t = [0.5, -1, 2].map(Math.tanh);
      // loss = Σ tanh(x)²: d/dh = 2h, d/dx = 2h·(1 − h²).
      expectClose(h.grad!.toArray(), t.map((v) => 2 * v), 1e-6, 1e-6);
      expectClose(x.grad!.toArray(), t.map((v) => 2 * v * (1 - v * v)), 1e-6, 1e-6);
      expect(s.grad).toBeNull();
      expect(loss.grad).toBeNull();
    });

    it("keeps the root's own gradient (the seed) and a gradient summed over two paths", () => {
      const x = tensor([1, 2], [2], { requiresGrad: true });
      const h = ops.mulScalar(x, 3).retainGrad();
      const loss = ops.sum(ops.add(ops.mul(h, h), h)).retainGrad(); // d/dh = 2h + 1 over both paths
      loss.backward();
      expect(loss.grad!.item()).toBe(1);
      expect(Array.from(h.grad!.toArray())).toEqual([7, 13]);
      expect(Array.from(x.grad!.toArray())).toEqual([21, 39]);
    });

    it("accumulates over backward() calls with retainGraph, as a leaf's gradient does", () => {
      const x = tensor([1, -2], [2], { requiresGrad: true });
      const h = ops.mulScalar(x, 2).retainGrad();
      const loss = ops.sum(ops.mul(h, h));
      loss.backward(undefined, { retainGraph: true });
      loss.backward();
      expect(Array.from(h.grad!.toArray())).toEqual([8, -16]); // 2 × 2h
      expect(Array.from(x.grad!.toArray())).toEqual([16, -32]);
    });

    it("does not change any other gradient", () => {
      const run = (retain: boolean): Float32Array[] => {
        const w = tensor([0.3, -0.2, 0.5, 0.1], [2, 2], { requiresGrad: true });
        const b = tensor([0.05, -0.1], [2], { requiresGrad: true });
        const h = ops.linear(tensor([1, 2, 3, 4], [2, 2]), w, b);
        if (retain) h.retainGrad();
        ops.sum(ops.sigmoid(h)).backward();
        return [w.grad!.toArray(), b.grad!.toArray()];
      };
      expect(run(true)).toEqual(run(false));
    });

    it("frees a retained gradient with its tensor: a scope leaks nothing", () => {
      const x = tensor([1, 2, 3], [3], { requiresGrad: true });
      const before = liveTensors();
      scope(() => {
        const h = ops.exp(x).retainGrad();
        ops.sum(h).backward();
        expect(h.grad).not.toBeNull();
      });
      // x.grad is the one tensor that outlives the scope.
      expect(liveTensors()).toBe(before + 1);
      x.grad!.dispose();
    });

    it("refuses a tensor that does not require grad, naming it", () => {
      expect(() => tensor([1, 2], [2]).retainGrad()).toThrow("retainGrad: Tensor[2] does not require grad, so backward() never reaches it");
    });

    it("nn.retainGrads marks every computed tensor, not the leaves", () => {
      const x = tensor([0.5, 1.5], [2]);
      const w = tensor([2, -1], [2], { requiresGrad: true });
      const p = ops.mul(x, w);
      const q = ops.relu(p);
      const loss = ops.sum(q);
      nn.retainGrads(loss).backward();
      expect([loss, q, p].map((t) => t.retainsGrad)).toEqual([true, true, true]);
      expect([x, w].map((t) => t.retainsGrad)).toEqual([false, false]);
      expect(Array.from(q.grad!.toArray())).toEqual([1, 1]);
      expect(Array.from(p.grad!.toArray())).toEqual([1, 0]); // relu passes the gradient where p > 0
      expect(Array.from(w.grad!.toArray())).toEqual([0.5, 0]);
    });

    it("producer() names the op and inputs before and after backward() frees the node", () => {
      const a = tensor([1, 2], [2], { requiresGrad: true });
      const b = tensor([3, 4], [2]);
      const c = ops.add(a, b);
      const loss = ops.sum(c);
      expect(producer(c)).toMatchObject({ op: "add", inputs: [a, b] });
      loss.backward();
      expect(c.node).toBeNull();
      expect(producer(c)).toMatchObject({ op: "add", inputs: [a, b] });
      expect(producer(loss)!.inputs[0]).toBe(c);
      expect(producer(a)).toBeNull();
      // The freed graph still refuses a second backward().
      expect(() => loss.backward()).toThrow("was already freed by an earlier backward()");
    });
  });
}
