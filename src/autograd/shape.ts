// Ops that move values without computing: reshape, transpose, slice, concat. Their backward
// moves the gradient back the same way.
import { describe } from "../tensor/check.js";
import { fmt, normAxis, sizeOf, type Shape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { record } from "./engine.js";
import { backendOf, copyAs, empty } from "./util.js";

/**
 * The same values in a new shape of the same size; one axis may be −1 (inferred).
 *
 * @example const y = ops.reshape(tensor([1, 2, 3, 4, 5, 6]), [2, 3]); // [[1, 2, 3], [4, 5, 6]]
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  backendOf("reshape", x);
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number")) throw new Error(`reshape: shape must be an array of sizes, got ${describe(shape)}`);
  const known = shape.filter((d) => d !== -1);
  const free = shape.length - known.length;
  const k = sizeOf(known);
  const resolved = free === 1 && k > 0 && x.size % k === 0 ? shape.map((d) => (d === -1 ? x.size / k : d)) : [...shape];
  if (free > 1 || sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`reshape: cannot view ${fmt(x.shape)} (${x.size} values) as [${shape.map(describe).join(", ")}]`);
  }
  const y = copyAs(x, resolved);
  return record(y, "reshape", [x], (g) => [copyAs(g, x.shape)]);
}

/**
 * Collapse axes startDim.. into one: [N, C, H, W] → [N, C·H·W].
 *
 * @example const y = ops.flatten(randn([8, 3, 4, 4])); // [8, 48]
 */
export function flatten(x: Tensor, startDim = 1): Tensor {
  backendOf("flatten", x);
  const a = normAxis(startDim, x.rank, "flatten");
  return reshape(x, [...x.shape.slice(0, a), sizeOf(x.shape.slice(a))]);
}

/** Move values so that axes d0 and d1 trade places. */
function permuteAxes(x: Tensor, d0: number, d1: number, out: Tensor): void {
  const be = x.backend;
  const [lo, hi] = d0 < d1 ? [d0, d1] : [d1, d0];
  const s = x.shape;
  const A = sizeOf(s.slice(0, lo));
  const L0 = s[lo];
  const B = sizeOf(s.slice(lo + 1, hi));
  const L1 = s[hi];
  const C = sizeOf(s.slice(hi + 1));
  if (B === 1 && C === 1) {
    be.transpose(x.ptr, out.ptr, A, L0, L1);
    return;
  }
  // x[a, i, b, j, c] → out[a, j, b, i, c]; for fixed (a, i, b) the run over (j, c) is contiguous
  // in x and lands as L1 blocks of C values, B·L0·C apart, in out.
  for (let a = 0; a < A; a++) {
    for (let i = 0; i < L0; i++) {
      for (let b = 0; b < B; b++) {
        const src = x.ptr + ((((a * L0 + i) * B + b) * L1) * C) * 4;
        const dst = out.ptr + ((((a * L1) * B + b) * L0 + i) * C) * 4;
        be.copyBlocks(src, dst, L1, C, C, B * L0 * C);
      }
    }
  }
}

/**
 * Swap two axes (default: the last two).
 *
 * @example const y = ops.transpose(tensor([[1, 2, 3], [4, 5, 6]])); // [[1, 4], [2, 5], [3, 6]]
 */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  backendOf("transpose", x);
  const d0 = normAxis(dim0, x.rank, "transpose");
  const d1 = normAxis(dim1, x.rank, "transpose");
  const shape = [...x.shape];
  [shape[d0], shape[d1]] = [shape[d1], shape[d0]];
  const y = empty(x.backend, shape);
  if (d0 === d1) x.backend.copy(x.ptr, y.ptr, x.size);
  else permuteAxes(x, d0, d1, y);
  return record(y, "transpose", [x], (g) => {
    const dx = empty(x.backend, x.shape);
    if (d0 === d1) x.backend.copy(g.ptr, dx.ptr, g.size);
    else permuteAxes(g, d0, d1, dx);
    return [dx];
  });
}

/** Dimensions of x around `axis`, for block copies: [outer, len, inner]. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/**
 * x[..., start:end, ...] along `axis`.
 *
 * @example const y = ops.slice(tensor([[1, 2, 3], [4, 5, 6]]), 1, 1, 3); // [[2, 3], [5, 6]]
 */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const be = backendOf("slice", x);
  const a = normAxis(axis, x.rank, "slice");
  const [outer, len, inner] = around(x.shape, a);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > len || start >= end) {
    throw new Error(`slice: range [${start}, ${end}) is not inside axis ${a} of ${fmt(x.shape)} (length ${len})`);
  }
  const n = end - start;
  const shape = x.shape.map((d, i) => (i === a ? n : d));
  const y = empty(be, shape);
  be.copyBlocks(x.ptr + start * inner * 4, y.ptr, outer, n * inner, len * inner, n * inner);
  return record(y, "slice", [x], (g) => {
    const dx = empty(be, x.shape);
    be.fill(dx.ptr, dx.size, 0);
    be.copyBlocks(g.ptr, dx.ptr + start * inner * 4, outer, n * inner, n * inner, len * inner);
    return [dx];
  });
}

/**
 * Join tensors along `axis`; every other axis must match.
 *
 * @example const y = ops.concat([tensor([[1, 2]]), tensor([[3, 4]])], 0); // [[1, 2], [3, 4]]
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs as unknown)) throw new Error(`concat: expected an array of tensors, got ${describe(xs)}`);
  if (xs.length === 0) throw new Error("concat: got no tensors");
  const be = backendOf("concat", ...xs);
  const a = normAxis(axis, xs[0].rank, "concat");
  for (const t of xs) {
    if (t.rank !== xs[0].rank || t.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
      throw new Error(`concat: shapes ${xs.map((t) => fmt(t.shape)).join(", ")} differ outside axis ${a}`);
    }
  }
  const total = xs.reduce((s, t) => s + t.shape[a], 0);
  const shape = xs[0].shape.map((d, i) => (i === a ? total : d));
  const [outer, , inner] = around(shape, a);
  const y = empty(be, shape);
  let offset = 0;
  for (const t of xs) {
    const n = t.shape[a];
    be.copyBlocks(t.ptr, y.ptr + offset * inner * 4, outer, n * inner, n * inner, total * inner);
    offset += n;
  }
  return record(y, "concat", xs, (g) => {
    let off = 0;
    return xs.map((t) => {
      const n = t.shape[a];
      const dx = empty(be, t.shape);
      be.copyBlocks(g.ptr + off * inner * 4, dx.ptr, outer, n * inner, total * inner, n * inner);
      off += n;
      return dx;
    });
  });
}
