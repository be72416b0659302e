// Pooling over NCHW planes: max pooling (with its argmax, for the backward) and average pooling.
//
// x is seen as nc = N·C independent h×w planes and y as nc planes of oh×ow. Output (oy, ox) pools
// the window of input rows oy·strideH − padTop + [0, kh) and columns ox·strideW − padLeft + [0, kw);
// window cells outside the plane are padding. The caller chooses oh/ow (floor or ceil mode) and
// the top/left padding; the bottom/right padding is whatever the last window overhangs, so
// asymmetric padding needs no extra argument. Precondition: every window overlaps the plane
// (PyTorch's rule pad ≤ kernel/2 guarantees it).
//
// SIMD: four neighbouring outputs of a row are pooled at once when their windows lie inside the
// plane horizontally and strideW is 1 or 2 (a strided f32x4 load is then one load, or two loads
// and a shuffle). Edge windows and other strides take the scalar path, which visits the cells in
// the same order, so both paths give the same bits.

/** Four lanes of x at ptr, ptr + s, ptr + 2s, ptr + 3s (s = strideW ∈ {1, 2}); reads 4·s floats. */
// @ts-ignore: decorator
@inline function loadStrided(ptr: usize, strideW: i32): v128 {
  if (strideW == 1) return v128.load(ptr);
  return f32x4.shuffle(v128.load(ptr), v128.load(ptr, 16), 0, 2, 4, 6);
}

/** [0, s, 2s, 3s]: the column offsets of four neighbouring windows. */
// @ts-ignore: decorator
@inline function laneOffsets(strideW: i32): v128 {
  const s = <f32>strideW;
  return f32x4(0, s, 2 * s, 3 * s);
}

// @ts-ignore: decorator
@inline function at(ptr: usize, i: i32): usize {
  return ptr + (<usize>i << 2);
}

/** First output column whose window starts inside the plane. */
// @ts-ignore: decorator
@inline function firstInterior(ow: i32, strideW: i32, padLeft: i32): i32 {
  return min((padLeft + strideW - 1) / strideW, ow);
}

/** The ReLU of four lanes, `v > 0 ? v : 0` (NaN → 0), as activation.ts computes it. */
// @ts-ignore: decorator
@inline function relu4(v: v128): v128 {
  return v128.and(v, f32x4.gt(v, f32x4.splat(0)));
}

/** The lanes where v takes the window from best: greater, or NaN (never, after a ReLU). */
// @ts-ignore: decorator
@inline function beats(v: v128, best: v128, relu: bool): v128 {
  const greater = f32x4.gt(v, best);
  return relu ? greater : v128.or(greater, f32x4.ne(v, v));
}

/** Whether the windows are 2×2, stride 2, unpadded: the layout of the fast paths. */
// @ts-ignore: decorator
@inline function halving(kh: i32, kw: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32): bool {
  return kh == 2 && kw == 2 && strideH == 2 && strideW == 2 && padTop == 0 && padLeft == 0;
}

/**
 * Max pooling. y[p, oy, ox] = max over the window's in-plane cells (padding never wins), and
 * argmax[p, oy, ox] = the flat index iy·w + ix of that cell within its plane, stored as f32 (exact
 * for planes up to 2²⁴ cells). Ties go to the first cell in row-major order; a NaN wins, as in
 * PyTorch. x: [nc, h, w]; y, argmax: [nc, oh, ow]; no aliasing.
 * relu ≠ 0 pools the ReLU of x instead (each cell `v > 0 ? v : 0` as it is read): the bits of a
 * ReLU pass followed by max pooling, without the pass.
 */
