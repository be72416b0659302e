// nn.LSTM and nn.LSTMCell: the gate equations by hand, finite-difference gradients of the fused
// BPTT op (inputs, initial states, every weight), Wasm/JS parity, PyTorch names, bad input.
import { beforeEach, describe, expect, it } from "vitest";
import { liveTensors, manualSeed, nn, noGrad, ops, ready, Random, scope, setBackend, tensor } from "../../src/index.js";
import { recurrentSequence } from "../../src/autograd/recurrent.js";
import { expectGradcheck, fdCheck } from "../gradcheck.js";

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const BACKENDS = ["js", "wasm"] as const;

beforeEach(async () => {
  await ready();
  manualSeed(3);
});

describe("LSTMCell", () => {
  it("computes the gate equations of a hand-set 1-unit cell", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      const cell = new nn.LSTMCell(1, 1);
      // rows i, f, g, o
      cell.loadStateDict({
        weight_ih: { shape: [4, 1], data: [0.5, -0.25, 1.0, 0.75] },
        weight_hh: { shape: [4, 1], data: [0.1, 0.2, -0.3, 0.4] },
        bias_ih: { shape: [4], data: [0.0, 1.0, 0.1, -0.2] },
        bias_hh: { shape: [4], data: [0.05, 0.0, 0.0, 0.1] },
      });
      const x = 0.8, h0 = -0.5, c0 = 0.3;
      const i = sig(0.5 * x + 0.1 * h0 + 0.05), f = sig(-0.25 * x + 0.2 * h0 + 1.0);
      const g = Math.tanh(1.0 * x - 0.3 * h0 + 0.1), o = sig(0.75 * x + 0.4 * h0 - 0.1);
      const c = f * c0 + i * g;
      const { h: hT, c: cT } = cell.step(tensor([[x]]), tensor([[h0]]), tensor([[c0]]));
      expect(cT.item()).toBeCloseTo(c, 6);
      expect(hT.item()).toBeCloseTo(o * Math.tanh(c), 6);
      expect(cell.forward(tensor([[x]]), tensor([[h0]]), tensor([[c0]])).item()).toBeCloseTo(o * Math.tanh(c), 6);
    }
  });

  it("has finite-difference gradients for x, h, c and every weight", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      const cell = new nn.LSTMCell(3, 4);
      const x = tensor(Array.from({ length: 6 }, (_, i) => Math.sin(i + 1)), [2, 3], { requiresGrad: true });
      const h = tensor(Array.from({ length: 8 }, (_, i) => 0.5 * Math.cos(i)), [2, 4], { requiresGrad: true });
      const c = tensor(Array.from({ length: 8 }, (_, i) => 0.7 * Math.sin(2 * i)), [2, 4], { requiresGrad: true });
      const res = fdCheck([x, h, c, ...cell.parameters()], () => {
        const s = cell.step(x, h, c);
        return [s.h, s.c];
      });
      expect(res.checked).toBe(6 + 8 + 8 + cell.parameterCount());
      expect(res.largest).toBeGreaterThan(0.1);
      expect(res.worst, `${b}: ${res.where}`).toBeLessThanOrEqual(1);
    }
  });
});

describe("the fused LSTM sequence op", () => {
  it("passes gradcheck over a 5-step sequence in both directions", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      for (const reverse of [false, true]) {
        expectGradcheck(
          (x, h0, c0, wIh, wHh, bIh, bHh) => recurrentSequence("lstm", x, h0, c0, { wIh, wHh, bIh, bHh }, reverse),
          [{ shape: [5, 2, 3] }, { shape: [2, 4] }, { shape: [2, 4] }, { shape: [16, 3] }, { shape: [16, 4] }, { shape: [16] }, { shape: [16] }],
        );
      }
    }
  });
});

