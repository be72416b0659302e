// nn.GRU and nn.GRUCell: the gate equations by hand (the hidden bias of n inside the reset
// product), finite-difference gradients, Wasm/JS parity, PyTorch names, bad input.
import { beforeEach, describe, expect, it } from "vitest";
import { manualSeed, nn, ops, ready, Random, setBackend, tensor } from "../../src/index.js";
import { recurrentSequence } from "../../src/autograd/recurrent.js";
import { expectGradcheck, fdCheck } from "../gradcheck.js";

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const BACKENDS = ["js", "wasm"] as const;

beforeEach(async () => {
  await ready();
  manualSeed(3);
});

describe("GRUCell", () => {
  it("computes PyTorch's gate equations on a hand-set 1-unit cell, b_hn inside the reset product", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      const cell = new nn.GRUCell(1, 1);
      // rows r, z, n
      cell.loadStateDict({
        weight_ih: { shape: [3, 1], data: [0.5, -0.4, 1.2] },
        weight_hh: { shape: [3, 1], data: [0.3, 0.6, -0.7] },
        bias_ih: { shape: [3], data: [0.1, 0.2, -0.1] },
        bias_hh: { shape: [3], data: [-0.2, 0.05, 0.9] },
      });
      const x = 0.7, h = -0.6;
      const r = sig(0.5 * x + 0.1 + 0.3 * h - 0.2);
      const z = sig(-0.4 * x + 0.2 + 0.6 * h + 0.05);
      const n = Math.tanh(1.2 * x - 0.1 + r * (-0.7 * h + 0.9));
      const want = (1 - z) * n + z * h;
      // b_hn outside the product would give a visibly different value
      const wrong = (1 - z) * Math.tanh(1.2 * x - 0.1 + 0.9 + r * (-0.7 * h)) + z * h;
      expect(Math.abs(want - wrong)).toBeGreaterThan(1e-2);
      expect(cell.forward(tensor([[x]]), tensor([[h]])).item()).toBeCloseTo(want, 6);
    }
  });

  it("has finite-difference gradients for x, h and every weight", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      const cell = new nn.GRUCell(3, 4);
      const x = tensor(Array.from({ length: 6 }, (_, i) => Math.sin(i + 1)), [2, 3], { requiresGrad: true });
      const h = tensor(Array.from({ length: 8 }, (_, i) => 0.5 * Math.cos(i)), [2, 4], { requiresGrad: true });
      const res = fdCheck([x, h, ...cell.parameters()], () => [cell.forward(x, h)]);
      expect(res.checked).toBe(6 + 8 + cell.parameterCount());
      expect(res.largest).toBeGreaterThan(0.1);
      expect(res.worst, `${b}: ${res.where}`).toBeLessThanOrEqual(1);
    }
  });
});

describe("the fused GRU sequence op", () => {
  it("passes gradcheck over a 5-step sequence in both directions", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      for (const reverse of [false, true]) {
        expectGradcheck(
          (x, h0, wIh, wHh, bIh, bHh) => recurrentSequence("gru", x, h0, null, { wIh, wHh, bIh, bHh }, reverse),
          [{ shape: [5, 2, 3] }, { shape: [2, 4] }, { shape: [12, 3] }, { shape: [12, 4] }, { shape: [12] }, { shape: [12] }],
        );
      }
    }
  });
});

describe("GRU", () => {
  it("names and shapes its parameters as PyTorch", () => {
    const gru = new nn.GRU(3, 5, { numLayers: 2, bidirectional: true, bias: false });
    expect(gru.namedParameters().map(([k, t]) => `${k} ${t.shape}`)).toEqual([
      "weight_ih_l0 15,3", "weight_hh_l0 15,5", "weight_ih_l0_reverse 15,3", "weight_hh_l0_reverse 15,5",
      "weight_ih_l1 15,10", "weight_hh_l1 15,5", "weight_ih_l1_reverse 15,10", "weight_hh_l1_reverse 15,5",
    ]);
  });

  it("2-layer bidirectional: finite-difference gradients for input, h0 and every weight", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      manualSeed(12);
      const gru = new nn.GRU(2, 3, { numLayers: 2, bidirectional: true, batchFirst: true });
      const r = new Random(8);
      const x = tensor(Array.from({ length: 2 * 4 * 2 }, () => r.uniform(-1, 1)), [2, 4, 2], { requiresGrad: true });
      const h0 = tensor(Array.from({ length: 4 * 2 * 3 }, () => r.uniform(-1, 1)), [4, 2, 3], { requiresGrad: true });
      const res = fdCheck([x, h0, ...gru.parameters()], () => {
        const o = gru.forwardWithState(x, h0);
        return [o.output, o.h];
      });
      expect(res.checked).toBe(16 + 24 + gru.parameterCount());
      expect(res.largest).toBeGreaterThan(0.1);
      expect(res.worst, `${b}: ${res.where}`).toBeLessThanOrEqual(1);
    }
  });

  it("gives the same outputs and gradients on Wasm and JS", () => {
    const [js, wasm] = BACKENDS.map((b) => {
      setBackend(b);
      manualSeed(22);
      const gru = new nn.GRU(7, 33, { numLayers: 2 });
      const r = new Random(4);
      const x = tensor(Array.from({ length: 17 * 3 * 7 }, () => r.uniform(-1, 1)), [17, 3, 7], { requiresGrad: true });
      const o = gru.forwardWithState(x);
      ops.add(ops.sum(ops.square(o.output)), ops.sum(o.h)).backward();
      return [o.output.toArray(), o.h.toArray(), x.grad!.toArray(), ...gru.parameters().map((p) => p.grad!.toArray())];
    });
    wasm.forEach((a, k) => {
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - js[k][i]), `array ${k}[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(js[k][i]));
    });
  });

  it("rejects bad input with the layer and shapes named", () => {
    const gru = new nn.GRU(3, 4, { batchFirst: true });
    const before = gru.parameters().map((p) => p.toArray());
    expect(() => gru.forward(tensor(new Float32Array(20), [2, 5, 2]))).toThrow(/GRU\(3→4, batchFirst\): input has shape \[2, 5, 2\], expected \[batch, T, 3\]/);
    expect(() => gru.forward(tensor(new Float32Array(0), [2, 0, 3]))).toThrow(/GRU\(3→4, batchFirst\): input has shape \[2, 0, 3\]: the sequence is empty/);
    expect(() => gru.forward(tensor(new Float32Array(30), [2, 5, 3]), tensor(new Float32Array(12), [1, 3, 4]))).toThrow(/initial state h0 has shape \[1, 3, 4\], expected \[1, 2, 4\]/);
    expect(() => new nn.GRUCell(3, 4).forward(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(8), [4, 2]))).toThrow(/GRUCell\(3→4\): state h has shape \[4, 2\], expected \[2, 4\]/);
    gru.parameters().forEach((p, k) => expect(Array.from(p.toArray())).toEqual(Array.from(before[k])));
  });
});
