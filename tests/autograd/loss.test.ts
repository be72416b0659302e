// Losses: values against float64 formulas, gradients against finite differences, bad labels and
// shapes rejected with a message naming them.
import { beforeAll, describe, expect, it } from "vitest";
import { backend, liveTensors, losses, noGrad, ops, ready, scope, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

function crossEntropyRef(x: ArrayLike<number>, labels: number[], cols: number): number {
  let total = 0;
  labels.forEach((y, r) => {
    const row = Array.from({ length: cols }, (_, j) => x[r * cols + j]);
    const max = Math.max(...row);
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
    total += lse - row[y];
  });
  return total / labels.length;
}

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    describe("crossEntropy", () => {
      it("uniform logits over C classes give log C", () => {
        expect(ops.crossEntropy(tensor(new Float32Array(2 * 10), [2, 10]), [3, 7]).item()).toBeCloseTo(Math.log(10), 6);
      });

      it("matches float64 on [5, 7] logits, labels as array, as same-backend tensor, and as other-backend tensor", () => {
        const x = randomData(35, 31, -3, 3);
        const labels = [0, 6, 3, 3, 1];
        const want = crossEntropyRef(x, labels, 7);
        const other = backend(name === "js" ? "wasm" : "js");
        for (const l of [labels, tensor(labels), tensor(labels, [5], { backend: other })]) {
          const loss = ops.crossEntropy(tensor(x, [5, 7]), l);
          expect(loss.shape).toEqual([]);
          expect(Math.abs(loss.item() - want)).toBeLessThan(1e-6 * want + 1e-7);
        }
      });

      it("gradient is (softmax − onehot)/N, checked by finite differences", () => {
        expectGradcheck((x) => ops.crossEntropy(x, [2, 0, 4]), [{ shape: [3, 5], lo: -2, hi: 2 }]);
      });

      it("gradient through a graph that uses the loss twice (2·CE)", () => {
        expectGradcheck((x) => {
          const l = ops.crossEntropy(x, [1, 1]);
          return ops.add(l, l);
        }, [{ shape: [2, 3] }]);
      });

      it("stays finite for logits of ±1000", () => {
        const v = ops.crossEntropy(tensor([[1000, -1000], [-1000, 1000]]), [0, 0]).item();
        expect(v).toBeCloseTo(1000, 3);
      });

      it("bad labels and shapes are named", () => {
        const x = tensor(new Float32Array(6), [2, 3]);
        expect(() => ops.crossEntropy(x, [0, 3])).toThrow(/crossEntropy: label 3 at index 1 is not a class index in \[0, 2\]/);
        expect(() => ops.crossEntropy(x, [0, 1.5])).toThrow(/crossEntropy: label 1.5 at index 1 is not a class index/);
        expect(() => ops.crossEntropy(x, [-1, 0])).toThrow(/crossEntropy: label -1 at index 0/);
        expect(() => ops.crossEntropy(x, [NaN, 0])).toThrow(/crossEntropy: label NaN at index 0/);
        expect(() => ops.crossEntropy(x, [0, 1, 2])).toThrow(/crossEntropy: got 3 labels for 2 rows of logits/);
        expect(() => ops.crossEntropy(tensor(new Float32Array(6), [6]), [0])).toThrow(/crossEntropy: logits have shape \[6\], expected \[batch, classes\]/);
      });
    });

    describe("mse", () => {
      it("by hand: mean of squared differences", () => {
        expect(ops.mse(tensor([1, 2, 3, 4]), tensor([1, 0, 3, 0])).item()).toBe((0 + 4 + 0 + 16) / 4);
      });
      it("matches float64 on [4, 6]", () => {
        const p = randomData(24, 1);
        const t = randomData(24, 2);
        const want = p.reduce((s, v, i) => s + (v - t[i]) ** 2, 0) / 24;
        expect(Math.abs(ops.mse(tensor(p, [4, 6]), tensor(t, [4, 6])).item() - want)).toBeLessThan(1e-6 * want);
      });
      it("gradient with respect to the prediction", () => {
        expectGradcheck((p, t) => ops.mse(p, t), [{ shape: [3, 4] }, { shape: [3, 4], grad: false }]);
      });

      it("matches finite differences in both arguments (PyTorch's mse_loss differentiates the target too)", () => {
        expectGradcheck((p, t) => ops.mse(p, t), [{ shape: [3, 4] }, { shape: [3, 4] }]);
      });
      it("a shape mismatch is named", () => {
        expect(() => ops.mse(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(6), [3, 2]))).toThrow(/mse: prediction has shape \[2, 3\] but target has shape \[3, 2\]/);
      });
    });

    describe("binaryCrossEntropy (on logits)", () => {
      const ref = (x: number, t: number): number => {
        const s = 1 / (1 + Math.exp(-x));
        return -(t * Math.log(s) + (1 - t) * Math.log(1 - s));
      };
      it("matches −[t·log σ(x) + (1 − t)·log(1 − σ(x))] averaged, soft targets included", () => {
        const x = randomData(12, 3, -4, 4);
        const t = randomData(12, 4, 0, 1);
        t[0] = 0;
        t[1] = 1;
        const want = Array.from(x, (v, i) => ref(v, t[i])).reduce((a, b) => a + b, 0) / 12;
        expect(Math.abs(ops.binaryCrossEntropy(tensor(x, [3, 4]), tensor(t, [3, 4])).item() - want)).toBeLessThan(1e-6 * want);
      });
      it("x = 0 gives log 2 whatever the target", () => {
        expect(ops.binaryCrossEntropy(tensor([0, 0]), tensor([0, 1])).item()).toBeCloseTo(Math.LN2, 6);
      });
      it("stays finite for logits of ±100 (no log(0))", () => {
        const v = ops.binaryCrossEntropy(tensor([100, -100]), tensor([0, 1])).item();
        expect(v).toBeCloseTo(100, 4);
      });
      it("gradient with respect to the logits", () => {
        expectGradcheck((x, t) => ops.binaryCrossEntropy(x, t), [{ shape: [2, 5], lo: -3, hi: 3 }, { shape: [2, 5], lo: 0, hi: 1, grad: false }]);
      });
      it("a shape mismatch is named", () => {
        expect(() => ops.binaryCrossEntropy(tensor(new Float32Array(4), [4]), tensor(new Float32Array(4), [2, 2]))).toThrow(/binaryCrossEntropy: prediction has shape \[4\] but target has shape \[2, 2\]/);
      });
    });

    it("losses.* are the same functions as ops.*", () => {
      expect(losses.crossEntropy).toBe(ops.crossEntropy);
      expect(losses.mse).toBe(ops.mse);
      expect(losses.binaryCrossEntropy).toBe(ops.binaryCrossEntropy);
    });

    it("a training step in a scope leaves no tensor behind", () => {
      const w = tensor(randomData(12, 5), [3, 4], { requiresGrad: true });
      const before = liveTensors();
      scope(() => {
        ops.crossEntropy(ops.matmul(tensor(randomData(8, 6), [2, 4]), ops.transpose(w)), [0, 2]).backward();
      });
      // Only w.grad, which outlives the step for the optimizer, remains.
      expect(liveTensors()).toBe(before + 1);
      w.grad!.dispose();
      expect(liveTensors()).toBe(before);
    });
  });
}

describe("losses (both backends)", () => {
  for (const name of ["js", "wasm"] as const) {
    it(`a loss computed outside a scope and disposed leaves nothing behind (${name})`, async () => {
      await ready();
      setBackend(name);
      const p = tensor([[0.5, 1, 2]], undefined, { requiresGrad: true });
      const t = tensor([[0, 1, 0]]);
      const before = liveTensors();
      for (const l of [losses.mse(p, t), losses.binaryCrossEntropy(p, t), losses.crossEntropy(p, [1])]) l.dispose();
      const inference = noGrad(() => losses.mse(p, t));
      inference.dispose();
      expect(liveTensors()).toBe(before);
      // After backward, the stored gradient is freed with the graph.
      const l = losses.crossEntropy(p, [2]);
      l.backward();
      l.dispose();
      p.grad!.dispose();
      p.grad = null;
      expect(liveTensors()).toBe(before);
    });
  }
});
