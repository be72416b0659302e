// Reductions: sum and mean over all values or along one axis. Backward spreads the gradient
// back over every value that was summed (each contributed with weight 1, or 1/n for the mean).
import { Binary, Unary } from "../backend/opcodes.js";
import { normAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { record } from "./engine.js";
import { backendOf, empty } from "./util.js";

function reduceSum(name: string, x: Tensor, axis: number | undefined, keepDims: boolean, scale: (len: number) => number): Tensor {
  const be = backendOf(name, x);
  let outer: number, len: number, inner: number, shape: number[];
  if (axis === undefined) {
    [outer, len, inner] = [1, x.size, 1];
    shape = keepDims ? x.shape.map(() => 1) : [];
  } else {
    const a = normAxis(axis, x.rank, name);
    len = x.shape[a];
    outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
    inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
    shape = keepDims ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  }
  const s = scale(len);
  const y = empty(be, shape);
  be.sumAxis(x.ptr, y.ptr, outer, len, inner);
  if (s !== 1) be.unary(Unary.MulScalar, y.ptr, y.ptr, y.size, s);
  return record(y, name, [x], (g) => {
    // dx[o, j, i] = s·g[o, i]. With inner = 1 or outer = 1 that is one broadcast multiply;
    // otherwise one per outer block.
    const dx = empty(be, x.shape);
    be.fill(dx.ptr, dx.size, s);
    if (inner === 1) be.binary(Binary.Mul, dx.ptr, g.ptr, dx.ptr, dx.size, outer, len);
    else {
      for (let o = 0; o < outer; o++) {
        const base = dx.ptr + o * len * inner * 4;
        be.binary(Binary.Mul, base, g.ptr + o * inner * 4, base, len * inner, inner, 1);
      }
    }
    return [dx];
  });
}

/**
 * Σ of all values, or along `axis` (removed unless keepDims).
 *
 * @example const s = ops.sum(tensor([[1, 2], [3, 4]]), 0); // [4, 6]
 */
export function sum(x: Tensor, axis?: number, keepDims = false): Tensor {
  return reduceSum("sum", x, axis, keepDims, () => 1);
}

/**
 * Mean of all values, or along `axis`.
 *
 * @example const m = ops.mean(tensor([[1, 2], [3, 4]])); // 2.5
 */
export function mean(x: Tensor, axis?: number, keepDims = false): Tensor {
  return reduceSum("mean", x, axis, keepDims, (len) => 1 / len);
}
