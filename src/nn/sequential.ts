// Sequential: layers applied one after another, each one's output the next one's input. This is
// the architecture of a feed-forward network: input → hidden layers → output.
import type { Tensor } from "../tensor/tensor.js";
import { describe } from "../tensor/check.js";
import { Module } from "./module.js";

/**
 * @example
 * const mlp = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * const logits = mlp.forward(x); // [batch, 784] → [batch, 10]
 */
export class Sequential extends Module {
  /** The layers in order (their stateDict prefixes are 0, 1, 2, …). */
  readonly layers: readonly Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((l, i) => {
      if (!(l instanceof Module)) throw new Error(`Sequential: layer ${i} is ${describe(l)}, expected a Module`);
    });
    this.layers = layers;
    // Children are named by position, as in PyTorch: keys "0.weight", "2.bias", ...
    layers.forEach((l, i) => this.child(String(i), l));
  }

  forward(x: Tensor): Tensor {
    for (const l of this.layers) x = l.forward(x);
    return x;
  }
}
