// Activation functions as differentiable ops. The kernels (and the formulas of each derivative)
// are in src/backend/js/activation.ts and assembly/activation.ts.
import { Activation } from "../backend/opcodes.js";
import type { Backend } from "../backend/types.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { normAxis } from "../tensor/shape.js";
import { record } from "./engine.js";
import { backendOf, checkNumber, checkOpOptions, empty } from "./util.js";

function activate(kind: Activation, name: string, x: Tensor, alpha = 0): Tensor {
  const be = backendOf(name, x);
  const y = empty(be, x.shape);
  be.activation(kind, x.ptr, y.ptr, x.size, alpha);
  return record(y, name, [x], (g) => {
    const dx = empty(be, x.shape);
    be.activationBackward(kind, x.ptr, y.ptr, g.ptr, dx.ptr, x.size, alpha);
    return [dx];
  });
}

/**
 * max(0, x): the rectified linear unit.
 *
 * @example const y = ops.relu(tensor([-1, 0, 2])); // [0, 0, 2]
 */
export function relu(x: Tensor): Tensor {
  return activate(Activation.ReLU, "relu", x);
}

/**
 * x for x > 0, else slope·x.
 *
 * @example const y = ops.leakyRelu(tensor([-1, 2]), 0.1); // [-0.1, 2]
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkNumber("leakyRelu", "negativeSlope", negativeSlope);
  return activate(Activation.LeakyReLU, "leakyRelu", x, negativeSlope);
}

/**
 * 1 / (1 + e⁻ˣ), squashing into (0, 1).
 *
 * @example const y = ops.sigmoid(tensor([0])); // [0.5]
 */
export function sigmoid(x: Tensor): Tensor {
  return activate(Activation.Sigmoid, "sigmoid", x);
}

/**
 * tanh(x), squashing into (−1, 1).
 *
 * @example const y = ops.tanh(tensor([0, 1])); // [0, 0.7616]
 */
export function tanh(x: Tensor): Tensor {
  return activate(Activation.Tanh, "tanh", x);
}

/** Options of gelu and nn.GELU. */
export interface GeluOptions {
  /** "none" (default): the exact x·Φ(x), as PyTorch's GELU(); "tanh": GPT-2's approximation. */
  approximate?: "none" | "tanh";
}

/**
 * GELU(x) = x·Φ(x), Φ the standard normal CDF (Hendrycks & Gimpel, 2016): each input scaled by
 * the probability that a standard normal falls below it. approximate "tanh":
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))), within ~1e−3 of the exact form.
 * @example
 * ops.gelu(tensor([-1, 0, 1])).toArray();                        // [−0.158655, 0, 0.841345]
 * ops.gelu(tensor([-1, 0, 1]), { approximate: "tanh" }).toArray(); // [−0.158808, 0, 0.841192]
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  checkOpOptions("gelu", options);
  const approximate = options.approximate ?? "none";
  if (approximate !== "none" && approximate !== "tanh") throw new Error(`gelu: approximate must be "none" or "tanh", got "${String(approximate)}"`);
  return activate(approximate === "tanh" ? Activation.GELUTanh : Activation.GELU, "gelu", x);
}

/**
 * softmax along `axis` (default the last): exponentials normalized to sum to 1.
 *
 * @example const p = ops.softmax(tensor([[1, 2, 3]])); // [[0.090, 0.245, 0.665]], rows sum to 1
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return rowwise("softmax", x, axis, (be, y, rows, cols) => be.softmax(x.ptr, y.ptr, rows, cols), (be, y, g, dx, rows, cols) => be.softmaxBackward(y.ptr, g.ptr, dx.ptr, rows, cols));
}

/**
 * log(softmax(x)) along `axis` (default the last), computed directly as x − max − log Σ exp(x − max):
 * finite wherever x is, where log of a softmax that underflowed would be −∞.
 * Backward: dx = dy − softmax(x)·Σ dy.
 * @example
 * ops.logSoftmax(tensor([[0, Math.log(3)]])).toArray(); // [log ¼, log ¾]
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return rowwise("logSoftmax", x, axis, (be, y, rows, cols) => be.logSoftmax(x.ptr, y.ptr, rows, cols), (be, y, g, dx, rows, cols) => be.logSoftmaxBackward(y.ptr, g.ptr, dx.ptr, rows, cols));
}

/** A row-wise op over the last axis whose backward needs only its output y. */
function rowwise(
  op: string, x: Tensor, axis: number,
  forward: (be: Backend, y: Tensor, rows: number, cols: number) => void,
  backward: (be: Backend, y: Tensor, g: Tensor, dx: Tensor, rows: number, cols: number) => void,
): Tensor {
  const be = backendOf(op, x);
  if (x.rank === 0) throw new Error(`${op}: got a scalar, expected a tensor of rank ≥ 1`);
  const a = normAxis(axis, x.rank, op);
  if (a !== x.rank - 1) throw new Error(`${op}: axis ${axis} of shape ${fmt(x.shape)}; only the last axis is supported (transpose first)`);
  const cols = x.shape[a];
  const rows = x.size / Math.max(cols, 1);
  const y = empty(be, x.shape);
  forward(be, y, rows, cols);
  return record(y, op, [x], (g) => {
    const dx = empty(be, x.shape);
    backward(be, y, g, dx, rows, cols);
    return [dx];
  });
}
