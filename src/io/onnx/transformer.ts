// ONNX mappings of the transformer layers and GPT. Attention is written out as the ops of its
// formula, softmax(Q·Kᵀ·scale + M)·V per head, since ONNX has no multi-head attention operator
// before opset 23:
//
//   x [B, T, E] ─MatMul W_inᵀ, Add b─▶ [B, T, 3E] ─Reshape─▶ [B, T, 3, H, D] ─Transpose─▶ [3, B, H, T, D]
//   q, k, v = Gather 0, 1, 2            scores = MatMul(q, kᵀ)·scale (+ causal mask)   [B, H, T, T]
//   Softmax over keys, MatMul v ─▶ [B, H, T, D] ─Transpose, Reshape─▶ [B, T, E] ─out_proj─▶ y
//
// Lengths are read from the input's shape at run time (Shape, Gather), so the sequence axis can
// be symbolic: the causal mask (0 where key ≤ query, −∞ after) is built with Range and Greater,
// and the position tables are initializers sliced to the length.
import { GPT } from "../../models/gpt.js";
import { SequenceTransformer } from "../../models/sequence.js";
import { noGrad } from "../../autograd/engine.js";
import { scope } from "../../memory/scope.js";
import { MultiheadAttention } from "../../nn/attention.js";
import { Embedding } from "../../nn/embedding.js";
import { LayerNorm } from "../../nn/layernorm.js";
import { LearnedPositionalEncoding, SinusoidalPositionalEncoding } from "../../nn/positional.js";
import { TransformerEncoder, TransformerEncoderLayer } from "../../nn/transformer.js";
import { zeros } from "../../tensor/creation.js";
import { registerOnnx, type OnnxContext } from "./export.js";
import type { OnnxGraph } from "./graph.js";
import { emitGelu, weightOf } from "./layers.js";

const transpose = (g: OnnxGraph, x: string, perm: number[]): string => g.op("Transpose", [x], { perm: { ints: perm } });

/** Axis `axis` of x's run-time shape: an int64 scalar (for Range) or a one-element list (for Slice). */
function length(g: OnnxGraph, x: string, axis: number, scalar: boolean): string {
  return g.op("Gather", [g.op("Shape", [x]), g.int64s("axis", [axis], scalar ? [] : [1])], { axis: { i: 0 } });
}

/** 0, 1, …, T − 1 (int64) for T = the length of x's axis `axis`. */
function positions(g: OnnxGraph, x: string, axis: number): string {
  return g.op("Range", [g.int64s("zero", [0], []), length(g, x, axis, true), g.int64s("one", [1], [])]);
}

/** The additive causal mask [T, T] for x [B, T, E]: 0 where key j ≤ query i, −∞ where j > i. */
function causalMask(g: OnnxGraph, x: string): string {
  const p = positions(g, x, 1);
  const future = g.op("Greater", [g.op("Unsqueeze", [p, g.int64s("axes", [0])]), g.op("Unsqueeze", [p, g.int64s("axes", [1])])]);
  return g.op("Where", [future, g.weight("minus_inf", [], [-Infinity]), g.weight("zero_f", [], [0])]);
}

// MultiheadAttention as self-attention, forward(x, x, x) with need_weights false: the packed
// in_proj_weight [3E, E] does the three projections in one MatMul.
registerOnnx({
  cls: MultiheadAttention,
  emit: (m, x, shape, ctx) => {
    const g = ctx.graph;
    const E = m.embedDim;
    const xb = m.batchFirst ? x : transpose(g, x, [1, 0, 2]);
    const B = m.batchFirst ? shape[0] : shape[1];
    const T = m.batchFirst ? shape[1] : shape[0];
    const proj = g.op("MatMul", [xb, transpose(g, weightOf(ctx, m, "in_proj_weight"), [1, 0])]);
    const qkv = m.inProjBias ? g.op("Add", [proj, weightOf(ctx, m, "in_proj_bias")]) : proj;
    const heads = transpose(g, g.op("Reshape", [qkv, g.int64s(`${ctx.prefix}qkv_shape`, [0, 0, 3, m.numHeads, m.headDim])]), [2, 0, 3, 1, 4]);
    const [q, k, v] = [0, 1, 2].map((i) => g.op("Gather", [heads, g.int64s("index", [i], [])], { axis: { i: 0 } }));
    let scores = g.op("Mul", [g.op("MatMul", [q, transpose(g, k, [0, 1, 3, 2])]), g.weight(`${ctx.prefix}scale`, [], [1 / Math.sqrt(m.headDim)])]);
    if (ctx.causal) scores = g.op("Add", [scores, causalMask(g, xb)]);
    const out = g.op("MatMul", [g.op("Softmax", [scores], { axis: { i: 3 } }), v]);
    const merged = g.op("Reshape", [transpose(g, out, [0, 2, 1, 3]), g.int64s(`${ctx.prefix}merged_shape`, [0, 0, E])]);
    const y = ctx.child(m.outProj, "out_proj", merged, [B, T, E]).name;
    return m.batchFirst ? y : transpose(g, y, [1, 0, 2]);
  },
  // forward takes query, key and value: run it as self-attention.
  outputShape: (m, shape) => scope(() => noGrad(() => {
    if (m.inProjWeight === null) throw new Error(`exportOnnx: ${m.describe()} is exported as self-attention only, which needs kdim = vdim = embedDim`);
    const x = zeros(shape);
    return [...m.forward(x, x, x, { needWeights: false })[0].shape];
  })),
});

