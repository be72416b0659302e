// Stride-1 convolution straight from the image, with no column matrix: the forward, input gradient
// and weight gradient for stride-1 geometries whose output rows are at least one f32x4 wide
// (conv.ts dispatches).
//
// A valid, stride-1 cross-correlation of a plane stack xp [c, hp, wp] (the image, or a zero-padded
// copy of it) reads, for output (oy, ox) and tap t = (ch·kh + ki)·kw + kj, the float at
//   xp + off[t] + (oy·wp + ox)·4,   off[t] = ((ch·hp + ki·dilationH)·wp + kj·dilationW)·4 bytes,
// so four adjacent outputs of a row read four adjacent floats: one unaligned f32x4 load. Each
// kernel builds the tap table off[] and a table of output vectors (4 outputs of one row each: the
// byte offsets of their first output in xp and in y), then:
//   forward   y[oc, v] = bias[oc] + Σ_t w[oc, t] · xp[off[t] + v]: a 4-channel × 2-vector tile
//             (8 f32x4 accumulators, as the GEMM micro-kernel's 2×16) takes per tap four weight
//             splats and two loads of x for eight multiply-adds, without the im2col copy and the
//             packing of B. The taps' offsets and the four channels' weights are interleaved in
//             32-byte records, one pointer for the loop. (A 2-channel × 4-vector tile does the same
//             arithmetic but carries four x pointers: V8 spilled them and the loop ran at 0.61–0.67
//             of the GEMM peak on LeNet's shapes, against 0.78–0.83 for this one.)
//   input     the forward's sum read the other way round, as a scatter: the forward's tile over
//             4 input channels × 2 dy vectors sums over oc the dy vectors times w[oc, ch..ch+3,
//             tap], then adds the result into the x planes at the tap's offset (into a padded
//             plane when there is padding, its interior then copied to dx). Same inner loop as the
//             forward, o steps deep, and no col2im pass.
//   weight    dW[oc, t] = Σ_img Σ_px dy[oc, px] · xp[off[t] + px]: per image, the dy rows of a
//             block of 8 channels are first interleaved pixel by pixel (a 4×4 register transpose),
//             so that one f32x4 load gives four channels' dy at one pixel; an 8-channel × 4-tap
//             tile then takes per pixel two dy loads and four splats of x for eight multiply-adds
//             into accumulators that each hold the channels of one tap, and writes them back as
//             they are, with no lane sums and no tail masks. (A 2-channel × 4-tap tile over
//             output vectors, with lane sums at the end, carried eleven pointers and offsets; V8
//             spilled them and it ran at 0.59–0.62 of the GEMM peak on LeNet's shapes, against
//             0.67–0.77 (1→8) and 0.74–0.91 (8→16) for this one, on Zen and Xeon machines.)
// A row whose width ow is not a multiple of 4 ends with a vector that overlaps its predecessor (it
// starts at ow − 4): the forward writes the overlapped outputs again with the same values, the
// input gradient adds only the lanes not yet added. Every sum runs in a fixed order that does not
// depend on how images or channels are split, so a caller may cut the batch into image ranges
// (forward) or the output channels into ranges (weight gradient, o0..o1) and get the same bits.
//
// The input gradient as a gather, a direct forward of the zero-padded dy with the flipped kernel
// (dx[ch] = Σ w[oc, ch, kh−1−ki, kw−1−kj] · dyp[oc, iy + ki, ix + kj]), was tried and lost: it
// multiplies the padding too, 2.25× the useful work on LeNet's 8→16 layer (12×12 outputs of 400
// taps for 8×8 inputs), and ran at 0.26 of the GEMM peak against 0.58 for im2col + GEMM.
//
// Scratch: directScratchBytes(...) bytes, 16-byte aligned, clobbered. No output aliases an input.

import { transpose } from "./memory";
import { madd, rowSum } from "./simd";

