// forwardProjected: a recurrent layer fed its first layer's input projection, x·W_ihᵀ + b_ih,
// instead of x. It must be the same function with the same gradients as forwardWithState, for
// every cell; finite differences through the projected op; and clear errors.
import { beforeEach, describe, expect, it } from "vitest";
import { manualSeed, nn, ops, ready, Random, setBackend, tensor, type Tensor } from "../../src/index.js";
import { recurrentSequence } from "../../src/autograd/recurrent.js";
import { expectGradcheck } from "../gradcheck.js";

const BACKENDS = ["js", "wasm"] as const;
type Kind = "lstm" | "gru" | "rnn";

beforeEach(async () => {
  await ready();
  manualSeed(5);
});

function make(kind: Kind, inF: number, H: number, numLayers: number, batchFirst: boolean): nn.RecurrentBase {
  const o = { numLayers, batchFirst };
  return kind === "lstm" ? new nn.LSTM(inF, H, o) : kind === "gru" ? new nn.GRU(inF, H, o) : new nn.RNN(inF, H, o);
}

/** Outputs, final states and every gradient of Σ output·r₁ + Σ h·r₂ (+ Σ c·r₃) through one path. */
function run(kind: Kind, projected: boolean, numLayers: number, batchFirst: boolean): Float32Array[] {
  manualSeed(9);
  const [T, B, F, H] = [6, 3, 5, 4];
  const layer = make(kind, F, H, numLayers, batchFirst);
  const r = new Random(7);
  const data = (n: number): number[] => Array.from({ length: n }, () => r.uniform(-1, 1));
  const x = tensor(data(T * B * F), batchFirst ? [B, T, F] : [T, B, F], { requiresGrad: true });
  const h0 = tensor(data(numLayers * B * H), [numLayers, B, H], { requiresGrad: true });
  const c0 = kind === "lstm" ? tensor(data(numLayers * B * H), [numLayers, B, H], { requiresGrad: true }) : undefined;
  const o = projected ? layer.forwardProjected(layer.inputProjection(x), h0, c0) : layer.forwardWithState(x, h0, c0);
  const weigh = (t: Tensor): Tensor => ops.sum(ops.mul(t, tensor(data(t.size), t.shape)));
  let loss = ops.add(weigh(o.output), weigh(o.h));
  if (o.c) loss = ops.add(loss, weigh(o.c));
  loss.backward();
  const states = [h0, ...(c0 ? [c0] : [])];
  return [o.output.toArray(), o.h.toArray(), ...(o.c ? [o.c.toArray()] : []), x.grad!.toArray(), ...states.map((s) => s.grad!.toArray()), ...layer.parameters().map((p) => p.grad!.toArray())];
}

describe("forwardProjected", () => {
  it("equals forwardWithState, outputs and every gradient, for each cell, 1 and 2 layers, batchFirst or not", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      for (const kind of ["lstm", "gru", "rnn"] as const) {
        for (const [layers, batchFirst] of [[1, false], [2, true]] as const) {
          const want = run(kind, false, layers, batchFirst);
          const got = run(kind, true, layers, batchFirst);
          expect(got.length).toBe(want.length);
          // The two paths add the same terms in another order (bias folded into the GEMM, or added
          // after it): float32 rounding apart, values of order 1.
          got.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - want[i][j]), `${b} ${kind} ${layers} layers: array ${i}[${j}]`).toBeLessThan(2e-6)));
        }
      }
    }
  });

  it("passes gradcheck through the projected sequence op (input, states, W_hh, b_hh)", () => {
    for (const b of BACKENDS) {
      setBackend(b);
      expectGradcheck(
        (xw, h0, c0, wHh, bHh) => recurrentSequence("lstm", xw, h0, c0, { wIh: null, wHh, bIh: null, bHh }, false),
        [{ shape: [5, 2, 16] }, { shape: [2, 4] }, { shape: [2, 4] }, { shape: [16, 4] }, { shape: [16] }],
      );
      expectGradcheck(
        (xw, h0, wHh, bHh) => recurrentSequence("gru", xw, h0, null, { wIh: null, wHh, bIh: null, bHh }, true),
        [{ shape: [4, 2, 9] }, { shape: [2, 3] }, { shape: [9, 3] }, { shape: [9] }],
      );
    }
  });

  it("feeds on a projected vocabulary: inputProjection(table) gathered by id is the projection of each embedded id", () => {
    manualSeed(2);
    const embed = new nn.Embedding(6, 3);
    const lstm = new nn.LSTM(3, 2);
    const ids = tensor([[1, 4], [4, 0], [5, 1]]);
    const a = lstm.forwardProjected(ops.embedding(lstm.inputProjection(embed.weight), ids)).output.toArray();
    const b = lstm.forward(embed.forward(ids)).toArray();
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-6));
  });

  it("rejects a bidirectional layer and a projection of the wrong width, naming the layer and shapes", () => {
    const bi = new nn.LSTM(3, 4, { bidirectional: true });
    expect(() => bi.forwardProjected(tensor(new Float32Array(2 * 1 * 16), [2, 1, 16]))).toThrow(
      "LSTM(3→4, bidirectional): forwardProjected takes one direction's projection; a bidirectional layer needs forwardWithState",
    );
    const gru = new nn.GRU(3, 4, { batchFirst: true });
    expect(() => gru.forwardProjected(tensor(new Float32Array(2 * 5 * 3), [2, 5, 3]))).toThrow(
      "GRU(3→4, batchFirst): projected input has shape [2, 5, 3], expected [batch, T, 12]",
    );
    const p = new nn.LSTM(3, 4).parameters()[1];
    expect(() => recurrentSequence("lstm", tensor(new Float32Array(16), [1, 1, 16]), tensor([[0, 0, 0, 0]]), tensor([[0, 0, 0, 0]]), { wIh: null, wHh: p, bIh: tensor(new Float32Array(16)), bHh: null }, false)).toThrow(
      "lstm: a projected input already holds b_ih; got b_ih [16] as well",
    );
  });
});
