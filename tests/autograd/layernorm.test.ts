// layerNorm and logSoftmax: values against float64 formulas written here, finite-difference
// gradients (with and without affine, 2-D and 3-D), on both backends.
import { beforeAll, describe, expect, it } from "vitest";
import { ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

function layerNormRef(x: ArrayLike<number>, n: number, w: ArrayLike<number> | null, b: ArrayLike<number> | null, eps = 1e-5): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / n; r++) {
    let m = 0;
    for (let j = 0; j < n; j++) m += x[r * n + j] / n;
    let v = 0;
    for (let j = 0; j < n; j++) v += (x[r * n + j] - m) ** 2 / n;
    for (let j = 0; j < n; j++) y[r * n + j] = ((x[r * n + j] - m) / Math.sqrt(v + eps)) * (w ? w[j] : 1) + (b ? b[j] : 0);
  }
  return y;
}

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("layerNorm matches float64 over one and two trailing axes, with and without affine", () => {
      const x = randomData(2 * 3 * 4, 1, -3, 5);
      const w = randomData(12, 2, 0.5, 1.5);
      const b = randomData(12, 3);
      expectClose(ops.layerNorm(tensor(x, [2, 3, 4]), [4]).toArray(), layerNormRef(x, 4, null, null), 1e-6, 1e-5);
      expectClose(ops.layerNorm(tensor(x, [2, 3, 4]), [3, 4], tensor(w, [3, 4]), tensor(b, [3, 4])).toArray(), layerNormRef(x, 12, w, b), 1e-6, 1e-5);
      expectClose(ops.layerNorm(tensor([1, 2, 3, 2, 4, 6], [2, 3]), [3]).toArray(), [-1.2247, 0, 1.2247, -1.2247, 0, 1.2247], 1e-4);
    });

    // Inputs spread over [−3, 3]: over few features a narrower spread leaves a small variance,
    // where x̂ curves enough for h = 1e−2 differences to miss by more than the tolerance.
    it("layerNorm gradient: 2-D with affine", () => {
      expectGradcheck((x, w, b) => ops.layerNorm(x, [5], w, b), [{ shape: [3, 5], lo: -3, hi: 3 }, { shape: [5] }, { shape: [5] }]);
    });
    it("layerNorm gradient: 3-D over two axes, with and without affine", () => {
      expectGradcheck((x, w) => ops.layerNorm(x, [2, 3], w), [{ shape: [2, 2, 3], lo: -3, hi: 3 }, { shape: [2, 3] }]);
      expectGradcheck((x) => ops.layerNorm(x, [6]), [{ shape: [2, 2, 6], lo: -3, hi: 3 }]);
    });

    it("logSoftmax matches float64 and stays finite where softmax underflows", () => {
      const x = randomData(3 * 7, 4, -5, 5);
      x[0] = -200;
      const y = ops.logSoftmax(tensor(x, [3, 7])).toArray();
      const ref = new Float64Array(21);
      for (let r = 0; r < 3; r++) {
        const row = Array.from(x.subarray(r * 7, r * 7 + 7));
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
        row.forEach((v, j) => (ref[r * 7 + j] = v - lse));
      }
      expect(Number.isFinite(y[0])).toBe(true);
      expectClose(y, ref, 1e-5, 1e-6);
    });
    it("logSoftmax gradient", () => {
      expectGradcheck((x) => ops.logSoftmax(x), [{ shape: [4, 9], lo: -3, hi: 3 }]);
    });

    it("bad input names the op and the shapes", () => {
      expect(() => ops.layerNorm(tensor(new Float32Array(6), [2, 3]), [4])).toThrow("layerNorm: input has shape [2, 3], expected [*, 4] (normalizedShape [4])");
      expect(() => ops.layerNorm(tensor(new Float32Array(6), [2, 3]), [3], tensor([1, 1], [2]))).toThrow("layerNorm: weight has shape [2], expected [3]");
      expect(() => ops.logSoftmax(tensor(new Float32Array(6), [2, 3]), 0)).toThrow("logSoftmax: axis 0 of shape [2, 3]; only the last axis");
    });
  });
}
