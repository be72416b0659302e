// GRU (Cho et al., 2014): a lighter gated cell with no separate cell state. A reset gate r decides
// how much of h_{t−1} feeds the candidate n, and an update gate z interpolates between keeping
// h_{t−1} and taking n — when z ≈ 1 the state (and its gradient) passes through unchanged, which
// is what lets it bridge long gaps like the LSTM, with three gate blocks instead of four.
// PyTorch's form, gate order r, z, n, with the hidden bias b_hn inside the reset product:
//   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
//   n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)),  h' = (1 − z)⊙n + z⊙h.
import { reshape } from "../autograd/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { CellBase, RecurrentBase, type RecurrentOptions } from "./rnn.js";
import { checkInput, checkOptions } from "./module.js";

/**
 * A stacked, optionally bidirectional GRU, PyTorch's nn.GRU (weight_ih_l0 [3H, in], weight_hh_l0
 * [3H, H], bias_ih_l0, bias_hh_l0, "_reverse"). forward(x, h0?) returns the output sequence;
 * forwardWithState returns { output, h }.
 * @example
 * const gru = new nn.GRU(8, 32, { numLayers: 2 });
 * const { output, h } = gru.forwardWithState(x); // x [T, B, 8] → output [T, B, 32], h [2, B, 32]
 */
export class GRU extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super("gru", inputSize, hiddenSize, options);
  }

  forward(x: Tensor, h0?: Tensor): Tensor {
    checkInput(this.describe(), x);
    return this.runOutput(x, h0);
  }
}

/**
 * One GRU step, PyTorch's nn.GRUCell: forward(x [B, in], h? [B, H]) → h' [B, H].
 * @example
 * const cell = new nn.GRUCell(4, 8);
 * let h = cell.forward(x0);
 * h = cell.forward(x1, h);
 */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super("gru", inputSize, hiddenSize, checkOptions("GRUCell", options).bias ?? true);
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    checkInput(this.describe(), x);
    return this.step1(x, h, undefined, (packed) => reshape(packed, [x.shape[0], this.hiddenSize]));
  }
}
