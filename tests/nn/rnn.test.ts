// nn.RNN and nn.RNNCell (tanh and relu): the step by hand, finite-difference gradients, parity,
// PyTorch names, bad input.
import { beforeEach, describe, expect, it } from "vitest";
import { manualSeed, nn, ops, ready, Random, setBackend, tensor } from "../../src/index.js";
import { recurrentSequence } from "../../src/autograd/recurrent.js";
import { expectGradcheck, fdCheck } from "../gradcheck.js";

const BACKENDS = ["js", "wasm"] as const;

beforeEach(async () => {
  await ready();
  manualSeed(3);
});

describe("RNNCell", () => {
  it("computes h' = tanh(W_ih x + b_ih + W_hh h + b_hh) and the relu variant by hand", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      for (const nonlinearity of ["tanh", "relu"] as const) {
        const cell = new nn.RNNCell(2, 2, { nonlinearity });
        cell.loadStateDict({
          weight_ih: { shape: [2, 2], data: [0.5, -1, 0.25, 2] },
          weight_hh: { shape: [2, 2], data: [1, 0.5, -0.5, 0.1] },
          bias_ih: { shape: [2], data: [0.1, -0.3] },
          bias_hh: { shape: [2], data: [0.2, 0.0] },
        });
        const x = [0.4, -0.2], h = [0.3, -0.6];
        const pre = [0.5 * x[0] - 1 * x[1] + 0.1 + 1 * h[0] + 0.5 * h[1] + 0.2, 0.25 * x[0] + 2 * x[1] - 0.3 - 0.5 * h[0] + 0.1 * h[1]];
        const f = nonlinearity === "tanh" ? Math.tanh : (v: number) => Math.max(0, v);
        const got = cell.forward(tensor([x]), tensor([h])).toArray();
        expect(got[0]).toBeCloseTo(f(pre[0]), 6);
        expect(got[1]).toBeCloseTo(f(pre[1]), 6);
      }
    }
  });

  it("has finite-difference gradients for x, h and every weight (tanh)", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      const cell = new nn.RNNCell(3, 4);
      const x = tensor(Array.from({ length: 6 }, (_, i) => Math.sin(i + 1)), [2, 3], { requiresGrad: true });
      const h = tensor(Array.from({ length: 8 }, (_, i) => 0.5 * Math.cos(i)), [2, 4], { requiresGrad: true });
      const res = fdCheck([x, h, ...cell.parameters()], () => [cell.forward(x, h)]);
      expect(res.checked).toBe(6 + 8 + cell.parameterCount());
      expect(res.largest).toBeGreaterThan(0.1);
      expect(res.worst, `${b}: ${res.where}`).toBeLessThanOrEqual(1);
    }
  });
});

describe("the fused RNN sequence op", () => {
  it("passes gradcheck (tanh both directions; relu away from its kink)", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      for (const reverse of [false, true]) {
        expectGradcheck(
          (x, h0, wIh, wHh, bIh, bHh) => recurrentSequence("rnnTanh", x, h0, null, { wIh, wHh, bIh, bHh }, reverse),
          [{ shape: [6, 2, 3] }, { shape: [2, 4] }, { shape: [4, 3] }, { shape: [4, 4] }, { shape: [4] }, { shape: [4] }],
        );
      }
      // A single step with positive weights and inputs keeps every pre-activation > 0.
      expectGradcheck(
        (x, h0, wIh, wHh, bIh, bHh) => recurrentSequence("rnnRelu", x, h0, null, { wIh, wHh, bIh, bHh }, false),
        [{ shape: [2, 2, 3], lo: 0.2, hi: 1 }, { shape: [2, 4], lo: 0.2, hi: 1 }, { shape: [4, 3], lo: 0.2, hi: 1 }, { shape: [4, 4], lo: 0.2, hi: 1 }, { shape: [4], lo: 0.2, hi: 1 }, { shape: [4], lo: 0.2, hi: 1 }],
      );
    }
  });
});

