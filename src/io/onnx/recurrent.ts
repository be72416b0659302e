// ONNX mappings of RNN, LSTM and GRU: one ONNX RNN/LSTM/GRU node per layer, both directions in
// it. ONNX packs its gates in other orders than PyTorch, so the weight rows move:
//
//   LSTM  PyTorch i, f, g, o   →  ONNX i, o, f, c   (c is PyTorch's g, the candidate)
//   GRU   PyTorch r, z, n      →  ONNX z, r, h      with linear_before_reset = 1, PyTorch's form
//                                                   r ⊙ (W_hn·h + b_hn) inside the candidate
//
// W [directions, G·H, in], R [directions, G·H, H], B [directions, 2·G·H] (input then hidden
// biases). ONNX's Y is [T, directions, batch, H]; PyTorch's output is [T, batch, directions·H].
import { GRU } from "../../nn/gru.js";
import { LSTM } from "../../nn/lstm.js";
import { RNN, type RecurrentBase } from "../../nn/rnn.js";
import { registerOnnx, type OnnxContext } from "./export.js";
import type { Attr } from "./graph.js";

/** ONNX gate block j is PyTorch's block FROM[j]. */
const FROM = { lstm: [0, 3, 1, 2], gru: [1, 0, 2], rnn: [0] };

/** Rows of w ([G·H, cols]) with the gate blocks in ONNX's order. */
function reorder(w: Float32Array, from: number[], H: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  from.forEach((src, j) => out.set(w.subarray(src * H * cols, (src + 1) * H * cols), j * H * cols));
  return out;
}

function emitRecurrent(m: RecurrentBase, op: "LSTM" | "GRU" | "RNN", x: string, ctx: OnnxContext, extra: Record<string, Attr>): string {
  const g = ctx.graph;
  const from = FROM[op.toLowerCase() as keyof typeof FROM];
  const G = from.length;
  const H = m.hiddenSize;
  const D = m.bidirectional ? 2 : 1;
  const params = new Map(m.namedParameters());
  let input = m.batchFirst ? g.op("Transpose", [x], { perm: { ints: [1, 0, 2] } }) : x;
  for (let l = 0; l < m.numLayers; l++) {
    const inF = l === 0 ? m.inputSize : H * D;
    const W = new Float32Array(D * G * H * inF);
    const R = new Float32Array(D * G * H * H);
    const B = new Float32Array(D * 2 * G * H);
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? "_reverse" : ""}`;
      W.set(reorder(params.get(`weight_ih${sfx}`)!.toArray(), from, H, inF), d * G * H * inF);
      R.set(reorder(params.get(`weight_hh${sfx}`)!.toArray(), from, H, H), d * G * H * H);
      if (m.bias) {
        B.set(reorder(params.get(`bias_ih${sfx}`)!.toArray(), from, H, 1), d * 2 * G * H);
        B.set(reorder(params.get(`bias_hh${sfx}`)!.toArray(), from, H, 1), d * 2 * G * H + G * H);
      }
    }
    const w = g.weight(`${ctx.prefix}W_l${l}`, [D, G * H, inF], W);
    const r = g.weight(`${ctx.prefix}R_l${l}`, [D, G * H, H], R);
    const inputs = m.bias ? [input, w, r, g.weight(`${ctx.prefix}B_l${l}`, [D, 2 * G * H], B)] : [input, w, r];
    const [y] = g.node(op, inputs, { hidden_size: { i: H }, direction: { s: D === 2 ? "bidirectional" : "forward" }, ...extra }, 1, op.toLowerCase());
    // [T, D, B, H] → [T, B, D, H] → [T, B, D·H]
    const tbdh = g.op("Transpose", [y], { perm: { ints: [0, 2, 1, 3] } });
    input = g.op("Reshape", [tbdh, g.int64s(`${ctx.prefix}shape_l${l}`, [0, 0, D * H])]);
  }
  return m.batchFirst ? g.op("Transpose", [input], { perm: { ints: [1, 0, 2] } }) : input;
}

registerOnnx({ cls: LSTM, emit: (m, x, _s, ctx) => emitRecurrent(m, "LSTM", x, ctx, {}) });
registerOnnx({ cls: GRU, emit: (m, x, _s, ctx) => emitRecurrent(m, "GRU", x, ctx, { linear_before_reset: { i: 1 } }) });
registerOnnx({
  cls: RNN,
  emit: (m, x, _s, ctx) => {
    const act = m.nonlinearity === "relu" ? "Relu" : "Tanh";
    return emitRecurrent(m, "RNN", x, ctx, { activations: { strings: m.bidirectional ? [act, act] : [act] } });
  },
});