// @ts-ignore: decorator
@inline function at(ptr: usize, i: i32): usize {
  return ptr + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline function align16(bytes: usize): usize {
  return (bytes + 15) & ~(<usize>15);
}

/**
 * Bytes of scratch for the direct kernels of one geometry (stride 1, ow ≥ 4): the weight-gradient
 * sums (or the forward's tap records), one padded image, the tap table, the vector table and one
 * block of interleaved dy.
 */
export function directScratchBytes(c: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32, dilationH: i32, dilationW: i32): usize {
  return interleavedStart(0, c, o, kh, kw, oh, ow, dilationH, dilationW) + (<usize>(oh * ow) << 5);
}

// Where each part of the scratch starts.
// @ts-ignore: decorator
@inline function planeStart(scratch: usize, c: i32, o: i32, kh: i32, kw: i32): usize {
  // The weight gradient's sums (at most (o + 3)·k floats: blocks of 4 or 8 channels, the last
  // padded with zero channels), the forward's quad records (⌈o/4⌉·k of 32 bytes, at most
  // max(o, 2)·k·16) followed by its biases (⌈o/4⌉·4 floats), or the input gradient's
  // (⌈c/4⌉·kh·kw·o of 32 bytes, at most max(o, 2)·max(c, 2)·kh·kw·16).
  return scratch + align16((<usize>max(o, 2) * <usize>(max(c, 2) * kh * kw) << 4) + (<usize>((o + 3) & ~3) << 2));
}
// @ts-ignore: decorator
@inline function tapsStart(scratch: usize, c: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32, dilationH: i32, dilationW: i32): usize {
  const plane = <usize>c * <usize>((oh + (kh - 1) * dilationH) * (ow + (kw - 1) * dilationW));
  return planeStart(scratch, c, o, kh, kw) + align16(plane << 2);
}
// @ts-ignore: decorator
@inline function vectorsStart(scratch: usize, c: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32, dilationH: i32, dilationW: i32): usize {
  return tapsStart(scratch, c, o, kh, kw, oh, ow, dilationH, dilationW) + align16(<usize>(c * kh * kw) << 2);
}
// The weight gradient's dy of one block of 8 channels, interleaved (8·oh·ow floats).
// @ts-ignore: decorator
@inline function interleavedStart(scratch: usize, c: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32, dilationH: i32, dilationW: i32): usize {
  return vectorsStart(scratch, c, o, kh, kw, oh, ow, dilationH, dilationW) + align16(<usize>(oh * ((ow + 3) >> 2)) << 3);
}

/**
 * Builds the tap table (the c·kh·kw taps over the padded planes) and the vector table (swap: as
 * vectorTable) in the scratch; returns the number of full vectors.
 */
function tables(scratch: usize, c: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32, dilationH: i32, dilationW: i32, swap: bool): i32 {
  const hp = oh + (kh - 1) * dilationH, wp = ow + (kw - 1) * dilationW;
  tapTable(tapsStart(scratch, c, o, kh, kw, oh, ow, dilationH, dilationW), c, hp, wp, kh, kw, dilationH, dilationW);
  return vectorTable(vectorsStart(scratch, c, o, kh, kw, oh, ow, dilationH, dilationW), oh, ow, wp, swap);
}

/** Whether the padded planes are the image itself (no padding on any side). */
// @ts-ignore: decorator
@inline function unpadded(h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32, padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32): bool {
  return padTop == 0 && padLeft == 0 && oh + (kh - 1) * dilationH == h && ow + (kw - 1) * dilationW == w;
}

/** The planes the taps read for image xImg: the image itself, or its zero-padded copy in the scratch. */
function imagePlanes(xImg: usize, scratch: usize, c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32, padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32): usize {
  if (unpadded(h, w, kh, kw, oh, ow, padTop, padLeft, dilationH, dilationW)) return xImg;
  const plane = planeStart(scratch, c, o, kh, kw);
  padPlanes(xImg, plane, c, h, w, oh + (kh - 1) * dilationH, ow + (kw - 1) * dilationW, padTop, padLeft);
  return plane;
}

/** off[t] (bytes) for the taps of a c×kh×kw kernel over planes hp×wp. */
function tapTable(offPtr: usize, c: i32, hp: i32, wp: i32, kh: i32, kw: i32, dilationH: i32, dilationW: i32): void {
  let t = 0;
  for (let ch = 0; ch < c; ch++) {
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        store<i32>(at(offPtr, t++), ((ch * hp + ki * dilationH) * wp + kj * dilationW) << 2);
      }
    }
  }
}

