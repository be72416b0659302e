// Matrix products. A layer of neurons is one: each output is a weighted sum of all inputs, so a
// batch of inputs X (batch × in) times the transposed weight matrix gives every neuron's sum for
// every sample in one GEMM.
//
// Backward of C = A·B: dA = dC·Bᵀ and dB = Aᵀ·dC — the GEMM kernel's transpose flags give both
// without materializing a transpose.
import { Binary } from "../backend/opcodes.js";
import type { Tensor } from "../tensor/tensor.js";
import { fmt } from "../tensor/shape.js";
import { record } from "./engine.js";
import { backendOf, empty } from "./util.js";

/**
 * Matrix product. 2-D: [m, k]·[k, n] → [m, n]. 3-D: batched, [B, m, k]·[B, k, n] → [B, m, n];
 * a 2-D right operand is shared by every batch entry.
 *
 * @example const y = ops.matmul(tensor([[1, 2], [3, 4]]), tensor([[1], [1]])); // [[3], [7]]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const be = backendOf("matmul", a, b);
  if (a.rank === 2 && b.rank === 2) {
    const [m, k] = a.shape;
    const [k2, n] = b.shape;
    if (k !== k2) throw new Error(`matmul: cannot multiply ${fmt(a.shape)} by ${fmt(b.shape)}: inner sizes ${k} and ${k2} differ`);
    const c = empty(be, [m, n]);
    be.gemm(a.ptr, b.ptr, c.ptr, m, n, k, false, false, false);
    return record(c, "matmul", [a, b], (g) => {
      let da: Tensor | null = null;
      let db: Tensor | null = null;
      if (a.requiresGrad) {
        da = empty(be, a.shape);
        be.gemm(g.ptr, b.ptr, da.ptr, m, k, n, false, true, false);
      }
      if (b.requiresGrad) {
        db = empty(be, b.shape);
        be.gemm(a.ptr, g.ptr, db.ptr, k, n, m, true, false, false);
      }
      return [da, db];
    });
  }
  if (a.rank === 3 && (b.rank === 3 || b.rank === 2)) {
    const [batch, m, k] = a.shape;
    const shared = b.rank === 2;
    const [k2, n] = shared ? b.shape : b.shape.slice(1);
    if (k !== k2 || (!shared && b.shape[0] !== batch)) throw new Error(`matmul: cannot multiply ${fmt(a.shape)} by ${fmt(b.shape)}`);
    const sb = shared ? 0 : k * n;
    const c = empty(be, [batch, m, n]);
    be.gemmBatched(a.ptr, b.ptr, c.ptr, batch, m, n, k, false, false, false, m * k, sb, m * n);
    return record(c, "matmul", [a, b], (g) => {
      let da: Tensor | null = null;
      let db: Tensor | null = null;
      if (a.requiresGrad) {
        da = empty(be, a.shape);
        be.gemmBatched(g.ptr, b.ptr, da.ptr, batch, m, k, n, false, true, false, m * n, sb, m * k);
      }
      if (b.requiresGrad) {
        db = empty(be, b.shape);
        if (shared) be.gemm(a.ptr, g.ptr, db.ptr, k, n, batch * m, true, false, false);
        else be.gemmBatched(a.ptr, g.ptr, db.ptr, batch, k, n, m, true, false, false, m * k, m * n, k * n);
      }
      return [da, db];
    });
  }
  throw new Error(`matmul: expected 2-D or 3-D operands, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
}

/**
 * y = x·Wᵀ + b, the affine map of a dense layer, fused: one GEMM forward, and backward
 * dX = dY·W, dW = dYᵀ·X, db = Σ_rows dY. x is [..., in], W is [out, in] (PyTorch's layout), b is [out].
 *
 * @example const y = ops.linear(tensor([[1, 2]]), tensor([[1, 1], [0, 1]]), tensor([0, 10])); // x·Wᵀ + b = [[3, 12]]
 */
export function linear(x: Tensor, w: Tensor, bias: Tensor | null): Tensor {
  const be = bias ? backendOf("linear", x, w, bias) : backendOf("linear", x, w);
  if (w.rank !== 2) throw new Error(`linear: weight has shape ${fmt(w.shape)}, expected [out, in]`);
  const [out, inF] = w.shape;
  if (x.rank < 1 || x.shape[x.rank - 1] !== inF) throw new Error(`linear: input has shape ${fmt(x.shape)}, expected [*, ${inF}]`);
  if (bias && (bias.rank !== 1 || bias.size !== out)) throw new Error(`linear: bias has shape ${fmt(bias.shape)}, expected [${out}]`);
  // Not x.size / inF: with inF = 0 that is NaN rows, and the output is the bias, PyTorch's answer.
  const rows = x.shape.slice(0, -1).reduce((a, d) => a * d, 1);
  const y = empty(be, [...x.shape.slice(0, -1), out]);
  be.gemm(x.ptr, w.ptr, y.ptr, rows, out, inF, false, true, false);
  if (bias) be.binary(Binary.Add, y.ptr, bias.ptr, y.ptr, y.size, out, 1);
  const inputs = bias ? [x, w, bias] : [x, w];
  return record(y, "linear", inputs, (g) => {
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(be, x.shape);
      be.gemm(g.ptr, w.ptr, dx.ptr, rows, inF, out, false, false, false);
    }
    if (w.requiresGrad) {
      dw = empty(be, w.shape);
      be.gemm(g.ptr, x.ptr, dw.ptr, out, inF, rows, true, false, false);
    }
    if (bias?.requiresGrad) {
      db = empty(be, bias.shape);
      be.sumAxis(g.ptr, db.ptr, 1, rows, out);
    }
    return bias ? [dx, dw, db] : [dx, dw];
  });
}
