// Ready-made architectures.
export { mlp, type MlpOptions } from "./mlp.js";