/**
 * The vectors of an oh×ow output read from planes of width wp: [x byte offset, y byte offset] per
 * vector, the ⌊ow/4⌋ full vectors of every row first, then (when ow % 4 ≠ 0) the overlapping last
 * vector of every row. Returns the number of full vectors; the tail vectors number oh or 0.
 * swap: [y, x] instead, for the input gradient, which reads dy and writes the x planes.
 */
function vectorTable(vecPtr: usize, oh: i32, ow: i32, wp: i32, swap: bool): i32 {
  const xAt: usize = swap ? 4 : 0, yAt: usize = swap ? 0 : 4;
  let v = vecPtr;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox + 4 <= ow; ox += 4, v += 8) {
      store<i32>(v + xAt, (oy * wp + ox) << 2);
      store<i32>(v + yAt, (oy * ow + ox) << 2);
    }
  }
  const full = <i32>((v - vecPtr) >> 3);
  if ((ow & 3) != 0) {
    for (let oy = 0; oy < oh; oy++, v += 8) {
      store<i32>(v + xAt, (oy * wp + ow - 4) << 2);
      store<i32>(v + yAt, (oy * ow + ow - 4) << 2);
    }
  }
  return full;
}

/**
 * dst [c, hd, wd] = 0, then src [c, hs, ws] copied with its (0, 0) at (top, left) of each plane;
 * rows and columns falling outside dst are dropped (top or left may be negative).
 */
function padPlanes(src: usize, dst: usize, c: i32, hs: i32, ws: i32, hd: i32, wd: i32, top: i32, left: i32): void {
  memory.fill(dst, 0, <usize>c * <usize>(hd * wd) << 2);
  const r0 = max(0, -top), r1 = min(hs, hd - top);
  const c0 = max(0, -left), c1 = min(ws, wd - left);
  if (r0 >= r1 || c0 >= c1) return;
  const bytes = <usize>(c1 - c0) << 2;
  for (let ch = 0; ch < c; ch++) {
    for (let r = r0; r < r1; r++) {
      memory.copy(at(dst, (ch * hd + r + top) * wd + c0 + left), at(src, (ch * hs + r) * ws + c0), bytes);
    }
  }
}

// ---- forward --------------------------------------------------------------------------------

/**
 * The forward's tap records for output channels oc..oc+3: per tap, 32 bytes [off[t] (i32), 0, 0, 0,
 * w[oc, t], w[oc + 1, t], w[oc + 2, t], w[oc + 3, t]], so the inner loop walks one pointer and
 * reads the four splats at fixed offsets. Channels past o get weight 0.
 */
function quadRecords(recPtr: usize, offPtr: usize, wPtr: usize, oc: i32, o: i32, k: i32): void {
  for (let t = 0; t < k; t++) quadRecord(recPtr + (<usize>t << 5), load<i32>(at(offPtr, t)), at(wPtr, oc * k + t), k, o - oc);
}

/** One 32-byte record at rec: [off, 0, 0, 0, w[0], w[step], w[2·step], w[3·step]], weights past the first `count` 0. */
function quadRecord(rec: usize, off: i32, w: usize, step: i32, count: i32): void {
  store<i32>(rec, off);
  store<i32>(rec, 0, 4);
  store<u64>(rec, 0, 8);
  for (let r = 0; r < 4; r++) store<f32>(rec + 16 + (<usize>r << 2), r < count ? load<f32>(at(w, r * step)) : 0);
}

