// The catalogue of bad input, part two: every layer family, the model factories and GPT, fit,
// evaluate and predict, data sets, splitAt and loadMnist, earlyStopping, summary and the heap.
// Every row is a call that must throw a wasmnn Error (never a TypeError or RangeError) whose
// message names the layer or op, what it got and what it expected; a row that calls a module or
// trains one also checks that its weights, buffers and optimizer state are bit-for-bit unchanged.
// The tables run on both backends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backend, dataset, earlyStopping, getBackend, evaluate, fit, full, liveTensors, loadMnist, models, nn, ones, optim, predict, randn, ready, setBackend,
  splitAt, tensor, zeros, type Tensor,
} from "../../src/index.js";
import { expectCase, expectModuleCase, expectRejection, snapshot, trained, type Case, type ModuleCase } from "./helpers.js";

// Rows per table, counted once (not once per backend) and printed at the end.
const rows = new Map<string, number>();
function table<T>(name: string, cases: T[]): T[] {
  rows.set(name, cases.length);
  return cases;
}

// Each row names the module type its call takes; the table holds rows of many types.
type Row = ModuleCase<any>;

const other = (be: string) => (be === "js" ? "wasm" : "js");
const disposed = (shape: number[]): Tensor => {
  const t = zeros(shape);
  t.dispose();
  return t;
};

// ---------------------------------------------------------------------------------------------
// Layer constructors: nothing is built, so there is no state to compare.
const constructors = table<Case>("layer constructors", [
  { name: "Linear(0, 2)", run: () => new nn.Linear(0, 2), message: /^Linear: inFeatures must be a positive integer, got 0$/ },
  { name: "Linear(3, 2.5)", run: () => new nn.Linear(3, 2.5), message: /^Linear: outFeatures must be a positive integer, got 2\.5$/ },
  { name: "Linear(\"3\", 2)", run: () => new nn.Linear("3" as never, 2), message: /^Linear: inFeatures must be a positive integer, got 3$/ },
  { name: "Conv2d(1, 0, 3)", run: () => new nn.Conv2d(1, 0, 3), message: /^Conv2d: outChannels must be a positive integer, got 0$/ },
  { name: "Conv2d kernel 0", run: () => new nn.Conv2d(1, 2, 0), message: /^Conv2d\(1→2\): kernelSize must be positive integers, got 0$/ },
  { name: "Conv2d stride 0", run: () => new nn.Conv2d(1, 2, 3, { stride: 0 }), message: /^Conv2d\(1→2, 3×3, stride 0\): stride must be positive integers, got 0$/ },
  { name: "Conv2d padding -1", run: () => new nn.Conv2d(1, 2, 3, { padding: -1 }), message: /^Conv2d\(1→2, 3×3, padding -1\): padding must be non-negative integers, got -1$/ },
  { name: "Conv2d padding \"full\"", run: () => new nn.Conv2d(1, 2, 3, { padding: "full" as never }), message: /^Conv2d\(1→2, 3×3, padding full\): padding must be a number or \[height, width\], got full$/ },
  { name: "Conv2d padding \"same\" with stride 2", run: () => new nn.Conv2d(1, 2, 3, { padding: "same", stride: 2 }), message: /^Conv2d\(1→2, 3×3, stride 2, padding same\): padding "same" needs stride 1, got stride \[2, 2\]$/ },
  { name: "Conv2d dilation 0", run: () => new nn.Conv2d(1, 2, 3, { dilation: 0 }), message: /^Conv2d\(1→2, 3×3, dilation 0\): dilation must be positive integers, got 0$/ },
  { name: "Conv2d weightInit 5", run: () => new nn.Conv2d(1, 2, 3, { weightInit: 5 as never }), message: /^parameter: init must be a function \(view: Float32Array\) => void, got 5$/ },
  { name: "ConvTranspose2d kernel 0", run: () => new nn.ConvTranspose2d(1, 2, 0), message: /^ConvTranspose2d\(1→2\): kernelSize must be positive integers, got 0$/ },
  { name: "ConvTranspose2d outputPadding 2 with stride 2", run: () => new nn.ConvTranspose2d(1, 2, 3, { stride: 2, outputPadding: 2 }), message: /^ConvTranspose2d\(1→2, 3×3, stride 2, outputPadding 2\): outputPadding \[2, 2\] must be smaller than the stride \[2, 2\] or the dilation \[1, 1\]$/ },
  { name: "ConvTranspose2d stride 0", run: () => new nn.ConvTranspose2d(1, 2, 3, { stride: 0 }), message: /^ConvTranspose2d\(1→2, 3×3, stride 0\): stride must be positive integers, got 0$/ },
  { name: "MaxPool2d(0)", run: () => new nn.MaxPool2d(0), message: /^MaxPool2d: kernelSize must be positive integers, got 0$/ },
  { name: "MaxPool2d(2) padding 2 (more than half the window)", run: () => new nn.MaxPool2d(2, { padding: 2 }), message: /^MaxPool2d\(2, padding 2\): padding \[2, 2\] must be at most half the window 2×2$/ },
  { name: "MaxPool2d stride -1", run: () => new nn.MaxPool2d(2, { stride: -1 }), message: /^MaxPool2d\(2, stride -1\): stride must be positive integers, got -1$/ },
  { name: "AvgPool2d(1.5)", run: () => new nn.AvgPool2d(1.5), message: /^AvgPool2d: kernelSize must be positive integers, got 1\.5$/ },
  { name: "AvgPool2d(3) padding 2", run: () => new nn.AvgPool2d(3, { padding: 2 }), message: /^AvgPool2d\(3, padding 2\): padding \[2, 2\] must be at most half the window 3×3$/ },
  { name: "AvgPool2d countIncludePad \"no\"", run: () => new nn.AvgPool2d(2, { countIncludePad: "no" as never }), message: /^AvgPool2d\(2\): countIncludePad must be true or false, got "no"$/ },
  { name: "AdaptiveAvgPool2d(0)", run: () => new nn.AdaptiveAvgPool2d(0), message: /^AdaptiveAvgPool2d: outputSize must be positive integers, got 0$/ },
  { name: "BatchNorm1d(0)", run: () => new nn.BatchNorm1d(0), message: /^BatchNorm1d: numFeatures must be a positive integer, got 0$/ },
  { name: "BatchNorm1d eps 0", run: () => new nn.BatchNorm1d(3, { eps: 0 }), message: /^BatchNorm1d: eps must be a positive number, got 0$/ },
  { name: "BatchNorm2d momentum 2", run: () => new nn.BatchNorm2d(3, { momentum: 2 }), message: /^BatchNorm2d: momentum must be in \[0, 1\] or null, got 2$/ },
  { name: "Dropout(1)", run: () => new nn.Dropout(1), message: /^Dropout: p must be in \[0, 1\), got 1$/ },
  { name: "Dropout(-0.1)", run: () => new nn.Dropout(-0.1), message: /^Dropout: p must be in \[0, 1\), got -0\.1$/ },
  { name: "Dropout(NaN)", run: () => new nn.Dropout(NaN), message: /^Dropout: p must be in \[0, 1\), got NaN$/ },
  { name: "Dropout(\"0.5\")", run: () => new nn.Dropout("0.5" as never), message: /^Dropout: p must be in \[0, 1\), got "0\.5"$/ },
  { name: "Dropout2d(1.5)", run: () => new nn.Dropout2d(1.5), message: /^Dropout2d: p must be in \[0, 1\), got 1\.5$/ },
  { name: "Flatten(1.5)", run: () => new nn.Flatten(1.5), message: /^Flatten: startDim must be an integer axis, got 1\.5$/ },
  { name: "Flatten(1, NaN)", run: () => new nn.Flatten(1, NaN), message: /^Flatten: endDim must be an integer axis, got NaN$/ },
  { name: "Unflatten([0])", run: () => new nn.Unflatten([0]), message: /^Unflatten: shape must be a non-empty array of positive integers, got \[0\]$/ },
  { name: "Unflatten([-2, -3])", run: () => new nn.Unflatten([-2, -3]), message: /^Unflatten: shape must be a non-empty array of positive integers, got \[-2, -3\]$/ },
  { name: "Unflatten(null)", run: () => new nn.Unflatten(null as never), message: /^Unflatten: shape must be a non-empty array of positive integers, got null$/ },
  { name: "Embedding(0, 2)", run: () => new nn.Embedding(0, 2), message: /^Embedding: numEmbeddings must be a positive integer, got 0$/ },
  { name: "RNN(0, 2)", run: () => new nn.RNN(0, 2), message: /^RNN: inputSize must be a positive integer, got 0$/ },
  { name: "RNN numLayers 0", run: () => new nn.RNN(3, 2, { numLayers: 0 }), message: /^RNN: numLayers must be a positive integer, got 0$/ },
  { name: "RNN nonlinearity \"sigmoid\"", run: () => new nn.RNN(3, 2, { nonlinearity: "sigmoid" as never }), message: /^RNN: nonlinearity must be "tanh" or "relu", got "sigmoid"$/ },
  { name: "RNN batchFirst \"yes\"", run: () => new nn.RNN(3, 2, { batchFirst: "yes" as never }), message: /^RNN: batchFirst must be true or false, got "yes"$/ },
  { name: "LSTM bidirectional 1", run: () => new nn.LSTM(3, 2, { bidirectional: 1 as never }), message: /^LSTM: bidirectional must be true or false, got 1$/ },
  { name: "GRU(3, -1)", run: () => new nn.GRU(3, -1), message: /^GRU: hiddenSize must be a positive integer, got -1$/ },
  { name: "GRUCell(3, 0)", run: () => new nn.GRUCell(3, 0), message: /^GRUCell: hiddenSize must be a positive integer, got 0$/ },
  { name: "RNNCell nonlinearity \"gelu\"", run: () => new nn.RNNCell(3, 2, { nonlinearity: "gelu" as never }), message: /^RNNCell: nonlinearity must be "tanh" or "relu", got "gelu"$/ },
  { name: "LSTMCell(1.5, 2)", run: () => new nn.LSTMCell(1.5, 2), message: /^LSTMCell: inputSize must be a positive integer, got 1\.5$/ },
  { name: "LayerNorm([])", run: () => new nn.LayerNorm([]), message: /^LayerNorm: normalizedShape must be positive integers, got \[\]$/ },
  { name: "LayerNorm(0)", run: () => new nn.LayerNorm(0), message: /^LayerNorm: normalizedShape must be positive integers, got \[0\]$/ },
  { name: "LayerNorm eps -1", run: () => new nn.LayerNorm(3, { eps: -1 }), message: /^LayerNorm: eps must be a positive number, got -1$/ },
  { name: "MultiheadAttention(5, 2): embedDim not divisible by heads", run: () => new nn.MultiheadAttention(5, 2), message: /^MultiheadAttention: embedDim 5 is not divisible by numHeads 2$/ },
  { name: "MultiheadAttention(4, 0)", run: () => new nn.MultiheadAttention(4, 0), message: /^MultiheadAttention: numHeads must be a positive integer, got 0$/ },
  { name: "MultiheadAttention dropout 1", run: () => new nn.MultiheadAttention(4, 2, { dropout: 1 }), message: /^MultiheadAttention: dropout must be in \[0, 1\), got 1$/ },
  { name: "TransformerEncoderLayer(5, 2)", run: () => new nn.TransformerEncoderLayer(5, 2), message: /^TransformerEncoderLayer: dModel 5 must be a positive multiple of nhead 2 \(each head takes dModel \/ nhead features\)$/ },
  { name: "TransformerEncoderLayer activation \"tanh\"", run: () => new nn.TransformerEncoderLayer(4, 2, { activation: "tanh" as never }), message: /^TransformerEncoderLayer: activation must be "relu" or "gelu", got "tanh"$/ },
  { name: "TransformerEncoderLayer dimFeedforward 0", run: () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 0 }), message: /^TransformerEncoderLayer: dimFeedforward must be a positive integer, got 0$/ },
  { name: "TransformerDecoderLayer dropout 1", run: () => new nn.TransformerDecoderLayer(4, 2, { dropout: 1 }), message: /^TransformerDecoderLayer: dropout must be in \[0, 1\), got 1$/ },
  { name: "TransformerDecoderLayer(6, 4)", run: () => new nn.TransformerDecoderLayer(6, 4), message: /^TransformerDecoderLayer: dModel 6 must be a positive multiple of nhead 4 \(each head takes dModel \/ nhead features\)$/ },
  { name: "TransformerEncoder numLayers 0", run: () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 0), message: /^TransformerEncoder: numLayers must be a positive integer, got 0$/ },
  { name: "TransformerEncoder(null, 2)", run: () => new nn.TransformerEncoder(null as never, 2), message: /^TransformerEncoder: encoderLayer is null, expected a TransformerEncoderLayer$/ },
  { name: "SinusoidalPositionalEncoding(0)", run: () => new nn.SinusoidalPositionalEncoding(0), message: /^SinusoidalPositionalEncoding: dim must be a positive integer, got 0$/ },
  { name: "LearnedPositionalEncoding(0, 4)", run: () => new nn.LearnedPositionalEncoding(0, 4), message: /^LearnedPositionalEncoding: maxLen must be a positive integer, got 0$/ },
  { name: "PrimaryCapsules inChannels 0", run: () => new nn.PrimaryCapsules(0, 2, 4, 3), message: /^PrimaryCapsules: inChannels must be a positive integer, got 0$/ },
  { name: "PrimaryCapsules capsuleDim 0", run: () => new nn.PrimaryCapsules(1, 2, 0, 3), message: /^PrimaryCapsules: capsuleDim must be a positive integer, got 0$/ },
  { name: "DigitCapsules inCapsules 0", run: () => new nn.DigitCapsules(0, 4, 2, 3), message: /^DigitCapsules: inCapsules must be a positive integer, got 0$/ },
  { name: "DigitCapsules routingIterations 0", run: () => new nn.DigitCapsules(6, 4, 2, 3, { routingIterations: 0 }), message: /^DigitCapsules: routingIterations must be an integer ≥ 1, got 0$/ },
  { name: "DigitCapsules routingGradient \"none\"", run: () => new nn.DigitCapsules(6, 4, 2, 3, { routingGradient: "none" as never }), message: /^DigitCapsules: routingGradient must be "all" or "last", got "none"$/ },
  { name: "DigitCapsules initStd -1", run: () => new nn.DigitCapsules(6, 4, 2, 3, { initStd: -1 }), message: /^DigitCapsules: initStd must be a finite number ≥ 0, got -1$/ },
  { name: "RBF(0, 3)", run: () => new nn.RBF(0, 3), message: /^RBF: inFeatures must be a positive integer, got 0$/ },
  { name: "RBF basis \"cubic\"", run: () => new nn.RBF(2, 3, { basis: "cubic" as never }), message: /^RBF: unknown basis "cubic", expected one of gaussian, multiquadric, inverseMultiquadric$/ },
  { name: "RBF width 0", run: () => new nn.RBF(2, 3, { width: 0 }), message: /^RBF: width must be a positive number, got 0$/ },
  { name: "MixtureOfExperts of no experts", run: () => new nn.MixtureOfExperts([], new nn.Linear(3, 2)), message: /^MixtureOfExperts: got no experts$/ },
  { name: "MixtureOfExperts topK 3 of 2", run: () => new nn.MixtureOfExperts([new nn.Linear(3, 2), new nn.Linear(3, 2)], new nn.Linear(3, 2), { topK: 3 }), message: /^MixtureOfExperts\(2 experts\): topK must be an integer in \[1, 2\], got 3 \(more than the 2 experts\)$/ },
  { name: "MixtureOfExperts experts null", run: () => new nn.MixtureOfExperts(null as never, new nn.Linear(3, 2)), message: /^MixtureOfExperts: experts is null, expected an array of Modules$/ },
  { name: "MixtureOfExperts expert that is a function", run: () => new nn.MixtureOfExperts([new nn.Linear(3, 2), ((x: Tensor) => x) as never], new nn.Linear(3, 2)), message: /^MixtureOfExperts: expert 1 is a function, expected a Module$/ },
  { name: "MixtureOfExperts gate null", run: () => new nn.MixtureOfExperts([new nn.Linear(3, 2)], null as never), message: /^MixtureOfExperts: gate is null, expected a Module \(features → one logit per expert\)$/ },
  { name: "Sequential(5)", run: () => new nn.Sequential(5 as never), message: /^Sequential: layer 0 is 5, expected a Module \(a layer such as new nn\.Linear\(3, 4\)\)$/ },
  { name: "Sequential(Linear, null)", run: () => new nn.Sequential(new nn.Linear(3, 4), null as never), message: /^Sequential: layer 1 is null, expected a Module \(a layer such as new nn\.Linear\(3, 4\)\)$/ },
  { name: "LeakyReLU(NaN)", run: () => new nn.LeakyReLU(NaN), message: /^LeakyReLU: negativeSlope must be a finite number, got NaN$/ },
  { name: "GELU approximate \"fast\"", run: () => new nn.GELU({ approximate: "fast" as never }), message: /^GELU: approximate must be "none" or "tanh", got "fast"$/ },
]);

