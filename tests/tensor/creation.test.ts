// Making tensors: from nested and flat arrays, constants, and seeded random values.
import { beforeAll, describe, expect, it } from "vitest";
import { backend, full, manualSeed, ones, rand, randn, Random, ready, setBackend, Tensor, tensor, zeros } from "../../src/index.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    describe("tensor()", () => {
      it("nested arrays give their nesting as the shape, values row-major", () => {
        const t = tensor([[1, 2, 3], [4, 5, 6]]);
        expect(t.shape).toEqual([2, 3]);
        expect(t.size).toBe(6);
        expect(t.rank).toBe(2);
        expect(Array.from(t.toArray())).toEqual([1, 2, 3, 4, 5, 6]);
        const u = tensor([[[1], [2]], [[3], [4]], [[5], [6]]]);
        expect(u.shape).toEqual([3, 2, 1]);
        expect(u.toNested()).toEqual([[[1], [2]], [[3], [4]], [[5], [6]]]);
      });

      it("a flat array or Float32Array with a shape", () => {
        expect(tensor([1, 2, 3, 4, 5, 6], [3, 2]).toNested()).toEqual([[1, 2], [3, 4], [5, 6]]);
        const t = tensor(new Float32Array([0.5, -1.25]), [2, 1]);
        expect(t.shape).toEqual([2, 1]);
        expect(t.toNested()).toEqual([[0.5], [-1.25]]);
        expect(tensor([7, 8, 9]).shape).toEqual([3]);
        expect(tensor(new Float64Array([1, 2])).shape).toEqual([2]);
      });

      it("a number gives a scalar of shape []", () => {
        const s = tensor(3.5);
        expect(s.shape).toEqual([]);
        expect(s.size).toBe(1);
        expect(s.item()).toBe(3.5);
        expect(s.toNested()).toBe(3.5);
      });

      it("empty arrays give zero-size shapes", () => {
        expect(tensor([]).shape).toEqual([0]);
        expect(tensor([[]]).shape).toEqual([1, 0]);
        expect(tensor([], [2, 0]).toNested()).toEqual([[], []]);
      });

      it("values are rounded to float32", () => {
        expect(tensor([0.1]).toArray()[0]).toBe(Math.fround(0.1));
      });

      it("requiresGrad and backend options", () => {
        expect(tensor([1]).requiresGrad).toBe(false);
        expect(tensor([1], undefined, { requiresGrad: true }).requiresGrad).toBe(true);
        const other = backend(name === "js" ? "wasm" : "js");
        expect(tensor([1, 2], [2], { backend: other }).backend).toBe(other);
        expect(tensor([1, 2]).backend.name).toBe(name);
      });

      it("ragged nested arrays are rejected with the element's index path and lengths", () => {
        expect(() => tensor([[1, 2], [3]])).toThrow(/tensor: ragged nested array, element \[1\] has 1 elements, expected 2/);
        expect(() => tensor([[[1, 2]], [[3, 4], [5, 6]]])).toThrow(/tensor: ragged nested array, element \[1\] has 2 elements, expected 1/);
      });

      it("an element that is not a number names its index path and type", () => {
        expect(() => tensor(["a", "b"] as never)).toThrow(/^tensor: element \[0\] is the string "a", expected a number or an array of numbers$/);
        expect(() => tensor([1, "2"] as never)).toThrow(/^tensor: element \[1\] is the string "2"/);
        expect(() => tensor([[1, 2], [3, null]] as never)).toThrow(/^tensor: element \[1\]\[1\] is null/);
        expect(() => tensor([[1, 2], [3, undefined]] as never)).toThrow(/^tensor: element \[1\]\[1\] is undefined/);
        expect(() => tensor([1n, 2n] as never)).toThrow(/^tensor: element \[0\] is the bigint 1n \(convert it with Number\(\)\)/);
        expect(() => tensor([true, false] as never)).toThrow(/^tensor: element \[0\] is the boolean true/);
        expect(() => tensor([[1], [{}]] as never)).toThrow(/^tensor: element \[1\]\[0\] is an Object/);
      });

      it("data that is neither numbers nor arrays is refused by name; typed arrays are accepted at any level", () => {
        expect(() => tensor("ab" as never)).toThrow(/^tensor: got the string "ab", expected a number, an Array of numbers, nested Arrays or a typed array$/);
        expect(() => tensor({ length: 2, 0: 1, 1: 2 } as never)).toThrow(/^tensor: got an Object, expected a number/);
        expect(() => tensor(new BigInt64Array(2) as never)).toThrow(/^tensor: got a BigInt64Array, expected numbers/);
        expect(() => tensor(new DataView(new ArrayBuffer(8)) as never)).toThrow(/^tensor: got a DataView/);
        expect(Array.from(tensor(new Float64Array([1.5, -2])).toArray())).toEqual([1.5, -2]);
        const rows = tensor([new Float32Array([1, 2]), new Float32Array([3, 4])]);
        expect(rows.shape).toEqual([2, 2]);
        expect(Array.from(rows.toArray())).toEqual([1, 2, 3, 4]);
      });

      it("shapes must hold non-negative integers, for every constructor and for new Tensor", () => {
        for (const [op, make] of [["tensor", (s: number[]) => tensor([], s)], ["zeros", zeros], ["ones", ones], ["rand", rand], ["randn", randn], ["full", (s: number[]) => full(s, 1)]] as const) {
          expect(() => make([-4])).toThrow(new RegExp(`^${op}: shape \\[-4\\] has -4 at axis 0, expected non-negative integers$`));
          expect(() => make([2, 1.5])).toThrow(new RegExp(`^${op}: shape \\[2, 1.5\\] has 1.5 at axis 1`));
          expect(() => make([NaN])).toThrow(new RegExp(`^${op}: shape \\[NaN\\] has NaN at axis 0`));
        }
        expect(() => new Tensor(backend(name), [-4])).toThrow(/^Tensor: shape \[-4\] has -4 at axis 0, expected non-negative integers$/);
        expect(() => new Tensor(backend(name), ["2"] as never)).toThrow(/^Tensor: shape \[2\] has a string at axis 0/);
        expect(() => zeros(3 as never)).toThrow(/^zeros: shape must be an array of sizes, got number$/);
        expect(() => full([2], "x" as never)).toThrow(/^full: fill value is the string "x", expected a number$/);
      });

      it("a tensor larger than the heap can grow to names the op, the shape, the bytes and the limit, and leaves bytesInUse as it was", () => {
        const heap = backend(name).heap;
        const before = heap.bytesInUse;
        expect(() => zeros([2 ** 31])).toThrow(/^zeros: Tensor\[2147483648\] on the (wasm|js) backend: cannot allocate 8589934592 bytes \(8 GiB\): the memory cannot grow that far; .* in use, memory .*, limit 4 GiB$/);
        expect(() => randn([100000, 100000])).toThrow(/^randn: Tensor\[100000, 100000\] .*cannot allocate 40000000000 bytes \(37.25 GiB\)/);
        expect(heap.bytesInUse).toBe(before);
        expect(zeros([4]).size).toBe(4);
      });

      it("a number where an array is expected (mixed depths) is rejected", () => {
        expect(() => tensor([[1, 2], 3] as never)).toThrow(/tensor:/);
      });

      it("values that do not fill the shape are rejected with both counts", () => {
        expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/tensor: 3 values do not fill shape \[2, 2\] \(4 values\)/);
        expect(() => tensor([[1, 2], [3, 4]], [3])).toThrow(/tensor: 4 values do not fill shape \[3\] \(3 values\)/);
      });

    });

    describe("constants", () => {
      it("zeros, ones, full", () => {
        expect(zeros([2, 3]).toNested()).toEqual([[0, 0, 0], [0, 0, 0]]);
        expect(Array.from(ones([4]).toArray())).toEqual([1, 1, 1, 1]);
        expect(full([2, 2], -2.5).toNested()).toEqual([[-2.5, -2.5], [-2.5, -2.5]]);
        expect(zeros([]).shape).toEqual([]);
        expect(ones([3], { requiresGrad: true }).requiresGrad).toBe(true);
      });
    });

    describe("random tensors", () => {
      it("rand is uniform in [lo, hi) and equals the generator's own sequence", () => {
        const t = rand([1000], { lo: -2, hi: 3, rng: new Random(5) });
        const v = t.toArray();
        const r = new Random(5);
        for (let i = 0; i < v.length; i++) expect(v[i]).toBe(Math.fround(r.uniform(-2, 3)));
        expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
        expect(Math.max(...v)).toBeLessThan(3);
        // Mean of 1,000 U(−2, 3) values: 0.5 ± 5·(5/√12)/√1000 ≈ 0.5 ± 0.23.
        expect(Math.abs(v.reduce((a, b) => a + b, 0) / 1000 - 0.5)).toBeLessThan(0.23);
      });

      it("randn uses mean and std", () => {
        const v = randn([20000], { mean: 3, std: 0.5, rng: new Random(9) }).toArray();
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
        // Standard errors: 0.5/√20000 ≈ 0.0035 for the mean, 0.5/√40000 = 0.0025 for the std; 5σ bounds.
        expect(Math.abs(m - 3)).toBeLessThan(0.018);
        expect(Math.abs(sd - 0.5)).toBeLessThan(0.0125);
      });

      it("manualSeed makes randn and rand reproducible, and different seeds differ", () => {
        manualSeed(42);
        const a = randn([50]).toArray();
        const b = rand([5]).toArray();
        manualSeed(42);
        expect(Array.from(randn([50]).toArray())).toEqual(Array.from(a));
        expect(Array.from(rand([5]).toArray())).toEqual(Array.from(b));
        manualSeed(43);
        const c = randn([50]).toArray();
        expect(c.some((v, i) => v !== a[i])).toBe(true);
      });
    });
  });
}

describe("tensor() (both backends)", () => {
  for (const name of ["js", "wasm"] as const) {
    it(`mixed-depth nesting is rejected as ragged (${name})`, async () => {
      await ready();
      setBackend(name);
      expect(() => tensor([[1, 2], [3, [4]]] as never)).toThrow(/tensor: ragged nested array/);
      expect(() => tensor([[1, [2]], [3, 4]] as never)).toThrow(/tensor: ragged nested array/);
      expect(tensor([[[1], [2]], [[3], [4]]]).shape).toEqual([2, 2, 1]);
    });
  }
});