/**
 * Four output channels × vecs (1 or 2) vectors from the vector table at vec: each output starts
 * from its bias (or from 0 when `accumulate`) and sums its k records in order; the first `rows`
 * channels are stored, or (accumulate) ANDed with mask and added to what y holds. Two x pointers
 * and one record pointer are all the loop carries, so nothing spills.
 */
// @ts-ignore: decorator
@inline function forwardQuad(
  vecs: i32, accumulate: bool, xp: usize, recPtr: usize, k: i32, rows: i32, bias: usize,
  vec: usize, y0: usize, planeBytes: usize, mask: v128,
): void {
  const x0 = xp + <usize>load<i32>(vec), x1 = xp + <usize>load<i32>(vec, 8);
  let c00 = f32x4.splat(0), c10 = c00, c20 = c00, c30 = c00;
  if (!accumulate) {
    c00 = v128.load32_splat(bias);
    c10 = v128.load32_splat(bias, 4);
    c20 = v128.load32_splat(bias, 8);
    c30 = v128.load32_splat(bias, 12);
  }
  let c01 = c00, c11 = c10, c21 = c20, c31 = c30;
  const end = recPtr + (<usize>k << 5);
  for (let rec = recPtr; rec < end; rec += 32) {
    const off = <usize>load<i32>(rec);
    const b0 = v128.load(x0 + off);
    const b1 = vecs > 1 ? v128.load(x1 + off) : b0;
    const a0 = v128.load32_splat(rec, 16);
    c00 = madd(a0, b0, c00);
    if (vecs > 1) c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(rec, 20);
    c10 = madd(a1, b0, c10);
    if (vecs > 1) c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(rec, 24);
    c20 = madd(a2, b0, c20);
    if (vecs > 1) c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(rec, 28);
    c30 = madd(a3, b0, c30);
    if (vecs > 1) c31 = madd(a3, b1, c31);
  }
  const ya = y0 + <usize>load<i32>(vec, 4), yb = y0 + <usize>load<i32>(vec, 12);
  put(accumulate, ya, c00, mask);
  if (vecs > 1) put(accumulate, yb, c01, mask);
  if (rows > 1) {
    put(accumulate, ya + planeBytes, c10, mask);
    if (vecs > 1) put(accumulate, yb + planeBytes, c11, mask);
  }
  if (rows > 2) {
    put(accumulate, ya + 2 * planeBytes, c20, mask);
    if (vecs > 1) put(accumulate, yb + 2 * planeBytes, c21, mask);
  }
  if (rows > 3) {
    put(accumulate, ya + 3 * planeBytes, c30, mask);
    if (vecs > 1) put(accumulate, yb + 3 * planeBytes, c31, mask);
  }
}

/** *ptr = v, or *ptr += v & mask. */
// @ts-ignore: decorator
@inline function put(accumulate: bool, ptr: usize, v: v128, mask: v128): void {
  v128.store(ptr, accumulate ? f32x4.add(v128.load(ptr), v128.and(v, mask)) : v);
}

/**
 * y [o, oh, ow] = bias + the valid stride-1 correlation of one image's planes xp with the kernel
 * whose tap records (quadRecords, one block of k per four channels) are at recPtr; biases: ⌈o/4⌉·4
 * floats (0 past o). nv vectors in the table at vecPtr; p = oh·ow.
 */
