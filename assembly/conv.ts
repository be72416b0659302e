// 2-D convolution (cross-correlation, as PyTorch's Conv2d): by im2col and GEMM here, or directly (conv-direct.ts).
//
// Shapes, NCHW: x [n, c, h, w], weight [o, c, kh, kw], bias [o], y [n, o, oh, ow]. Output (oy, ox)
// reads input rows oy·strideH − padTop + ki·dilationH and columns ox·strideW − padLeft + kj·dilationW;
// outside the image the input is zero. The caller chooses oh/ow and the top/left padding, so the
// bottom/right padding is whatever the last window overhangs ('same' padding with an even kernel,
// whose extra row goes at the bottom as in PyTorch, needs nothing more).
//
// For each image, im2col lays out the K×P column matrix (K = c·kh·kw, P = oh·ow) whose column q
// holds the K inputs output q sees, with zeros for padding; then
//   forward   y_img  (o×P) = W (o×K) · col (K×P)            (+ bias, per row)
//   weight    dW     (o×K) += dy_img (o×P) · colᵀ           (over the batch)
//   input     dcol   (K×P) = Wᵀ · dy_img, dx_img = col2im(dcol)   (the scatter-add adjoint of im2col)
// A 1×1 convolution with stride 1 and no padding skips im2col: the image is its own column matrix.
//
// The forward and the weight gradient at stride 1 with output rows at least 4 wide go to
// conv-direct.ts instead: the convolution straight from the image, no column matrix (its header has
// the design and the figures), and so does the input gradient with two input channels or more.
// im2col + GEMM remains for strides above 1, narrow rows and the pointwise case above.
//
// Scratch: every kernel takes scratchPtr, conv2dScratchBytes(...) bytes, 16-byte aligned and
// clobbered: the column matrix first, then the GEMM's packing space (or the direct path's tables).
// No output aliases an input or the scratch.

import { directBackwardInput, directBackwardWeight, directForward, directScratchBytes } from "./conv-direct";
import { rowSum } from "./simd";
import { gemm, gemmPackBytes } from "./gemm";

// @ts-ignore: decorator
@inline function at(ptr: usize, i: i32): usize {
  return ptr + (<usize>i << 2);
}

/** A 1×1, stride-1, unpadded convolution: y_img = W · x_img with no column matrix. */
// @ts-ignore: decorator
@inline function pointwise(h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32): bool {
  return kh == 1 && kw == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 && oh == h && ow == w;
}

/** Bytes of the column matrix at the start of the scratch (0 for a pointwise convolution). */
// @ts-ignore: decorator
@inline function colBytes(c: i32, h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32): usize {
  if (pointwise(h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft)) return 0;
  return ((<usize>(c * kh * kw) * <usize>(oh * ow) << 2) + 15) & ~(<usize>15);
}

/**
 * Bytes of scratch the three conv2d kernels need for this geometry: the column matrix and the
 * largest GEMM packing space of the three products. Arguments as in conv2d.
 */
export function conv2dScratchBytes(
  c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32,
): i32 {
  const k = c * kh * kw;
  const p = oh * ow;
  const pack = max(gemmPackBytes(p, k), max(gemmPackBytes(k, p), gemmPackBytes(p, o)));
  const im2colBytes = <i32>colBytes(c, h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft) + pack;
  if (strideH != 1 || strideW != 1) return im2colBytes;
  return max(im2colBytes, <i32>directScratchBytes(c, o, kh, kw, oh, ow, dilationH, dilationW));
}

/**
 * Whether the direct kernels take this geometry: stride 1 and output rows at least one f32x4 wide;
 * a 1×1 convolution needs neither a column matrix nor the direct loops: it is one GEMM.
 */
// @ts-ignore: decorator
@inline function direct(ow: i32, strideH: i32, strideW: i32, isPointwise: bool): bool {
  return strideH == 1 && strideW == 1 && ow >= 4 && !isPointwise;
}

/**
 * y = conv2d(x, weight) + bias. biasPtr = 0: no bias. x [n, c, h, w], weight [o, c, kh, kw],
 * bias [o], y [n, o, oh, ow]; scratch as in the file header.
 */
