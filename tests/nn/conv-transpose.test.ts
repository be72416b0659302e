// nn.ConvTranspose2d: parameters in PyTorch's layout ([in, out, kh, kw]) and init, output shapes,
// output by hand, gradients through the layer, and bad input rejected with weights untouched.
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, nn, ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

const zeros = (s: number[]) => tensor(new Float32Array(s.reduce((p, d) => p * d, 1)), s);

for (const name of ["js", "wasm"] as const) {
  describe(`${name}: nn.ConvTranspose2d`, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("holds weight [in, out, kh, kw] and bias [out], initialized U(±1/√(out·kh·kw)) as PyTorch", () => {
      manualSeed(5);
      const up = new nn.ConvTranspose2d(32, 16, [3, 2]);
      expect(up.weight.shape).toEqual([32, 16, 3, 2]);
      expect(up.bias!.shape).toEqual([16]);
      expect(up.parameterCount()).toBe(32 * 16 * 6 + 16);
      expect(Object.entries(up.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([["weight", [32, 16, 3, 2]], ["bias", [16]]]);
      // PyTorch computes the fan-in from weight axis 1, which for a transposed conv is outChannels.
      const bound = 1 / Math.sqrt(16 * 6);
      for (const t of [up.weight, up.bias!]) {
        const v = t.toArray();
        expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
        expect(Math.max(...v.map(Math.abs))).toBeGreaterThan((t === up.weight ? 0.95 : 0.5) * bound);
      }
      expect(new nn.ConvTranspose2d(1, 8, 5, { bias: false }).bias).toBeNull();
      expect(new nn.ConvTranspose2d(1, 8, 5).describe()).toBe("ConvTranspose2d(1→8, 5×5)");
      expect(new nn.ConvTranspose2d(32, 16, 3, { stride: 2, padding: 1, outputPadding: 1, bias: false }).describe())
        .toBe("ConvTranspose2d(32→16, 3×3, stride 2, padding 1, outputPadding 1, no bias)");
      expect(new nn.ConvTranspose2d(2, 4, 3, { dilation: [2, 1] }).describe()).toBe("ConvTranspose2d(2→4, 3×3, dilation [2, 1])");
      expect(new nn.ConvTranspose2d(2, 4, 3, { stride: [2, 2], outputPadding: [1, 0] }).describe()).toBe("ConvTranspose2d(2→4, 3×3, stride 2, outputPadding [1, 0])");
    });

    it("output shapes follow (H − 1)·s − 2p + d(k − 1) + op + 1", () => {
      const shape = (c: number, o: number, k: number, opts: ConstructorParameters<typeof nn.ConvTranspose2d>[3], x: number[]) => new nn.ConvTranspose2d(c, o, k, opts).forward(zeros(x)).shape;
      expect(shape(32, 16, 3, { stride: 2, padding: 1, outputPadding: 1 }, [2, 32, 7, 7])).toEqual([2, 16, 14, 14]);
      expect(shape(16, 1, 3, { stride: 2, padding: 1, outputPadding: 1 }, [2, 16, 14, 14])).toEqual([2, 1, 28, 28]);
      expect(shape(4, 2, 4, { stride: 2, padding: 1 }, [1, 4, 5, 3])).toEqual([1, 2, 10, 6]);
      expect(shape(3, 3, 3, {}, [1, 3, 1, 1])).toEqual([1, 3, 3, 3]);
      expect(shape(2, 5, 3, { dilation: 2, stride: [1, 3] }, [3, 2, 4, 4])).toEqual([3, 5, 8, 14]);
    });

    it("inverts the shape change of the matching Conv2d", () => {
      for (const [h, op] of [[28, 1], [27, 0]] as const) {
        const down = new nn.Conv2d(3, 6, 3, { stride: 2, padding: 1 }).forward(zeros([1, 3, h, h]));
        expect(down.shape).toEqual([1, 6, 14, 14]);
        expect(new nn.ConvTranspose2d(6, 3, 3, { stride: 2, padding: 1, outputPadding: op }).forward(down).shape).toEqual([1, 3, h, h]);
      }
    });

    it("output by hand: two channels stamped through loaded weights, plus bias", () => {
      const up = new nn.ConvTranspose2d(2, 1, [1, 2], { stride: [1, 2] });
      // channel 0 stamps [1, 1] (nearest-neighbour doubling), channel 1 stamps [0, 1]; bias 0.5
      up.loadStateDict({ weight: { shape: [2, 1, 1, 2], data: [1, 1, 0, 1] }, bias: { shape: [1], data: [0.5] } });
      const y = up.forward(tensor([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]));
      expect(y.shape).toEqual([1, 1, 2, 4]);
      expect(y.toNested()).toEqual([[[[1.5, 11.5, 2.5, 22.5], [3.5, 33.5, 4.5, 44.5]]]]);
    });

    it("gradients reach input, weight and bias through the layer", () => {
      manualSeed(2);
      const up = new nn.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 });
      expectGradcheck((x, w, b) => ops.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), [
        { shape: [2, 3, 3, 4] },
        { shape: [3, 2, 3, 3], data: up.weight.toArray() },
        { shape: [2], data: up.bias!.toArray() },
      ]);
      const x = tensor(randomData(2 * 3 * 3 * 4, 3), [2, 3, 3, 4]);
      ops.sum(up.forward(x)).backward();
      expect(up.weight.grad!.shape).toEqual([3, 2, 3, 3]);
      // d(Σy)/d(bias[o]) = number of output positions = 2·6·8
      expectClose(up.bias!.grad!.toArray(), [96, 96], 1e-4);
    });

    it("bad input: clear errors naming the layer and shapes, weights untouched", () => {
      const up = new nn.ConvTranspose2d(32, 16, 3, { stride: 2, padding: 1, outputPadding: 1 });
      const before = up.stateDict();
      const who = "ConvTranspose2d\\(32→16, 3×3, stride 2, padding 1, outputPadding 1\\)";
      expect(() => up.forward(zeros([32, 7, 7]))).toThrow(new RegExp(`^${who}: input has shape \\[32, 7, 7\\], expected 4-D \\[batch, 32, height, width\\] \\(NCHW`));
      expect(() => up.forward(zeros([2, 16, 7, 7]))).toThrow(new RegExp(`^${who}: input has shape \\[2, 16, 7, 7\\] with 16 channels, expected 32`));
      const cropped = new nn.ConvTranspose2d(1, 1, 3, { padding: 2 });
      expect(() => cropped.forward(zeros([1, 1, 1, 1]))).toThrow(/^ConvTranspose2d\(1→1, 3×3, padding 2\): input \[1, 1, 1, 1\] gives an output of -1×-1/);
      expect(up.stateDict()).toEqual(before);
      expect(up.weight.grad).toBeNull();
    });

    it("bad hyperparameters: stride 0, negative padding, outputPadding too large, zero channels", () => {
      expect(() => new nn.ConvTranspose2d(1, 8, 3, { stride: 0 })).toThrow(/^ConvTranspose2d\(1→8, 3×3, stride 0\): stride must be positive integers, got 0$/);
      expect(() => new nn.ConvTranspose2d(1, 8, 3, { padding: -1 })).toThrow(/ConvTranspose2d\(1→8, 3×3, padding -1\): padding must be non-negative integers, got -1/);
      expect(() => new nn.ConvTranspose2d(1, 8, 3, { stride: 2, outputPadding: 2 })).toThrow(/outputPadding \[2, 2\] must be smaller than the stride \[2, 2\] or the dilation \[1, 1\]/);
      expect(() => new nn.ConvTranspose2d(1, 8, 3, { outputPadding: 1 })).toThrow(/outputPadding \[1, 1\] must be smaller than the stride \[1, 1\] or the dilation \[1, 1\]/);
      expect(() => new nn.ConvTranspose2d(1, 8, 0)).toThrow(/ConvTranspose2d\(1→8\): kernelSize must be positive integers, got 0/);
      expect(() => new nn.ConvTranspose2d(0, 8, 3)).toThrow(/ConvTranspose2d: inChannels must be a positive integer, got 0/);
      expect(() => new nn.ConvTranspose2d(1, 8, 3, { dilation: 0 })).toThrow(/dilation must be positive integers, got 0/);
    });

    it("loads PyTorch-shaped weights one to one and rejects Conv2d's [out, in] layout", () => {
      const up = new nn.ConvTranspose2d(2, 3, 2);
      const w = Array.from({ length: 24 }, (_, i) => i / 10);
      up.loadStateDict({ weight: { shape: [2, 3, 2, 2], data: w }, bias: { shape: [3], data: [1, 2, 3] } });
      expect(up.weight.toArray()).toEqual(Float32Array.from(w));
      expect(() => up.loadStateDict({ weight: { shape: [3, 2, 2, 2], data: w }, bias: { shape: [3], data: [1, 2, 3] } })).toThrow(/"weight" has shape \[3, 2, 2, 2\].*expected \[2, 3, 2, 2\]/);
    });
  });
}