describe("LSTM", () => {
  it("names and shapes its parameters as PyTorch (2 layers, bidirectional)", () => {
    const lstm = new nn.LSTM(3, 5, { numLayers: 2, bidirectional: true });
    const shapes = Object.fromEntries(lstm.namedParameters().map(([k, t]) => [k, t.shape]));
    expect(Object.keys(shapes)).toEqual([
      "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
      "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
      "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
      "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
    ]);
    expect(shapes.weight_ih_l0).toEqual([20, 3]);
    expect(shapes.weight_hh_l0).toEqual([20, 5]);
    expect(shapes.weight_ih_l1_reverse).toEqual([20, 10]);
    expect(shapes.bias_hh_l1).toEqual([20]);
    // PyTorch's init U(±1/√H)
    const bound = 1 / Math.sqrt(5);
    for (const p of lstm.parameters()) for (const v of p.toArray()) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
  });

  it("2-layer bidirectional: finite-difference gradients for input, h0, c0 and every weight", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      manualSeed(11);
      const lstm = new nn.LSTM(2, 3, { numLayers: 2, bidirectional: true });
      const r = new Random(2);
      const x = tensor(Array.from({ length: 4 * 2 * 2 }, () => r.uniform(-1, 1)), [4, 2, 2], { requiresGrad: true });
      const h0 = tensor(Array.from({ length: 4 * 2 * 3 }, () => r.uniform(-1, 1)), [4, 2, 3], { requiresGrad: true });
      const c0 = tensor(Array.from({ length: 4 * 2 * 3 }, () => r.uniform(-1, 1)), [4, 2, 3], { requiresGrad: true });
      const res = fdCheck([x, h0, c0, ...lstm.parameters()], () => {
        const o = lstm.forwardWithState(x, h0, c0);
        return [o.output, o.h, o.c];
      });
      expect(res.checked).toBe(16 + 24 + 24 + lstm.parameterCount());
      expect(res.largest).toBeGreaterThan(0.1);
      expect(res.worst, `${b}: ${res.where}`).toBeLessThanOrEqual(1);
    }
  });

  it("gives the same outputs and gradients on Wasm and JS", () => {
    const results = BACKENDS.map((b) => {
      setBackend(b);
      manualSeed(21);
      const lstm = new nn.LSTM(7, 17, { numLayers: 2, bidirectional: true, batchFirst: true });
      const r = new Random(4);
      const x = tensor(Array.from({ length: 3 * 13 * 7 }, () => r.uniform(-1, 1)), [3, 13, 7], { requiresGrad: true });
      const o = lstm.forwardWithState(x);
      ops.add(ops.add(ops.sum(ops.square(o.output)), ops.sum(o.h)), ops.sum(ops.mul(o.c, o.c))).backward();
      return { out: o.output.toArray(), h: o.h.toArray(), c: o.c.toArray(), dx: x.grad!.toArray(), grads: lstm.parameters().map((p) => p.grad!.toArray()) };
    });
    const [js, wasm] = results;
    const close = (a: Float32Array, e: Float32Array, what: string): void => {
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - e[i]), `${what}[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(e[i]));
    };
    close(wasm.out, js.out, "output");
    close(wasm.h, js.h, "h");
    close(wasm.c, js.c, "c");
    close(wasm.dx, js.dx, "dx");
    wasm.grads.forEach((g, k) => close(g, js.grads[k], `grad ${k}`));
  });

  it("batchFirst is the transposed layout of the same computation", () => {
    manualSeed(5);
    const a = new nn.LSTM(2, 4);
    const b = new nn.LSTM(2, 4, { batchFirst: true });
    b.loadStateDict(a.stateDict());
    const x = ops.transpose(tensor(Array.from({ length: 24 }, (_, i) => Math.sin(i)), [3, 4, 2]), 0, 1); // [4, 3, 2] time-major
    const ya = a.forwardWithState(x);
    const yb = b.forwardWithState(ops.transpose(x, 0, 1));
    expect(Array.from(ops.transpose(yb.output, 0, 1).toArray())).toEqual(Array.from(ya.output.toArray()));
    expect(Array.from(yb.h.toArray())).toEqual(Array.from(ya.h.toArray()));
    // the final h of a unidirectional layer is the last output
    expect(Array.from(ya.h.toArray())).toEqual(Array.from(ops.slice(ya.output, 0, 3, 4).toArray()));
  });

  it("backpropagates through 1,000 steps without overflowing the stack", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      const lstm = new nn.LSTM(1, 4);
      const x = tensor(Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10)), [1000, 1, 1], { requiresGrad: true });
      scope(() => ops.sum(lstm.forwardWithState(x).h).backward());
      const dx = x.grad!.toArray();
      expect(Number.isFinite(dx[0])).toBe(true);
      expect(Math.abs(dx[999])).toBeGreaterThan(0);
      for (const p of lstm.parameters()) expect(p.grad!.toArray().every(Number.isFinite)).toBe(true);
    }
  });

  it("rejects bad input with the layer and shapes named, weights unchanged", () => {
    const lstm = new nn.LSTM(3, 4, { numLayers: 2 });
    const before = lstm.parameters().map((p) => p.toArray());
    expect(() => lstm.forward(tensor(new Float32Array(5 * 2 * 2), [5, 2, 2]))).toThrow(/LSTM\(3→4, layers 2\): input has shape \[5, 2, 2\], expected \[T, batch, 3\]/);
    expect(() => lstm.forward(tensor(new Float32Array(0), [0, 2, 3]))).toThrow(/LSTM\(3→4, layers 2\): input has shape \[0, 2, 3\]: the sequence is empty/);
    expect(() => lstm.forward(tensor(new Float32Array(30), [5, 2, 3]), tensor(new Float32Array(8), [1, 2, 4]))).toThrow(
      /LSTM\(3→4, layers 2\): initial state h0 has shape \[1, 2, 4\], expected \[2, 2, 4\]/,
    );
    expect(() => lstm.forward(tensor(new Float32Array(30), [5, 2, 3]), undefined, tensor(new Float32Array(12), [2, 2, 3]))).toThrow(
      /initial state c0 has shape \[2, 2, 3\], expected \[2, 2, 4\]/,
    );
    const cell = new nn.LSTMCell(3, 4);
    expect(() => cell.step(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(4), [1, 4]))).toThrow(/LSTMCell\(3→4\): state h has shape \[1, 4\], expected \[2, 4\]/);
    expect(() => cell.step(tensor(new Float32Array(4), [2, 2]))).toThrow(/LSTMCell\(3→4\): input has shape \[2, 2\], expected \[batch, 3\]/);
    lstm.parameters().forEach((p, k) => expect(Array.from(p.toArray())).toEqual(Array.from(before[k])));
  });
});

describe("memory of the fused recurrent op", () => {
  const seq = (T: number, B: number, F: number) => tensor(Array.from({ length: T * B * F }, (_, i) => Math.sin(0.7 * i)), [T, B, F]);

  it("leaves nothing behind under noGrad, outside any scope (layer and cell)", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
      const cell = new nn.LSTMCell(3, 4);
      const x = seq(5, 2, 3);
      const x1 = tensor(Array.from({ length: 6 }, (_, i) => Math.cos(i)), [2, 3]);
      const before = liveTensors();
      const r = noGrad(() => lstm.forwardWithState(x));
      expect(liveTensors() - before).toBe(3); // output, h, c
      r.output.dispose();
      r.h.dispose();
      r.c.dispose();
      const s = noGrad(() => cell.step(x1));
      const h1 = noGrad(() => cell.forward(x1));
      expect(liveTensors() - before).toBe(3); // s.h, s.c, h1
      s.h.dispose();
      s.c.dispose();
      h1.dispose();
      expect(liveTensors()).toBe(before);
    }
  });

  it("frees a layer's intermediates with its outputs when called with a graph outside any scope (LSTM, GRU, RNN, Embedding)", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      const layers = [
        new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }),
        new nn.GRU(3, 4, { numLayers: 2 }),
        new nn.RNN(3, 4, { bidirectional: true }),
      ];
      const x = seq(5, 2, 3);
      for (const layer of layers) {
        const step = (): Float32Array => {
          const y = layer.forward(x);
          const sq = ops.mul(y, y);
          const loss = ops.sum(sq);
          loss.backward();
          for (const t of [loss, sq, y]) t.dispose();
          return Float32Array.from(layer.parameters().flatMap((p) => Array.from(p.grad!.toArray())));
        };
        const first = step(); // allocates the gradients, which the parameters keep
        const base = liveTensors();
        for (const p of layer.parameters()) { p.grad!.dispose(); p.grad = null; }
        const grads = step();
        expect(Array.from(grads)).toEqual(Array.from(first)); // the freeing does not touch what backward reads
        for (let i = 0; i < 3; i++) step();
        expect(liveTensors()).toBe(base);
        // The final states alone: the intermediates go when the last returned tensor is disposed.
        const before = liveTensors();
        const r = layer.forwardWithState(x);
        r.output.dispose();
        r.h.dispose();
        if (r.c !== undefined) {
          expect(liveTensors()).toBeGreaterThan(before + 1);
          r.c.dispose();
        }
        expect(liveTensors()).toBe(before);
        for (const p of layer.parameters()) { p.grad!.dispose(); p.grad = null; }
      }
      const emb = new nn.Embedding(6, 3);
      const before = liveTensors();
      for (let i = 0; i < 3; i++) {
        const y = emb.forward([1, 4, 4, 0]);
        const loss = ops.sum(y);
        loss.backward();
        loss.dispose();
        y.dispose();
        expect(Array.from(emb.weight.grad!.toArray().slice(0, 6))).toEqual([i + 1, i + 1, i + 1, i + 1, i + 1, i + 1]);
      }
      expect(liveTensors() - before).toBe(1); // the weight's gradient
      x.dispose();
    }
  });

  it("frees its saved activations through the node's release: after backward, or when the output is disposed", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      const lstm = new nn.LSTM(3, 4);
      const p = Object.fromEntries(lstm.namedParameters());
      const w = { wIh: p.weight_ih_l0, wHh: p.weight_hh_l0, bIh: p.bias_ih_l0, bHh: p.bias_hh_l0 };
      const x = seq(6, 2, 3);
      const h0 = tensor(new Float32Array(8), [2, 4]);
      const c0 = tensor(new Float32Array(8), [2, 4]);
      const before = liveTensors();
      // Disposed without backward: the release hook frees what the op saved.
      const out = recurrentSequence("lstm", x, h0, c0, w, false);
      expect(out.node).not.toBeNull();
      expect(liveTensors() - before).toBe(5); // out, and saved: gates, c, tanh(c), [x 1]
      out.dispose();
      expect(liveTensors()).toBe(before);
      // Through backward (no scope): once the graph is consumed only out and the weight gradients remain.
      const out2 = recurrentSequence("lstm", x, h0, c0, w, true);
      const seed = tensor(new Float32Array(out2.size).fill(1), out2.shape);
      out2.backward(seed);
      seed.dispose();
      const grads = [w.wIh, w.wHh, w.bIh, w.bHh].map((p) => p.grad!);
      expect(liveTensors() - before).toBe(1 + grads.length);
      for (const g of grads) g.dispose();
      for (const p of [w.wIh, w.wHh, w.bIh, w.bHh]) p.grad = null;
      out2.dispose();
      expect(liveTensors()).toBe(before);
      for (const t of [x, h0, c0]) t.dispose();
    }
  });
});