export function conv2d(
  xPtr: usize, wPtr: usize, biasPtr: usize, yPtr: usize, scratchPtr: usize,
  n: i32, c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32,
): void {
  const pw = pointwise(h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft);
  if (direct(ow, strideH, strideW, pw)) {
    directForward(xPtr, wPtr, biasPtr, yPtr, scratchPtr, n, c, h, w, o, kh, kw, oh, ow, padTop, padLeft, dilationH, dilationW);
    return;
  }
  const k = c * kh * kw;
  const p = oh * ow;
  const cb = colBytes(c, h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft);
  const packPtr = scratchPtr + cb;
  for (let img = 0; img < n; img++) {
    const xi = at(xPtr, img * c * h * w);
    const yi = at(yPtr, img * o * p);
    let col = xi;
    if (cb != 0) {
      im2col(xi, scratchPtr, c, h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
      col = scratchPtr;
    }
    if (biasPtr != 0) {
      for (let oc = 0; oc < o; oc++) fillRow(at(yi, oc * p), p, load<f32>(at(biasPtr, oc)));
    }
    gemm(wPtr, col, yi, o, p, k, false, false, biasPtr != 0, packPtr);
  }
}

/**
 * Gradient with respect to the input: dx = conv2d_inputᵀ(dy, weight), written (not accumulated).
 * dy [n, o, oh, ow], weight [o, c, kh, kw], dx [n, c, h, w]; other arguments as in conv2d.
 */
export function conv2dBackwardInput(
  dyPtr: usize, wPtr: usize, dxPtr: usize, scratchPtr: usize,
  n: i32, c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32,
): void {
  // One input channel leaves the direct input gradient 1-channel tiles: 0.39 of the GEMM peak
  // against 0.49 for im2col + GEMM on LeNet's 1→8 layer (0.57 against 0.52 on 8→16).
  if (c >= 2 && direct(ow, strideH, strideW, pointwise(h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft))) {
    directBackwardInput(dyPtr, wPtr, dxPtr, scratchPtr, n, c, h, w, o, kh, kw, oh, ow, padTop, padLeft, dilationH, dilationW);
    return;
  }
  const k = c * kh * kw;
  const p = oh * ow;
  const cb = colBytes(c, h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft);
  const packPtr = scratchPtr + cb;
  for (let img = 0; img < n; img++) {
    const dyi = at(dyPtr, img * o * p);
    const dxi = at(dxPtr, img * c * h * w);
    if (cb == 0) {
      gemm(wPtr, dyi, dxi, c, p, o, true, false, false, packPtr);
    } else {
      gemm(wPtr, dyi, scratchPtr, k, p, o, true, false, false, packPtr);
      col2im(scratchPtr, dxi, c, h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
    }
  }
}

/**
 * Gradients with respect to the weight and the bias, summed over the batch and written (not
 * accumulated): dW [o, c, kh, kw] = Σ_img dy_img · col_imgᵀ, db [o] = Σ over images and positions
 * of dy. dbPtr = 0: no bias gradient. x [n, c, h, w], dy [n, o, oh, ow]. Only the rows of output
 * channels [o0, o1) are computed (0, o: all); a row comes out the same whatever the range, so
 * threads may share the channels and give the bits of one call.
 */
export function conv2dBackwardWeight(
  xPtr: usize, dyPtr: usize, dwPtr: usize, dbPtr: usize, scratchPtr: usize,
  n: i32, c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32, o0: i32, o1: i32,
): void {
  if (direct(ow, strideH, strideW, pointwise(h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft))) {
    directBackwardWeight(xPtr, dyPtr, dwPtr, dbPtr, scratchPtr, n, c, h, w, o, kh, kw, oh, ow, padTop, padLeft, dilationH, dilationW, o0, o1);
    return;
  }
  const k = c * kh * kw;
  const p = oh * ow;
  const cb = colBytes(c, h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft);
  const packPtr = scratchPtr + cb;
  const dw0 = at(dwPtr, o0 * k);
  if (n == 0) memory.fill(dw0, 0, <usize>((o1 - o0) * k) << 2);
  for (let img = 0; img < n; img++) {
    const xi = at(xPtr, img * c * h * w);
    const dyi = at(dyPtr, (img * o + o0) * p);
    let col = xi;
    if (cb != 0) {
      im2col(xi, scratchPtr, c, h, w, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
      col = scratchPtr;
    }
    gemm(dyi, col, dw0, o1 - o0, k, p, false, true, img > 0, packPtr);
  }
  if (dbPtr != 0) {
    for (let oc = o0; oc < o1; oc++) {
      let s: f64 = 0;
      for (let img = 0; img < n; img++) s += <f64>rowSum(at(dyPtr, (img * o + oc) * p), p);
      store<f32>(at(dbPtr, oc), <f32>s);
    }
  }
}

/** dst[i] = v, i < len. */
// @ts-ignore: decorator
@inline function fillRow(dst: usize, len: i32, v: f32): void {
  const vv = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= len; i += 4) v128.store(at(dst, i), vv);
  for (; i < len; i++) store<f32>(at(dst, i), v);
}

// The outputs [lo, hi) along one axis whose input index out·stride + off lies inside [0, size);
// lo ≤ hi ≤ outSize. Computed once per kernel tap, so the copy loops below test no bounds.
// @ts-ignore: decorator
@inline function validLo(off: i32, stride: i32, outSize: i32): i32 {
  return off >= 0 ? 0 : min((stride - 1 - off) / stride, outSize);
}
// @ts-ignore: decorator
@inline function validHi(off: i32, stride: i32, size: i32, outSize: i32, lo: i32): i32 {
  const last = size - 1 - off;
  return last < 0 ? lo : max(lo, min(last / stride + 1, outSize));
}

/**
 * col[(ch·kh + ki)·kw + kj, oy·ow + ox] = x[ch, iy, ix] (0 outside the image), for one image.
 * Each col row (one kernel tap) is oh segments of ow: rows above and below the image are zero
 * runs, and each in-image segment is zeros, the in-image run, zeros. Runs are copied with f32x4
 * for stride 1 and with a two-load shuffle for stride 2; an unpadded stride-1 tap (the common
 * case) copies whole segments in a tight loop.
 */
function im2col(
  xPtr: usize, colPtr: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32,
): void {
  const rowStep = <usize>(strideH * w) << 2;
  const segBytes = <usize>ow << 2;
  let dst = colPtr;
  for (let ch = 0; ch < c; ch++) {
    const plane = at(xPtr, ch * h * w);
    for (let ki = 0; ki < kh; ki++) {
      const offY = ki * dilationH - padTop;
      const oyLo = validLo(offY, strideH, oh);
      const oyHi = validHi(offY, strideH, h, oh, oyLo);
      for (let kj = 0; kj < kw; kj++) {
        const offX = kj * dilationW - padLeft;
        const lo = validLo(offX, strideW, ow);
        const hi = validHi(offX, strideW, w, ow, lo);
        const len = hi - lo;
        fillRow(dst, oyLo * ow, 0);
        let src = at(plane, (oyLo * strideH + offY) * w + lo * strideW + offX);
        let d = at(dst, oyLo * ow);
        const end = at(dst, oyHi * ow);
        if (strideW == 1 && len == ow) {
          for (; d < end; d += segBytes, src += rowStep) {
            let t = 0;
            for (; t + 4 <= ow; t += 4) v128.store(at(d, t), v128.load(at(src, t)));
            for (; t < ow; t++) store<f32>(at(d, t), load<f32>(at(src, t)));
          }
        } else {
          for (; d < end; d += segBytes, src += rowStep) {
            fillRow(d, lo, 0);
            copyRun(src, at(d, lo), len, strideW, at(src, w - lo * strideW - offX));
            fillRow(at(d, hi), ow - hi, 0);
          }
        }
        fillRow(end, (oh - oyHi) * ow, 0);
        dst = at(dst, oh * ow);
      }
    }
  }
}

/** dst[t] = src[t·stride], t < len; no load reaches rowEnd (the end of the source row). */
// @ts-ignore: decorator
@inline function copyRun(src: usize, dst: usize, len: i32, stride: i32, rowEnd: usize): void {
  let t = 0;
  if (stride == 1) {
    for (; t + 4 <= len; t += 4) v128.store(at(dst, t), v128.load(at(src, t)));
  } else if (stride == 2) {
    for (; t + 4 <= len && at(src, 2 * t + 8) <= rowEnd; t += 4) {
      const s = at(src, 2 * t);
      v128.store(at(dst, t), f32x4.shuffle(v128.load(s), v128.load(s, 16), 0, 2, 4, 6));
    }
  }
  for (; t < len; t++) store<f32>(at(dst, t), load<f32>(at(src, t * stride)));
}

/**
 * dx_img = 0, then dx[ch, iy, ix] += col[(ch·kh + ki)·kw + kj, oy·ow + ox] for every in-image cell:
 * the adjoint of im2col, visiting the same runs. Stride-1 runs add with f32x4, other strides
 * scatter one float at a time.
 */
function col2im(
  colPtr: usize, xPtr: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32,
): void {
  memory.fill(xPtr, 0, <usize>(c * h * w) << 2);
  const rowStep = <usize>(strideH * w) << 2;
  const segBytes = <usize>ow << 2;
  let src = colPtr;
  for (let ch = 0; ch < c; ch++) {
    const plane = at(xPtr, ch * h * w);
    for (let ki = 0; ki < kh; ki++) {
      const offY = ki * dilationH - padTop;
      const oyLo = validLo(offY, strideH, oh);
      const oyHi = validHi(offY, strideH, h, oh, oyLo);
      for (let kj = 0; kj < kw; kj++) {
        const offX = kj * dilationW - padLeft;
        const lo = validLo(offX, strideW, ow);
        const len = validHi(offX, strideW, w, ow, lo) - lo;
        let d = at(plane, (oyLo * strideH + offY) * w + lo * strideW + offX);
        let s = at(src, oyLo * ow + lo);
        const end = at(src, oyHi * ow + lo);
        for (; s < end; s += segBytes, d += rowStep) {
          let t = 0;
          if (strideW == 1) {
            for (; t + 4 <= len; t += 4) v128.store(at(d, t), f32x4.add(v128.load(at(d, t)), v128.load(at(s, t))));
          }
          for (; t < len; t++) {
            const q = at(d, t * strideW);
            store<f32>(q, load<f32>(q) + load<f32>(at(s, t)));
          }
        }
        src = at(src, oh * ow);
      }
    }
  }
}