export function maxPool2d(
  xPtr: usize, yPtr: usize, argmaxPtr: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, relu: i32,
): void {
  if (halving(kh, kw, strideH, strideW, padTop, padLeft)) {
    if (relu != 0) maxPool2x2(xPtr, yPtr, argmaxPtr, nc, h, w, oh, ow, true);
    else maxPool2x2(xPtr, yPtr, argmaxPtr, nc, h, w, oh, ow, false);
    return;
  }
  const simd = strideW == 1 || strideW == 2;
  const span = strideW << 2;
  const oxLo = firstInterior(ow, strideW, padLeft);
  const lanes = laneOffsets(strideW);
  for (let p = 0; p < nc; p++) {
    const xp = at(xPtr, p * h * w);
    const yp = at(yPtr, p * oh * ow);
    const ap = at(argmaxPtr, p * oh * ow);
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * strideH - padTop;
      const r0 = max(iy0, 0);
      const r1 = min(iy0 + kh, h);
      const o = oy * ow;
      let ox = 0;
      for (; ox < oxLo; ox++) maxWindow(xp, at(yp, o + ox), at(ap, o + ox), w, r0, r1, ox * strideW - padLeft, kw, relu != 0);
      if (simd) {
        for (; ox + 4 <= ow && ox * strideW - padLeft + kw - 1 + span <= w; ox += 4) {
          const c0 = ox * strideW - padLeft;
          let best = f32x4.splat(-Infinity);
          let arg = f32x4.add(f32x4.splat(<f32>(r0 * w + c0)), lanes);
          for (let iy = r0; iy < r1; iy++) {
            const row = iy * w + c0;
            for (let kj = 0; kj < kw; kj++) {
              let v = loadStrided(at(xp, row + kj), strideW);
              if (relu != 0) v = relu4(v);
              const wins = beats(v, best, relu != 0);
              best = v128.bitselect(v, best, wins);
              arg = v128.bitselect(f32x4.add(f32x4.splat(<f32>(row + kj)), lanes), arg, wins);
            }
          }
          v128.store(at(yp, o + ox), best);
          v128.store(at(ap, o + ox), arg);
        }
      }
      for (; ox < ow; ox++) maxWindow(xp, at(yp, o + ox), at(ap, o + ox), w, r0, r1, ox * strideW - padLeft, kw, relu != 0);
    }
  }
}

/**
 * The common 2×2, stride-2, unpadded case (as maxPool2d, same bits). Four outputs at a time read
 * eight floats of each of their two rows, exactly the window cells (no over-read), and split them
 * into even and odd columns with shuffles: the four cells of each window then sit in the same
 * lane of four vectors, visited in the scalar order (top-left, top-right, bottom-left,
 * bottom-right). The generic path above spent most of its time in the scalar edge windows here
 * (its strided loads read one float past the window, so the last group of each row went scalar):
 * CPU time per call, LeNet at batch 32: 256 planes of 24×24 300 → 85 µs, 512 of 8×8 160 → 28 µs.
 * Inlined with constant relu.
 */
