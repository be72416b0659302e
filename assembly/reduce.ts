// Reductions over one axis of x viewed as [outer, len, inner] (row-major), and the adjoint of
// binary's broadcast.
//
// Summation order differs from the reference, which adds in f64 and rounds once. Here sums run
// in f32 lanes: along a contiguous axis in 16 lanes (four f32x4 accumulators, then a horizontal
// add), across rows sequentially but 16 columns at a time. Either way each result is within
// (m − 1)·2⁻²⁴·Σ|x| (to first order, m the number of terms) of the exact sum, so Wasm and JS
// agree to that bound plus the reference's one rounding, not bit for bit. Max is exact.

import { addSquares64, hsum64 } from "./sum64";

const SUM = 0;
const MAX = 1;

// @ts-ignore: decorator
@inline
function combV(kind: i32, a: v128, b: v128): v128 {
  return kind == SUM ? f32x4.add(a, b) : f32x4.max(a, b);
}

// @ts-ignore: decorator
@inline
function combS(kind: i32, a: f32, b: f32): f32 {
  return kind == SUM ? a + b : max(a, b);
}

// @ts-ignore: decorator
@inline
function identity(kind: i32): f32 {
  return kind == SUM ? 0 : -Infinity;
}

/** The sum or max of len contiguous floats at ptr (identity when len = 0). */
// @ts-ignore: decorator
@inline
function reduceRow(kind: i32, ptr: usize, len: i32): f32 {
  const id = f32x4.splat(identity(kind));
  // Four independent accumulators: one would wait on the latency of each add.
  let a0 = id, a1 = id, a2 = id, a3 = id;
  let j = 0;
  for (; j + 16 <= len; j += 16) {
    const p = ptr + (<usize>j << 2);
    a0 = combV(kind, a0, v128.load(p));
    a1 = combV(kind, a1, v128.load(p, 16));
    a2 = combV(kind, a2, v128.load(p, 32));
    a3 = combV(kind, a3, v128.load(p, 48));
  }
  for (; j + 4 <= len; j += 4) a0 = combV(kind, a0, v128.load(ptr + (<usize>j << 2)));
  const a = combV(kind, combV(kind, a0, a1), combV(kind, a2, a3));
  let r = combS(kind,
    combS(kind, f32x4.extract_lane(a, 0), f32x4.extract_lane(a, 1)),
    combS(kind, f32x4.extract_lane(a, 2), f32x4.extract_lane(a, 3)));
  for (; j < len; j++) r = combS(kind, r, load<f32>(ptr + (<usize>j << 2)));
  return r;
}

/**
 * out[i] = ⊕_j x[j·cols + i] over the rows of a rows×cols matrix: 16 columns at a time held in
 * registers while the rows stream past, then 4, then single columns.
 */
// @ts-ignore: decorator
@inline
function reduceCols(kind: i32, xPtr: usize, outPtr: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  const id = f32x4.splat(identity(kind));
  let i = 0;
  for (; i + 16 <= cols; i += 16) {
    let a0 = id, a1 = id, a2 = id, a3 = id;
    let p = xPtr + (<usize>i << 2);
    for (let j = 0; j < rows; j++, p += rowBytes) {
      a0 = combV(kind, a0, v128.load(p));
      a1 = combV(kind, a1, v128.load(p, 16));
      a2 = combV(kind, a2, v128.load(p, 32));
      a3 = combV(kind, a3, v128.load(p, 48));
    }
    const q = outPtr + (<usize>i << 2);
    v128.store(q, a0);
    v128.store(q, a1, 16);
    v128.store(q, a2, 32);
    v128.store(q, a3, 48);
  }
  for (; i + 4 <= cols; i += 4) {
    let a = id;
    let p = xPtr + (<usize>i << 2);
    for (let j = 0; j < rows; j++, p += rowBytes) a = combV(kind, a, v128.load(p));
    v128.store(outPtr + (<usize>i << 2), a);
  }
  for (; i < cols; i++) {
    let r = identity(kind);
    let p = xPtr + (<usize>i << 2);
    for (let j = 0; j < rows; j++, p += rowBytes) r = combS(kind, r, load<f32>(p));
    store<f32>(outPtr + (<usize>i << 2), r);
  }
}

// @ts-ignore: decorator
@inline
function reduceAxis(kind: i32, xPtr: usize, outPtr: usize, outer: i32, len: i32, inner: i32): void {
  if (inner == 1) {
    const rowBytes = <usize>len << 2;
    for (let o = 0; o < outer; o++) store<f32>(outPtr + (<usize>o << 2), reduceRow(kind, xPtr + <usize>o * rowBytes, len));
  } else {
    const blockBytes = <usize>len * <usize>inner << 2;
    const outBytes = <usize>inner << 2;
    for (let o = 0; o < outer; o++) reduceCols(kind, xPtr + <usize>o * blockBytes, outPtr + <usize>o * outBytes, len, inner);
  }
}

/**
 * Sum over the middle axis of x viewed as [outer, len, inner]:
 * out[o·inner + i] = Σ_j x[(o·len + j)·inner + i]. out (outer·inner floats) must not overlap x.
 * len = 0 gives zeros.
 */
export function sumAxis(xPtr: usize, outPtr: usize, outer: i32, len: i32, inner: i32): void {
  reduceAxis(SUM, xPtr, outPtr, outer, len, inner);
}

/**
 * Max over the middle axis, same layout as sumAxis; NaN propagates, len = 0 gives −∞.
 * out must not overlap x.
 */
export function maxAxis(xPtr: usize, outPtr: usize, outer: i32, len: i32, inner: i32): void {
  reduceAxis(MAX, xPtr, outPtr, outer, len, inner);
}

/**
 * The adjoint of binary's broadcast: out[c] = Σ_o Σ_i x[(o·bn + c)·inner + i] for x viewed as
 * [outer, bn, inner]. out (bn floats) must not overlap x.
 */
export function sumToBroadcast(xPtr: usize, outPtr: usize, outer: i32, bn: i32, inner: i32): void {
  if (bn == 1) {
    store<f32>(outPtr, reduceRow(SUM, xPtr, outer * inner));
  } else if (inner == 1) {
    // x is an outer×bn matrix and out its column sums.
    reduceCols(SUM, xPtr, outPtr, outer, bn);
  } else {
    const runBytes = <usize>inner << 2;
    const rowBytes = <usize>bn * runBytes;
    for (let c = 0; c < bn; c++) {
      let s: f32 = 0;
      let p = xPtr + <usize>c * runBytes;
      for (let o = 0; o < outer; o++, p += rowBytes) s += reduceRow(SUM, p, inner);
      store<f32>(outPtr + (<usize>c << 2), s);
    }
  }
}

/**
 * Σ x² over n floats, squared and summed in f64: the squared 2-norm of a gradient (clipGradNorm),
 * one number over up to millions of terms, where an f32 sum would lose the small ones.
 */
export function sumSquares(xPtr: usize, n: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = xPtr + (<usize>i << 2);
    a0 = addSquares64(a0, v128.load(p));
    a1 = addSquares64(a1, v128.load(p, 16));
  }
  let total = hsum64(f64x2.add(a0, a1));
  for (; i < n; i++) {
    const v = <f64>load<f32>(xPtr + (<usize>i << 2));
    total += v * v;
  }
  return total;
}