// ---------------------------------------------------------------------------------------------
// Layer forwards: the layer's weights and buffers (running statistics) must be untouched.
const forwards = table<Row>("layer forwards", [
  { name: "Linear on [2, 4]", make: () => new nn.Linear(3, 2), run: (m: nn.Linear) => m.forward(zeros([2, 4])), message: /^Linear\(3→2\): input has shape \[2, 4\], expected \[\*, 3\]$/ },
  { name: "Linear on a scalar", make: () => new nn.Linear(3, 2), run: (m: nn.Linear) => m.forward(zeros([])), message: /^Linear\(3→2\): input has shape \[\], expected \[\*, 3\]$/ },
  { name: "Linear on null", make: () => new nn.Linear(3, 2), run: (m: nn.Linear) => m.forward(null as never), message: /^Linear\(3→2\): input is null, expected a Tensor$/ },
  { name: "Linear on a plain array", make: () => new nn.Linear(3, 2), run: (m: nn.Linear) => m.forward([1, 2, 3] as never), message: /^Linear\(3→2\): input is \[1, 2, 3\], expected a Tensor$/ },
  { name: "Linear on the other backend", make: () => new nn.Linear(3, 2), run: (m: nn.Linear) => m.forward(zeros([2, 3], { backend: backend(other(m.weight.backend.name)) })), message: /^linear: inputs live on different backends \((js and wasm|wasm and js)\); create them under one backend/ },
  { name: "Linear on a disposed tensor", make: () => new nn.Linear(3, 2), run: (m: nn.Linear) => m.forward(disposed([2, 3])), message: /^Linear\(3→2\): input Tensor\[2, 3\] was disposed$/ },
  { name: "Conv2d on a 3-D image", make: () => new nn.Conv2d(1, 2, 3), run: (m: nn.Conv2d) => m.forward(zeros([1, 5, 5])), message: /^Conv2d\(1→2, 3×3\): input has shape \[1, 5, 5\], expected 4-D \[batch, 1, height, width\] \(NCHW; add a batch axis to a single image\)$/ },
  { name: "Conv2d with 2 channels for 1", make: () => new nn.Conv2d(1, 2, 3), run: (m: nn.Conv2d) => m.forward(zeros([1, 2, 5, 5])), message: /^Conv2d\(1→2, 3×3\): input has shape \[1, 2, 5, 5\] with 2 channels, expected 1 \(NCHW: \[batch, 1, height, width\]\)$/ },
  { name: "Conv2d on an image smaller than its kernel", make: () => new nn.Conv2d(1, 2, 3), run: (m: nn.Conv2d) => m.forward(zeros([1, 1, 2, 2])), message: /^Conv2d\(1→2, 3×3\): kernel 3×3 is larger than the padded input 2×2 \(input \[1, 1, 2, 2\], padding \[0, 0\]\)$/ },
  { name: "Conv2d on undefined", make: () => new nn.Conv2d(1, 2, 3), run: (m: nn.Conv2d) => m.forward(undefined as never), message: /^Conv2d\(1→2, 3×3\): input is undefined, expected a Tensor$/ },
  { name: "ConvTranspose2d with 1 channel for 2", make: () => new nn.ConvTranspose2d(2, 1, 3), run: (m: nn.ConvTranspose2d) => m.forward(zeros([1, 1, 4, 4])), message: /^ConvTranspose2d\(2→1, 3×3\): input has shape \[1, 1, 4, 4\] with 1 channels, expected 2 \(NCHW: \[batch, 2, height, width\]\)$/ },
  { name: "ConvTranspose2d on a matrix", make: () => new nn.ConvTranspose2d(2, 1, 3), run: (m: nn.ConvTranspose2d) => m.forward(zeros([2, 4])), message: /^ConvTranspose2d\(2→1, 3×3\): input has shape \[2, 4\], expected 4-D \[batch, 2, height, width\] \(NCHW; add a batch axis to a single image\)$/ },
  { name: "ConvTranspose2d whose padding leaves no output", make: () => new nn.ConvTranspose2d(1, 1, 3, { padding: 2 }), run: (m: nn.ConvTranspose2d) => m.forward(zeros([1, 1, 1, 1])), message: /^ConvTranspose2d\(1→1, 3×3, padding 2\): input \[1, 1, 1, 1\] gives an output of -1×-1 \(padding \[2, 2\] removes more than the 3×3 kernel adds\), expected at least 1×1$/ },
  { name: "MaxPool2d on a 3-D input", make: () => new nn.MaxPool2d(2), run: (m: nn.MaxPool2d) => m.forward(zeros([1, 4, 4])), message: /^MaxPool2d\(2\): input has shape \[1, 4, 4\], expected 4-D \[batch, channels, height, width\] \(NCHW\)$/ },
  { name: "MaxPool2d window larger than the map", make: () => new nn.MaxPool2d(3), run: (m: nn.MaxPool2d) => m.forward(zeros([1, 1, 2, 2])), message: /^MaxPool2d\(3\): window 3×3 is larger than the padded input 2×2 \(input \[1, 1, 2, 2\], padding \[0, 0\]\)$/ },
  { name: "AvgPool2d window larger than the map", make: () => new nn.AvgPool2d(4), run: (m: nn.AvgPool2d) => m.forward(zeros([1, 1, 3, 3])), message: /^AvgPool2d\(4\): window 4×4 is larger than the padded input 3×3 \(input \[1, 1, 3, 3\], padding \[0, 0\]\)$/ },
  { name: "AvgPool2d on null", make: () => new nn.AvgPool2d(2), run: (m: nn.AvgPool2d) => m.forward(null as never), message: /^AvgPool2d\(2\): input is null, expected a Tensor$/ },
  { name: "AdaptiveAvgPool2d on a 3-D input", make: () => new nn.AdaptiveAvgPool2d(1), run: (m: nn.AdaptiveAvgPool2d) => m.forward(zeros([1, 4, 4])), message: /^AdaptiveAvgPool2d\(1\): input has shape \[1, 4, 4\], expected 4-D \[batch, channels, height, width\] \(NCHW\)$/ },
  { name: "AdaptiveAvgPool2d(3) of a 4×4 map", make: () => new nn.AdaptiveAvgPool2d(3), run: (m: nn.AdaptiveAvgPool2d) => m.forward(zeros([1, 1, 4, 4])), message: /^AdaptiveAvgPool2d\(3\): input \[1, 1, 4, 4\] is not divisible into 3×3 equal windows; only output size 1 \(global pooling\) or an exact divisor of the input size is supported$/ },
  { name: "BatchNorm1d(3) on 4 features", make: () => new nn.BatchNorm1d(3), run: (m: nn.BatchNorm1d) => m.forward(zeros([2, 4])), message: /^BatchNorm1d\(3\): input has shape \[2, 4\], expected \[batch, 3\] or \[batch, 3, length\]$/ },
  { name: "BatchNorm1d on a 4-D input", make: () => new nn.BatchNorm1d(3), run: (m: nn.BatchNorm1d) => m.forward(zeros([2, 3, 1, 1])), message: /^BatchNorm1d\(3\): input has shape \[2, 3, 1, 1\], expected \[batch, 3\] or \[batch, 3, length\]$/ },
  { name: "BatchNorm1d training on one sample (running stats untouched)", make: () => new nn.BatchNorm1d(3), run: (m: nn.BatchNorm1d) => m.forward(tensor([[1, 2, 3]])), message: /^batchNorm: input \[1, 3\] has 1 value per channel; training needs more than 1 to estimate a variance$/ },
  { name: "BatchNorm2d on a matrix", make: () => new nn.BatchNorm2d(3), run: (m: nn.BatchNorm2d) => m.forward(zeros([2, 3])), message: /^BatchNorm2d\(3\): input has shape \[2, 3\], expected \[batch, 3, height, width\] \(NCHW\)$/ },
  { name: "BatchNorm2d with 4 channels for 3", make: () => new nn.BatchNorm2d(3), run: (m: nn.BatchNorm2d) => m.forward(zeros([2, 4, 2, 2])), message: /^BatchNorm2d\(3\): input has shape \[2, 4, 2, 2\], expected \[batch, 3, height, width\] \(NCHW\)$/ },
  { name: "Dropout2d on a matrix", make: () => new nn.Dropout2d(0.5), run: (m: nn.Dropout2d) => m.forward(zeros([2, 3])), message: /^Dropout2d\(p=0\.5\): input has shape \[2, 3\], expected \[batch, channels, height, width\]$/ },
  { name: "Flatten of a scalar", make: () => new nn.Flatten(), run: (m: nn.Flatten) => m.forward(zeros([])), message: /^Flatten: input is a scalar, expected a tensor with axes 1\.\.-1$/ },
  { name: "Flatten(3) of a matrix", make: () => new nn.Flatten(3), run: (m: nn.Flatten) => m.forward(zeros([2, 3])), message: /^Flatten\(3, -1\): input has shape \[2, 3\], which has no axes 3\.\.-1$/ },
  { name: "Flatten(2, 1)", make: () => new nn.Flatten(2, 1), run: (m: nn.Flatten) => m.forward(zeros([2, 3, 4])), message: /^Flatten\(2, 1\): startDim 2 comes after endDim 1 for input \[2, 3, 4\]$/ },
  { name: "Unflatten([2, 3]) of 5 features", make: () => new nn.Unflatten([2, 3]), run: (m: nn.Unflatten) => m.forward(zeros([1, 5])), message: /^Unflatten\(1, \[2, 3\]\): input has shape \[1, 5\], expected \[batch, 6\]$/ },
  { name: "Embedding id 5 of 5 rows", make: () => new nn.Embedding(5, 2), run: (m: nn.Embedding) => m.forward([1, 5]), message: /^Embedding\(5, 2\): index 5 at position 1 of ids \[2\] is not an integer in \[0, 4\]$/ },
  { name: "Embedding id -1", make: () => new nn.Embedding(5, 2), run: (m: nn.Embedding) => m.forward([-1]), message: /^Embedding\(5, 2\): index -1 at position 0 of ids \[1\] is not an integer in \[0, 4\]$/ },
  { name: "Embedding id 1.5 in a tensor", make: () => new nn.Embedding(5, 2), run: (m: nn.Embedding) => m.forward(tensor([[0, 1], [1.5, 2]])), message: /^Embedding\(5, 2\): index 1\.5 at position 2 of ids \[2, 2\] is not an integer in \[0, 4\]$/ },
  { name: "Embedding id NaN", make: () => new nn.Embedding(5, 2), run: (m: nn.Embedding) => m.forward([NaN]), message: /^Embedding\(5, 2\): index NaN at position 0 of ids \[1\] is not an integer in \[0, 4\]$/ },
  { name: "Embedding ids null", make: () => new nn.Embedding(5, 2), run: (m: nn.Embedding) => m.forward(null as never), message: /^Embedding\(5, 2\): ids are null, expected a Tensor or an array of integers in \[0, 4\]$/ },
  { name: "RNN on a matrix", make: () => new nn.RNN(3, 2), run: (m: nn.RNN) => m.forward(zeros([4, 3])), message: /^RNN\(3→2\): input has shape \[4, 3\], expected \[T, batch, 3\]$/ },
  { name: "RNN on 2 features for 3", make: () => new nn.RNN(3, 2), run: (m: nn.RNN) => m.forward(zeros([4, 1, 2])), message: /^RNN\(3→2\): input has shape \[4, 1, 2\], expected \[T, batch, 3\]$/ },
  { name: "RNN on an empty sequence", make: () => new nn.RNN(3, 2), run: (m: nn.RNN) => m.forward(zeros([0, 1, 3])), message: /^RNN\(3→2\): input has shape \[0, 1, 3\]: the sequence is empty \(T = 0\)$/ },
  { name: "RNN h0 of 2 layers for 1", make: () => new nn.RNN(3, 2), run: (m: nn.RNN) => m.forward(zeros([4, 1, 3]), zeros([2, 1, 2])), message: /^RNN\(3→2\): initial state h0 has shape \[2, 1, 2\], expected \[1, 1, 2\] \(layers·directions, batch, hidden\)$/ },
  { name: "RNN given a cell state", make: () => new nn.RNN(3, 2), run: (m: nn.RNN) => m.forwardWithState(zeros([4, 1, 3]), zeros([1, 1, 2]), zeros([1, 1, 2])), message: /^RNN\(3→2\): got a cell state c0, but only an LSTM has one$/ },
  { name: "LSTM c0 of batch 2 for 1", make: () => new nn.LSTM(3, 2), run: (m: nn.LSTM) => m.forward(zeros([4, 1, 3]), zeros([1, 1, 2]), zeros([1, 2, 2])), message: /^LSTM\(3→2\): initial state c0 has shape \[1, 2, 2\], expected \[1, 1, 2\] \(layers·directions, batch, hidden\)$/ },
  { name: "LSTM h0 a number", make: () => new nn.LSTM(3, 2), run: (m: nn.LSTM) => m.forward(zeros([4, 1, 3]), 5 as never), message: /^LSTM\(3→2\): initial state h0 is 5, expected a Tensor$/ },
  { name: "bidirectional LSTM forwardProjected", make: () => new nn.LSTM(3, 2, { bidirectional: true }), run: (m: nn.LSTM) => m.forwardProjected(zeros([4, 1, 8])), message: /^LSTM\(3→2, bidirectional\): forwardProjected takes one direction's projection; a bidirectional layer needs forwardWithState$/ },
  { name: "GRU batchFirst on 2 features for 3", make: () => new nn.GRU(3, 2, { batchFirst: true }), run: (m: nn.GRU) => m.forward(zeros([1, 4, 2])), message: /^GRU\(3→2, batchFirst\): input has shape \[1, 4, 2\], expected \[batch, T, 3\]$/ },
  { name: "GRU on an array", make: () => new nn.GRU(3, 2), run: (m: nn.GRU) => m.forward([[1, 2, 3]] as never), message: /^GRU\(3→2\): input is \[\[1, 2, 3\]\], expected a Tensor$/ },
  { name: "RNNCell on a sequence", make: () => new nn.RNNCell(3, 2), run: (m: nn.RNNCell) => m.forward(zeros([1, 1, 3])), message: /^RNNCell\(3→2\): input has shape \[1, 1, 3\], expected \[batch, 3\]$/ },
  { name: "LSTMCell h of batch 1 for 2", make: () => new nn.LSTMCell(3, 2), run: (m: nn.LSTMCell) => m.forward(zeros([2, 3]), zeros([1, 2])), message: /^LSTMCell\(3→2\): state h has shape \[1, 2\], expected \[2, 2\]$/ },
  { name: "LSTMCell.step c of 3 features for 2", make: () => new nn.LSTMCell(3, 2), run: (m: nn.LSTMCell) => m.step(zeros([2, 3]), zeros([2, 2]), zeros([2, 3])), message: /^LSTMCell\(3→2\): state c has shape \[2, 3\], expected \[2, 2\]$/ },
  { name: "GRUCell on 4 features for 3", make: () => new nn.GRUCell(3, 2), run: (m: nn.GRUCell) => m.forward(zeros([2, 4])), message: /^GRUCell\(3→2\): input has shape \[2, 4\], expected \[batch, 3\]$/ },
  { name: "LayerNorm(3) on 4 features", make: () => new nn.LayerNorm(3), run: (m: nn.LayerNorm) => m.forward(zeros([2, 4])), message: /^LayerNorm\(\[3\], eps=0\.00001\): input has shape \[2, 4\], expected \[\*, 3\]$/ },
  { name: "LayerNorm([2, 3]) on [3, 2]", make: () => new nn.LayerNorm([2, 3]), run: (m: nn.LayerNorm) => m.forward(zeros([3, 2])), message: /^LayerNorm\(\[2, 3\], eps=0\.00001\): input has shape \[3, 2\], expected \[\*, 2, 3\]$/ },
  { name: "MultiheadAttention query of 5 features for 4", make: () => new nn.MultiheadAttention(4, 2), run: (m: nn.MultiheadAttention) => { const q = zeros([3, 1, 5]); return m.forward(q, q, q); }, message: /^MultiheadAttention\(4, heads=2\): query has shape \[3, 1, 5\], expected \[T, batch, 4\]$/ },
  { name: "MultiheadAttention on a matrix", make: () => new nn.MultiheadAttention(4, 2), run: (m: nn.MultiheadAttention) => { const q = zeros([3, 4]); return m.forward(q, q, q); }, message: /^MultiheadAttention\(4, heads=2\): query has shape \[3, 4\], expected \[T, batch, 4\]$/ },
  { name: "MultiheadAttention key and value of different lengths", make: () => new nn.MultiheadAttention(4, 2), run: (m: nn.MultiheadAttention) => m.forward(zeros([3, 1, 4]), zeros([5, 1, 4]), zeros([4, 1, 4])), message: /^MultiheadAttention\(4, heads=2\): key and value have different lengths: key \[5, 1, 4\], value \[4, 1, 4\]$/ },
  { name: "MultiheadAttention batch 1 query, batch 2 key", make: () => new nn.MultiheadAttention(4, 2), run: (m: nn.MultiheadAttention) => m.forward(zeros([3, 1, 4]), zeros([5, 2, 4]), zeros([5, 2, 4])), message: /^MultiheadAttention\(4, heads=2\): query, key and value have batch sizes 1, 2, 2; expected one batch size$/ },
  { name: "MultiheadAttention attnMask [3, 3] for Tk 5", make: () => new nn.MultiheadAttention(4, 2), run: (m: nn.MultiheadAttention) => m.forward(zeros([3, 1, 4]), zeros([5, 1, 4]), zeros([5, 1, 4]), { attnMask: zeros([3, 3]) }), message: /^MultiheadAttention\(4, heads=2\): attnMask has shape \[3, 3\], expected \[3, 5\] or \[2, 3, 5\] \(batch·numHeads, Tq, Tk\)$/ },
  { name: "MultiheadAttention 3-D attnMask without the heads", make: () => new nn.MultiheadAttention(4, 2), run: (m: nn.MultiheadAttention) => m.forward(zeros([3, 1, 4]), zeros([5, 1, 4]), zeros([5, 1, 4]), { attnMask: zeros([1, 3, 5]) }), message: /^MultiheadAttention\(4, heads=2\): attnMask has shape \[1, 3, 5\], expected \[3, 5\] or \[2, 3, 5\] \(batch·numHeads, Tq, Tk\)$/ },
  { name: "MultiheadAttention keyPaddingMask [1, 3] for Tk 5", make: () => new nn.MultiheadAttention(4, 2), run: (m: nn.MultiheadAttention) => m.forward(zeros([3, 1, 4]), zeros([5, 1, 4]), zeros([5, 1, 4]), { keyPaddingMask: zeros([1, 3]) }), message: /^MultiheadAttention\(4, heads=2\): keyPaddingMask has shape \[1, 3\], expected \[1, 5\] \(batch, Tk\)$/ },
  { name: "MultiheadAttention vdim 2 given 3 value features", make: () => new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 2 }), run: (m: nn.MultiheadAttention) => m.forward(zeros([3, 1, 4]), zeros([5, 1, 3]), zeros([5, 1, 3])), message: /^MultiheadAttention\(4, heads=2, kdim=3, vdim=2\): value has shape \[5, 1, 3\], expected \[T, batch, 2\]$/ },
  { name: "MultiheadAttention key null", make: () => new nn.MultiheadAttention(4, 2), run: (m: nn.MultiheadAttention) => m.forward(zeros([3, 1, 4]), null as never, zeros([5, 1, 4])), message: /^MultiheadAttention\(4, heads=2\): key is null, expected a Tensor$/ },
  { name: "TransformerEncoderLayer src of 5 features for 4", make: () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), run: (m: nn.TransformerEncoderLayer) => m.forward(zeros([3, 1, 5])), message: /^TransformerEncoderLayer\(4, heads=2, ff=8, relu, post-norm\): src has shape \[3, 1, 5\], expected \[T, batch, 4\]$/ },
  { name: "TransformerEncoderLayer srcMask [2, 2] for T 3", make: () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), run: (m: nn.TransformerEncoderLayer) => m.forward(zeros([3, 1, 4]), { srcMask: zeros([2, 2]) }), message: /^MultiheadAttention\(4, heads=2\): attnMask has shape \[2, 2\], expected \[3, 3\] or \[2, 3, 3\] \(batch·numHeads, Tq, Tk\)$/ },
  { name: "TransformerDecoderLayer memory of 6 features for 4", make: () => new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }), run: (m: nn.TransformerDecoderLayer) => m.forward(zeros([3, 1, 4]), zeros([5, 1, 6])), message: /^TransformerDecoderLayer\(4, heads=2, ff=8, relu, post-norm\): memory has shape \[5, 1, 6\], expected \[T, batch, 4\]$/ },
  { name: "TransformerDecoderLayer memory of batch 2, tgt of batch 1", make: () => new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8, batchFirst: true }), run: (m: nn.TransformerDecoderLayer) => m.forward(zeros([1, 3, 4]), zeros([2, 5, 4])), message: /^TransformerDecoderLayer\(4, heads=2, ff=8, relu, post-norm\): memory \[2, 5, 4\] has batch 2, tgt \[1, 3, 4\] has batch 1; expected one batch size$/ },
  { name: "TransformerDecoderLayer memoryMask [3, 3] for Tk 5", make: () => new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }), run: (m: nn.TransformerDecoderLayer) => m.forward(zeros([3, 1, 4]), zeros([5, 1, 4]), { memoryMask: zeros([3, 3]) }), message: /^MultiheadAttention\(4, heads=2\): attnMask has shape \[3, 3\], expected \[3, 5\] or \[2, 3, 5\] \(batch·numHeads, Tq, Tk\)$/ },
  { name: "TransformerEncoder of 2 layers on 3 features", make: () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, normFirst: true }), 2), run: (m: nn.TransformerEncoder) => m.forward(zeros([3, 1, 3])), message: /^TransformerEncoderLayer\(4, heads=2, ff=8, relu, pre-norm\): src has shape \[3, 1, 3\], expected \[T, batch, 4\]$/ },
  { name: "SinusoidalPositionalEncoding: 9 positions for maxLen 8", make: () => new nn.SinusoidalPositionalEncoding(4, 8), run: (m: nn.SinusoidalPositionalEncoding) => m.forward(zeros([1, 9, 4])), message: /^SinusoidalPositionalEncoding\(4, maxLen=8\): positions 0…8 of input \[1, 9, 4\] go past the 8 this encoding holds$/ },
  { name: "SinusoidalPositionalEncoding: offset 6 + 4 positions for maxLen 8", make: () => new nn.SinusoidalPositionalEncoding(4, 8), run: (m: nn.SinusoidalPositionalEncoding) => m.forward(zeros([1, 4, 4]), 6), message: /^SinusoidalPositionalEncoding\(4, maxLen=8\): positions 6…9 of input \[1, 4, 4\] go past the 8 this encoding holds$/ },
  { name: "SinusoidalPositionalEncoding offset -1", make: () => new nn.SinusoidalPositionalEncoding(4, 8), run: (m: nn.SinusoidalPositionalEncoding) => m.forward(zeros([1, 4, 4]), -1), message: /^SinusoidalPositionalEncoding\(4, maxLen=8\): offset must be a non-negative integer, got -1$/ },
  { name: "SinusoidalPositionalEncoding on 3 features for 4", make: () => new nn.SinusoidalPositionalEncoding(4, 8), run: (m: nn.SinusoidalPositionalEncoding) => m.forward(zeros([1, 4, 3])), message: /^SinusoidalPositionalEncoding\(4, maxLen=8\): input has shape \[1, 4, 3\], expected \[batch, T, 4\]$/ },
  { name: "LearnedPositionalEncoding: 9 positions for maxLen 8", make: () => new nn.LearnedPositionalEncoding(8, 4), run: (m: nn.LearnedPositionalEncoding) => m.forward(zeros([1, 9, 4])), message: /^LearnedPositionalEncoding\(8, 4\): positions 0…8 of input \[1, 9, 4\] go past the 8 this encoding holds$/ },
  { name: "PrimaryCapsules on 2 channels for 1", make: () => new nn.PrimaryCapsules(1, 2, 4, 3), run: (m: nn.PrimaryCapsules) => m.forward(zeros([1, 2, 5, 5])), message: /^PrimaryCapsules\(1→2×4D, Conv2d\(1→8, 3×3\)\): input has shape \[1, 2, 5, 5\], expected \[batch, 1, height, width\]$/ },
  { name: "PrimaryCapsules on an image smaller than the kernel", make: () => new nn.PrimaryCapsules(1, 2, 4, 3), run: (m: nn.PrimaryCapsules) => m.forward(zeros([1, 1, 2, 2])), message: /^Conv2d\(1→8, 3×3\): kernel 3×3 is larger than the padded input 2×2 \(input \[1, 1, 2, 2\], padding \[0, 0\]\)$/ },
  { name: "DigitCapsules on 3-D capsules for 4-D", make: () => new nn.DigitCapsules(6, 4, 2, 3), run: (m: nn.DigitCapsules) => m.forward(zeros([1, 6, 3])), message: /^DigitCapsules\(6×4D→2×3D, 3 routing iterations\): input capsules have dimension 3 \(shape \[1, 6, 3\]\), expected 4$/ },
  { name: "DigitCapsules on 5 capsules for 6", make: () => new nn.DigitCapsules(6, 4, 2, 3), run: (m: nn.DigitCapsules) => m.forward(zeros([1, 5, 4])), message: /^DigitCapsules\(6×4D→2×3D, 3 routing iterations\): input has 5 capsules \(shape \[1, 5, 4\]\), expected 6$/ },
  { name: "DigitCapsules on 10 flat values (not whole capsules of 4)", make: () => new nn.DigitCapsules(6, 4, 2, 3), run: (m: nn.DigitCapsules) => m.forward(zeros([1, 10])), message: /^DigitCapsules\(6×4D→2×3D, 3 routing iterations\): input has shape \[1, 10\], whose 10 values per sample do not make whole capsules of 4$/ },
  { name: "RBF on 3 features for 2", make: () => new nn.RBF(2, 3), run: (m: nn.RBF) => m.forward(zeros([4, 3])), message: /^RBF\(2→3, gaussian\): input has shape \[4, 3\], expected \[\*, 2\]$/ },
  { name: "RBF.setWidths with a zero width", make: () => new nn.RBF(2, 3), run: (m: nn.RBF) => m.setWidths([1, 0, 1]), message: /^RBF\(2→3, gaussian\)\.setWidths: width 1 is 0; widths must be finite and nonzero$/ },
  { name: "RBF.setCenters with 2 values for 6", make: () => new nn.RBF(2, 3), run: (m: nn.RBF) => m.setCenters([1, 2]), message: /^RBF\(2→3, gaussian\)\.setCenters: got 2 values, expected 3×2 = 6$/ },
  { name: "RBF.setCenters with NaN", make: () => new nn.RBF(2, 3), run: (m: nn.RBF) => m.setCenters([1, 2, 3, 4, 5, NaN]), message: /^RBF\(2→3, gaussian\)\.setCenters: the centers holds a non-finite value \(NaN\) at index 5$/ },
  { name: "RBF.initFromData with half a sample", make: () => new nn.RBF(2, 3), run: (m: nn.RBF) => m.initFromData([1, 2, 3]), message: /^RBF\(2→3, gaussian\)\.initFromData: 3 values are not whole samples of 2 features$/ },
  { name: "RBF.initFromData with fewer points than centers", make: () => new nn.RBF(2, 3), run: (m: nn.RBF) => m.initFromData([1, 2, 3, 4]), message: /^RBF\(2→3, gaussian\)\.initFromData: k-means needs at least 3 points \(one per center\), got 2$/ },
  { name: "MixtureOfExperts gate of 3 logits for 2 experts", make: () => new nn.MixtureOfExperts([new nn.Linear(3, 2), new nn.Linear(3, 2)], new nn.Linear(3, 3)), run: (m: nn.MixtureOfExperts) => m.forward(zeros([2, 3])), message: /^MixtureOfExperts\(2 experts\): the gate outputs \[2, 3\], expected \[2, 2\] \(one logit per expert\)$/ },
  { name: "MixtureOfExperts experts of different widths", make: () => new nn.MixtureOfExperts([new nn.Linear(3, 2), new nn.Linear(3, 4)], new nn.Linear(3, 2)), run: (m: nn.MixtureOfExperts) => m.forward(zeros([2, 3])), message: /^MixtureOfExperts\(2 experts\): expert 1 outputs \[2, 4\], expected \[2, 2\] like expert 0$/ },
  { name: "MixtureOfExperts on a 3-D input", make: () => new nn.MixtureOfExperts([new nn.Linear(3, 2), new nn.Linear(3, 2)], new nn.Linear(3, 2)), run: (m: nn.MixtureOfExperts) => m.forward(zeros([2, 1, 3])), message: /^MixtureOfExperts\(2 experts\): input has shape \[2, 1, 3\], expected \[batch, features\]$/ },
  { name: "Sequential whose layers do not chain", make: () => new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(5, 2)), run: (m: nn.Sequential) => m.forward(zeros([1, 3])), message: /^Linear\(5→2\): input has shape \[1, 4\], expected \[\*, 5\]$/ },
  { name: "Softmax(3) of a matrix", make: () => new nn.Softmax(3), run: (m: nn.Softmax) => m.forward(zeros([2, 3])), message: /^softmax: axis 3 is out of range for a tensor of rank 2$/ },
  { name: "ReLU on null", make: () => new nn.ReLU(), run: (m: nn.ReLU) => m.forward(null as never), message: /^ReLU: input is null, expected a Tensor$/ },
  { name: "Tanh on a plain array", make: () => new nn.Tanh(), run: (m: nn.Tanh) => m.forward([1, 2] as never), message: /^Tanh: input is \[1, 2\], expected a Tensor$/ },
  { name: "LeakyReLU on a number", make: () => new nn.LeakyReLU(0.2), run: (m: nn.LeakyReLU) => m.forward(3 as never), message: /^LeakyReLU\(0\.2\): input is 3, expected a Tensor$/ },
  { name: "GELU on undefined", make: () => new nn.GELU(), run: (m: nn.GELU) => m.forward(undefined as never), message: /^GELU: input is undefined, expected a Tensor$/ },
  { name: "Softmax on null", make: () => new nn.Softmax(), run: (m: nn.Softmax) => m.forward(null as never), message: /^Softmax: input is null, expected a Tensor$/ },
  { name: "Dropout on null, in eval mode too", make: () => new nn.Dropout(0.5).eval(), run: (m: nn.Dropout) => m.forward(null as never), message: /^Dropout\(p=0\.5\): input is null, expected a Tensor$/ },
]);

