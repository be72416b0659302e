// config.json entries of the built-in layers (src/nn/). One registerLayer call per type; a new
// layer adds its own entry here (or next to itself) and is then saved and loaded like the others.
import type { Pair } from "../autograd/conv.js";
import { GELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from "../nn/activation.js";
import { BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions } from "../nn/batchnorm.js";
import { Conv2d } from "../nn/conv.js";
import { ConvTranspose2d } from "../nn/conv-transpose.js";
import { Dropout } from "../nn/dropout.js";
import { Dropout2d } from "../nn/dropout2d.js";
import { Embedding } from "../nn/embedding.js";
import { Flatten, Unflatten } from "../nn/flatten.js";
import { GRU, GRUCell } from "../nn/gru.js";
import { Linear } from "../nn/linear.js";
import { LSTM, LSTMCell } from "../nn/lstm.js";
import { MixtureOfExperts } from "../nn/moe.js";
import type { Module } from "../nn/module.js";
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from "../nn/pool.js";
import { RBF, type BasisName } from "../nn/rbf.js";
import { RNN, RNNCell, type RecurrentBase } from "../nn/rnn.js";
import { Sequential } from "../nn/sequential.js";
import { DigitCapsules, PrimaryCapsules } from "../nn/capsule.js";
import { ConfigReader, registerLayer, type Json } from "./config.js";

/** A layer with no hyperparameters. */
function plain<M extends Module>(type: string, cls: new () => M): void {
  registerLayer({ type, cls, toConfig: () => ({}), fromConfig: () => new cls() });
}

const hasParam = (m: Module, name: string): boolean => m.namedParameters().some(([k]) => k === name);
const pairJson = (p: Pair): Json => (typeof p === "number" ? p : [p[0], p[1]]);
/** Fields whose value is undefined are left out, so the layer's default applies on loading. */
const defined = (o: Record<string, Json | undefined>): Record<string, Json> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, Json>;

plain("ReLU", ReLU);
plain("Sigmoid", Sigmoid);
plain("Tanh", Tanh);
registerLayer({
  type: "GELU", cls: GELU,
  // Absent: the exact form, the default (files written before the option read as exact too).
  toConfig: (m) => defined({ approximate: m.approximate === "tanh" ? "tanh" : undefined }),
  fromConfig: (c) => new GELU({ approximate: c.choice("approximate", ["none", "tanh"] as const, "none") }),
});
registerLayer({
  type: "LeakyReLU", cls: LeakyReLU,
  toConfig: (m) => ({ negativeSlope: m.negativeSlope }),
  fromConfig: (c) => new LeakyReLU(c.number("negativeSlope")),
});
registerLayer({ type: "Softmax", cls: Softmax, toConfig: (m) => ({ dim: m.dim }), fromConfig: (c) => new Softmax(c.int("dim", -64)) });
registerLayer({ type: "Dropout", cls: Dropout, toConfig: (m) => ({ p: m.p }), fromConfig: (c) => new Dropout(c.number("p")) });
registerLayer({ type: "Dropout2d", cls: Dropout2d, toConfig: (m) => ({ p: m.p }), fromConfig: (c) => new Dropout2d(c.number("p")) });
registerLayer({
  type: "Flatten", cls: Flatten,
  toConfig: (m) => ({ startDim: m.startDim, endDim: m.endDim }),
  fromConfig: (c) => new Flatten(c.int("startDim", -64), c.int("endDim", -64)),
});
registerLayer({ type: "Unflatten", cls: Unflatten, toConfig: (m) => ({ shape: [...m.shape] }), fromConfig: (c) => new Unflatten(c.ints("shape")) });

registerLayer({
  type: "Sequential", cls: Sequential,
  toConfig: (m, child) => ({ layers: m.layers.map((l, i) => child(l, `layers[${i}]`)) }),
  fromConfig: (c, child) => new Sequential(...c.list("layers", "layer configs").map((l, i) => child(l, `layers[${i}]`))),
});

registerLayer({
  type: "Linear", cls: Linear,
  toConfig: (m) => ({ inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.bias !== null }),
  fromConfig: (c) => new Linear(c.int("inFeatures"), c.int("outFeatures"), { bias: c.bool("bias", true) }),
});
registerLayer({
  type: "Embedding", cls: Embedding,
  toConfig: (m) => ({ numEmbeddings: m.numEmbeddings, embeddingDim: m.embeddingDim }),
  fromConfig: (c) => new Embedding(c.int("numEmbeddings"), c.int("embeddingDim")),
});

function convPadding(c: ConfigReader): Pair | "same" | "valid" | undefined {
  const v = c.has("padding") ? c.value("padding") : undefined;
  return v === "same" || v === "valid" ? v : c.optPair("padding", 0);
}
registerLayer({
  type: "Conv2d", cls: Conv2d,
  toConfig: (m) => {
    const { stride, padding, dilation } = m.options;
    return defined({ inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: pairJson(m.kernelSize), stride: stride && pairJson(stride), padding: typeof padding === "string" ? padding : padding && pairJson(padding), dilation: dilation && pairJson(dilation), bias: m.bias !== null });
  },
  fromConfig: (c) => new Conv2d(c.int("inChannels"), c.int("outChannels"), c.pair("kernelSize", 1), { stride: c.optPair("stride", 1), padding: convPadding(c), dilation: c.optPair("dilation", 1), bias: c.bool("bias", true) }),
});
registerLayer({
  type: "ConvTranspose2d", cls: ConvTranspose2d,
  toConfig: (m) => {
    const { stride, padding, outputPadding, dilation } = m.options;
    return defined({ inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: pairJson(m.kernelSize), stride: stride && pairJson(stride), padding: padding && pairJson(padding), outputPadding: outputPadding && pairJson(outputPadding), dilation: dilation && pairJson(dilation), bias: m.bias !== null });
  },
  fromConfig: (c) => new ConvTranspose2d(c.int("inChannels"), c.int("outChannels"), c.pair("kernelSize", 1), { stride: c.optPair("stride", 1), padding: c.optPair("padding", 0), outputPadding: c.optPair("outputPadding", 0), dilation: c.optPair("dilation", 1), bias: c.bool("bias", true) }),
});
registerLayer({
  type: "MaxPool2d", cls: MaxPool2d,
  toConfig: (m) => defined({ kernelSize: pairJson(m.kernelSize), stride: m.options.stride && pairJson(m.options.stride), padding: m.options.padding && pairJson(m.options.padding) }),
  fromConfig: (c) => new MaxPool2d(c.pair("kernelSize", 1), { stride: c.optPair("stride", 1), padding: c.optPair("padding", 0) }),
});
registerLayer({
  type: "AvgPool2d", cls: AvgPool2d,
  toConfig: (m) => defined({ kernelSize: pairJson(m.kernelSize), stride: m.options.stride && pairJson(m.options.stride), padding: m.options.padding && pairJson(m.options.padding), countIncludePad: m.options.countIncludePad ?? true }),
  fromConfig: (c) => new AvgPool2d(c.pair("kernelSize", 1), { stride: c.optPair("stride", 1), padding: c.optPair("padding", 0), countIncludePad: c.bool("countIncludePad", true) }),
});
registerLayer({
  type: "AdaptiveAvgPool2d", cls: AdaptiveAvgPool2d,
  toConfig: (m) => ({ outputSize: pairJson(m.outputSize) }),
  fromConfig: (c) => new AdaptiveAvgPool2d(c.pair("outputSize", 1)),
});

function batchNorm(type: string, cls: typeof BatchNorm1d | typeof BatchNorm2d): void {
  registerLayer<BatchNorm1d | BatchNorm2d>({
    type, cls,
    toConfig: (m) => ({ numFeatures: m.numFeatures, eps: m.eps, momentum: m.momentum, affine: m.weight !== null, trackRunningStats: m.runningMean !== null }),
    fromConfig: (c) => {
      const momentum = c.value("momentum") === null ? null : c.optNumber("momentum", 0.1);
      return new cls(c.int("numFeatures"), { eps: c.optNumber("eps", 1e-5), momentum, affine: c.bool("affine", true), trackRunningStats: c.bool("trackRunningStats", true) });
    },
  });
}
batchNorm("BatchNorm1d", BatchNorm1d);
batchNorm("BatchNorm2d", BatchNorm2d);

// Recurrent layers: PyTorch's hyperparameters, PyTorch's weight names (weight_ih_l0, ...).
function recurrentFields(m: RecurrentBase): Record<string, Json> {
  return { inputSize: m.inputSize, hiddenSize: m.hiddenSize, numLayers: m.numLayers, bias: m.bias, batchFirst: m.batchFirst, bidirectional: m.bidirectional };
}
function recurrentOptions(c: ConfigReader) {
  return { numLayers: c.int("numLayers"), bias: c.bool("bias", true), batchFirst: c.bool("batchFirst", false), bidirectional: c.bool("bidirectional", false) };
}
registerLayer({
  type: "RNN", cls: RNN,
  toConfig: (m) => ({ ...recurrentFields(m), nonlinearity: m.nonlinearity }),
  fromConfig: (c) => new RNN(c.int("inputSize"), c.int("hiddenSize"), { ...recurrentOptions(c), nonlinearity: c.choice("nonlinearity", ["tanh", "relu"] as const, "tanh") }),
});
registerLayer({ type: "LSTM", cls: LSTM, toConfig: recurrentFields, fromConfig: (c) => new LSTM(c.int("inputSize"), c.int("hiddenSize"), recurrentOptions(c)) });
registerLayer({ type: "GRU", cls: GRU, toConfig: recurrentFields, fromConfig: (c) => new GRU(c.int("inputSize"), c.int("hiddenSize"), recurrentOptions(c)) });
registerLayer({
  type: "RNNCell", cls: RNNCell,
  toConfig: (m) => ({ inputSize: m.inputSize, hiddenSize: m.hiddenSize, bias: hasParam(m, "bias_ih"), nonlinearity: m.nonlinearity }),
  fromConfig: (c) => new RNNCell(c.int("inputSize"), c.int("hiddenSize"), { bias: c.bool("bias", true), nonlinearity: c.choice("nonlinearity", ["tanh", "relu"] as const, "tanh") }),
});
for (const [type, cls] of [["LSTMCell", LSTMCell], ["GRUCell", GRUCell]] as const) {
  registerLayer({
    type, cls,
    toConfig: (m) => ({ inputSize: m.inputSize, hiddenSize: m.hiddenSize, bias: hasParam(m, "bias_ih") }),
    fromConfig: (c) => new cls(c.int("inputSize"), c.int("hiddenSize"), { bias: c.bool("bias", true) }),
  });
}

registerLayer({
  type: "RBF", cls: RBF,
  toConfig: (m) => ({ inFeatures: m.inFeatures, numCenters: m.numCenters, basis: m.basis, learnableCenters: hasParam(m, "centers"), learnableWidths: hasParam(m, "widths") }),
  fromConfig: (c) => new RBF(c.int("inFeatures"), c.int("numCenters"), {
    basis: c.choice<BasisName>("basis", ["gaussian", "multiquadric", "inverseMultiquadric"], "gaussian"),
    learnableCenters: c.bool("learnableCenters", true),
    learnableWidths: c.bool("learnableWidths", true),
  }),
});
registerLayer({
  type: "MixtureOfExperts", cls: MixtureOfExperts,
  toConfig: (m, child) => ({ experts: m.experts.map((e, i) => child(e, `experts[${i}]`)), gate: child(m.gate, "gate"), topK: m.topK }),
  fromConfig: (c, child) => {
    const experts = c.list("experts", "expert configs").map((e, i) => child(e, `experts[${i}]`));
    return new MixtureOfExperts(experts, child(c.value("gate"), "gate"), { topK: c.int("topK") });
  },
});

// Capsule layers. PrimaryCapsules is described by its convolution's sizes; DigitCapsules by its
// capsule counts and routing. DigitCapsules' initStd only chose the initial weights, which the
// weights file replaces, so it is not part of the architecture.
registerLayer({
  type: "PrimaryCapsules", cls: PrimaryCapsules,
  toConfig: (m) => {
    const { stride, padding } = m.conv.options;
    return defined({ inChannels: m.inChannels, capsuleChannels: m.capsuleChannels, capsuleDim: m.capsuleDim, kernelSize: pairJson(m.conv.kernelSize), stride: stride && pairJson(stride), padding: typeof padding === "string" ? padding : padding && pairJson(padding) });
  },
  fromConfig: (c) => new PrimaryCapsules(c.int("inChannels"), c.int("capsuleChannels"), c.int("capsuleDim"), c.pair("kernelSize", 1), { stride: c.optPair("stride", 1), padding: convPadding(c) }),
});
registerLayer({
  type: "DigitCapsules", cls: DigitCapsules,
  toConfig: (m) => ({ inCapsules: m.inCapsules, inDim: m.inDim, outCapsules: m.outCapsules, outDim: m.outDim, routingIterations: m.routingIterations, routingGradient: m.routingGradient }),
  fromConfig: (c) => new DigitCapsules(c.int("inCapsules"), c.int("inDim"), c.int("outCapsules"), c.int("outDim"), {
    routingIterations: c.int("routingIterations"),
    routingGradient: c.choice("routingGradient", ["all", "last"] as const, "all"),
  }),
});