function forwardImage(xp: usize, recPtr: usize, biases: usize, yPtr: usize, vecPtr: usize, nv: i32, o: i32, k: i32, p: i32): void {
  const planeBytes = <usize>p << 2;
  const blockBytes = <usize>k << 5;
  const all = i32x4.splat(-1);
  for (let oc = 0; oc < o; oc += 4) {
    const rec = recPtr + <usize>(oc >> 2) * blockBytes, y0 = yPtr + <usize>oc * planeBytes;
    const rows = min(4, o - oc), bias = at(biases, oc);
    let v = 0;
    for (; v + 2 <= nv; v += 2) forwardQuad(2, false, xp, rec, k, rows, bias, vecPtr + (<usize>v << 3), y0, planeBytes, all);
    if (v < nv) forwardQuad(1, false, xp, rec, k, rows, bias, vecPtr + (<usize>v << 3), y0, planeBytes, all);
  }
}

/** As conv2d (conv.ts) for strideH = strideW = 1 and ow ≥ 4; scratch: directScratchBytes. */
export function directForward(
  xPtr: usize, wPtr: usize, biasPtr: usize, yPtr: usize, scratchPtr: usize,
  n: i32, c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32,
): void {
  const full = tables(scratchPtr, c, o, kh, kw, oh, ow, dilationH, dilationW, false);
  const nv = full + ((ow & 3) != 0 ? oh : 0);
  const taps = tapsStart(scratchPtr, c, o, kh, kw, oh, ow, dilationH, dilationW);
  const vectors = vectorsStart(scratchPtr, c, o, kh, kw, oh, ow, dilationH, dilationW);
  const k = c * kh * kw;
  // The tap records go where the weight gradient keeps its sums, the biases after them.
  const quads = (o + 3) >> 2;
  for (let q = 0; q < quads; q++) quadRecords(scratchPtr + (<usize>(q * k) << 5), taps, wPtr, q << 2, o, k);
  const biases = scratchPtr + (<usize>(quads * k) << 5);
  for (let oc = 0; oc < quads << 2; oc++) store<f32>(at(biases, oc), biasPtr != 0 && oc < o ? load<f32>(at(biasPtr, oc)) : 0);
  for (let img = 0; img < n; img++) {
    const xp = imagePlanes(at(xPtr, img * c * h * w), scratchPtr, c, h, w, o, kh, kw, oh, ow, padTop, padLeft, dilationH, dilationW);
    forwardImage(xp, scratchPtr, biases, at(yPtr, img * o * oh * ow), vectors, nv, o, k, oh * ow);
  }
}

// ---- input gradient -------------------------------------------------------------------------

/**
 * dx rows for one image: for every quad of input channels and kernel tap, tiles of 4 channels × 2
 * dy vectors sum o records [oc's dy plane offset, w[oc, ch..ch+3, tap]] and add the result into
 * the x planes at the tap's offset (xp zeroed by the caller). The two vectors of a tile are
 * disjoint, and a tap's next tile touches other cells, so no add reads a store still in flight
 * to an overlapping address.
 */
function inputImage(dyp: usize, recPtr: usize, xp: usize, offPtr: usize, vecPtr: usize, full: i32, tails: i32, c: i32, o: i32, kk: i32, planeBytes: usize, ow: i32): void {
  const all = i32x4.splat(-1);
  const tailMask = i32x4.ge_s(i32x4(0, 1, 2, 3), i32x4.splat(4 - (ow & 3)));
  const blockBytes = <usize>o << 5;
  for (let ch = 0; ch < c; ch += 4) {
    const rows = min(4, c - ch);
    for (let j = 0; j < kk; j++) {
      const rec = recPtr + <usize>((ch >> 2) * kk + j) * blockBytes;
      const x0 = xp + <usize>load<i32>(at(offPtr, ch * kk + j));
      let v = 0;
      for (; v + 2 <= full; v += 2) forwardQuad(2, true, dyp, rec, o, rows, 0, vecPtr + (<usize>v << 3), x0, planeBytes, all);
      for (; v < full; v++) forwardQuad(1, true, dyp, rec, o, rows, 0, vecPtr + (<usize>v << 3), x0, planeBytes, all);
      for (; v < full + tails; v++) forwardQuad(1, true, dyp, rec, o, rows, 0, vecPtr + (<usize>v << 3), x0, planeBytes, tailMask);
    }
  }
}

