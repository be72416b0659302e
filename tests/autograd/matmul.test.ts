// Matrix products and the fused dense-layer op: forward against float64 triple loops, gradients
// against finite differences.
import { beforeAll, describe, expect, it } from "vitest";
import { ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

/** C[m,n] = A[m,k]·B[k,n] in float64 (offsets select one batch entry). */
function mm(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, ao = 0, bo = 0): number[] {
  const c: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ao + i * k + p] * b[bo + p * n + j];
      c.push(s);
    }
  }
  return c;
}

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    describe("matmul", () => {
      it("2-D by hand: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]", () => {
        const c = ops.matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]));
        expect(c.shape).toEqual([2, 2]);
        expect(c.toNested()).toEqual([[19, 22], [43, 50]]);
      });

      it("2-D [7, 17]·[17, 3] against float64", () => {
        const a = randomData(7 * 17, 1);
        const b = randomData(17 * 3, 2);
        expectClose(ops.matmul(tensor(a, [7, 17]), tensor(b, [17, 3])).toArray(), mm(a, b, 7, 17, 3), 1e-5, 1e-5);
      });

      it("batched [3, 4, 5]·[3, 5, 2] and shared [3, 4, 5]·[5, 2] against float64", () => {
        const a = randomData(60, 3);
        const b = randomData(30, 4);
        const c = ops.matmul(tensor(a, [3, 4, 5]), tensor(b, [3, 5, 2]));
        expect(c.shape).toEqual([3, 4, 2]);
        expectClose(c.toArray(), [0, 1, 2].flatMap((i) => mm(a, b, 4, 5, 2, i * 20, i * 10)), 1e-5, 1e-5);
        const s = ops.matmul(tensor(a, [3, 4, 5]), tensor(b.slice(0, 10), [5, 2]));
        expect(s.shape).toEqual([3, 4, 2]);
        expectClose(s.toArray(), [0, 1, 2].flatMap((i) => mm(a, b, 4, 5, 2, i * 20, 0)), 1e-5, 1e-5);
      });

      it("gradient, 2-D [3, 4]·[4, 5]", () => {
        expectGradcheck(ops.matmul, [{ shape: [3, 4] }, { shape: [4, 5] }]);
      });
      it("gradient, batched [2, 3, 4]·[2, 4, 5]", () => {
        expectGradcheck(ops.matmul, [{ shape: [2, 3, 4] }, { shape: [2, 4, 5] }]);
      });
      it("gradient, 3-D × shared 2-D [2, 3, 4]·[4, 5]", () => {
        expectGradcheck(ops.matmul, [{ shape: [2, 3, 4] }, { shape: [4, 5] }]);
      });
      it("gradient with one constant operand", () => {
        expectGradcheck(ops.matmul, [{ shape: [3, 4], grad: false }, { shape: [4, 2] }]);
        expectGradcheck(ops.matmul, [{ shape: [2, 3, 4] }, { shape: [4, 2], grad: false }]);
      });

      it("errors name the op and both shapes", () => {
        const z = (s: number[]) => tensor(new Float32Array(s.reduce((p, d) => p * d, 1)), s);
        expect(() => ops.matmul(z([2, 3]), z([4, 5]))).toThrow(/matmul: cannot multiply \[2, 3\] by \[4, 5\]: inner sizes 3 and 4 differ/);
        expect(() => ops.matmul(z([2, 3, 4]), z([3, 4, 5]))).toThrow(/matmul: cannot multiply \[2, 3, 4\] by \[3, 4, 5\]/);
        expect(() => ops.matmul(z([2, 3, 4]), z([5, 2]))).toThrow(/matmul: cannot multiply \[2, 3, 4\] by \[5, 2\]/);
        expect(() => ops.matmul(z([3]), z([3, 2]))).toThrow(/matmul: expected 2-D or 3-D operands, got \[3\] and \[3, 2\]/);
      });
    });

    describe("linear", () => {
      it("y = x·Wᵀ + b by hand", () => {
        const x = tensor([[1, 2, 3], [-1, 0, 2]]);
        const w = tensor([[1, 0, -1], [0.5, 0.5, 0.5]]);
        const b = tensor([10, -1]);
        // row 0: [1−3, 0.5·6] + b = [8, 2]; row 1: [−1−2, 0.5·1] + b = [7, −0.5]
        expect(ops.linear(x, w, b).toNested()).toEqual([[8, 2], [7, -0.5]]);
        expect(ops.linear(x, w, null).toNested()).toEqual([[-2, 3], [-3, 0.5]]);
      });

      it("3-D input [2, 3, 5] keeps its leading axes and matches float64", () => {
        const x = randomData(30, 8);
        const w = randomData(20, 9);
        const b = randomData(4, 10);
        const y = ops.linear(tensor(x, [2, 3, 5]), tensor(w, [4, 5]), tensor(b, [4]));
        expect(y.shape).toEqual([2, 3, 4]);
        const want: number[] = [];
        for (let r = 0; r < 6; r++) for (let o = 0; o < 4; o++) {
          let s = b[o];
          for (let i = 0; i < 5; i++) s += x[r * 5 + i] * w[o * 5 + i];
          want.push(s);
        }
        expectClose(y.toArray(), want, 1e-5, 1e-5);
      });

      it("gradient with bias, 2-D input", () => {
        expectGradcheck(ops.linear, [{ shape: [4, 5] }, { shape: [3, 5] }, { shape: [3] }]);
      });
      it("gradient without bias, 2-D input", () => {
        expectGradcheck((x, w) => ops.linear(x, w, null), [{ shape: [4, 5] }, { shape: [3, 5] }]);
      });
      it("gradient with bias, 3-D input", () => {
        expectGradcheck(ops.linear, [{ shape: [2, 3, 5] }, { shape: [4, 5] }, { shape: [4] }]);
      });
      it("gradient without bias, 3-D input", () => {
        expectGradcheck((x, w) => ops.linear(x, w, null), [{ shape: [2, 3, 5] }, { shape: [4, 5] }]);
      });
      it("gradient with a constant input (parameters only, as in training)", () => {
        expectGradcheck(ops.linear, [{ shape: [6, 5], grad: false }, { shape: [3, 5] }, { shape: [3] }]);
      });
    });
  });
}

describe("ops.linear (both backends)", () => {
  for (const name of ["js", "wasm"] as const) {
    it(`ops.linear validates shapes (${name})`, async () => {
      await ready();
      setBackend(name);
      const w = tensor(new Float32Array(12), [3, 4]);
      expect(() => ops.linear(tensor(new Float32Array(10), [2, 5]), w, null)).toThrow(/^linear: input has shape \[2, 5\], expected \[\*, 4\]$/);
      expect(() => ops.linear(tensor(new Float32Array(8), [2, 4]), w, tensor([1, 2]))).toThrow(/^linear: bias has shape \[2\], expected \[3\]$/);
      expect(() => ops.linear(tensor(new Float32Array(8), [2, 4]), tensor(new Float32Array(4), [4]), null)).toThrow(/^linear: weight has shape \[4\], expected \[out, in\]$/);
    });
  }
});