// ---------------------------------------------------------------------------------------------
// Model factories and the models they build.
const factories = table<Case>("model factories", [
  { name: "mlp(null)", run: () => models.mlp(null as never), message: /^mlp: options must be an object, got null; mlp takes inputs, hidden, outputs, activation, dropout$/ },
  { name: "mlp without outputs", run: () => models.mlp({ inputs: 2, hidden: [3] } as never), message: /^mlp: option "outputs" is required; mlp takes inputs, hidden, outputs, activation, dropout$/ },
  { name: "mlp hidden 3 (not an array)", run: () => models.mlp({ inputs: 2, hidden: 3 as never, outputs: 1 }), message: /^mlp: hidden must be an array of layer widths such as \[128\], got number$/ },
  { name: "mlp hidden [0]", run: () => models.mlp({ inputs: 2, hidden: [0], outputs: 1 }), message: /^Linear: outFeatures must be a positive integer, got 0$/ },
  { name: "mlp activation \"swish\"", run: () => models.mlp({ inputs: 2, hidden: [3], outputs: 1, activation: "swish" as never }), message: /^mlp: unknown activation "swish"$/ },
  { name: "mlp with a misspelt option", run: () => models.mlp({ inputs: 2, hidden: [3], outputs: 1, hiden: 3 } as never), message: /^mlp: unknown option "hiden"; mlp takes inputs, hidden, outputs, activation, dropout$/ },
  { name: "mlp dropout 1", run: () => models.mlp({ inputs: 2, hidden: [3], outputs: 1, dropout: 1 }), message: /^Dropout: p must be in \[0, 1\), got 1$/ },
  { name: "lenet activation \"sigmoid\"", run: () => models.lenet({ activation: "sigmoid" as never }), message: /^lenet: activation must be "relu" or "tanh", got "sigmoid"$/ },
  { name: "lenet pool \"min\"", run: () => models.lenet({ pool: "min" as never }), message: /^lenet: pool must be "max" or "avg", got "min"$/ },
  { name: "lenet of 8×8 images", run: () => models.lenet({ imageSize: 8 }), message: /^lenet: images of 8×8 \(padding 0\) are too small for two 5×5 convolutions and 2×2 poolings$/ },
  { name: "lenet channels [8]", run: () => models.lenet({ channels: [8] as never }), message: /^lenet: channels must be two positive integers \[conv1, conv2\], got \[8\]$/ },
  { name: "lenet padding 1.5", run: () => models.lenet({ padding: 1.5 }), message: /^Conv2d\(1→8, 5×5, padding 1\.5\): padding must be non-negative integers, got 1\.5$/ },
  { name: "lenet imageSize 28.5", run: () => models.lenet({ imageSize: 28.5 }), message: /^lenet: imageSize must be a positive integer, got 28\.5$/ },
  { name: "lenet batchNorm \"yes\"", run: () => models.lenet({ batchNorm: "yes" as never }), message: /^lenet: batchNorm must be true or false, got "yes"$/ },
  { name: "gpt dim 8 with 3 heads", run: () => models.gpt({ vocab: 5, context: 4, dim: 8, heads: 3, layers: 1 }), message: /^GPT: dim 8 is not divisible by heads 3 \(each head takes dim \/ heads features\)$/ },
  { name: "gpt vocab 0", run: () => models.gpt({ vocab: 0, context: 4, dim: 8, heads: 2, layers: 1 }), message: /^GPT: vocab must be a positive integer, got 0$/ },
  { name: "rbfNetwork of 0 centers", run: () => models.rbfNetwork({ inputs: 2, centers: 0, outputs: 1 }), message: /^RBF: centers must be a positive integer, got 0$/ },
  { name: "mixtureOfExperts of 0 experts", run: () => models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 0 }), message: /^mixtureOfExperts: experts must be a positive integer, got 0$/ },
  { name: "mixtureOfExperts topK 5 of 2", run: () => models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 2, topK: 5 }), message: /^MixtureOfExperts\(2 experts\): topK must be an integer in \[1, 2\], got 5 \(more than the 2 experts\)$/ },
  { name: "autoencoder code as wide as its inputs", run: () => models.autoencoder({ inputs: 4, code: 4 }), message: /^autoencoder: code size 4 must be smaller than the 4 inputs, or nothing forces a compression$/ },
  { name: "autoencoder kind \"vae\"", run: () => models.autoencoder({ kind: "vae", code: 4 } as never), message: /^autoencoder: kind must be "dense" or "conv", got "vae"$/ },
  { name: "gan latent 0", run: () => models.gan({ latent: 0, features: 2 }), message: /^gan: latent must be a positive integer, got 0$/ },
  { name: "gan discriminatorSlope 1", run: () => models.gan({ latent: 2, features: 2, discriminatorSlope: 1 }), message: /^gan: discriminatorSlope must be in \[0, 1\), got 1$/ },
  { name: "capsNet of 12×12 images", run: () => models.capsNet({ imageSize: 12 }), message: /^capsNet: images of 12×12 are too small for two 9×9 convolutions$/ },
  { name: "capsNet with a misspelt option", run: () => models.capsNet({ clases: 3 } as never), message: /^capsNet: unknown option "clases"; capsNet takes paper, convChannels, primaryChannels, primaryDim, digitDim, classes, routingIterations, routingGradient, decoder, reconstructionWeight, imageSize$/ },
]);

