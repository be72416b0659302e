// Layers and models built from them.
export { Module, parameter, buffer, type AnyModule } from "./module.js";
export { Linear, type LinearOptions } from "./linear.js";
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax } from "./activation.js";
export { Dropout } from "./dropout.js";
export { Sequential } from "./sequential.js";
export { RBF, sqDist, rbfBasis, type RBFOptions, type BasisName } from "./rbf.js";
export { MixtureOfExperts, type MixtureOfExpertsOptions, type ExpertUsage } from "./moe.js";
export { RNN, RNNCell, RecurrentBase, CellBase, type RecurrentOptions, type RecurrentOutput, type RNNOptions } from "./rnn.js";
export { LSTM, LSTMCell } from "./lstm.js";
export { GRU, GRUCell } from "./gru.js";
export { Embedding } from "./embedding.js";
export { clipGradNorm, clipGradValue } from "./clip.js";
export { summary, layerTable, type LayerRow } from "./summary.js";
export { Conv2d, type Conv2dLayerOptions } from "./conv.js";
export { ConvTranspose2d, type ConvTranspose2dLayerOptions } from "./conv-transpose.js";
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type AvgPool2dOptions } from "./pool.js";
export { BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions } from "./batchnorm.js";
export { Flatten, Unflatten } from "./flatten.js";
export { Dropout2d } from "./dropout2d.js";
export * as init from "./init.js";
// The computation graph behind a tensor, and its picture.
export { computationGraph, retainGrads, type ComputationGraph, type GraphNode, type TensorNode, type OpNode, type GraphEdge, type GraphOptions, type TensorRole } from "./graph.js";
export { drawGraph, type DrawGraphOptions } from "./draw-graph.js";
export { PrimaryCapsules, DigitCapsules, type PrimaryCapsulesOptions, type DigitCapsulesOptions } from "./capsule.js";
// Transformers.
export { LayerNorm, type LayerNormOptions } from "./layernorm.js";
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from "./attention.js";
export {
  TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder,
  type TransformerLayerOptions, type EncoderLayerForwardOptions, type DecoderLayerForwardOptions,
} from "./transformer.js";
export { SinusoidalPositionalEncoding, LearnedPositionalEncoding } from "./positional.js";
