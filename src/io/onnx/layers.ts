// ONNX mappings of the feed-forward layers and containers: one registerOnnx call per type.
import { convParams, pair } from "../../autograd/conv.js";
import { Autoencoder, GaussianNoise } from "../../models/autoencoder.js";
import { GAN } from "../../models/gan.js";
import { GELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from "../../nn/activation.js";
import { BatchNorm1d, BatchNorm2d } from "../../nn/batchnorm.js";
import { Conv2d } from "../../nn/conv.js";
import { ConvTranspose2d } from "../../nn/conv-transpose.js";
import { Dropout } from "../../nn/dropout.js";
import { Dropout2d } from "../../nn/dropout2d.js";
import { Flatten, Unflatten } from "../../nn/flatten.js";
import { Linear } from "../../nn/linear.js";
import type { AnyModule, Module } from "../../nn/module.js";
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from "../../nn/pool.js";
import { Sequential } from "../../nn/sequential.js";
import { noGrad } from "../../autograd/engine.js";
import { scope } from "../../memory/scope.js";
import { zeros } from "../../tensor/creation.js";
import { registerOnnx, type OnnxContext } from "./export.js";
import type { OnnxGraph } from "./graph.js";

/** A parameter's (or buffer's) values as an initializer named by its stateDict key. */
export function weightOf(ctx: OnnxContext, m: AnyModule, key: string): string {
  const t = m.namedParameters().concat(m.namedBuffers()).find(([k]) => k === key)![1];
  return ctx.graph.weight(ctx.prefix + key, t.shape, t.toArray());
}

/** A same-op, no-attribute mapping. */
function unary<M extends Module>(cls: abstract new (...a: never[]) => M, op: string): void {
  registerOnnx<M>({ cls, emit: (_m, x, _s, ctx) => ctx.graph.op(op, [x]) });
}

unary(ReLU, "Relu");
unary(Sigmoid, "Sigmoid");
unary(Tanh, "Tanh");
// Dropout is the identity in eval mode, and so is the denoising noise.
for (const cls of [Dropout, Dropout2d, GaussianNoise]) unary(cls as abstract new (...a: never[]) => Module, "Identity");
registerOnnx({ cls: LeakyReLU, emit: (m, x, _s, ctx) => ctx.graph.op("LeakyRelu", [x], { alpha: { f: m.negativeSlope } }) });
registerOnnx({ cls: Softmax, emit: (m, x, shape, ctx) => ctx.graph.op("Softmax", [x], { axis: { i: m.dim < 0 ? m.dim + shape.length : m.dim } }) });

// GELU: opset 20's Gelu op with its approximate attribute; before that, the formula itself, the
// exact 0.5·x·(1 + erf(x/√2)) (the default, as PyTorch's nn.GELU()) or the tanh form
// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
/** GELU of value x as ONNX nodes: nn.GELU, and the transformer layers' feed-forward activation. */
export function emitGelu(g: OnnxGraph, x: string, approximate: "none" | "tanh"): string {
  if (g.opset >= 20) return g.op("Gelu", [x], { approximate: { s: approximate } });
  const c = (name: string, v: number) => g.weight(`gelu_${name}`, [], [v]);
  let inner: string;
  if (approximate === "tanh") {
    const cube = g.op("Mul", [g.op("Mul", [x, x]), x]);
    inner = g.op("Tanh", [g.op("Mul", [g.op("Add", [x, g.op("Mul", [cube, c("k", 0.044715)])]), c("s", Math.sqrt(2 / Math.PI))])]);
  } else {
    inner = g.op("Erf", [g.op("Mul", [x, c("rsqrt2", Math.SQRT1_2)])]);
  }
  return g.op("Mul", [g.op("Mul", [x, g.op("Add", [inner, c("one", 1)])]), c("half", 0.5)]);
}
registerOnnx({ cls: GELU, emit: (m, x, _s, ctx) => emitGelu(ctx.graph, x, m.approximate) });

registerOnnx({
  cls: Linear,
  emit: (m, x, shape, ctx) => {
    const g = ctx.graph;
    const w = weightOf(ctx, m, "weight");
    if (shape.length === 2) return g.op("Gemm", m.bias ? [x, w, weightOf(ctx, m, "bias")] : [x, w], { transB: { i: 1 } });
    // Other ranks: x·Wᵀ over the last axis (MatMul broadcasts the leading axes), then the bias.
    const wt = g.op("Transpose", [w], { perm: { ints: [1, 0] } });
    const y = g.op("MatMul", [x, wt]);
    return m.bias ? g.op("Add", [y, weightOf(ctx, m, "bias")]) : y;
  },
});

registerOnnx({
  cls: Conv2d,
  emit: (m, x, _s, ctx) => {
    const [kh, kw] = m.kernelSize;
    const { stride, dilation, padBefore, padAfter } = convParams(m.describe(), kh, kw, m.options);
    const inputs = [x, weightOf(ctx, m, "weight"), ...(m.bias ? [weightOf(ctx, m, "bias")] : [])];
    return ctx.graph.op("Conv", inputs, { kernel_shape: { ints: [kh, kw] }, strides: { ints: stride }, dilations: { ints: dilation }, pads: { ints: [...padBefore, ...padAfter] } });
  },
});

registerOnnx({
  cls: ConvTranspose2d,
  emit: (m, x, _s, ctx) => {
    const who = m.describe();
    const o = m.options;
    const pad = pair(who, "padding", o.padding ?? 0, 0);
    const inputs = [x, weightOf(ctx, m, "weight"), ...(m.bias ? [weightOf(ctx, m, "bias")] : [])];
    return ctx.graph.op("ConvTranspose", inputs, {
      kernel_shape: { ints: [...m.kernelSize] },
      strides: { ints: pair(who, "stride", o.stride ?? 1, 1) },
      dilations: { ints: pair(who, "dilation", o.dilation ?? 1, 1) },
      pads: { ints: [...pad, ...pad] },
      output_padding: { ints: pair(who, "outputPadding", o.outputPadding ?? 0, 0) },
    });
  },
});

function poolAttrs(who: string, kernelSize: Parameters<typeof pair>[2], o: { stride?: Parameters<typeof pair>[2]; padding?: Parameters<typeof pair>[2] }) {
  const k = pair(who, "kernelSize", kernelSize, 1);
  const p = pair(who, "padding", o.padding ?? 0, 0);
  return { kernel_shape: { ints: k }, strides: { ints: pair(who, "stride", o.stride ?? k, 1) }, pads: { ints: [...p, ...p] } };
}
registerOnnx({ cls: MaxPool2d, emit: (m, x, _s, ctx) => ctx.graph.op("MaxPool", [x], poolAttrs(m.describe(), m.kernelSize, m.options)) });
registerOnnx({
  cls: AvgPool2d,
  emit: (m, x, _s, ctx) => ctx.graph.op("AveragePool", [x], { ...poolAttrs(m.describe(), m.kernelSize, m.options), count_include_pad: { i: m.options.countIncludePad === false ? 0 : 1 } }),
});
registerOnnx({
  cls: AdaptiveAvgPool2d,
  emit: (m, x, shape, ctx) => {
    const [oh, ow] = m.outputSize;
    if (oh === 1 && ow === 1) return ctx.graph.op("GlobalAveragePool", [x]);
    // The layer only takes sizes that divide evenly: non-overlapping windows of in/out.
    const k = [shape[2] / oh, shape[3] / ow];
    return ctx.graph.op("AveragePool", [x], { kernel_shape: { ints: k }, strides: { ints: k } });
  },
});

for (const cls of [BatchNorm1d, BatchNorm2d]) {
  registerOnnx<BatchNorm1d | BatchNorm2d>({
    cls,
    emit: (m, x, _s, ctx) => {
      if (m.runningMean === null) throw new Error(`exportOnnx: ${m.describe()} keeps no running statistics (trackRunningStats false), so it has no inference form to export`);
      const n = m.numFeatures;
      const scale = m.weight ? weightOf(ctx, m, "weight") : ctx.graph.weight(`${ctx.prefix}weight`, [n], new Float32Array(n).fill(1));
      const bias = m.bias ? weightOf(ctx, m, "bias") : ctx.graph.weight(`${ctx.prefix}bias`, [n], new Float32Array(n));
      return ctx.graph.op("BatchNormalization", [x, scale, bias, weightOf(ctx, m, "running_mean"), weightOf(ctx, m, "running_var")], { epsilon: { f: m.eps } });
    },
  });
}

/** Reshape to the module's own output shape, the batch axis copied (0) so other batch sizes run. */
function reshapeTo(m: Module, x: string, shape: readonly number[], ctx: OnnxContext): string {
  const out = scope(() => noGrad(() => [...m.forward(zeros(shape)).shape]));
  return ctx.graph.op("Reshape", [x, ctx.graph.int64s(`${ctx.prefix}shape`, [0, ...out.slice(1)])]);
}
registerOnnx({
  cls: Flatten,
  emit: (m, x, shape, ctx) => (m.startDim === 1 && (m.endDim === -1 || m.endDim === shape.length - 1) ? ctx.graph.op("Flatten", [x], { axis: { i: 1 } }) : reshapeTo(m, x, shape, ctx)),
});
registerOnnx({ cls: Unflatten, emit: (m, x, shape, ctx) => reshapeTo(m, x, shape, ctx) });

registerOnnx({
  cls: Sequential,
  emit: (m, x, shape, ctx) => {
    let v = { name: x, shape: [...shape] };
    m.layers.forEach((l, i) => (v = ctx.child(l, String(i), v.name, v.shape)));
    return v.name;
  },
});
registerOnnx({
  cls: Autoencoder,
  emit: (m, x, shape, ctx) => {
    const code = ctx.child(m.encoder, "encoder", ctx.child(m.noise, "noise", x, shape).name, shape);
    return ctx.child(m.decoder, "decoder", code.name, code.shape).name;
  },
});
// The GAN's forward is its generator: noise [batch, latent] → samples [batch, features].
registerOnnx({ cls: GAN, emit: (m, x, shape, ctx) => ctx.child(m.generator, "generator", x, shape).name });