const tinyGpt = () => models.gpt({ vocab: 5, context: 4, dim: 8, heads: 2, layers: 1 });
const modelCalls = table<Row>("model calls", [
  { name: "lenet on 32×32 images", make: () => models.lenet(), run: (m: nn.Sequential) => m.forward(zeros([1, 1, 32, 32])), message: /^Linear\(256→10\): input has shape \[1, 400\], expected \[\*, 256\]$/ },
  { name: "GPT: 5 tokens for a context of 4", make: tinyGpt, run: (m: models.GPT) => m.forward(zeros([1, 5])), message: /^GPT: a sequence of 5 tokens is longer than the context of 4$/ },
  { name: "GPT: token id 5 for a vocabulary of 5", make: tinyGpt, run: (m: models.GPT) => m.forward(tensor([[0, 5]])), message: /^GPT: token id 5 at position 1 is outside the vocabulary \[0, 5\)$/ },
  { name: "GPT: token id 1.5", make: tinyGpt, run: (m: models.GPT) => m.forward(tensor([[0, 1.5]])), message: /^GPT: token id 1\.5 at position 1 is outside the vocabulary \[0, 5\)$/ },
  { name: "GPT.logits: token id -1", make: tinyGpt, run: (m: models.GPT) => m.logits([0, -1], 1, 2), message: /^GPT: token id -1 at position 1 is outside the vocabulary \[0, 5\)$/ },
  { name: "GPT on a vector of ids", make: tinyGpt, run: (m: models.GPT) => m.forward(zeros([3])), message: /^GPT: ids have shape \[3\], expected \[batch, T\]$/ },
  { name: "GPT on null", make: tinyGpt, run: (m: models.GPT) => m.forward(null as never), message: /^GPT: ids is null, expected a Tensor$/ },
  { name: "GPT.generate from a null prompt", make: tinyGpt, run: (m: models.GPT) => m.generate(null as never, 2), message: /^GPT\.generate: prompt is null, expected an array of token ids in \[0, 5\)$/ },
  { name: "GPT.logits: 3 ids for 2 × 2", make: tinyGpt, run: (m: models.GPT) => m.logits([0, 1, 2], 2, 2), message: /^GPT: 3 token ids for batch 2 × T 2$/ },
  { name: "GPT.generate temperature 0", make: tinyGpt, run: (m: models.GPT) => m.generate([1], 2, { temperature: 0 }), message: /^GPT\.generate: temperature must be positive, got 0$/ },
  { name: "GPT.generate topK 0", make: tinyGpt, run: (m: models.GPT) => m.generate([1], 2, { topK: 0 }), message: /^GPT\.generate: topK must be a positive integer, got 0$/ },
  { name: "GPT.generate from an empty prompt", make: tinyGpt, run: (m: models.GPT) => m.generate([], 2), message: /^GPT\.generate: the prompt is empty; give at least one token$/ },
  { name: "GPT.generate n -1", make: tinyGpt, run: (m: models.GPT) => m.generate([1], -1), message: /^GPT\.generate: n \(tokens to generate\) must be an integer ≥ 0, got -1$/ },
  { name: "GPT.generate n 1.5", make: tinyGpt, run: (m: models.GPT) => m.generate([1], 1.5), message: /^GPT\.generate: n \(tokens to generate\) must be an integer ≥ 0, got 1\.5$/ },
  { name: "GPT.generate from token 7", make: tinyGpt, run: (m: models.GPT) => m.generate([7], 1), message: /^GPT: token id 7 at position 0 is outside the vocabulary \[0, 5\)$/ },
  { name: "autoencoder on 7 features for 8", make: () => models.autoencoder({ inputs: 8, code: 2, hidden: [4] }), run: (m: models.Autoencoder) => m.forward(zeros([1, 7])), message: /^Autoencoder\(8→2→8\): input has shape \[1, 7\], expected \[batch, 8\]$/ },
  { name: "GAN.sample(0)", make: () => models.gan({ latent: 2, features: 2 }), run: (m: models.GAN) => m.sample(0), message: /^GAN\(z 2 → 2\): number of samples must be a positive integer, got 0$/ },
]);

