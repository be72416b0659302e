// The differentiable ops, in one namespace.
export { noGrad, isGradEnabled, record } from "./engine.js";
export { add, sub, mul, div, neg, mulScalar, addScalar, exp, log, sqrt, square, pow, abs } from "./arithmetic.js";
export { relu, leakyRelu, sigmoid, tanh, gelu, softmax } from "./activation.js";
export { matmul, linear } from "./matmul.js";
export { sum, mean } from "./reduce.js";
export { reshape, flatten, transpose, slice, concat } from "./shape.js";
export { crossEntropy, mse, binaryCrossEntropy } from "./loss.js";
export { embedding } from "./embedding.js";
export { conv2d, maxPool2d, avgPool2d, batchNorm, type Conv2dOptions, type Pool2dOptions, type BatchNormOptions, type Pair } from "./conv.js";
export { convTranspose2d, type ConvTranspose2dOptions } from "./conv-transpose.js";
export { squash, norm, capsulePredictions, dynamicRouting, type RoutingGradient, type RoutingOptions, type RoutingResult } from "./capsule.js";
export { marginLoss, type MarginLossOptions } from "./margin-loss.js";
export { logSoftmax, type GeluOptions } from "./activation.js";
export { layerNorm } from "./layernorm.js";
export { scaledDotProductAttention, type AttentionOptions, type AttentionMask, type BoolMask } from "./attention.js";
export { splitHeads, mergeHeads } from "./heads.js";
