// sum and mean: over everything and along each axis, with and without keepDims.
import { beforeAll, describe, expect, it } from "vitest";
import { ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

/** Σ (or mean) of x [2, 3, 4] along `axis` in float64, axis removed. */
function reduceRef(x: ArrayLike<number>, shape: number[], axis: number, meanOf: boolean): number[] {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const len = shape[axis];
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let s = 0;
    for (let j = 0; j < len; j++) s += x[(o * len + j) * inner + i];
    out.push(meanOf ? s / len : s);
  }
  return out;
}

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("by hand on [[1, 2, 3], [4, 5, 6]]", () => {
      const x = tensor([[1, 2, 3], [4, 5, 6]]);
      expect(ops.sum(x).item()).toBe(21);
      expect(ops.sum(x).shape).toEqual([]);
      expect(ops.mean(x).item()).toBe(3.5);
      expect(ops.sum(x, 0).toNested()).toEqual([5, 7, 9]);
      expect(ops.sum(x, 1).toNested()).toEqual([6, 15]);
      expect(ops.sum(x, -1).toNested()).toEqual([6, 15]);
      expect(ops.mean(x, 1).toNested()).toEqual([2, 5]);
      expect(ops.sum(x, 0, true).shape).toEqual([1, 3]);
      expect(ops.sum(x, 1, true).toNested()).toEqual([[6], [15]]);
      expect(ops.sum(x, undefined, true).shape).toEqual([1, 1]);
      expect(ops.mean(x, undefined, true).toNested()).toEqual([[3.5]]);
    });

    it("every axis of [2, 3, 4] against float64", () => {
      const shape = [2, 3, 4];
      const x = randomData(24, 21);
      for (const axis of [0, 1, 2]) {
        for (const meanOf of [false, true]) {
          const y = (meanOf ? ops.mean : ops.sum)(tensor(x, shape), axis);
          expect(y.shape).toEqual(shape.filter((_, i) => i !== axis));
          expectClose(y.toArray(), reduceRef(x, shape, axis, meanOf), 1e-6, 1e-6);
        }
      }
    });

    it("a long sum (784 values) is accurate to float32 accumulation", () => {
      const x = randomData(784, 4);
      const want = x.reduce((a, b) => a + b, 0);
      // 784 additions of values |x| < 1: error ≤ 784·6e-8·Σ|x| ≈ 2e-2 worst case, ~1e-4 typical.
      expect(Math.abs(ops.sum(tensor(x)).item() - want)).toBeLessThan(1e-3);
      expect(Math.abs(ops.mean(tensor(x)).item() - want / 784)).toBeLessThan(1e-6);
    });

    for (const fname of ["sum", "mean"] as const) {
      const f = ops[fname];
      it(`${fname}: gradient over everything`, () => {
        expectGradcheck((x) => f(x), [{ shape: [3, 4] }]);
        expectGradcheck((x) => f(x, undefined, true), [{ shape: [2, 3, 2] }]);
      });
      for (const axis of [0, 1, 2, -1]) {
        for (const keep of [false, true]) {
          it(`${fname}: gradient along axis ${axis}${keep ? ", keepDims" : ""} of [2, 3, 4]`, () => {
            expectGradcheck((x) => f(x, axis, keep), [{ shape: [2, 3, 4] }]);
          });
        }
      }
      it(`${fname}: gradient along axis 1 of a 4-D [2, 3, 2, 2]`, () => {
        expectGradcheck((x) => f(x, 1), [{ shape: [2, 3, 2, 2] }]);
      });
    }

    it("an axis out of range names the op and the rank", () => {
      expect(() => ops.sum(tensor(new Float32Array(6), [2, 3]), 2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2/);
      expect(() => ops.mean(tensor(new Float32Array(6), [2, 3]), -3)).toThrow(/mean: axis -3 is out of range for a tensor of rank 2/);
    });
  });
}
