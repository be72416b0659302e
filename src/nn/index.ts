// Layers and models built from them.
export { Module, parameter, buffer } from "./module.js";
export { Linear, type LinearOptions } from "./linear.js";
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax } from "./activation.js";
export { Dropout } from "./dropout.js";
export { Sequential } from "./sequential.js";
export { RBF, sqDist, rbfBasis, type RBFOptions, type BasisName } from "./rbf.js";
export { summary, layerTable, type LayerRow } from "./summary.js";
export * as init from "./init.js";
