// Activation functions: forward values against float64 formulas, gradients against finite
// differences (inputs kept away from the kink at 0 of relu and leakyRelu).
import { beforeAll, describe, expect, it } from "vitest";
import { ops, ready, setBackend, tensor, type Tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData, type InputSpec } from "../gradcheck.js";

const GELU_C = Math.sqrt(2 / Math.PI);
const geluTanhRef = (x: number): number => 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x ** 3)));

/** erf by its Maclaurin series, in f64 (independent of the kernels' Chebyshev fit; |x| ≤ 3 here). */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const geluRef = (x: number): number => 0.5 * x * (1 + erfSeries(x / Math.SQRT2));

function softmaxRef(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[r * cols + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[r * cols + j] - max);
    for (let j = 0; j < cols; j++) y[r * cols + j] = Math.exp(x[r * cols + j] - max) / s;
  }
  return y;
}

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    // Range [-3, 3] reaches the saturating parts of sigmoid/tanh/gelu.
    const cases: [string, (x: Tensor) => Tensor, (x: number) => number, Partial<InputSpec>][] = [
      ["relu", ops.relu, (x) => Math.max(0, x), { avoidZero: 0.05 }],
      ["leakyRelu (default 0.01)", (x) => ops.leakyRelu(x), (x) => (x > 0 ? x : 0.01 * x), { avoidZero: 0.05 }],
      ["leakyRelu(0.2)", (x) => ops.leakyRelu(x, 0.2), (x) => (x > 0 ? x : 0.2 * x), { avoidZero: 0.05 }],
      ["sigmoid", ops.sigmoid, (x) => 1 / (1 + Math.exp(-x)), {}],
      ["tanh", ops.tanh, Math.tanh, {}],
      ["gelu (exact, the default)", ops.gelu, geluRef, {}],
      ["gelu (tanh form)", (x) => ops.gelu(x, { approximate: "tanh" }), geluTanhRef, {}],
    ];

    for (const [label, f, ref, range] of cases) {
      it(`${label}: forward on [-3, 3]`, () => {
        const x = randomData(37, 3, -3, 3);
        const y = f(tensor(x, [37]));
        expectClose(y.toArray(), Array.from(x, ref), 1e-6, 2e-6);
      });
      it(`${label}: gradient`, () => {
        expectGradcheck(f, [{ shape: [5, 7], lo: -3, hi: 3, ...range }]);
      });
    }

    it("relu and leakyRelu by hand", () => {
      expect(Array.from(ops.relu(tensor([-2, -0.5, 0, 0.5, 2])).toArray())).toEqual([0, 0, 0, 0.5, 2]);
      expectClose(ops.leakyRelu(tensor([-2, 3]), 0.1).toArray(), [-0.2, 3], 1e-7);
      const x = tensor([-2, 3], [2], { requiresGrad: true });
      ops.sum(ops.leakyRelu(x, 0.1)).backward();
      expectClose(x.grad!.toArray(), [0.1, 1], 1e-7);
    });

    it("sigmoid and tanh saturate without NaN at ±50", () => {
      expect(Array.from(ops.sigmoid(tensor([-50, 0, 50])).toArray())).toEqual([Math.fround(1 / (1 + Math.exp(50))), 0.5, 1]);
      expect(Array.from(ops.tanh(tensor([-50, 0, 50])).toArray())).toEqual([-1, 0, 1]);
    });

    describe("softmax", () => {
      it("forward on [4, 5] and [2, 3, 4] (last axis) matches float64, rows sum to 1", () => {
        for (const shape of [[4, 5], [2, 3, 4], [1, 130]]) {
          const cols = shape[shape.length - 1];
          const n = shape.reduce((p, d) => p * d, 1);
          const x = randomData(n, 7, -4, 4);
          const y = ops.softmax(tensor(x, shape));
          expect(y.shape).toEqual(shape);
          const v = y.toArray();
          expectClose(v, softmaxRef(x, n / cols, cols), 1e-7, 1e-5);
          for (let r = 0; r < n / cols; r++) {
            expect(v.slice(r * cols, (r + 1) * cols).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
          }
        }
      });

      it("is stable for large logits (subtracts the row max)", () => {
        expectClose(ops.softmax(tensor([[1000, 1001, 1002]])).toArray(), softmaxRef([0, 1, 2], 1, 3), 1e-7, 1e-5);
      });

      it("axis -1 and the explicit last axis agree", () => {
        const x = tensor(randomData(6, 1), [2, 3]);
        expect(Array.from(ops.softmax(x, 1).toArray())).toEqual(Array.from(ops.softmax(x, -1).toArray()));
      });

      it("gradient on [3, 5] and [2, 2, 4]", () => {
        expectGradcheck((x) => ops.softmax(x), [{ shape: [3, 5], lo: -2, hi: 2 }]);
        expectGradcheck((x) => ops.softmax(x), [{ shape: [2, 2, 4], lo: -2, hi: 2 }]);
      });

      it("errors name the op and the shape", () => {
        expect(() => ops.softmax(tensor(new Float32Array(6), [2, 3]), 0)).toThrow(/softmax: axis 0 of shape \[2, 3\]; only the last axis is supported/);
        expect(() => ops.softmax(tensor(1))).toThrow(/softmax: got a scalar/);
        expect(() => ops.softmax(tensor(new Float32Array(6), [2, 3]), 2)).toThrow(/softmax: axis 2 is out of range for a tensor of rank 2/);
      });
    });
  });
}