/**
 * As conv2dBackwardInput (conv.ts) for strideH = strideW = 1 and ow ≥ 4; scratch:
 * directScratchBytes. dx is the forward's sum read the other way round: each dy vector, weighted
 * by every tap, is added to the 4 input cells it was computed from (in the padded plane when
 * there is padding, whose interior is then dx).
 */
export function directBackwardInput(
  dyPtr: usize, wPtr: usize, dxPtr: usize, scratchPtr: usize,
  n: i32, c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32,
): void {
  const full = tables(scratchPtr, c, o, kh, kw, oh, ow, dilationH, dilationW, true);
  const tails = (ow & 3) != 0 ? oh : 0;
  const taps = tapsStart(scratchPtr, c, o, kh, kw, oh, ow, dilationH, dilationW);
  const vectors = vectorsStart(scratchPtr, c, o, kh, kw, oh, ow, dilationH, dilationW);
  const hp = oh + (kh - 1) * dilationH, wp = ow + (kw - 1) * dilationW;
  const inPlace = unpadded(h, w, kh, kw, oh, ow, padTop, padLeft, dilationH, dilationW);
  const plane = planeStart(scratchPtr, c, o, kh, kw);
  const kk = kh * kw;
  const p = oh * ow;
  // Records [(oc·p)·4, 0, 0, 0, w[oc, ch..ch+3, j]] per channel quad, tap j and oc (weights past c
  // are 0), where the weight gradient keeps its sums: ⌈c/4⌉·kk·o of 32 bytes.
  for (let ch = 0; ch < c; ch += 4) {
    for (let j = 0; j < kk; j++) {
      for (let oc = 0; oc < o; oc++) {
        const rec = scratchPtr + (<usize>(((ch >> 2) * kk + j) * o + oc) << 5);
        quadRecord(rec, (oc * p) << 2, at(wPtr, (oc * c + ch) * kk + j), kk, c - ch);
      }
    }
  }
  for (let img = 0; img < n; img++) {
    const dxi = at(dxPtr, img * c * h * w);
    const xp = inPlace ? dxi : plane;
    memory.fill(xp, 0, <usize>c * <usize>(hp * wp) << 2);
    inputImage(at(dyPtr, img * o * p), scratchPtr, xp, taps, vectors, full, tails, c, o, kk, <usize>(hp * wp) << 2, ow);
    if (!inPlace) padPlanes(plane, dxi, c, hp, wp, h, w, -padTop, -padLeft);
  }
}

// ---- weight gradient ------------------------------------------------------------------------

/**
 * dy rows [oc, oc + 4·quads) of one image interleaved pixel by pixel into buf:
 * buf[px·4·quads + r] = dy[oc + r, px], 0 for the channels at or past o1. A full block is a
 * [lanes, p] matrix, transposed in 4×4 register blocks.
 */
function interleave(dyPtr: usize, buf: usize, oc: i32, o1: i32, quads: i32, p: i32): void {
  const lanes = quads << 2;
  if (oc + lanes <= o1) {
    transpose(at(dyPtr, oc * p), buf, 1, lanes, p);
    return;
  }
  const stride = <usize>lanes << 2;
  for (let r = 0; r < lanes; r++) {
    let dst = at(buf, r);
    if (oc + r >= o1) {
      for (let px = 0; px < p; px++, dst += stride) store<f32>(dst, 0);
      continue;
    }
    const src = at(dyPtr, (oc + r) * p);
    for (let px = 0; px < p; px++, dst += stride) store<f32>(dst, load<f32>(at(src, px)));
  }
}

