// Activation functions as differentiable ops. The kernels (and the formulas of each derivative)
// are in src/backend/js/activation.ts and assembly/activation.ts.
import { Activation } from "../backend/opcodes.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { normAxis } from "../tensor/shape.js";
import { record } from "./engine.js";
import { backendOf, empty } from "./util.js";

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

/** max(0, x): the rectified linear unit. */
export function relu(x: Tensor): Tensor {
  return activate(Activation.ReLU, "relu", x);
}

/** x for x > 0, else slope·x. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return activate(Activation.LeakyReLU, "leakyRelu", x, negativeSlope);
}

/** 1 / (1 + e⁻ˣ), squashing into (0, 1). */
export function sigmoid(x: Tensor): Tensor {
  return activate(Activation.Sigmoid, "sigmoid", x);
}

/** tanh(x), squashing into (−1, 1). */
export function tanh(x: Tensor): Tensor {
  return activate(Activation.Tanh, "tanh", x);
}

/** x·Φ(x) in its tanh approximation (as GPT-2 and PyTorch's approximate="tanh"). */
export function gelu(x: Tensor): Tensor {
  return activate(Activation.GELU, "gelu", x);
}

/** softmax along `axis` (default the last): exponentials normalized to sum to 1. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const be = backendOf("softmax", x);
  if (x.rank === 0) throw new Error(`softmax: got a scalar, expected a tensor of rank ≥ 1`);
  const a = normAxis(axis, x.rank, "softmax");
  if (a !== x.rank - 1) throw new Error(`softmax: axis ${axis} of shape ${fmt(x.shape)}; only the last axis is supported (transpose first)`);
  const cols = x.shape[a];
  const rows = x.size / Math.max(cols, 1);
  const y = empty(be, x.shape);
  be.softmax(x.ptr, y.ptr, rows, cols);
  return record(y, "softmax", [x], (g) => {
    const dx = empty(be, x.shape);
    be.softmaxBackward(y.ptr, g.ptr, dx.ptr, rows, cols);
    return [dx];
  });
}
