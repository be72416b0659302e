export { Optimizer, type OptimizerState } from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export { Adam, AdamW, type AdamOptions } from "./adam.js";
