// The Tensor handle: reading values out, writing them in, disposal.
import { beforeAll, describe, expect, it } from "vitest";
import { ops, ready, setBackend, tensor, Tensor, zeros } from "../../src/index.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("toArray returns a copy, not a view of the heap", () => {
      const t = tensor([1, 2, 3]);
      const a = t.toArray();
      a[0] = 99;
      expect(Array.from(t.toArray())).toEqual([1, 2, 3]);
      t.set([4, 5, 6]);
      expect(Array.from(a)).toEqual([99, 2, 3]);
    });

    it("toNested rebuilds the nesting from the shape", () => {
      expect(tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]).toNested()).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
      expect(tensor([1, 2, 3], [3, 1]).toNested()).toEqual([[1], [2], [3]]);
    });

    it("item reads a one-element tensor of any rank, and names the shape otherwise", () => {
      expect(tensor([[7]]).item()).toBe(7);
      expect(tensor(-1.5).item()).toBe(-1.5);
      expect(() => tensor([1, 2]).item()).toThrow(/item: tensor has shape \[2\], expected a single element/);
    });

    it("set overwrites values and checks the count", () => {
      const t = zeros([2, 2]);
      expect(t.set([1, 2, 3, 4])).toBe(t);
      expect(t.toNested()).toEqual([[1, 2], [3, 4]]);
      expect(() => t.set([1, 2, 3])).toThrow(/set: got 3 values for a tensor of shape \[2, 2\] \(4 values\)/);
      expect(t.toNested()).toEqual([[1, 2], [3, 4]]);
    });

    it("shape is frozen", () => {
      const t = tensor([1, 2]);
      expect(Object.isFrozen(t.shape)).toBe(true);
    });

    it("pointers are 16-byte aligned and distinct for live tensors", () => {
      const ts = [1, 3, 17, 130].map((n) => zeros([n]));
      for (const t of ts) expect(t.ptr % 16).toBe(0);
      expect(new Set(ts.map((t) => t.ptr)).size).toBe(ts.length);
    });

    it("a disposed tensor throws a clear error on use; dispose twice is safe", () => {
      const t = tensor([[1, 2], [3, 4]]);
      t.dispose();
      expect(t.disposed).toBe(true);
      expect(() => t.dispose()).not.toThrow();
      expect(() => t.toArray()).toThrow(/Tensor\[2, 2\] was disposed and cannot be used/);
      const one = tensor([5]);
      one.dispose();
      expect(() => one.item()).toThrow(/Tensor\[1\] was disposed and cannot be used/);
      expect(() => t.set([1, 2, 3, 4])).toThrow(/Tensor\[2, 2\] was disposed/);
      expect(() => ops.relu(t)).toThrow(/relu: input Tensor\[2, 2\] was disposed/);
      expect(t.toString()).toBe("Tensor[2, 2](disposed)");
    });

    it("toString shows the shape and the first values", () => {
      expect(tensor([1, 2.5]).toString()).toBe("Tensor[2](1, 2.5)");
      expect(tensor(Float32Array.from({ length: 10 }, (_, i) => i)).toString()).toBe("Tensor[10](0, 1, 2, 3, 4, 5, 6, 7, …)");
    });

    it("values survive a heap growth (no cached views)", () => {
      const t = tensor([1, 2, 3]);
      const before = t.backend.heap.byteLength;
      t.backend.heap.grow(1 << 20);
      expect(t.backend.heap.byteLength).toBeGreaterThan(before);
      expect(Array.from(t.toArray())).toEqual([1, 2, 3]);
      expect(Array.from(ops.mulScalar(t, 2).toArray())).toEqual([2, 4, 6]);
    });

    it("the constructor wraps a fresh block of the right size", () => {
      const t = new Tensor(tensor([0]).backend, [3, 4]);
      expect(t.size).toBe(12);
      expect(t.shape).toEqual([3, 4]);
      expect(t.requiresGrad).toBe(false);
      expect(t.grad).toBeNull();
      expect(t.node).toBeNull();
    });
  });
}
