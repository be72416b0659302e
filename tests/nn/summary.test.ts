// summary(): the layers, their output shapes and parameter counts.
import { beforeAll, describe, expect, it } from "vitest";
import { liveTensors, nn, ready, scope, setBackend, tensor } from "../../src/index.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("784-128-10 MLP: rows, output shapes and 101,770 parameters", () => {
      const mlp = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
      const rows = nn.layerTable(mlp, [1, 784]);
      expect(rows).toEqual([
        { name: "0", layer: "Linear(784→128)", outputShape: [1, 128], params: 100480 },
        { name: "1", layer: "ReLU", outputShape: [1, 128], params: 0 },
        { name: "2", layer: "Linear(128→10)", outputShape: [1, 10], params: 1290 },
      ]);
      const text = nn.summary(mlp, [32, 784]);
      const lines = text.split("\n");
      expect(lines[0]).toMatch(/^layer\s+type\s+output shape\s+params$/);
      expect(lines[2]).toMatch(/^0\s+Linear\(784→128\)\s+\[32, 128\]\s+100,480$/);
      expect(lines[3]).toMatch(/^1\s+ReLU\s+\[32, 128\]\s+0$/);
      expect(lines[4]).toMatch(/^2\s+Linear\(128→10\)\s+\[32, 10\]\s+1,290$/);
      expect(lines[lines.length - 1]).toBe("total trainable parameters: 101,770");
      expect(mlp.parameterCount()).toBe(101770);
    });

    it("nested modules get dotted names; hyperparameters are described", () => {
      const m = new nn.Sequential(new nn.Sequential(new nn.Linear(4, 3), new nn.LeakyReLU(0.2)), new nn.Dropout(0.5), new nn.Linear(3, 2, { bias: false }), new nn.Softmax());
      const rows = nn.layerTable(m, [5, 4]);
      expect(rows.map((r) => [r.name, r.layer, r.outputShape, r.params])).toEqual([
        ["0.0", "Linear(4→3)", [5, 3], 15],
        ["0.1", "LeakyReLU(0.2)", [5, 3], 0],
        ["1", "Dropout(p=0.5)", [5, 3], 0],
        ["2", "Linear(3→2, no bias)", [5, 2], 6],
        ["3", "Softmax", [5, 2], 0],
      ]);
    });

    it("restores forward and the training mode", () => {
      const m = new nn.Sequential(new nn.Linear(3, 2), new nn.Dropout(0.5));
      const forward = m.layers[0].forward;
      nn.summary(m, [2, 3]);
      expect(m.layers[0].forward).toBe(forward);
      expect(m.training && m.layers[1].training).toBe(true);
      m.eval();
      nn.summary(m, [2, 3]);
      expect(m.training).toBe(false);
      expect(m.forward(tensor([[1, 2, 3]])).shape).toEqual([1, 2]);
    });

    it("leaves no tensor behind when called inside a scope", () => {
      const m = new nn.Sequential(new nn.Linear(3, 2));
      const base = liveTensors();
      scope(() => nn.summary(m, [2, 3]));
      expect(liveTensors()).toBe(base);
    });

    it("a wrong input shape fails with the layer's message and still restores the model", () => {
      const m = new nn.Sequential(new nn.Linear(3, 2));
      const forward = m.layers[0].forward;
      expect(() => nn.summary(m, [1, 4])).toThrow(/Linear\(3→2\): input has shape \[1, 4\], expected \[\*, 3\]/);
      expect(m.layers[0].forward).toBe(forward);
      expect(m.training).toBe(true);
    });
  });
}

describe("summary", () => {
  for (const name of ["js", "wasm"] as const) {
    it(`summary() leaves no tensor behind (${name})`, async () => {
      await ready();
      setBackend(name);
      const mlp = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
      const before = liveTensors();
      nn.summary(mlp, [2, 4]);
      nn.layerTable(mlp, [1, 4]);
      expect(liveTensors()).toBe(before);
    });
  }
});

describe("summary: bad input shapes", () => {
  it("an input shape with a negative, fractional or NaN size is refused before any tensor is made", async () => {
    await ready();
    setBackend("wasm");
    const m = new nn.Sequential(new nn.Linear(784, 10));
    const base = liveTensors();
    const forward = m.layers[0].forward;
    expect(() => nn.summary(m, [-1, 784])).toThrow(/^summary: input: shape \[-1, 784\] has -1 at axis 0, expected non-negative integers$/);
    expect(() => nn.summary(m, [1.5, 784])).toThrow(/^summary: input: shape \[1.5, 784\] has 1.5 at axis 0/);
    expect(() => nn.layerTable(m, [NaN, 784])).toThrow(/^summary: input: shape \[NaN, 784\] has NaN at axis 0/);
    expect(liveTensors()).toBe(base);
    expect(m.layers[0].forward).toBe(forward);
  });
});
