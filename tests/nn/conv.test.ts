// nn.Conv2d: parameters in PyTorch's layout and init, output by hand and against the float64
// definition, gradients through the layer, and bad input rejected with weights untouched.
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, nn, ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

const zeros = (s: number[]) => tensor(new Float32Array(s.reduce((p, d) => p * d, 1)), s);

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("holds weight [out, in, kh, kw] and bias [out], initialized U(±1/√(in·kh·kw)) as PyTorch", () => {
      manualSeed(5);
      const conv = new nn.Conv2d(3, 16, [5, 3]);
      expect(conv.weight.shape).toEqual([16, 3, 5, 3]);
      expect(conv.bias!.shape).toEqual([16]);
      expect(conv.parameterCount()).toBe(16 * 3 * 15 + 16);
      expect(Object.keys(conv.stateDict())).toEqual(["weight", "bias"]);
      const bound = 1 / Math.sqrt(45);
      for (const t of [conv.weight, conv.bias!]) {
        const v = t.toArray();
        expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
        // Not collapsed near 0: a uniform sample of 720 spans most of the interval.
        expect(Math.max(...v.map(Math.abs))).toBeGreaterThan((t === conv.weight ? 0.95 : 0.5) * bound);
      }
      expect(new nn.Conv2d(1, 8, 5, { bias: false }).bias).toBeNull();
      expect(new nn.Conv2d(1, 8, 5).describe()).toBe("Conv2d(1→8, 5×5)");
      expect(new nn.Conv2d(8, 16, 3, { stride: 2, padding: 1, bias: false }).describe()).toBe("Conv2d(8→16, 3×3, stride 2, padding 1, no bias)");
      expect(new nn.Conv2d(2, 4, 3, { padding: "same", dilation: 2 }).describe()).toBe("Conv2d(2→4, 3×3, padding same, dilation 2)");
    });

    it("output by hand: an edge detector over a tiny image", () => {
      const conv = new nn.Conv2d(1, 2, [1, 2]);
      // filter 0: right minus left (a vertical-edge detector); filter 1: sum, bias −1
      conv.loadStateDict({ weight: { shape: [2, 1, 1, 2], data: [-1, 1, 1, 1] }, bias: { shape: [2], data: [0, -1] } });
      const y = conv.forward(tensor([0, 0, 1, 1, 0, 1, 1, 0], [1, 1, 2, 4]));
      expect(y.shape).toEqual([1, 2, 2, 3]);
      expect(y.toNested()).toEqual([[[[0, 1, 0], [1, 0, -1]], [[-1, 0, 1], [0, 1, 0]]]]);
    });

    it("[3, 4, 13, 13] with stride 2, padding 'same'-like 2 equals the float64 definition", () => {
      const conv = new nn.Conv2d(4, 5, 5, { stride: 2, padding: 2 });
      const x = randomData(3 * 4 * 13 * 13, 21);
      const y = conv.forward(tensor(x, [3, 4, 13, 13]));
      expect(y.shape).toEqual([3, 5, 7, 7]);
      const w = conv.weight.toArray();
      const b = conv.bias!.toArray();
      const want: number[] = [];
      for (let n = 0; n < 3; n++) for (let o = 0; o < 5; o++) for (let oy = 0; oy < 7; oy++) for (let ox = 0; ox < 7; ox++) {
        let s = b[o];
        for (let c = 0; c < 4; c++) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
          const iy = 2 * oy - 2 + i;
          const ix = 2 * ox - 2 + j;
          if (iy >= 0 && ix >= 0 && iy < 13 && ix < 13) s += w[((o * 4 + c) * 5 + i) * 5 + j] * x[((n * 4 + c) * 13 + iy) * 13 + ix];
        }
        want.push(s);
      }
      expectClose(y.toArray(), want, 1e-5, 1e-5);
    });

    it("padding 'same' keeps the size for odd and even kernels", () => {
      expect(new nn.Conv2d(2, 3, 3, { padding: "same" }).forward(zeros([1, 2, 5, 6])).shape).toEqual([1, 3, 5, 6]);
      expect(new nn.Conv2d(2, 3, [4, 2], { padding: "same" }).forward(zeros([1, 2, 7, 5])).shape).toEqual([1, 3, 7, 5]);
      expect(new nn.Conv2d(2, 3, 3, { padding: "same", dilation: 2 }).forward(zeros([2, 2, 6, 6])).shape).toEqual([2, 3, 6, 6]);
    });

    it("gradients reach input, weight and bias through the layer", () => {
      manualSeed(2);
      const conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
      expectGradcheck((x, w, b) => ops.conv2d(x, w, b, { padding: 1 }), [
        { shape: [2, 2, 4, 5] },
        { shape: [3, 2, 3, 3], data: conv.weight.toArray() },
        { shape: [3], data: conv.bias!.toArray() },
      ]);
      const x = tensor(randomData(2 * 2 * 4 * 5, 3), [2, 2, 4, 5]);
      ops.sum(conv.forward(x)).backward();
      expect(conv.weight.grad!.shape).toEqual([3, 2, 3, 3]);
      // d(Σy)/d(bias[o]) = number of output positions = 2·4·5
      expectClose(conv.bias!.grad!.toArray(), [40, 40, 40], 1e-4);
    });

    it("bad input: clear errors naming the layer and shapes, weights untouched", () => {
      const conv = new nn.Conv2d(3, 8, 5);
      const before = conv.stateDict();
      expect(() => conv.forward(zeros([3, 28, 28]))).toThrow(/^Conv2d\(3→8, 5×5\): input has shape \[3, 28, 28\], expected 4-D \[batch, 3, height, width\] \(NCHW/);
      expect(() => conv.forward(zeros([2, 1, 28, 28]))).toThrow(/^Conv2d\(3→8, 5×5\): input has shape \[2, 1, 28, 28\] with 1 channels, expected 3/);
      expect(() => conv.forward(zeros([2, 3, 4, 9]))).toThrow(/^Conv2d\(3→8, 5×5\): kernel 5×5 is larger than the padded input 4×9 \(input \[2, 3, 4, 9\], padding \[0, 0\]\)/);
      const padded = new nn.Conv2d(3, 8, 5, { padding: 1 });
      expect(() => padded.forward(zeros([1, 3, 2, 2]))).toThrow(/^Conv2d\(3→8, 5×5, padding 1\): kernel 5×5 is larger than the padded input 4×4 \(input \[1, 3, 2, 2\], padding \[1, 1\]\)/);
      expect(conv.stateDict()).toEqual(before);
      expect(conv.weight.grad).toBeNull();
    });

    it("bad hyperparameters: stride 0, negative padding, 'same' with a stride, zero channels", () => {
      expect(() => new nn.Conv2d(1, 8, 5, { stride: 0 })).toThrow(/^Conv2d\(1→8, 5×5, stride 0\): stride must be positive integers, got 0$/);
      expect(() => new nn.Conv2d(1, 8, 5, { stride: [1, 0] })).toThrow(/Conv2d\(1→8, 5×5, stride \[1, 0\]\): stride must be positive integers, got \[1, 0\]/);
      expect(() => new nn.Conv2d(1, 8, 5, { padding: -1 })).toThrow(/Conv2d\(1→8, 5×5, padding -1\): padding must be non-negative integers/);
      expect(() => new nn.Conv2d(1, 8, 3, { padding: "same", stride: 2 })).toThrow(/padding "same" needs stride 1/);
      expect(() => new nn.Conv2d(1, 8, 0)).toThrow(/Conv2d\(1→8\): kernelSize must be positive integers, got 0/);
      expect(() => new nn.Conv2d(0, 8, 3)).toThrow(/Conv2d: inChannels must be a positive integer, got 0/);
      expect(() => new nn.Conv2d(1, 8, 3, { dilation: 0 })).toThrow(/dilation must be positive integers, got 0/);
    });

    it("loads PyTorch-shaped weights one to one and rejects a transposed layout", () => {
      const conv = new nn.Conv2d(2, 3, 2);
      const w = Array.from({ length: 24 }, (_, i) => i / 10);
      conv.loadStateDict({ weight: { shape: [3, 2, 2, 2], data: w }, bias: { shape: [3], data: [1, 2, 3] } });
      expect(conv.weight.toArray()).toEqual(Float32Array.from(w));
      expect(() => conv.loadStateDict({ weight: { shape: [2, 3, 2, 2], data: w }, bias: { shape: [3], data: [1, 2, 3] } })).toThrow(/"weight" has shape \[2, 3, 2, 2\].*expected \[3, 2, 2, 2\]/);
    });
  });
}
