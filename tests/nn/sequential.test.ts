// Sequential: each layer's output is the next layer's input.
import { beforeAll, describe, expect, it } from "vitest";
import { backend, manualSeed, nn, ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("a 2-2-1 network computed by hand", () => {
      const mlp = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU(), new nn.Linear(2, 1));
      mlp.loadStateDict({
        "0.weight": { shape: [2, 2], data: [1, 1, 1, -1] },
        "0.bias": { shape: [2], data: [0, -0.5] },
        "2.weight": { shape: [1, 2], data: [2, -3] },
        "2.bias": { shape: [1], data: [0.5] },
      });
      // x = [1, 2]: h = relu([3, −1.5]) = [3, 0]; y = 6 + 0.5 = 6.5
      // x = [2, 0]: h = relu([2, 1.5]) = [2, 1.5]; y = 4 − 4.5 + 0.5 = 0
      expect(mlp.forward(tensor([[1, 2], [2, 0]])).toNested()).toEqual([[6.5], [0]]);
    });

    it("forward equals applying the layers one by one", () => {
      const layers = [new nn.Linear(5, 4), new nn.Tanh(), new nn.Linear(4, 3), new nn.Sigmoid()];
      const seq = new nn.Sequential(...layers);
      const x = tensor(Float32Array.from({ length: 10 }, (_, i) => Math.cos(i)), [2, 5]);
      let h = x;
      for (const l of layers) h = l.forward(h);
      expect(Array.from(seq.forward(x).toArray())).toEqual(Array.from(h.toArray()));
      expect(seq.layers).toEqual(layers);
      expect(seq.parameters()).toEqual([...layers[0].parameters(), ...layers[2].parameters()]);
    });

    it("gradients reach every parameter (compared with the chain rule by hand)", () => {
      const mlp = new nn.Sequential(new nn.Linear(1, 1), new nn.Tanh(), new nn.Linear(1, 1));
      mlp.loadStateDict({
        "0.weight": { shape: [1, 1], data: [0.5] },
        "0.bias": { shape: [1], data: [0.1] },
        "2.weight": { shape: [1, 1], data: [-2] },
        "2.bias": { shape: [1], data: [0.3] },
      });
      ops.sum(mlp.forward(tensor([[2]]))).backward();
      const t = Math.tanh(0.5 * 2 + 0.1);
      const dt = 1 - t * t;
      const [w1, b1, w2, b2] = mlp.parameters().map((p) => p.grad!.toArray()[0]);
      expectClose([w1, b1, w2, b2], [-2 * dt * 2, -2 * dt, t, 1], 1e-6, 1e-6);
    });

    it("an MLP with a cross-entropy loss passes gradcheck with respect to its input", () => {
      manualSeed(2);
      const mlp = new nn.Sequential(new nn.Linear(6, 5), new nn.Tanh(), new nn.Linear(5, 4), new nn.GELU(), new nn.Linear(4, 3));
      expectGradcheck((x) => ops.crossEntropy(mlp.forward(x), [0, 2, 1, 2]), [{ shape: [4, 6] }]);
      mlp.zeroGrad();
    });

    it("a ReLU then a MaxPool2d runs as one kernel with the values and gradients of the two, bit for bit", () => {
      manualSeed(4);
      const make = () => [new nn.Conv2d(2, 3, 3), new nn.ReLU(), new nn.MaxPool2d(2), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 1, padding: 1 })];
      const fusedLayers = make();
      const fused = new nn.Sequential(...fusedLayers);
      const layers = make();
      new nn.Sequential(...layers).loadStateDict(fused.stateDict());
      // Rounded inputs: ties in the windows, zeros and all-negative windows.
      const data = Float32Array.from({ length: 2 * 2 * 11 * 9 }, (_, i) => Math.round(Math.sin(i * 1.7) * 3) / 2);
      const x1 = tensor(data, [2, 2, 11, 9], { requiresGrad: true });
      const x2 = tensor(data, [2, 2, 11, 9], { requiresGrad: true });
      // The backend's calls: no ReLU kernel in the fused forward and backward, one per ReLU layer by layer.
      const be = backend(name) as unknown as Record<string, (...a: unknown[]) => unknown>;
      const calls: string[] = [];
      const spied = ["activation", "activationBackward", "maxPool2d"].map((k) => {
        const original = be[k];
        be[k] = (...a: unknown[]) => (calls.push(k === "maxPool2d" ? `maxPool2d relu=${a.at(-1)}` : k), original.apply(be, a));
        return () => (be[k] = original);
      });
      const y1 = fused.forward(x1);
      const fusedCalls = calls.splice(0);
      let y2 = x2;
      for (const l of layers) y2 = l.forward(y2);
      const layerCalls = calls.splice(0);
      expect(fusedCalls).toEqual(["maxPool2d relu=true", "maxPool2d relu=true"]);
      expect(layerCalls).toEqual(["activation", "maxPool2d relu=false", "activation", "maxPool2d relu=false"]);
      expect(y1.shape).toEqual([2, 3, 4, 3]);
      expect(y1.toArray()).toEqual(y2.toArray());
      const r = tensor(Float32Array.from({ length: y1.size }, (_, i) => Math.cos(i)), y1.shape);
      ops.sum(ops.mul(y1, r)).backward();
      expect(calls.splice(0)).toEqual([]);
      ops.sum(ops.mul(y2, r)).backward();
      expect(calls.splice(0)).toEqual(["activationBackward", "activationBackward"]);
      spied.forEach((restore) => restore());
      expect(x1.grad!.toArray()).toEqual(x2.grad!.toArray());
      fused.parameters().forEach((p, i) => expect(p.grad!.toArray()).toEqual(layers[0].parameters()[i].grad!.toArray()));
      expect(x1.grad!.toArray().some((v) => v !== 0)).toBe(true);
    });

    it("a ReLU or MaxPool2d whose forward is wrapped runs unfused, so that the wrapper sees it", () => {
      const relu = new nn.ReLU();
      const pool = new nn.MaxPool2d(2);
      const seen: string[] = [];
      for (const m of [relu, pool]) {
        const original = m.forward.bind(m);
        m.forward = (x) => (seen.push(m.describe()), original(x));
      }
      const y = new nn.Sequential(relu, pool).forward(tensor([-1, 2, 3, -4], [1, 1, 2, 2]));
      expect(seen).toEqual(["ReLU", "MaxPool2d(2)"]);
      expect(y.toArray()).toEqual(new Float32Array([3]));
    });

    it("the fused ReLU and MaxPool2d still name the ReLU for input that is not a tensor", () => {
      const seq = new nn.Sequential(new nn.ReLU(), new nn.MaxPool2d(2));
      expect(() => seq.forward([1, 2] as never)).toThrow(new nn.ReLU().describe());
      expect(() => seq.forward(tensor([1, 2]))).toThrow(/MaxPool2d\(2\).*4-D/);
    });

    it("an empty Sequential is the identity", () => {
      const x = tensor([1, 2]);
      expect(new nn.Sequential().forward(x)).toBe(x);
    });
  });
}

describe("js and wasm agree", () => {
  it("on an MLP's loss and every parameter gradient (same weights, same data)", async () => {
    await ready();
    const x = randomData(8 * 20, 1);
    const labels = [0, 1, 2, 3, 4, 0, 1, 2];
    const run = (name: "js" | "wasm"): { loss: number; grads: Float32Array[] } => {
      setBackend(name);
      manualSeed(9);
      const mlp = new nn.Sequential(new nn.Linear(20, 16), new nn.ReLU(), new nn.Linear(16, 5));
      const loss = ops.crossEntropy(mlp.forward(tensor(x, [8, 20])), labels);
      loss.backward();
      expect(mlp.parameters()[0].backend).toBe(backend(name));
      return { loss: loss.item(), grads: mlp.parameters().map((p) => p.grad!.toArray()) };
    };
    const js = run("js");
    const wasm = run("wasm");
    // Same seed, same weights; the kernels differ only in float32 summation order.
    expect(Math.abs(js.loss - wasm.loss)).toBeLessThan(1e-6 * js.loss);
    js.grads.forEach((g, i) => expectClose(wasm.grads[i], g, 1e-6, 1e-5));
  });
});