/**
 * sums[t..t+taps][4·quads channels] += Σ over the image's output pixels px of
 * dy[channels, px] · xp[off[t] + px]: per pixel, quads loads of four channels' dy from the
 * interleaved buf and one splat of x per tap, quads·taps multiply-adds into as many f32x4
 * accumulators, which hold the channels of one tap. Inlined with constant quads (1, 2) and taps
 * (1, 4).
 * Its step has forwardQuad's shape with x splatted in place of the weights and dy loaded in place
 * of x; they are not one helper because a helper cannot hand back eight accumulators without a
 * round trip through memory, the cost both tiles exist to avoid.
 */
// @ts-ignore: decorator
@inline function weightTile(
  quads: i32, taps: i32, xp: usize, buf: usize, offPtr: usize, t: i32, sums: usize, oh: i32, ow: i32, wp: i32,
): void {
  const lanes = quads << 2;
  const s = sums + (<usize>(t * lanes) << 2);
  const tapBytes = <usize>lanes << 2;
  let c00 = v128.load(s), c01 = c00, c02 = c00, c03 = c00;
  let c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  if (taps > 1) {
    c01 = v128.load(s + tapBytes);
    c02 = v128.load(s + 2 * tapBytes);
    c03 = v128.load(s + 3 * tapBytes);
  }
  if (quads > 1) {
    c10 = v128.load(s, 16);
    if (taps > 1) {
      c11 = v128.load(s + tapBytes, 16);
      c12 = v128.load(s + 2 * tapBytes, 16);
      c13 = v128.load(s + 3 * tapBytes, 16);
    }
  }
  const off0 = <usize>load<i32>(at(offPtr, t));
  let off1 = off0, off2 = off0, off3 = off0;
  if (taps > 1) {
    off1 = <usize>load<i32>(at(offPtr, t + 1));
    off2 = <usize>load<i32>(at(offPtr, t + 2));
    off3 = <usize>load<i32>(at(offPtr, t + 3));
  }
  const rowBytes = <usize>ow << 2, rowStep = <usize>wp << 2;
  let d = buf;
  let row = xp;
  for (let oy = 0; oy < oh; oy++, row += rowStep) {
    const end = row + rowBytes;
    for (let x = row; x < end; x += 4, d += tapBytes) {
      const a0 = v128.load(d);
      const a1 = quads > 1 ? v128.load(d, 16) : a0;
      const b0 = v128.load32_splat(x + off0);
      c00 = madd(a0, b0, c00);
      if (quads > 1) c10 = madd(a1, b0, c10);
      if (taps > 1) {
        const b1 = v128.load32_splat(x + off1);
        c01 = madd(a0, b1, c01);
        if (quads > 1) c11 = madd(a1, b1, c11);
        const b2 = v128.load32_splat(x + off2);
        c02 = madd(a0, b2, c02);
        if (quads > 1) c12 = madd(a1, b2, c12);
        const b3 = v128.load32_splat(x + off3);
        c03 = madd(a0, b3, c03);
        if (quads > 1) c13 = madd(a1, b3, c13);
      }
    }
  }
  v128.store(s, c00);
  if (taps > 1) {
    v128.store(s + tapBytes, c01);
    v128.store(s + 2 * tapBytes, c02);
    v128.store(s + 3 * tapBytes, c03);
  }
  if (quads > 1) {
    v128.store(s, c10, 16);
    if (taps > 1) {
      v128.store(s + tapBytes, c11, 16);
      v128.store(s + 2 * tapBytes, c12, 16);
      v128.store(s + 3 * tapBytes, c13, 16);
    }
  }
}

/** weightTile over all k taps of one block of 4·quads channels. */
// @ts-ignore: decorator
@inline function weightBlock(quads: i32, xp: usize, buf: usize, offPtr: usize, sums: usize, k: i32, oh: i32, ow: i32, wp: i32): void {
  let t = 0;
  for (; t + 4 <= k; t += 4) weightTile(quads, 4, xp, buf, offPtr, t, sums, oh, ow, wp);
  for (; t < k; t++) weightTile(quads, 1, xp, buf, offPtr, t, sums, oh, ow, wp);
}

