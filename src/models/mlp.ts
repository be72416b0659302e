// The multilayer perceptron: the feed-forward network. Layers of neurons, each fully connected
// to the previous layer, with a nonlinearity between them; information flows one way, from the
// inputs through the hidden layers to the outputs.
import { GELU, LeakyReLU, ReLU, Sigmoid, Tanh } from "../nn/activation.js";
import { Dropout } from "../nn/dropout.js";
import { Linear } from "../nn/linear.js";
import { freeOnFailure, type Module } from "../nn/module.js";
import { Sequential } from "../nn/sequential.js";
import { checkModelOptions, type OptionKeys } from "./options.js";

/** Options of mlp: the layer widths, the activation between them and dropout. */
export interface MlpOptions {
  /** Features of each input. */
  inputs: number;
  /** Width of each hidden layer, e.g. [128] or [256, 128]. */
  hidden: number[];
  /** Features of each output (classes, for a classifier). */
  outputs: number;
  /** The activation after each hidden layer (default "relu"). */
  activation?: "relu" | "leakyRelu" | "tanh" | "sigmoid" | "gelu";
  /** Dropout probability after each hidden activation (default 0). */
  dropout?: number;
}

const activations = { relu: ReLU, leakyRelu: LeakyReLU, tanh: Tanh, sigmoid: Sigmoid, gelu: GELU };

const MLP_KEYS: OptionKeys<MlpOptions> = { inputs: "required", hidden: "required", outputs: "required", activation: "optional", dropout: "optional" };

/**
 * @example const model = models.mlp({ inputs: 784, hidden: [128], outputs: 10 }); // 784-128-10
 */
export function mlp(options: MlpOptions): Sequential {
  return freeOnFailure(() => {
    checkModelOptions("mlp", options, MLP_KEYS);
    if (!Array.isArray(options.hidden)) throw new Error(`mlp: hidden must be an array of layer widths such as [128], got ${typeof options.hidden}`);
    const Act = activations[options.activation ?? "relu"];
    if (Act === undefined) throw new Error(`mlp: unknown activation "${options.activation}"`);
    const layers: Module[] = [];
    let width = options.inputs;
    for (const h of options.hidden) {
      layers.push(new Linear(width, h), new Act());
      if (options.dropout) layers.push(new Dropout(options.dropout));
      width = h;
    }
    layers.push(new Linear(width, options.outputs));
    return new Sequential(...layers);
  });
}