// ---------------------------------------------------------------------------------------------
// summary, evaluate and predict: a model is run (in eval mode), so its state and mode are checked.
const mlp3 = () => new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
const four = () => dataset([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]], [0, 1, 0, 1]);
const inference = table<Row>("summary, evaluate, predict", [
  { name: "summary with an input of 4 features for 3", make: mlp3, run: (m: nn.Sequential) => nn.summary(m, [1, 4]), message: /^Linear\(3→4\): input has shape \[1, 4\], expected \[\*, 3\]$/ },
  { name: "summary with input shape [-1, 3]", make: mlp3, run: (m: nn.Sequential) => nn.summary(m, [-1, 3]), message: /^summary: input: shape \[-1, 3\] has -1 at axis 0, expected non-negative integers$/ },
  { name: "summary with input shape null", make: mlp3, run: (m: nn.Sequential) => nn.summary(m, null as never), message: /^summary: input: shape must be an array of sizes, got null$/ },
  { name: "summary of Linear + BatchNorm1d with 5 features for 3 (running stats untouched)", make: () => new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4)), run: (m: nn.Sequential) => nn.summary(m, [1, 5]), message: /^Linear\(3→4\): input has shape \[1, 5\], expected \[\*, 3\]$/ },
  { name: "predict on 4 features for 3", make: mlp3, run: (m: nn.Sequential) => predict(m, zeros([2, 4])), message: /^Linear\(3→4\): input has shape \[2, 4\], expected \[\*, 3\]$/ },
  { name: "predict a Float32Array without sampleShape", make: mlp3, run: (m: nn.Sequential) => predict(m, new Float32Array(6)), message: /^predict: give `sampleShape` when x is a Float32Array$/ },
  { name: "predict 7 values as samples of 3", make: mlp3, run: (m: nn.Sequential) => predict(m, new Float32Array(7), { sampleShape: [3] }), message: /^predict: 7 values are not a whole, non-zero number of samples of shape \[3\]$/ },
  { name: "predict with NaN", make: mlp3, run: (m: nn.Sequential) => predict(m, tensor([1, NaN, 2], [1, 3])), message: /^predict: x holds NaN at sample 0 \(value index 1\); inputs must be finite$/ },
  { name: "predict batchSize 0", make: mlp3, run: (m: nn.Sequential) => predict(m, zeros([2, 3]), { batchSize: 0 }), message: /^predict: batchSize must be a positive integer, got 0$/ },
  { name: "predict(model, null)", make: mlp3, run: (m: nn.Sequential) => predict(m, null as never), message: /^predict: x is null, expected a Tensor \[batch, \.\.\.sample\] or a Float32Array with sampleShape$/ },
  { name: "predict on nested arrays", make: mlp3, run: (m: nn.Sequential) => predict(m, [[1, 2, 3]] as never), message: /^predict: x is \[\[1, 2, 3\]\], expected a Tensor \[batch, \.\.\.sample\] or a Float32Array with sampleShape$/ },
  { name: "evaluate with loss \"hinge\"", make: mlp3, run: (m: nn.Sequential) => evaluate(m, four(), { loss: "hinge" as never }), message: /^evaluate: unknown loss "hinge", expected "crossEntropy", "mse", "binaryCrossEntropy" or a function$/ },
  { name: "evaluate without options", make: mlp3, run: (m: nn.Sequential) => evaluate(m, four(), undefined as never), message: /^evaluate: options are undefined, expected \{ loss, batchSize\? \}$/ },
  { name: "evaluate with label 2 of 2 classes", make: mlp3, run: (m: nn.Sequential) => evaluate(m, dataset([[0, 1, 2]], [2]), { loss: "crossEntropy" }), message: /^crossEntropy: label 2 at index 0 is not a class index in \[0, 1\]$/ },
  { name: "evaluate on 2 features for 3", make: mlp3, run: (m: nn.Sequential) => evaluate(m, dataset([[0, 1]], [1]), { loss: "crossEntropy" }), message: /^Linear\(3→4\): input has shape \[1, 2\], expected \[\*, 3\]$/ },
  { name: "evaluate mse against 3 targets for 2 outputs", make: mlp3, run: (m: nn.Sequential) => evaluate(m, dataset([[0, 1, 2]], [[1, 2, 3]]), { loss: "mse" }), message: /^mse: prediction has shape \[1, 2\] but target has shape \[1, 3\]$/ },
  { name: "evaluate batchSize 1.5", make: mlp3, run: (m: nn.Sequential) => evaluate(m, four(), { loss: "mse", batchSize: 1.5 }), message: /^evaluate: batchSize must be a positive integer, got 1\.5$/ },
  { name: "evaluate(model, null)", make: mlp3, run: (m: nn.Sequential) => evaluate(m, null as never, { loss: "mse" }), message: /^evaluate: the data set must have Float32Array x and y \(make one with dataset\(\)\), got null$/ },
]);

