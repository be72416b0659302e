// Sequential: layers applied one after another, each one's output the next one's input. This is
// the architecture of a feed-forward network: input → hidden layers → output.
import { describe } from "../tensor/check.js";
import type { Tensor } from "../tensor/tensor.js";
import { ReLU } from "./activation.js";
import { checkInput, Module, runsOwnForward } from "./module.js";
import { MaxPool2d } from "./pool.js";

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
      if (!(l instanceof Module)) throw new Error(`Sequential: layer ${i} is ${describe(l)}, expected a Module (a layer such as new nn.Linear(3, 4))`);
    });
    this.layers = layers;
    // Children are named by position, as in PyTorch: keys "0.weight", "2.bias", ...
    layers.forEach((l, i) => this.child(String(i), l));
  }

  forward(x: Tensor): Tensor {
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      const next = layers[i + 1];
      // A ReLU then a max pooling (a CNN's conv → ReLU → pool) run as one kernel: the same values
      // and gradients, without the ReLU's output and its two passes over it. Only when both run
      // their own forward: not a subclass's, nor one wrapped to watch it (nn.layerTable).
      if (next !== undefined && runsOwnForward(layers[i], ReLU) && runsOwnForward(next, MaxPool2d)) {
        checkInput(layers[i].describe(), x);
        x = (next as MaxPool2d).forwardRelu(x);
        i++;
      } else {
        x = layers[i].forward(x);
      }
    }
    return x;
  }
}
