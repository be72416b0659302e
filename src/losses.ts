// Loss functions by name (the same functions as ops.crossEntropy, ops.mse, ops.binaryCrossEntropy).
export { crossEntropy, mse, binaryCrossEntropy } from "./autograd/loss.js";
export { marginLoss, type MarginLossOptions } from "./autograd/margin-loss.js";
