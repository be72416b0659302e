// Scopes: temporaries are freed, what is returned or kept survives, the live count proves it.
import { beforeAll, describe, expect, it } from "vitest";
import { keep, liveTensors, nn, ops, optim, ready, scope, setBackend, tensor, type Tensor } from "../../src/index.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("disposes temporaries and keeps the returned tensor", () => {
      const x = tensor([1, 2, 3]);
      const base = liveTensors();
      let tmp: Tensor | null = null;
      const y = scope(() => {
        tmp = ops.exp(x);
        return ops.mulScalar(tmp, 2);
      });
      expect(tmp!.disposed).toBe(true);
      expect(() => tmp!.toArray()).toThrow(/Tensor\[3\] was disposed and cannot be used/);
      expect(() => ops.add(tmp!, x)).toThrow(/add: input Tensor\[3\] was disposed/);
      expect(y.disposed).toBe(false);
      expect(x.disposed).toBe(false);
      expect(liveTensors()).toBe(base + 1);
      expect(y.toArray()[0]).toBeCloseTo(2 * Math.E, 5);
      y.dispose();
      expect(liveTensors()).toBe(base);
    });

    it("keeps arrays and plain objects of tensors, nested", () => {
      const base = liveTensors();
      const out = scope(() => {
        const a = tensor([1]);
        const b = tensor([2]);
        const c = tensor([3]);
        tensor([4]); // dropped
        return { pair: [a, b], more: { c }, label: "x" };
      });
      expect(liveTensors()).toBe(base + 3);
      expect(out.pair[0].item() + out.pair[1].item() + out.more.c.item()).toBe(6);
      expect(out.label).toBe("x");
      for (const t of [...out.pair, out.more.c]) t.dispose();
      expect(liveTensors()).toBe(base);
    });

    it("non-tensor results are passed through and every tensor is freed", () => {
      const base = liveTensors();
      const v = scope(() => ops.sum(tensor([1, 2, 3])).item());
      expect(v).toBe(6);
      expect(liveTensors()).toBe(base);
    });

    it("nested scopes: an inner result joins the outer scope and is freed there unless returned", () => {
      const base = liveTensors();
      let inner: Tensor | null = null;
      const outer = scope(() => {
        inner = scope(() => {
          tensor([0]); // freed by the inner scope
          return tensor([1]);
        });
        expect(liveTensors()).toBe(base + 1);
        const kept = scope(() => ops.addScalar(inner!, 1));
        return kept;
      });
      expect(inner!.disposed).toBe(true);
      expect(outer.item()).toBe(2);
      expect(liveTensors()).toBe(base + 1);
      outer.dispose();
    });

    it("keep() exempts a tensor from every enclosing scope", () => {
      const base = liveTensors();
      let kept: Tensor | null = null;
      scope(() => {
        scope(() => {
          kept = keep(tensor([5]));
          tensor([6]);
        });
      });
      expect(kept!.disposed).toBe(false);
      expect(kept!.item()).toBe(5);
      expect(liveTensors()).toBe(base + 1);
      kept!.dispose();
      expect(liveTensors()).toBe(base);
    });

    it("disposes everything made inside when fn throws, and rethrows", () => {
      const base = liveTensors();
      const made: Tensor[] = [];
      expect(() =>
        scope(() => {
          made.push(tensor([1]), tensor([2]));
          throw new Error("step failed");
        }),
      ).toThrow("step failed");
      expect(made.every((t) => t.disposed)).toBe(true);
      expect(liveTensors()).toBe(base);
      // The scope stack was unwound: a tensor made now belongs to no scope.
      const t = tensor([3]);
      scope(() => tensor([4]));
      expect(t.disposed).toBe(false);
      t.dispose();
    });

    it("a tensor disposed by hand inside a scope is not counted twice", () => {
      const base = liveTensors();
      scope(() => {
        const t = tensor([1]);
        t.dispose();
        t.dispose();
      });
      expect(liveTensors()).toBe(base);
    });

    it("tensors from before the scope are left alone", () => {
      const x = tensor([1, 2]);
      scope(() => ops.add(x, x));
      expect(x.disposed).toBe(false);
      expect(Array.from(x.toArray())).toEqual([1, 2]);
      x.dispose();
    });

    it("training steps in a scope return the live count to its baseline", () => {
      const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
      const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
      const x = tensor(Float32Array.from({ length: 20 }, (_, i) => Math.sin(i)), [5, 4]);
      const step = (): number =>
        scope(() => {
          opt.zeroGrad();
          const loss = ops.crossEntropy(model.forward(x), [0, 1, 2, 0, 1]);
          loss.backward();
          opt.step();
          return loss.item();
        });
      const first = step(); // creates the parameters' grads and the optimizer state
      const base = liveTensors();
      let last = first;
      for (let i = 0; i < 20; i++) last = step();
      expect(liveTensors()).toBe(base);
      expect(last).toBeLessThan(first);
      opt.dispose();
    });
  });
}
