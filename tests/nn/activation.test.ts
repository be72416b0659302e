// Activation layers: the same values as the ops they wrap.
import { beforeAll, describe, expect, it } from "vitest";
import { nn, ops, ready, setBackend, tensor, type Tensor } from "../../src/index.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    const x = (): Tensor => tensor([[-2, -0.5, 0, 0.5, 2], [1, -1, 3, -3, 0.1]]);
    const cases: [nn.Module, (t: Tensor) => Tensor, string][] = [
      [new nn.ReLU(), ops.relu, "ReLU"],
      [new nn.LeakyReLU(), (t) => ops.leakyRelu(t, 0.01), "LeakyReLU(0.01)"],
      [new nn.LeakyReLU(0.3), (t) => ops.leakyRelu(t, 0.3), "LeakyReLU(0.3)"],
      [new nn.Sigmoid(), ops.sigmoid, "Sigmoid"],
      [new nn.Tanh(), ops.tanh, "Tanh"],
      [new nn.GELU(), ops.gelu, "GELU"],
      [new nn.Softmax(), (t) => ops.softmax(t), "Softmax"],
    ];
    for (const [layer, op, label] of cases) {
      it(`${label} equals its op and has no parameters`, () => {
        expect(Array.from(layer.forward(x()).toArray())).toEqual(Array.from(op(x()).toArray()));
        expect(layer.parameterCount()).toBe(0);
        expect(layer.describe()).toBe(label);
      });
    }

    it("ReLU by hand", () => {
      expect(new nn.ReLU().forward(x()).toNested()).toEqual([[0, 0, 0, 0.5, 2], [1, 0, 3, 0, Math.fround(0.1)]]);
    });

    it("Softmax rows sum to 1; a non-last dim is rejected", () => {
      const y = new nn.Softmax(-1).forward(x()).toArray();
      expect(y.slice(0, 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(() => new nn.Softmax(0).forward(x())).toThrow(/softmax: axis 0 of shape \[2, 5\]/);
    });
  });
}