// LayerNorm: opset 17's LayerNormalization; before it, the formula over the trailing axes
// (x − mean)/√(var + eps)·γ + β with the biased variance.
registerOnnx({
  cls: LayerNorm,
  emit: (m, x, shape, ctx) => {
    const g = ctx.graph;
    const k = m.normalizedShape.length;
    const n = m.normalizedShape.reduce((a, d) => a * d, 1);
    if (g.opset >= 17) {
      const scale = m.weight ? weightOf(ctx, m, "weight") : g.weight(`${ctx.prefix}weight`, m.normalizedShape, new Float32Array(n).fill(1));
      const inputs = m.bias ? [x, scale, weightOf(ctx, m, "bias")] : [x, scale];
      return g.op("LayerNormalization", inputs, { axis: { i: shape.length - k }, epsilon: { f: m.eps } });
    }
    const axes = { axes: { ints: Array.from({ length: k }, (_, i) => shape.length - k + i) }, keepdims: { i: 1 } };
    const d = g.op("Sub", [x, g.op("ReduceMean", [x], axes)]);
    const variance = g.op("ReduceMean", [g.op("Mul", [d, d])], axes);
    let y = g.op("Div", [d, g.op("Sqrt", [g.op("Add", [variance, g.weight(`${ctx.prefix}eps`, [], [m.eps])])])]);
    if (m.weight) y = g.op("Mul", [y, weightOf(ctx, m, "weight")]);
    return m.bias ? g.op("Add", [y, weightOf(ctx, m, "bias")]) : y;
  },
});

registerOnnx({ cls: Embedding, emit: (m, x, _s, ctx) => ctx.graph.op("Gather", [weightOf(ctx, m, "weight"), ctx.ids(x)], { axis: { i: 0 } }) });

/** x + rows [0, T) of a position table [maxLen, E] (from positions 0, as forward(x) adds). */
function addPositions(g: OnnxGraph, x: string, rows: string, batchFirst: boolean): string {
  return g.op("Add", [x, batchFirst ? rows : g.op("Unsqueeze", [rows, g.int64s("axes", [1])])]);
}
registerOnnx({
  cls: SinusoidalPositionalEncoding,
  emit: (m, x, _s, ctx) => {
    const g = ctx.graph;
    const T = length(g, x, m.batchFirst ? 1 : 0, false);
    return addPositions(g, x, g.op("Slice", [weightOf(ctx, m, "pe"), g.int64s("zero", [0]), T, g.int64s("axes", [0])]), m.batchFirst);
  },
});
registerOnnx({
  cls: LearnedPositionalEncoding,
  emit: (m, x, _s, ctx) => {
    const g = ctx.graph;
    const rows = g.op("Gather", [weightOf(ctx, m, "embedding.weight"), positions(g, x, m.batchFirst ? 1 : 0)], { axis: { i: 0 } });
    return addPositions(g, x, rows, m.batchFirst);
  },
});

/** x + drop(f(norm(x))) pre-norm, norm(x + drop(f(x))) post-norm; dropout is the identity. */
function residual(m: TransformerEncoderLayer, ctx: OnnxContext, x: string, shape: readonly number[], norm: "norm1" | "norm2", f: (h: string) => string): string {
  const n = (h: string) => ctx.child(m[norm], norm, h, shape).name;
  return m.config.normFirst ? ctx.graph.op("Add", [x, f(n(x))]) : n(ctx.graph.op("Add", [x, f(x)]));
}
registerOnnx({
  cls: TransformerEncoderLayer,
  emit: (m, x, shape, ctx) => {
    const sa = (h: string) => ctx.child(m.selfAttn, "self_attn", h, shape).name;
    const ff = (h: string) => {
      const a = ctx.child(m.linear1, "linear1", h, shape);
      const act = m.config.activation === "gelu" ? emitGelu(ctx.graph, a.name, "none") : ctx.graph.op("Relu", [a.name]);
      return ctx.child(m.linear2, "linear2", act, a.shape).name;
    };
    return residual(m, ctx, residual(m, ctx, x, shape, "norm1", sa), shape, "norm2", ff);
  },
});
registerOnnx({
  cls: TransformerEncoder,
  emit: (m, x, shape, ctx) => {
    let h = x;
    m.layers.forEach((l, i) => (h = ctx.child(l, `layers.${i}`, h, shape).name));
    return m.norm ? ctx.child(m.norm, "norm", h, shape).name : h;
  },
});

// GPT: ids [B, T] → Gather from wte, + wpe, the causal blocks, the final norm, then the logits
// h·W_teᵀ (tied: the same initializer as the lookup) or lm_head.
registerOnnx({
  cls: GPT,
  emit: (m, x, shape, ctx) => {
    const g = ctx.graph;
    const table = weightOf(ctx, m, "wte.weight");
    const hs = [...shape, m.config.dim];
    const tok = g.op("Gather", [table, ctx.ids(x)], { axis: { i: 0 } });
    const h = ctx.child(m.encoder, "encoder", ctx.child(m.wpe, "wpe", tok, hs).name, hs, true).name;
    return m.lmHead ? ctx.child(m.lmHead, "lm_head", h, hs).name : g.op("MatMul", [h, transpose(g, table, [1, 0])]);
  },
});

// The model of `train sequence`: ids [B, length] → embed, + learned positions, the encoder (no
// mask: every position sees the whole input), then the logits of each position's symbol.
registerOnnx({
  cls: SequenceTransformer,
  emit: (m, x, shape, ctx) => {
    const hs = [...shape, m.config.dim];
    const tok = ctx.child(m.embed, "embed", x, shape).name;
    const h = ctx.child(m.encoder, "encoder", ctx.child(m.pos, "pos", tok, hs).name, hs).name;
    return ctx.child(m.out, "out", h, hs).name;
  },
});