// @ts-ignore: decorator
@inline function maxPool2x2(xPtr: usize, yPtr: usize, argmaxPtr: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32, relu: bool): void {
  const lanes = f32x4(0, 2, 4, 6);
  const one = f32x4.splat(1);
  const down = f32x4.splat(<f32>w);
  const right = f32x4.splat(<f32>(w + 1));
  for (let p = 0; p < nc; p++) {
    const xp = at(xPtr, p * h * w);
    const yp = at(yPtr, p * oh * ow);
    const ap = at(argmaxPtr, p * oh * ow);
    for (let oy = 0; oy < oh; oy++) {
      const r0 = 2 * oy;
      const o = oy * ow;
      let ox = 0;
      for (; ox + 4 <= ow; ox += 4) {
        const top = at(xp, r0 * w + 2 * ox);
        const bottom = at(top, w);
        let t0 = v128.load(top);
        let t1 = v128.load(top, 16);
        let b0 = v128.load(bottom);
        let b1 = v128.load(bottom, 16);
        if (relu) {
          t0 = relu4(t0);
          t1 = relu4(t1);
          b0 = relu4(b0);
          b1 = relu4(b1);
        }
        const base = f32x4.add(f32x4.splat(<f32>(r0 * w + 2 * ox)), lanes);
        let best = f32x4.shuffle(t0, t1, 0, 2, 4, 6);
        let arg = base;
        let v = f32x4.shuffle(t0, t1, 1, 3, 5, 7);
        let wins = beats(v, best, relu);
        best = v128.bitselect(v, best, wins);
        arg = v128.bitselect(f32x4.add(base, one), arg, wins);
        v = f32x4.shuffle(b0, b1, 0, 2, 4, 6);
        wins = beats(v, best, relu);
        best = v128.bitselect(v, best, wins);
        arg = v128.bitselect(f32x4.add(base, down), arg, wins);
        v = f32x4.shuffle(b0, b1, 1, 3, 5, 7);
        wins = beats(v, best, relu);
        best = v128.bitselect(v, best, wins);
        arg = v128.bitselect(f32x4.add(base, right), arg, wins);
        v128.store(at(yp, o + ox), best);
        v128.store(at(ap, o + ox), arg);
      }
      for (; ox < ow; ox++) maxWindow(xp, at(yp, o + ox), at(ap, o + ox), w, r0, r0 + 2, 2 * ox, 2, relu);
    }
  }
}

// @ts-ignore: decorator
@inline function maxWindow(xp: usize, yAt: usize, aAt: usize, w: i32, r0: i32, r1: i32, ix0: i32, kw: i32, relu: bool): void {
  const c0 = max(ix0, 0);
  const c1 = min(ix0 + kw, w);
  let best: f32 = -Infinity;
  let arg = r0 * w + c0;
  for (let iy = r0; iy < r1; iy++) {
    for (let ix = c0; ix < c1; ix++) {
      let v = load<f32>(at(xp, iy * w + ix));
      if (relu && !(v > 0)) v = 0;
      if (v > best || v != v) {
        best = v;
        arg = iy * w + ix;
      }
    }
  }
  store<f32>(yAt, best);
  store<f32>(aAt, <f32>arg);
}

/**
 * Max pooling backward: dx = 0, then dx[p, argmax[p, j]] += dy[p, j] for every output j
 * (overlapping windows that share a winner accumulate). dy, argmax, y: [nc, oh, ow]; dx: [nc, h, w];
 * the window geometry as maxPool2d's. relu ≠ 0 is the backward of maxPool2d's relu mode, y its
 * output: then the cells won by windows with y ≤ 0 are multiplied by 0, which is what the ReLU's
 * backward (dy·1 or dy·0) does after the pooling's; y is not read otherwise.
 * A scatter, but for 2×2 stride-2 windows (maxUnpool2x2).
 */
export function maxPool2dBackward(
  dyPtr: usize, argmaxPtr: usize, yPtr: usize, dxPtr: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, relu: i32,
): void {
  if (halving(kh, kw, strideH, strideW, padTop, padLeft)) {
    if (relu != 0) maxUnpool2x2(dyPtr, argmaxPtr, yPtr, dxPtr, nc, h, w, oh, ow, true);
    else maxUnpool2x2(dyPtr, argmaxPtr, yPtr, dxPtr, nc, h, w, oh, ow, false);
    return;
  }
  const plane = h * w;
  const outs = oh * ow;
  memory.fill(dxPtr, 0, <usize>nc * <usize>plane << 2);
  for (let p = 0; p < nc; p++) {
    const dxp = at(dxPtr, p * plane);
    const o = p * outs;
    for (let j = 0; j < outs; j++) {
      const d = at(dxp, <i32>load<f32>(at(argmaxPtr, o + j)));
      store<f32>(d, load<f32>(d) + load<f32>(at(dyPtr, o + j)));
    }
    if (relu == 0) continue;
    for (let j = 0; j < outs; j++) {
      if (load<f32>(at(yPtr, o + j)) > 0) continue;
      const d = at(dxp, <i32>load<f32>(at(argmaxPtr, o + j)));
      store<f32>(d, load<f32>(d) * 0);
    }
  }
}

