// nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d: outputs by hand, gradients, bad input.
import { beforeAll, describe, expect, it } from "vitest";
import { nn, ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

const zeros = (s: number[]) => tensor(new Float32Array(s.reduce((p, d) => p * d, 1)), s);

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("MaxPool2d(2) halves each map and keeps each window's maximum, per channel and sample", () => {
      // two samples × two channels of 2×4: window maxima by hand
      const x = tensor([
        1, 2, 0, -1, 3, 0, -5, -2, /* n0 c0 */ 0, 0, 0, 0, 0, 0, 0, 9, /* n0 c1 */
        -1, -2, -3, -4, -5, -6, -7, -8, /* n1 c0 */ 4, 3, 2, 1, 8, 7, 6, 5, /* n1 c1 */
      ], [2, 2, 2, 4]);
      const y = new nn.MaxPool2d(2).forward(x);
      expect(y.shape).toEqual([2, 2, 1, 2]);
      expect(y.toArray()).toEqual(Float32Array.from([3, 0, 0, 9, -1, -3, 8, 6]));
      expect(new nn.MaxPool2d(2).describe()).toBe("MaxPool2d(2)");
      expect(new nn.MaxPool2d(3, { stride: 2, padding: 1 }).describe()).toBe("MaxPool2d(3, stride 2, padding 1)");
    });

    it("MaxPool2d(3, stride 2, padding 1) on 13×13 → 7×7, gradient by finite differences", () => {
      expect(new nn.MaxPool2d(3, { stride: 2, padding: 1 }).forward(zeros([1, 2, 13, 13])).shape).toEqual([1, 2, 7, 7]);
      // distinct values, far apart relative to the finite-difference step, so no window has a near-tie
      const data = Float32Array.from({ length: 2 * 2 * 5 * 6 }, (_, i) => ((i * 37) % 120) / 20 - 3);
      expectGradcheck((x) => new nn.MaxPool2d(3, { stride: 2, padding: 1 }).forward(x), [{ shape: [2, 2, 5, 6], data }]);
    });

    it("AvgPool2d(2) averages each window; countIncludePad false divides by the cells inside", () => {
      const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]);
      expect(new nn.AvgPool2d(2).forward(x).toArray()).toEqual(Float32Array.from([3.5, 5.5]));
      const x3 = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
      expectClose(new nn.AvgPool2d(3, { stride: 3, padding: 1 }).forward(x3).toArray(), [12 / 9], 1e-6);
      expectClose(new nn.AvgPool2d(3, { stride: 3, padding: 1, countIncludePad: false }).forward(x3).toArray(), [3], 1e-6);
      expect(new nn.AvgPool2d(3, { padding: 1, countIncludePad: false }).describe()).toBe("AvgPool2d(3, padding 1, countIncludePad false)");
      expectGradcheck((t) => new nn.AvgPool2d(2, { stride: 1 }).forward(t), [{ shape: [2, 3, 3, 4] }]);
    });

    it("AdaptiveAvgPool2d(1) is global average pooling: [N, C, H, W] → [N, C, 1, 1]", () => {
      const v = randomData(2 * 3 * 5 * 7, 4);
      const y = new nn.AdaptiveAvgPool2d(1).forward(tensor(v, [2, 3, 5, 7]));
      expect(y.shape).toEqual([2, 3, 1, 1]);
      const want = Array.from({ length: 6 }, (_, p) => v.slice(p * 35, p * 35 + 35).reduce((a, b) => a + b, 0) / 35);
      expectClose(y.toArray(), want, 1e-6, 1e-5);
      expectGradcheck((t) => new nn.AdaptiveAvgPool2d(1).forward(t), [{ shape: [2, 2, 3, 5] }]);
      // an exact divisor: 2×2 windows
      const grid = tensor(Float32Array.from({ length: 24 }, (_, i) => i), [1, 1, 4, 6]);
      // 2×2 windows of rows [0..5], [6..11], ...: means (0+1+6+7)/4 = 3.5, then 5.5, 7.5; 15.5, 17.5, 19.5
      expect(new nn.AdaptiveAvgPool2d([2, 3]).forward(grid).toArray()).toEqual(Float32Array.from([3.5, 5.5, 7.5, 15.5, 17.5, 19.5]));
      expect(new nn.AdaptiveAvgPool2d(1).describe()).toBe("AdaptiveAvgPool2d(1)");
    });

    it("bad input: errors name the layer and shapes", () => {
      expect(() => new nn.MaxPool2d(2).forward(zeros([3, 8, 8]))).toThrow(/^MaxPool2d\(2\): input has shape \[3, 8, 8\], expected 4-D \[batch, channels, height, width\]/);
      expect(() => new nn.MaxPool2d(3).forward(zeros([1, 1, 2, 2]))).toThrow(/^MaxPool2d\(3\): window 3×3 is larger than the padded input 2×2 \(input \[1, 1, 2, 2\], padding \[0, 0\]\)/);
      expect(() => new nn.AvgPool2d(2, { padding: 2 }).forward(zeros([1, 1, 8, 8]))).toThrow(/^AvgPool2d\(2, padding 2\): padding \[2, 2\] must be at most half the window 2×2/);
      expect(() => new nn.MaxPool2d(2, { stride: 0 })).toThrow(/^MaxPool2d\(2, stride 0\): stride must be positive integers, got 0/);
      expect(() => new nn.MaxPool2d(0)).toThrow(/MaxPool2d: kernelSize must be positive integers, got 0/);
      expect(() => new nn.AdaptiveAvgPool2d(2).forward(zeros([1, 1, 5, 5]))).toThrow(/^AdaptiveAvgPool2d\(2\): input \[1, 1, 5, 5\] is not divisible into 2×2 equal windows; only output size 1 \(global pooling\)/);
      expect(() => new nn.AdaptiveAvgPool2d(1).forward(zeros([4, 5]))).toThrow(/^AdaptiveAvgPool2d\(1\): input has shape \[4, 5\], expected 4-D/);
    });

    it("a gradient through a pooled convolution reaches the filter", () => {
      const conv = new nn.Conv2d(1, 2, 3);
      const pool = new nn.MaxPool2d(2);
      const y = pool.forward(conv.forward(tensor(randomData(36, 9), [1, 1, 6, 6])));
      expect(y.shape).toEqual([1, 2, 2, 2]);
      ops.sum(y).backward();
      expect(conv.weight.grad!.toArray().some((g) => g !== 0)).toBe(true);
    });
  });
}
