// Module: parameter naming (PyTorch's stateDict keys), loading, modes, gradients.
import { beforeAll, describe, expect, it } from "vitest";
import { nn, ops, ready, setBackend, tensor, type Tensor } from "../../src/index.js";

class WithBuffer extends nn.Module {
  readonly scale: Tensor;
  readonly running: Tensor;
  constructor() {
    super();
    this.scale = this.param("scale", nn.parameter([2], nn.init.constant(2)));
    this.running = this.buffer("running_mean", nn.buffer([2], 0.5));
  }
  forward(x: Tensor): Tensor {
    return ops.mul(x, this.scale);
  }
}

class Block extends nn.Module {
  readonly fc: nn.Linear;
  readonly norm: WithBuffer;
  constructor() {
    super();
    this.fc = this.child("fc1", new nn.Linear(2, 2));
    this.norm = this.child("norm", new WithBuffer());
  }
  forward(x: Tensor): Tensor {
    return this.norm.forward(this.fc.forward(x));
  }
}

const snapshot = (m: nn.Module): number[][] => m.parameters().map((p) => Array.from(p.toArray()));

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("stateDict keys are PyTorch's for a Sequential", () => {
      const mlp = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2), new nn.Dropout(0.1), new nn.Linear(2, 1, { bias: false }));
      expect(Object.keys(mlp.stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight"]);
      const sd = mlp.stateDict();
      expect(sd["2.weight"].shape).toEqual([2, 3]);
      expect(Array.from(sd["0.bias"].data)).toEqual(Array.from((mlp.layers[0] as nn.Linear).bias!.toArray()));
    });

    it("nested modules compose dotted names; buffers are saved but not trained", () => {
      const m = new nn.Sequential(new Block(), new nn.Linear(2, 1));
      expect(m.namedParameters().map(([k]) => k)).toEqual(["0.fc1.weight", "0.fc1.bias", "0.norm.scale", "1.weight", "1.bias"]);
      expect(m.namedBuffers().map(([k]) => k)).toEqual(["0.norm.running_mean"]);
      expect(Object.keys(m.stateDict())).toEqual(["0.fc1.weight", "0.fc1.bias", "0.norm.scale", "1.weight", "1.bias", "0.norm.running_mean"]);
      expect(Array.from(m.stateDict()["0.norm.running_mean"].data)).toEqual([0.5, 0.5]);
      expect(m.parameterCount()).toBe(6 + 2 + 3);
      expect(m.namedChildren().map(([k]) => k)).toEqual(["0", "1"]);
    });

    it("stateDict returns copies", () => {
      const fc = new nn.Linear(2, 2);
      const sd = fc.stateDict();
      const w = Array.from(fc.weight.toArray());
      sd.weight.data[0] = 123;
      expect(Array.from(fc.weight.toArray())).toEqual(w);
    });

    it("loadStateDict round trip gives the same outputs", () => {
      const a = new nn.Sequential(new Block(), new nn.Tanh(), new nn.Linear(2, 3));
      const b = new nn.Sequential(new Block(), new nn.Tanh(), new nn.Linear(2, 3));
      const x = tensor([[0.5, -1], [2, 0.25]]);
      expect(Array.from(b.forward(x).toArray())).not.toEqual(Array.from(a.forward(x).toArray()));
      const sd = a.stateDict();
      sd["0.norm.running_mean"].data.fill(7);
      b.loadStateDict(sd);
      expect(Array.from(b.forward(x).toArray())).toEqual(Array.from(a.forward(x).toArray()));
      expect(snapshot(b)).toEqual(snapshot(a));
      expect(Array.from(b.namedBuffers()[0][1].toArray())).toEqual([7, 7]);
    });

    describe("loadStateDict errors leave the weights untouched", () => {
      const setup = (): { m: nn.Sequential; good: ReturnType<nn.Module["stateDict"]>; before: number[][] } => {
        const m = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
        const good = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1)).stateDict();
        return { m, good, before: snapshot(m) };
      };

      it("missing key", () => {
        const { m, good, before } = setup();
        delete (good as Record<string, unknown>)["2.bias"];
        expect(() => m.loadStateDict(good)).toThrow(/Sequential\.loadStateDict: missing key "2\.bias" \(shape \[1\]\)/);
        expect(snapshot(m)).toEqual(before);
      });

      it("wrong shape (a later key, after valid ones)", () => {
        const { m, good, before } = setup();
        good["2.weight"] = { shape: [2, 1], data: new Float32Array(2) };
        expect(() => m.loadStateDict(good)).toThrow(/Sequential\.loadStateDict: "2\.weight" has shape \[2, 1\] with 2 values, expected \[1, 2\]/);
        expect(snapshot(m)).toEqual(before);
      });

      it("data length that does not match the shape", () => {
        const { m, good, before } = setup();
        good["0.bias"] = { shape: [2], data: new Float32Array(3) };
        expect(() => m.loadStateDict(good)).toThrow(/"0\.bias" has shape \[2\] with 3 values, expected \[2\]/);
        expect(snapshot(m)).toEqual(before);
      });

      it("NaN or Infinity value", () => {
        const { m, good, before } = setup();
        good["2.bias"].data[0] = NaN;
        expect(() => m.loadStateDict(good)).toThrow(/Sequential\.loadStateDict: "2\.bias" holds a non-finite value \(NaN\) at index 0/);
        good["2.bias"].data[0] = 0;
        good["0.weight"].data[5] = -Infinity;
        expect(() => m.loadStateDict(good)).toThrow(/"0\.weight" holds a non-finite value \(-Infinity\) at index 5/);
        expect(snapshot(m)).toEqual(before);
      });

      it("unexpected key (strict), accepted with strict: false", () => {
        const { m, good, before } = setup();
        const extra = { ...good, "9.weight": { shape: [1], data: [1] } };
        expect(() => m.loadStateDict(extra)).toThrow(/Sequential\.loadStateDict: unexpected keys 9\.weight/);
        expect(snapshot(m)).toEqual(before);
        m.loadStateDict(extra, { strict: false });
        expect(Array.from(m.stateDict()["0.weight"].data)).toEqual(Array.from(good["0.weight"].data));
      });

      it("strict: false loads what is there and skips missing keys", () => {
        const { m, before } = setup();
        m.loadStateDict({ "2.bias": { shape: [1], data: [3] } }, { strict: false });
        const after = snapshot(m);
        expect(after[3]).toEqual([3]);
        expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
      });
    });

    it("train()/eval() propagate to every descendant", () => {
      const inner = new nn.Sequential(new nn.Dropout(0.5), new nn.Linear(2, 2));
      const m = new nn.Sequential(new nn.Linear(2, 2), inner);
      const all = [m, m.layers[0], inner, ...inner.layers];
      expect(all.every((x) => x.training)).toBe(true);
      expect(m.eval()).toBe(m);
      expect(all.every((x) => !x.training)).toBe(true);
      m.train();
      expect(all.every((x) => x.training)).toBe(true);
      m.train(false);
      expect(all.every((x) => !x.training)).toBe(true);
    });

    it("zeroGrad clears every parameter's gradient", () => {
      const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 1));
      ops.sum(m.forward(tensor([[1, 2]]))).backward();
      expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
      const grads = m.parameters().map((p) => p.grad!);
      m.zeroGrad();
      expect(m.parameters().every((p) => p.grad === null)).toBe(true);
      expect(grads.every((g) => g.disposed)).toBe(true);
    });

    it("parameter() is zero-filled without an initializer and requires grad; buffer() does not", () => {
      const p = nn.parameter([3]);
      expect(Array.from(p.toArray())).toEqual([0, 0, 0]);
      expect(p.requiresGrad).toBe(true);
      const b = nn.buffer([2], 1.5);
      expect(Array.from(b.toArray())).toEqual([1.5, 1.5]);
      expect(b.requiresGrad).toBe(false);
    });
  });
}