/**
 * The 2×2 stride-2 backward (as maxPool2dBackward, same bits) with no zero-fill and no scatter:
 * the windows tile the plane, so every cell is written once. For four outputs at a time, g =
 * (dy + 0)·(relu: y > 0 ? 1 : 0), the sum the scatter makes on a zeroed cell (−0 becomes +0) and
 * the ReLU's factor; each of the four window cells takes g where the argmax points at it, else
 * +0, and the shuffles interleave them into two rows of eight floats. Cells past the last window
 * (an odd row or column) are zeroed. Inlined with constant relu.
 */
// @ts-ignore: decorator
@inline function maxUnpool2x2(dyPtr: usize, argmaxPtr: usize, yPtr: usize, dxPtr: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32, relu: bool): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const lanes = f32x4(0, 2, 4, 6);
  const down = f32x4.splat(<f32>w);
  const downRight = f32x4.splat(<f32>(w + 1));
  for (let p = 0; p < nc; p++) {
    const dxp = at(dxPtr, p * h * w);
    const o = p * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      const r0 = 2 * oy;
      const top = at(dxp, r0 * w);
      const bottom = at(top, w);
      const j0 = o + oy * ow;
      let ox = 0;
      for (; ox + 4 <= ow; ox += 4) {
        const arg = v128.load(at(argmaxPtr, j0 + ox));
        let g = f32x4.add(v128.load(at(dyPtr, j0 + ox)), zero);
        if (relu) g = f32x4.mul(g, v128.and(one, f32x4.gt(v128.load(at(yPtr, j0 + ox)), zero)));
        const base = f32x4.add(f32x4.splat(<f32>(r0 * w + 2 * ox)), lanes);
        const tl = v128.and(g, f32x4.eq(arg, base));
        const tr = v128.and(g, f32x4.eq(arg, f32x4.add(base, one)));
        const bl = v128.and(g, f32x4.eq(arg, f32x4.add(base, down)));
        const br = v128.and(g, f32x4.eq(arg, f32x4.add(base, downRight)));
        v128.store(at(top, 2 * ox), f32x4.shuffle(tl, tr, 0, 4, 1, 5));
        v128.store(at(top, 2 * ox), f32x4.shuffle(tl, tr, 2, 6, 3, 7), 16);
        v128.store(at(bottom, 2 * ox), f32x4.shuffle(bl, br, 0, 4, 1, 5));
        v128.store(at(bottom, 2 * ox), f32x4.shuffle(bl, br, 2, 6, 3, 7), 16);
      }
      for (; ox < ow; ox++) {
        const arg = <i32>load<f32>(at(argmaxPtr, j0 + ox));
        let g = load<f32>(at(dyPtr, j0 + ox)) + 0;
        if (relu) g *= load<f32>(at(yPtr, j0 + ox)) > 0 ? 1 : 0;
        const cell = r0 * w + 2 * ox;
        store<f32>(at(top, 2 * ox), arg == cell ? g : 0);
        store<f32>(at(top, 2 * ox + 1), arg == cell + 1 ? g : 0);
        store<f32>(at(bottom, 2 * ox), arg == cell + w ? g : 0);
        store<f32>(at(bottom, 2 * ox + 1), arg == cell + w + 1 ? g : 0);
      }
      for (let ix = 2 * ow; ix < w; ix++) {
        store<f32>(at(top, ix), 0);
        store<f32>(at(bottom, ix), 0);
      }
    }
    memory.fill(at(dxp, 2 * oh * w), 0, <usize>((h - 2 * oh) * w) << 2);
  }
}