/**
 * The channels of the block starting at oc, for a range ending at o1: 8 while more than 4
 * remain, else 4; the channels past o1 in the last block are zeros.
 */
// @ts-ignore: decorator
@inline function blockLanes(oc: i32, o1: i32): i32 {
  return o1 - oc > 4 ? 8 : 4;
}

/**
 * One image's share of dW for output channels [o0, o1), in blocks (blockLanes): the block at oc
 * keeps its sums [k][lanes] at sums + oc·k floats, and its dy interleaved in buf.
 */
function weightImage(xp: usize, dyPtr: usize, sums: usize, buf: usize, offPtr: usize, o0: i32, o1: i32, k: i32, oh: i32, ow: i32, wp: i32): void {
  const p = oh * ow;
  for (let oc = o0; oc < o1; ) {
    const lanes = blockLanes(oc, o1);
    interleave(dyPtr, buf, oc, o1, lanes >> 2, p);
    const s = at(sums, oc * k);
    if (lanes == 8) weightBlock(2, xp, buf, offPtr, s, k, oh, ow, wp);
    else weightBlock(1, xp, buf, offPtr, s, k, oh, ow, wp);
    oc += lanes;
  }
}

/**
 * dW rows [o0, o1) (and db[o0..o1) when dbPtr ≠ 0) over the whole batch, written: as
 * conv2dBackwardWeight (conv.ts) for strideH = strideW = 1 and ow ≥ 4; scratch: directScratchBytes.
 * Each row is computed the same way whatever the range, so ranges split across threads give the
 * bits of one call over [0, o).
 */
export function directBackwardWeight(
  xPtr: usize, dyPtr: usize, dwPtr: usize, dbPtr: usize, scratchPtr: usize,
  n: i32, c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32, o0: i32, o1: i32,
): void {
  // The tap table only: the tile walks the output rows itself, with no vector table.
  const taps = tapsStart(scratchPtr, c, o, kh, kw, oh, ow, dilationH, dilationW);
  const hp = oh + (kh - 1) * dilationH, wp = ow + (kw - 1) * dilationW;
  tapTable(taps, c, hp, wp, kh, kw, dilationH, dilationW);
  const buf = interleavedStart(scratchPtr, c, o, kh, kw, oh, ow, dilationH, dilationW);
  const k = c * kh * kw;
  const p = oh * ow;
  let blocksEnd = o0;
  while (blocksEnd < o1) blocksEnd += blockLanes(blocksEnd, o1);
  memory.fill(at(scratchPtr, o0 * k), 0, <usize>((blocksEnd - o0) * k) << 2);
  for (let img = 0; img < n; img++) {
    const xp = imagePlanes(at(xPtr, img * c * h * w), scratchPtr, c, h, w, o, kh, kw, oh, ow, padTop, padLeft, dilationH, dilationW);
    weightImage(xp, at(dyPtr, img * o * p), scratchPtr, buf, taps, o0, o1, k, oh, ow, wp);
  }
  for (let oc = o0; oc < o1; ) {
    const lanes = blockLanes(oc, o1);
    const s = at(scratchPtr, oc * k);
    for (let r = 0; r < lanes && oc + r < o1; r++) {
      for (let t = 0; t < k; t++) store<f32>(at(dwPtr, (oc + r) * k + t), load<f32>(at(s, t * lanes + r)));
    }
    oc += lanes;
  }
  if (dbPtr != 0) {
    for (let oc = o0; oc < o1; oc++) {
      let sum: f64 = 0;
      for (let img = 0; img < n; img++) sum += <f64>rowSum(at(dyPtr, (img * o + oc) * p), p);
      store<f32>(at(dbPtr, oc), <f32>sum);
    }
  }
}
