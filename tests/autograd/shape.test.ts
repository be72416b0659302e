// reshape, flatten, transpose, slice, concat: values moved where they belong, and gradients
// moved back.
import { beforeAll, describe, expect, it } from "vitest";
import { ops, ready, setBackend, tensor, type Tensor } from "../../src/index.js";
import { expectGradcheck } from "../gradcheck.js";

const iota = (shape: number[]): Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => i), shape);
};

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    describe("reshape and flatten", () => {
      it("keep the values in row-major order; -1 is inferred", () => {
        const x = iota([2, 3, 4]);
        const y = ops.reshape(x, [4, -1]);
        expect(y.shape).toEqual([4, 6]);
        expect(Array.from(y.toArray())).toEqual(Array.from(x.toArray()));
        expect(ops.flatten(iota([2, 3, 2, 2])).shape).toEqual([2, 12]);
        expect(ops.flatten(iota([2, 3, 2, 2]), 2).shape).toEqual([2, 3, 4]);
        expect(ops.flatten(iota([2, 3, 2, 2]), 0).shape).toEqual([24]);
      });
      it("gradient", () => {
        expectGradcheck((x) => ops.reshape(x, [3, 8]), [{ shape: [2, 3, 4] }]);
        expectGradcheck((x) => ops.flatten(x), [{ shape: [2, 3, 2, 2] }]);
      });
      it("errors name the shapes", () => {
        expect(() => ops.reshape(iota([2, 3]), [4, 2])).toThrow(/reshape: cannot view \[2, 3\] \(6 values\) as \[4, 2\]/);
        expect(() => ops.reshape(iota([2, 3]), [-1, -1])).toThrow(/reshape: cannot view \[2, 3\] \(6 values\) as \[-1, -1\]/);
        expect(() => ops.reshape(iota([2, 3]), [4, -1])).toThrow(/reshape: cannot view \[2, 3\] \(6 values\) as \[4, -1\]/);
      });
    });

    describe("transpose", () => {
      it("last two axes by hand", () => {
        expect(ops.transpose(tensor([[1, 2, 3], [4, 5, 6]])).toNested()).toEqual([[1, 4], [2, 5], [3, 6]]);
        const y = ops.transpose(iota([2, 2, 3]));
        expect(y.shape).toEqual([2, 3, 2]);
        expect(y.toNested()).toEqual([[[0, 3], [1, 4], [2, 5]], [[6, 9], [7, 10], [8, 11]]]);
      });

      it("non-adjacent axes of a 4-D tensor: y[a, d, c, b] = x[a, b, c, d] for axes 1 and 3", () => {
        const s = [2, 3, 4, 5];
        const x = iota(s);
        const y = ops.transpose(x, 1, 3);
        expect(y.shape).toEqual([2, 5, 4, 3]);
        const v = y.toArray();
        for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) for (let d = 0; d < 5; d++) {
          expect(v[((a * 5 + d) * 4 + c) * 3 + b]).toBe(((a * 3 + b) * 4 + c) * 5 + d);
        }
        // axes 0 and 2: y[c, b, a, d] = x[a, b, c, d]
        const z = ops.transpose(x, 2, 0).toArray();
        for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) for (let d = 0; d < 5; d++) {
          expect(z[((c * 3 + b) * 2 + a) * 5 + d]).toBe(((a * 3 + b) * 4 + c) * 5 + d);
        }
      });

      it("swapping an axis with itself copies", () => {
        expect(Array.from(ops.transpose(iota([2, 3]), 1, 1).toArray())).toEqual([0, 1, 2, 3, 4, 5]);
      });

      it("gradient: last two axes, 2-D and 3-D", () => {
        expectGradcheck((x) => ops.transpose(x), [{ shape: [3, 4] }]);
        expectGradcheck((x) => ops.transpose(x), [{ shape: [2, 3, 4] }]);
      });
      it("gradient: non-adjacent axes of a 4-D tensor", () => {
        expectGradcheck((x) => ops.transpose(x, 1, 3), [{ shape: [2, 3, 2, 4] }]);
        expectGradcheck((x) => ops.transpose(x, 0, 2), [{ shape: [2, 3, 2, 4] }]);
        expectGradcheck((x) => ops.transpose(x, 0, 1), [{ shape: [2, 3, 2, 4] }]);
      });
    });

    describe("slice", () => {
      it("by hand along each axis", () => {
        const x = iota([3, 4]);
        expect(ops.slice(x, 0, 1, 3).toNested()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11]]);
        expect(ops.slice(x, 1, 1, 3).toNested()).toEqual([[1, 2], [5, 6], [9, 10]]);
        expect(ops.slice(x, -1, 3, 4).toNested()).toEqual([[3], [7], [11]]);
        expect(ops.slice(iota([2, 3, 2]), 1, 2, 3).toNested()).toEqual([[[4, 5]], [[10, 11]]]);
      });
      it("gradient along the first, a middle and the last axis", () => {
        expectGradcheck((x) => ops.slice(x, 0, 1, 3), [{ shape: [3, 4] }]);
        expectGradcheck((x) => ops.slice(x, 1, 1, 3), [{ shape: [2, 4, 3] }]);
        expectGradcheck((x) => ops.slice(x, -1, 0, 2), [{ shape: [2, 4, 3] }]);
      });
      it("an out-of-range slice names the range and the shape", () => {
        expect(() => ops.slice(iota([3, 4]), 1, 2, 5)).toThrow(/slice: range \[2, 5\) is not inside axis 1 of \[3, 4\] \(length 4\)/);
        expect(() => ops.slice(iota([3, 4]), 0, 2, 2)).toThrow(/slice: range \[2, 2\) is not inside axis 0 of \[3, 4\]/);
      });
    });

    describe("concat", () => {
      it("by hand along axis 0 and axis 1", () => {
        const a = tensor([[1, 2], [3, 4]]);
        const b = tensor([[5, 6]]);
        expect(ops.concat([a, b]).toNested()).toEqual([[1, 2], [3, 4], [5, 6]]);
        const c = tensor([[7], [8]]);
        expect(ops.concat([a, c], 1).toNested()).toEqual([[1, 2, 7], [3, 4, 8]]);
        expect(ops.concat([a, c, a], -1).toNested()).toEqual([[1, 2, 7, 1, 2], [3, 4, 8, 3, 4]]);
      });
      it("gradient to every input, along axis 0 and a middle axis", () => {
        expectGradcheck((a, b) => ops.concat([a, b], 0), [{ shape: [2, 3] }, { shape: [1, 3] }]);
        expectGradcheck((a, b, c) => ops.concat([a, b, c], 1), [{ shape: [2, 1, 3] }, { shape: [2, 2, 3] }, { shape: [2, 3, 3] }]);
      });
      it("the same tensor twice gets both gradients", () => {
        expectGradcheck((a) => ops.concat([a, a], 1), [{ shape: [2, 3] }]);
      });
      it("errors name the shapes", () => {
        expect(() => ops.concat([iota([2, 3]), iota([2, 4])], 0)).toThrow(/concat: shapes \[2, 3\], \[2, 4\] differ outside axis 0/);
        expect(() => ops.concat([])).toThrow(/concat: got no tensors/);
      });
    });
  });
}
