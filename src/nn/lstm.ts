// LSTM (Hochreiter & Schmidhuber, 1997; forget gate: Gers et al., 2000).
//
// The plain RNN's gradient fades because every step multiplies it through W_hh and a squashing
// derivative. The LSTM adds a cell state c that is updated additively, c_t = f⊙c_{t−1} + i⊙g, under
// three learned gates in (0, 1): the input gate i (write g or not), the forget gate f (keep c or
// not) and the output gate o (h_t = o⊙tanh(c_t)). While f ≈ 1, dL/dc flows back unchanged across
// many steps — the "constant error carousel" — so the net can learn dependencies hundreds of steps
// apart. Gates come from one matrix product of all four blocks, in PyTorch's order i, f, g, o:
//   [i f g o] = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh;  i, f, o = σ(·), g = tanh(·).
import { reshape, slice } from "../autograd/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { CellBase, RecurrentBase, type RecurrentOptions, type RecurrentOutput } from "./rnn.js";
import { checkInput, checkOptions } from "./module.js";

/**
 * A stacked, optionally bidirectional LSTM, PyTorch's nn.LSTM: the same parameter names and
 * shapes (weight_ih_l0 [4H, in], weight_hh_l0 [4H, H], bias_ih_l0, bias_hh_l0, "_reverse" for the
 * second direction), so PyTorch weights load one to one. forward(x, h0?, c0?) returns the output
 * sequence; forwardWithState returns { output, h, c }.
 * @example
 * const lstm = new nn.LSTM(2, 64, { batchFirst: true });
 * const { output, h, c } = lstm.forwardWithState(x); // x [B, T, 2] → output [B, T, 64], h, c [1, B, 64]
 */
export class LSTM extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super("lstm", inputSize, hiddenSize, options);
  }

  forward(x: Tensor, h0?: Tensor, c0?: Tensor): Tensor {
    checkInput(this.describe(), x);
    return this.runOutput(x, h0, c0);
  }

  override forwardWithState(x: Tensor, h0?: Tensor, c0?: Tensor): Required<RecurrentOutput> {
    return this.run(x, h0, c0) as Required<RecurrentOutput>;
  }

  override forwardProjected(xw: Tensor, h0?: Tensor, c0?: Tensor): Required<RecurrentOutput> {
    return this.run(xw, h0, c0, true) as Required<RecurrentOutput>;
  }
}

/**
 * One LSTM step, PyTorch's nn.LSTMCell. forward(x, h?, c?) returns h'; step(x, h?, c?) returns
 * { h, c } to feed the next step.
 * @example
 * const cell = new nn.LSTMCell(10, 20);
 * let s = cell.step(x0);            // x0 [B, 10] → s.h, s.c [B, 20]
 * s = cell.step(x1, s.h, s.c);
 */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super("lstm", inputSize, hiddenSize, checkOptions("LSTMCell", options).bias ?? true);
  }

  forward(x: Tensor, h?: Tensor, c?: Tensor): Tensor {
    checkInput(this.describe(), x);
    return this.step1(x, h, c, (packed) => reshape(slice(packed, 0, 0, 1), [x.shape[0], this.hiddenSize]));
  }

  /**
   * One step: (x [batch, inputSize], h, c) → the next h and c, each [batch, hiddenSize] (zeros when h or c is omitted).
   *
   * @property h The next hidden state h' = o ⊙ tanh(c').
   * @property c The next cell state c' = f ⊙ c + i ⊙ g.
   */
  step(x: Tensor, h?: Tensor, c?: Tensor): { h: Tensor; c: Tensor } {
    const shape = [x.shape[0], this.hiddenSize];
    return this.step1(x, h, c, (packed) => ({ h: reshape(slice(packed, 0, 0, 1), shape), c: reshape(slice(packed, 0, 1, 2), shape) }));
  }
}