const noModel = table<Case>("calls without a model", [
  { name: "summary(null)", run: () => nn.summary(null as never, [1, 3]), message: /^summary: model is null, expected a Module$/ },
  { name: "evaluate(null, …)", run: () => evaluate(null as never, four(), { loss: "mse" }), message: /^evaluate: model is null, expected a Module$/ },
  { name: "predict(a function, …)", run: () => predict(((x: Tensor) => x) as never, zeros([1, 3])), message: /^predict: model is a function, expected a Module$/ },
]);

// ---------------------------------------------------------------------------------------------
// fit: a model and an Adam that took two real steps; every bad call must leave both bit-for-bit.
type Trained = ReturnType<typeof trained>;
interface FitCase {
  name: string;
  run: (t: Trained) => Promise<unknown>;
  message: RegExp;
}
const quiet = { epochs: 1, loss: "crossEntropy" as const, verbose: false };
const fitCases = table<FitCase>("fit", [
  { name: "no options", run: ({ model }) => fit(model, four(), undefined as never), message: /^fit: options are undefined, expected \{ epochs, optimizer, loss, \.\.\. \}$/ },
  { name: "no optimizer", run: ({ model }) => fit(model, four(), { ...quiet } as never), message: /^fit: optimizer is undefined, expected an optimizer such as new optim\.Adam\(model\.parameters\(\)\)$/ },
  { name: "an optimizer that is a plain object", run: ({ model }) => fit(model, four(), { ...quiet, optimizer: { step() {}, zeroGrad() {} } as never }), message: /^fit: optimizer is an Object, expected an optimizer such as new optim\.Adam\(model\.parameters\(\)\)$/ },
  { name: "the optimizer of another model's parameters", run: ({ model }) => fit(model, four(), { ...quiet, optimizer: new optim.SGD(mlp3().parameters(), { lr: 0.1 }) }), message: /^fit: the SGD holds none of the model's 4 parameters \(it was made for another model\); make it with model\.parameters\(\)$/ },
  { name: "model null", run: ({ opt }) => fit(null as never, four(), { ...quiet, optimizer: opt }), message: /^fit: model is null, expected a Module$/ },
  { name: "unknown loss \"hinge\"", run: ({ model, opt }) => fit(model, four(), { ...quiet, loss: "hinge" as never, optimizer: opt }), message: /^fit: unknown loss "hinge", expected "crossEntropy", "mse", "binaryCrossEntropy" or a function$/ },
  { name: "a loss function that returns a number", run: ({ model, opt }) => fit(model, four(), { ...quiet, loss: (() => 5) as never, optimizer: opt }), message: /^fit: the loss function returned 5, expected a Tensor holding one value$/ },
  { name: "a loss function that returns the predictions", run: ({ model, opt }) => fit(model, four(), { ...quiet, loss: (p: Tensor) => p, optimizer: opt }), message: /^fit: the loss function returned Tensor\[4, 2\], expected a Tensor holding one value$/ },
  { name: "epochs 0", run: ({ model, opt }) => fit(model, four(), { ...quiet, epochs: 0, optimizer: opt }), message: /^fit: epochs must be a positive integer, got 0$/ },
  { name: "epochs 1.5", run: ({ model, opt }) => fit(model, four(), { ...quiet, epochs: 1.5, optimizer: opt }), message: /^fit: epochs must be a positive integer, got 1\.5$/ },
  { name: "epochs \"2\"", run: ({ model, opt }) => fit(model, four(), { ...quiet, epochs: "2" as never, optimizer: opt }), message: /^fit: epochs must be a positive integer, got 2$/ },
  { name: "batchSize -1", run: ({ model, opt }) => fit(model, four(), { ...quiet, batchSize: -1, optimizer: opt }), message: /^fit: batchSize must be a positive integer, got -1$/ },
  { name: "batchSize Infinity", run: ({ model, opt }) => fit(model, four(), { ...quiet, batchSize: Infinity, optimizer: opt }), message: /^fit: batchSize must be a positive integer, got Infinity$/ },
  { name: "initialEpoch 1 of 1 epoch", run: ({ model, opt }) => fit(model, four(), { ...quiet, initialEpoch: 1, optimizer: opt }), message: /^fit: initialEpoch must be an integer in \[0, 0\] \(epochs already done, fewer than epochs = 1\), got 1$/ },
  { name: "seed NaN", run: ({ model, opt }) => fit(model, four(), { ...quiet, seed: NaN, optimizer: opt }), message: /^fit: seed must be an integer, got NaN$/ },
  { name: "shuffle \"no\"", run: ({ model, opt }) => fit(model, four(), { ...quiet, shuffle: "no" as never, optimizer: opt }), message: /^fit: shuffle must be true or false, got "no"$/ },
  { name: "log 5", run: ({ model, opt }) => fit(model, four(), { ...quiet, verbose: true, log: 5 as never, optimizer: opt }), message: /^fit: log must be a function \(line: string\) => void, got 5$/ },
  { name: "callbacks that are one callback, not an array", run: ({ model, opt }) => fit(model, four(), { ...quiet, optimizer: opt, callbacks: earlyStopping() as never }), message: /^fit: callbacks must be an array of callbacks, got an Object$/ },
  { name: "a callback that is null", run: ({ model, opt }) => fit(model, four(), { ...quiet, optimizer: opt, callbacks: [null as never] }), message: /^fit: callback 0 is null, expected an object with onBatchEnd, onEpochEnd or onTrainEnd$/ },
  { name: "a callback whose onEpochEnd is 5", run: ({ model, opt }) => fit(model, four(), { ...quiet, optimizer: opt, callbacks: [{}, { onEpochEnd: 5 } as never] }), message: /^fit: callback 1's onEpochEnd is 5, expected a function$/ },
  { name: "earlyStopping on valLoss without validation data", run: ({ model, opt }) => fit(model, four(), { ...quiet, optimizer: opt, callbacks: [earlyStopping({ monitor: "valLoss" })] }), message: /^earlyStopping: monitor "valLoss" is not logged by this training \(it logs loss, accuracy: no validation data or no accuracy for this loss\)$/ },
  { name: "earlyStopping on accuracy with mse", run: ({ model, opt }) => fit(model, dataset([[0, 1, 2]], [[1, 2]]), { ...quiet, loss: "mse", optimizer: opt, callbacks: [earlyStopping({ monitor: "accuracy" })] }), message: /^earlyStopping: monitor "accuracy" is not logged by this training \(it logs loss: no validation data or no accuracy for this loss\)$/ },
  { name: "inputs of 2 features for 3", run: ({ model, opt }) => fit(model, dataset([[0, 1], [1, 2]], [0, 1]), { ...quiet, optimizer: opt }), message: /^Linear\(3→4\): input has shape \[1, 2\], expected \[\*, 3\]$/ },
  { name: "label 2 of 2 classes", run: ({ model, opt }) => fit(model, dataset([[0, 1, 2], [1, 2, 3]], [0, 2]), { ...quiet, optimizer: opt }), message: /^fit: label 2 of sample 1 is not a class index in \[0, 1\] \(the model outputs 2 classes\)$/ },
  { name: "label -1", run: ({ model, opt }) => fit(model, dataset([[0, 1, 2], [1, 2, 3]], [-1, 0]), { ...quiet, optimizer: opt }), message: /^fit: label -1 of sample 0 is not a class index in \[0, 1\] \(the model outputs 2 classes\)$/ },
  { name: "mse targets of 3 values for 2 outputs", run: ({ model, opt }) => fit(model, dataset([[0, 1, 2]], [[1, 2, 3]]), { ...quiet, loss: "mse", optimizer: opt }), message: /^mse: prediction has shape \[1, 2\] but target has shape \[1, 3\]$/ },
  { name: "binaryCrossEntropy targets of 1 value for 2 outputs", run: ({ model, opt }) => fit(model, dataset([[0, 1, 2]], [[1]]), { ...quiet, loss: "binaryCrossEntropy", optimizer: opt }), message: /^binaryCrossEntropy: prediction has shape \[1, 2\] but target has shape \[1, 1\]$/ },
  { name: "NaN in the inputs", run: ({ model, opt }) => fit(model, { ...four(), x: Float32Array.from([0, 1, 2, 1, NaN, 3, 2, 3, 4, 3, 4, 5]) }, { ...quiet, optimizer: opt }), message: /^fit: x holds NaN at sample 1 \(value index 4\); inputs must be finite$/ },
  { name: "NaN in the labels", run: ({ model, opt }) => fit(model, { ...four(), y: Float32Array.from([0, NaN, 0, 1]) }, { ...quiet, optimizer: opt }), message: /^fit: y holds NaN at sample 1 \(value index 1\); inputs must be finite$/ },
  { name: "data null", run: ({ model, opt }) => fit(model, null as never, { ...quiet, optimizer: opt }), message: /^fit: the data set must have Float32Array x and y \(make one with dataset\(\)\), got null$/ },
  { name: "validation data that is a number", run: ({ model, opt }) => fit(model, four(), { ...quiet, validation: 5 as never, optimizer: opt }), message: /^fit \(validation\): the data set must have Float32Array x and y \(make one with dataset\(\)\), got number$/ },
  { name: "a diverging loss on the first batch", run: ({ model, opt }) => fit(model, dataset([[1e30, 0, 0]], [[1e30, 0]]), { ...quiet, loss: "mse", optimizer: opt }), message: /^fit: the loss is (Infinity|NaN) at epoch 1, samples 0–0; training stopped before this update, so the weights are those after the previous batch \(try a smaller learning rate\)$/ },
]);

// ---------------------------------------------------------------------------------------------
// Data sets, splitAt, loadMnist and earlyStopping options.
const data = table<Case>("dataset, splitAt, earlyStopping", [
  { name: "dataset of ragged rows", run: () => dataset([[1, 2], [3]], [0, 1]), message: /^dataset: x row 1 has 1 values, expected 2$/ },
  { name: "dataset of 2 samples and 1 label", run: () => dataset([[1, 2], [3, 4]], [0]), message: /^dataset: x has 2 samples but y has 1; they must match$/ },
  { name: "dataset with NaN", run: () => dataset([[1, NaN]], [0]), message: /^dataset: x holds NaN at sample 0 \(value index 1\); inputs must be finite$/ },
  { name: "dataset with an Infinity label", run: () => dataset([[1, 2]], [Infinity]), message: /^dataset: y holds Infinity at sample 0 \(value index 0\); inputs must be finite$/ },
  { name: "dataset(null, …)", run: () => dataset(null as never, [0]), message: /^dataset: x is null, expected a Tensor, an array of rows, or a flat array or typed array$/ },
  { name: "dataset of a string", run: () => dataset("abc" as never, [0, 1, 2]), message: /^dataset: x is string, expected a Tensor, an array of rows, or a flat array or typed array$/ },
  { name: "dataset of 6 values as samples of [4]", run: () => dataset(new Float32Array(6), new Float32Array(2), { sampleShape: [4] }), message: /^dataset: x has 6 values, not a whole number of samples of shape \[4\] \(6 \/ 4 = 1\.5\)$/ },
  { name: "dataset sampleShape [-1]", run: () => dataset(new Float32Array(6), new Float32Array(2), { sampleShape: [-1] }), message: /^dataset: sampleShape: shape \[-1\] has -1 at axis 0, expected non-negative integers$/ },
  { name: "splitAt 5 of 4", run: () => splitAt(four(), 5), message: /^splitAt: at must be an integer in \[0, 4\] \(the data set's length\), got 5$/ },
  { name: "splitAt -1", run: () => splitAt(four(), -1), message: /^splitAt: at must be an integer in \[0, 4\] \(the data set's length\), got -1$/ },
  { name: "splitAt 1.5", run: () => splitAt(four(), 1.5), message: /^splitAt: at must be an integer in \[0, 4\] \(the data set's length\), got 1\.5$/ },
  { name: "splitAt NaN", run: () => splitAt(four(), NaN), message: /^splitAt: at must be an integer in \[0, 4\] \(the data set's length\), got NaN$/ },
  { name: "splitAt(null, 1)", run: () => splitAt(null as never, 1), message: /^splitAt: the data set must have Float32Array x and y \(make one with dataset\(\)\), got null$/ },
  { name: "earlyStopping patience -1", run: () => earlyStopping({ patience: -1 }), message: /^earlyStopping: patience must be an integer ≥ 0 \(epochs without improvement\), got -1$/ },
  { name: "earlyStopping patience 1.5", run: () => earlyStopping({ patience: 1.5 }), message: /^earlyStopping: patience must be an integer ≥ 0 \(epochs without improvement\), got 1\.5$/ },
  { name: "earlyStopping minDelta -1", run: () => earlyStopping({ minDelta: -1 }), message: /^earlyStopping: minDelta must be a finite number ≥ 0, got -1$/ },
  { name: "earlyStopping minDelta NaN", run: () => earlyStopping({ minDelta: NaN }), message: /^earlyStopping: minDelta must be a finite number ≥ 0, got NaN$/ },
  { name: "earlyStopping monitor \"val_loss\"", run: () => earlyStopping({ monitor: "val_loss" as never }), message: /^earlyStopping: monitor must be one of "loss", "valLoss", "accuracy", "valAccuracy", got "val_loss"$/ },
  { name: "earlyStopping restoreBest \"yes\"", run: () => earlyStopping({ restoreBest: "yes" as never }), message: /^earlyStopping: restoreBest must be true or false, got "yes"$/ },
  { name: "earlyStopping(null)", run: () => earlyStopping(null as never), message: /^earlyStopping: options are null, expected \{ monitor, patience, minDelta, restoreBest \}$/ },
]);

interface AsyncCase {
  name: string;
  run: () => Promise<unknown>;
  message: RegExp;
}
const mnist = table<AsyncCase>("loadMnist", [
  { name: "trainSize 1.5", run: () => loadMnist({ trainSize: 1.5, testSize: 1 }), message: /^loadMnist: trainSize must be an integer, got 1\.5$/ },
  { name: "testSize NaN", run: () => loadMnist({ testSize: NaN }), message: /^loadMnist: testSize must be an integer, got NaN$/ },
  { name: "9000 + 2000 of 10000 digits", run: () => loadMnist({ trainSize: 9000, testSize: 2000 }), message: /^loadMnist: trainSize 9000 \+ testSize 2000 must be within the 10000 digits of the package$/ },
  { name: "trainSize -1", run: () => loadMnist({ trainSize: -1 }), message: /^loadMnist: trainSize -1 \+ testSize 2000 must be within the 10000 digits of the package$/ },
  { name: "shape \"square\"", run: () => loadMnist({ trainSize: 1, testSize: 1, shape: "square" as never }), message: /^loadMnist: shape must be "flat" or "image", got "square"$/ },
  { name: "seed 1.5", run: () => loadMnist({ trainSize: 1, testSize: 1, seed: 1.5 }), message: /^loadMnist: seed must be an integer, got 1\.5$/ },
  { name: "a misspelt option", run: () => loadMnist({ trainsize: 1 } as never), message: /^loadMnist: unknown option "trainsize"; loadMnist takes trainSize, testSize, seed, shape, from$/ },
  { name: "from 3 bytes of garbage", run: () => loadMnist({ from: new Uint8Array([1, 2, 3]) }), message: /^loadMnist: the 3 bytes given are not a file made by mnistFile\(\) \(decodeIdx: 3 stray bytes at offset 0\)$/ },
  { name: "from a number", run: () => loadMnist({ from: 5 as never }), message: /^loadMnist: from is number, expected the file's bytes \(Uint8Array or ArrayBuffer\), a URL string or a URL$/ },
  { name: "options null", run: () => loadMnist(null as never), message: /^loadMnist: options are null, expected an object$/ },
]);

// ---------------------------------------------------------------------------------------------
// The heap: allocations far past the 4 GiB limit are refused before anything is allocated.
const inUse = String.raw`[\d.]+ (bytes|KiB|MiB)`;
const heapRows = table<{ name: string; run: () => unknown; message: (be: string) => RegExp }>("heap", [
  { name: "zeros [2^20, 2^13] (32 GiB)", run: () => zeros([1 << 20, 1 << 13]), message: (be) => new RegExp(`^zeros: Tensor\\[1048576, 8192\\] on the ${be} backend: cannot allocate 34359738368 bytes \\(32 GiB\\): the memory cannot grow that far; ${inUse} in use, memory ${inUse}, limit 4 GiB$`) },
  { name: "ones [70000, 70000] (18.25 GiB)", run: () => ones([70000, 70000]), message: (be) => new RegExp(`^ones: Tensor\\[70000, 70000\\] on the ${be} backend: cannot allocate 19600000000 bytes \\(18\\.25 GiB\\): the memory cannot grow that far; ${inUse} in use`) },
  { name: "randn [2^31] (8 GiB)", run: () => randn([2 ** 31]), message: (be) => new RegExp(`^randn: Tensor\\[2147483648\\] on the ${be} backend: cannot allocate 8589934592 bytes \\(8 GiB\\): the memory cannot grow that far`) },
  { name: "full [2^30, 2] with 7", run: () => full([2 ** 30, 2], 7), message: (be) => new RegExp(`^full: Tensor\\[1073741824, 2\\] on the ${be} backend: cannot allocate 8589934592 bytes \\(8 GiB\\): the memory cannot grow that far`) },
  { name: "tensor of 4 values for [2^30, 4]", run: () => tensor(new Float32Array(4), [1 << 30, 4]), message: () => /^tensor: 4 values do not fill shape \[1073741824, 4\] \(4294967296 values\)$/ },
  { name: "Linear(65536, 32768) (8 GiB of weight)", run: () => new nn.Linear(1 << 16, 1 << 15), message: (be) => new RegExp(`^Linear: Tensor\\[32768, 65536\\] on the ${be} backend: cannot allocate 8589934592 bytes \\(8 GiB\\): the memory cannot grow that far`) },
  { name: "mlp whose third layer is too large: the first two are freed", run: () => models.mlp({ inputs: 4, hidden: [8, 1 << 20], outputs: 4096 }), message: (be) => new RegExp(`^Linear: Tensor\\[4096, 1048576\\] on the ${be} backend: cannot allocate 17179869184 bytes \\(16 GiB\\): the memory cannot grow that far`) },
  { name: "mlp whose second layer is bad: the first is freed", run: () => models.mlp({ inputs: 4, hidden: [8, 0], outputs: 2 }), message: () => /^Linear: outFeatures must be a positive integer, got 0$/ },
  { name: "gpt whose position table is too large: the token table is freed", run: () => models.gpt({ vocab: 5, context: 1 << 28, dim: 64, heads: 2, layers: 1 }), message: (be) => new RegExp(`^LearnedPositionalEncoding: Embedding: Tensor\\[268435456, 64\\] on the ${be} backend: cannot allocate 68719476736 bytes \\(64 GiB\\): the memory cannot grow that far`) },
  { name: "mixtureOfExperts topK 5 of 2: the experts built are freed", run: () => models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 2, topK: 5 }), message: () => /^MixtureOfExperts\(2 experts\): topK must be an integer in \[1, 2\], got 5 \(more than the 2 experts\)$/ },
  { name: "autoencoder hidden [4, 0], refused before any layer is built", run: () => models.autoencoder({ inputs: 8, code: 2, hidden: [4, 0] }), message: () => /^autoencoder: hidden\[1\] must be a positive integer, got 0$/ },
  { name: "heap.alloc(NaN)", run: () => getBackend().heap.alloc(NaN), message: () => /^heap: cannot allocate NaN bytes, expected a finite count ≥ 0$/ },
  { name: "heap.alloc(-1)", run: () => getBackend().heap.alloc(-1), message: () => /^heap: cannot allocate -1 bytes, expected a finite count ≥ 0$/ },
]);

beforeAll(async () => {
  await ready();
});

describe.each(["js", "wasm"] as const)("%s backend", (be) => {
  beforeAll(() => setBackend(be));

  it.each(constructors)("constructor: $name", ({ run, message }) => expectCase(run, message));
  it.each(forwards)("forward: $name", (c) => expectModuleCase(c));
  it.each(factories)("factory: $name", ({ run, message }) => expectCase(run, message));
  it.each(modelCalls)("model: $name", (c) => expectModuleCase(c));
  it.each(inference)("$name", (c) => expectModuleCase(c));
  it.each(noModel)("$name", ({ run, message }) => expectCase(run, message));

  it.each(fitCases)("fit: $name", async ({ run, message }) => {
    const t = trained((ps) => new optim.Adam(ps, { lr: 0.01 }));
    const before = snapshot(t.params, t.opt);
    await expectRejection(() => run(t), message);
    expect(snapshot(t.params, t.opt)).toEqual(before);
    t.opt.dispose();
  });

  it.each(data)("$name", ({ run, message }) => expectCase(run, message));
  it.each(mnist)("loadMnist: $name", ({ run, message }) => expectRejection(run, message));

  it.each(heapRows)("heap: $name; bytesInUse and live tensors unchanged", ({ run, message }) => {
    zeros([1]); // the backend's heap exists before the count is taken
    const heap = backend(be).heap;
    const bytes = heap.bytesInUse;
    const live = liveTensors();
    expectCase(run, message(be));
    expect(heap.bytesInUse).toBe(bytes);
    expect(liveTensors()).toBe(live);
  });
});

describe("what the checks let through", () => {
  beforeAll(() => setBackend("wasm"));

  it("fit with an optimizer over part of the model (a frozen first layer) updates only that part", async () => {
    const t = trained((ps) => new optim.Adam(ps, { lr: 0.01 }));
    const [w0, b0, w1] = t.params.map((p) => Array.from(p.toArray()));
    const opt = new optim.SGD(t.params.slice(2), { lr: 0.1 });
    const history = await fit(t.model, four(), { ...quiet, epochs: 2, batchSize: 2, optimizer: opt });
    expect(history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(Array.from(t.params[0].toArray())).toEqual(w0);
    expect(Array.from(t.params[1].toArray())).toEqual(b0);
    expect(Array.from(t.params[2].toArray())).not.toEqual(w1);
  });

  it("earlyStopping on valLoss with validation data, and on accuracy with crossEntropy, passes onTrainBegin", async () => {
    for (const [monitor, validation] of [["valLoss", four()], ["accuracy", undefined]] as const) {
      const t = trained((ps) => new optim.Adam(ps, { lr: 0.01 }));
      const stopper = earlyStopping({ monitor, patience: 0, minDelta: 1e9 });
      const history = await fit(t.model, four(), { ...quiet, epochs: 5, optimizer: t.opt, validation, callbacks: [stopper] });
      // minDelta 1e9: no epoch after the first counts as an improvement, so patience 0 stops at epoch 2.
      expect(history.length).toBe(2);
      expect([stopper.bestEpoch, stopper.stoppedEpoch]).toEqual([1, 2]);
    }
  });
});

afterAll(() => {
  const total = [...rows.values()].reduce((a, b) => a + b, 0);
  console.log(`bad-input catalogue, part two: ${total} rows (${[...rows].map(([k, v]) => `${k} ${v}`).join(", ")}), each on the js and wasm backends`);
});

it("holds at least 100 rows", () => {
  expect([...rows.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(100);
});