/**
 * Average pooling: y = (sum of the window's in-plane cells) / divisor. With countIncludePad the
 * divisor is kh·kw, the padded zeros counted as cells (PyTorch's count_include_pad=True, its
 * default); without it, the number of in-plane cells of the window. (PyTorch in ceil mode also
 * leaves out cells past its symmetric padding; with the top/left padding and oh/ow given here the
 * padding extends as far as the last window does, so all kh·kw cells count.)
 * x: [nc, h, w]; y: [nc, oh, ow]; no aliasing.
 */
export function avgPool2d(
  xPtr: usize, yPtr: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, countIncludePad: bool,
): void {
  const simd = strideW == 1 || strideW == 2;
  const span = strideW << 2;
  const oxLo = firstInterior(ow, strideW, padLeft);
  for (let p = 0; p < nc; p++) {
    const xp = at(xPtr, p * h * w);
    const yp = at(yPtr, p * oh * ow);
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * strideH - padTop;
      const r0 = max(iy0, 0);
      const r1 = min(iy0 + kh, h);
      const o = oy * ow;
      let ox = 0;
      for (; ox < oxLo; ox++) avgWindow(xp, at(yp, o + ox), w, r0, r1, ox * strideW - padLeft, kh, kw, countIncludePad);
      if (simd) {
        const scale = f32x4.splat(<f32>1 / <f32>(countIncludePad ? kh * kw : (r1 - r0) * kw));
        for (; ox + 4 <= ow && ox * strideW - padLeft + kw - 1 + span <= w; ox += 4) {
          const c0 = ox * strideW - padLeft;
          let sum = f32x4.splat(0);
          for (let iy = r0; iy < r1; iy++) {
            const row = iy * w + c0;
            for (let kj = 0; kj < kw; kj++) sum = f32x4.add(sum, loadStrided(at(xp, row + kj), strideW));
          }
          v128.store(at(yp, o + ox), f32x4.mul(sum, scale));
        }
      }
      for (; ox < ow; ox++) avgWindow(xp, at(yp, o + ox), w, r0, r1, ox * strideW - padLeft, kh, kw, countIncludePad);
    }
  }
}

// @ts-ignore: decorator
@inline function avgWindow(xp: usize, yAt: usize, w: i32, r0: i32, r1: i32, ix0: i32, kh: i32, kw: i32, countIncludePad: bool): void {
  const c0 = max(ix0, 0);
  const c1 = min(ix0 + kw, w);
  let sum: f32 = 0;
  for (let iy = r0; iy < r1; iy++) {
    for (let ix = c0; ix < c1; ix++) sum += load<f32>(at(xp, iy * w + ix));
  }
  store<f32>(yAt, sum * (<f32>1 / <f32>(countIncludePad ? kh * kw : (r1 - r0) * (c1 - c0))));
}

/**
 * Average pooling backward: dx = 0, then every output spreads dy / divisor over its window's
 * in-plane cells (same divisor as the forward; overlapping windows accumulate).
 * dy: [nc, oh, ow]; dx: [nc, h, w]. Windows are short rows (kw is 2 or 3 in practice): scalar.
 */
export function avgPool2dBackward(
  dyPtr: usize, dxPtr: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, countIncludePad: bool,
): void {
  memory.fill(dxPtr, 0, <usize>nc * <usize>(h * w) << 2);
  for (let p = 0; p < nc; p++) {
    const dxp = at(dxPtr, p * h * w);
    const dyp = at(dyPtr, p * oh * ow);
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * strideH - padTop;
      const r0 = max(iy0, 0);
      const r1 = min(iy0 + kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * strideW - padLeft;
        const c0 = max(ix0, 0);
        const c1 = min(ix0 + kw, w);
        const g = load<f32>(at(dyp, oy * ow + ox)) * (<f32>1 / <f32>(countIncludePad ? kh * kw : (r1 - r0) * (c1 - c0)));
        for (let iy = r0; iy < r1; iy++) {
          for (let ix = c0; ix < c1; ix++) {
            const d = at(dxp, iy * w + ix);
            store<f32>(d, load<f32>(d) + g);
          }
        }
      }
    }
  }
}
