// nn.Flatten: [N, C, H, W] → [N, C·H·W] in PyTorch's order, gradient passed back unchanged.
import { beforeAll, describe, expect, it } from "vitest";
import { nn, ops, ready, setBackend, tensor } from "../../src/index.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("keeps the batch axis and lays each sample out channel by channel, row by row", () => {
      const v = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i);
      const y = new nn.Flatten().forward(tensor(v, [2, 3, 2, 2]));
      expect(y.shape).toEqual([2, 12]);
      expect(y.toArray()).toEqual(v);
      expect(new nn.Flatten().describe()).toBe("Flatten");
    });

    it("startDim and endDim select the axes merged", () => {
      const x = tensor(new Float32Array(2 * 3 * 4 * 5), [2, 3, 4, 5]);
      expect(new nn.Flatten(0).forward(x).shape).toEqual([120]);
      expect(new nn.Flatten(1, 2).forward(x).shape).toEqual([2, 12, 5]);
      expect(new nn.Flatten(2).forward(x).shape).toEqual([2, 3, 20]);
      expect(new nn.Flatten(-2, -1).forward(x).shape).toEqual([2, 3, 20]);
    });

    it("the gradient flows back in the input's shape", () => {
      const x = tensor(Float32Array.from({ length: 8 }, (_, i) => i), [2, 2, 2], { requiresGrad: true });
      const y = new nn.Flatten().forward(x);
      ops.sum(ops.mul(y, tensor([[1, 2, 3, 4], [5, 6, 7, 8]]))).backward();
      expect(x.grad!.shape).toEqual([2, 2, 2]);
      expect(x.grad!.toArray()).toEqual(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    });

    it("errors name the layer and the shape", () => {
      expect(() => new nn.Flatten(2).forward(tensor([[1, 2]]))).toThrow(/^Flatten\(2, -1\): input has shape \[1, 2\], which has no axes 2..-1/);
      expect(() => new nn.Flatten(2, 1).forward(tensor(new Float32Array(8), [2, 2, 2]))).toThrow(/^Flatten\(2, 1\): startDim 2 comes after endDim 1 for input \[2, 2, 2\]/);
    });

    it("Unflatten inverts Flatten", () => {
      const x = tensor(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 2, 2]);
      const back = new nn.Unflatten([3, 2, 2]).forward(new nn.Flatten().forward(x));
      expect(back.shape).toEqual([2, 3, 2, 2]);
      expect(back.toArray()).toEqual(x.toArray());
      expect(() => new nn.Unflatten([3, 7, 7]).forward(tensor(new Float32Array(10), [2, 5]))).toThrow("Unflatten(1, [3, 7, 7]): input has shape [2, 5], expected [batch, 147]");
    });
  });
}