describe("RNN", () => {
  it("names and shapes its parameters as PyTorch", () => {
    const rnn = new nn.RNN(3, 5, { numLayers: 2 });
    expect(rnn.namedParameters().map(([k, t]) => `${k} ${t.shape}`)).toEqual([
      "weight_ih_l0 5,3", "weight_hh_l0 5,5", "bias_ih_l0 5", "bias_hh_l0 5",
      "weight_ih_l1 5,5", "weight_hh_l1 5,5", "bias_ih_l1 5", "bias_hh_l1 5",
    ]);
  });

  it("bidirectional: the reverse direction reads the sequence backwards", () => {
    manualSeed(9);
    const bi = new nn.RNN(2, 3, { bidirectional: true });
    const fwd = new nn.RNN(2, 3);
    const state = bi.stateDict();
    fwd.loadStateDict({ weight_ih_l0: state.weight_ih_l0_reverse, weight_hh_l0: state.weight_hh_l0_reverse, bias_ih_l0: state.bias_ih_l0_reverse, bias_hh_l0: state.bias_hh_l0_reverse });
    const xs = Array.from({ length: 5 * 2 }, (_, i) => Math.sin(i));
    const flipped = Array.from({ length: 5 }, (_, t) => xs.slice((4 - t) * 2, (4 - t) * 2 + 2)).flat();
    const o = bi.forwardWithState(tensor(xs, [5, 1, 2]));
    const f = fwd.forwardWithState(tensor(flipped, [5, 1, 2]));
    const out = o.output.toArray(); // [5, 1, 6]: forward 3, reverse 3
    const ref = f.output.toArray();
    for (let t = 0; t < 5; t++) for (let j = 0; j < 3; j++) expect(out[t * 6 + 3 + j]).toBeCloseTo(ref[(4 - t) * 3 + j], 6);
    // h: [2, 1, 3], second row = the reverse direction's state after reading x_0
    expect(Array.from(o.h.toArray().slice(3))).toEqual(Array.from(f.h.toArray()));
  });

  it("2-layer bidirectional: finite-difference gradients for input, h0 and every weight", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      manualSeed(13);
      const rnn = new nn.RNN(2, 3, { numLayers: 2, bidirectional: true });
      const r = new Random(8);
      const x = tensor(Array.from({ length: 4 * 2 * 2 }, () => r.uniform(-1, 1)), [4, 2, 2], { requiresGrad: true });
      const h0 = tensor(Array.from({ length: 4 * 2 * 3 }, () => r.uniform(-1, 1)), [4, 2, 3], { requiresGrad: true });
      const res = fdCheck([x, h0, ...rnn.parameters()], () => {
        const o = rnn.forwardWithState(x, h0);
        return [o.output, o.h];
      });
      expect(res.checked).toBe(16 + 24 + rnn.parameterCount());
      expect(res.largest).toBeGreaterThan(0.1);
      expect(res.worst, `${b}: ${res.where}`).toBeLessThanOrEqual(1);
    }
  });

  it("gives the same outputs and gradients on Wasm and JS (tanh and relu)", () => {
    for (const nonlinearity of ["tanh", "relu"] as const) {
      const [js, wasm] = BACKENDS.map((b) => {
        setBackend(b);
        manualSeed(23);
        const rnn = new nn.RNN(3, 17, { nonlinearity, bidirectional: true });
        const r = new Random(4);
        const x = tensor(Array.from({ length: 7 * 3 * 3 }, () => r.uniform(-1, 1)), [7, 3, 3], { requiresGrad: true });
        const o = rnn.forwardWithState(x);
        ops.add(ops.sum(ops.square(o.output)), ops.sum(o.h)).backward();
        return [o.output.toArray(), o.h.toArray(), x.grad!.toArray(), ...rnn.parameters().map((p) => p.grad!.toArray())];
      });
      wasm.forEach((a, k) => {
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - js[k][i]), `${nonlinearity} array ${k}[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(js[k][i]));
      });
    }
  });

  it("rejects bad input and options with the layer named", () => {
    const rnn = new nn.RNN(3, 4);
    expect(() => rnn.forward(tensor(new Float32Array(12), [4, 3]))).toThrow(/RNN\(3→4\): input has shape \[4, 3\], expected \[T, batch, 3\]/);
    expect(() => rnn.forward(tensor(new Float32Array(0), [0, 1, 3]))).toThrow(/RNN\(3→4\): input has shape \[0, 1, 3\]: the sequence is empty/);
    expect(() => rnn.forward(tensor(new Float32Array(6), [2, 1, 3]), tensor(new Float32Array(4), [4]))).toThrow(/RNN\(3→4\): initial state h0 has shape \[4\], expected \[1, 1, 4\]/);
    expect(() => new nn.RNN(3, 4, { nonlinearity: "sigmoid" as "tanh" })).toThrow(/RNN: nonlinearity must be "tanh" or "relu", got "sigmoid"/);
    expect(() => new nn.RNN(3, 0)).toThrow(/RNN: hiddenSize must be a positive integer, got 0/);
  });
});
