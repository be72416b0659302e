// Layers and models built from them.
export { Module, parameter, buffer } from "./module.js";
export { Linear, type LinearOptions } from "./linear.js";
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax } from "./activation.js";
export { Dropout } from "./dropout.js";
export { Sequential } from "./sequential.js";
export { RNN, RNNCell, RecurrentBase, CellBase, type RecurrentOptions, type RecurrentOutput, type RNNOptions } from "./rnn.js";
export { LSTM, LSTMCell } from "./lstm.js";
export { GRU, GRUCell } from "./gru.js";
export { Embedding } from "./embedding.js";
export { clipGradNorm, clipGradValue } from "./clip.js";
export { RBF, sqDist, rbfBasis, type RBFOptions, type BasisName } from "./rbf.js";
export { MixtureOfExperts, type MixtureOfExpertsOptions, type ExpertUsage } from "./moe.js";
export { summary, layerTable, type LayerRow } from "./summary.js";
export * as init from "./init.js";
