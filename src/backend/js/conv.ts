// 2-D convolution, reference implementation: the definition written as loops.
//
// NCHW: x [n, c, h, w], weight [o, c, kh, kw], bias [o], y [n, o, oh, ow]. PyTorch's Conv2d is a
// cross-correlation (the kernel is not flipped):
//   y[b, oc, oy, ox] = bias[oc] + Σ_{ch, ki, kj} weight[oc, ch, ki, kj] · x[b, ch, iy, ix],
//   iy = oy·strideH − padTop + ki·dilationH,   ix = ox·strideW − padLeft + kj·dilationW,
// with x = 0 outside the image. The bottom/right padding is implicit in oh/ow.
//
// The loops run tap by tap: each kernel tap (ch, ki, kj) adds weight × (the input shifted by that
// tap) to a whole output plane, so the innermost loop walks a row with no bounds test, and sums
// are kept in float64. The backward functions are the same sum read the other way round: each
// input cell receives the outputs it fed, each weight meets the input cells it multiplied.

export interface ConvGeometry {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number; oh: number; ow: number;
  strideH: number; strideW: number; padTop: number; padLeft: number; dilationH: number; dilationW: number;
}

/**
 * The outputs [lo, hi) along one axis whose input index out·stride + off falls inside [0, size):
 * the rest of that tap's outputs read padding.
 */
function inside(off: number, stride: number, size: number, outSize: number): [number, number] {
  const lo = Math.min(outSize, Math.max(0, Math.ceil(-off / stride)));
  const hi = Math.max(lo, Math.min(outSize, Math.floor((size - 1 - off) / stride) + 1));
  return [lo, hi];
}

/** A float64 accumulator plane, kept between calls. */
let plane = new Float64Array(0);
function accumulator(size: number): Float64Array {
  if (plane.length < size) plane = new Float64Array(size);
  return plane;
}

export function conv2d(x: Float32Array, weight: Float32Array, bias: Float32Array | null, y: Float32Array, g: ConvGeometry): void {
  const { n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW } = g;
  const acc = accumulator(oh * ow);
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      acc.fill(bias !== null ? bias[oc] : 0, 0, oh * ow);
      for (let ch = 0; ch < c; ch++) {
        for (let ki = 0; ki < kh; ki++) {
          const offY = ki * dilationH - padTop;
          const [oyLo, oyHi] = inside(offY, strideH, h, oh);
          for (let kj = 0; kj < kw; kj++) {
            const offX = kj * dilationW - padLeft;
            const [oxLo, oxHi] = inside(offX, strideW, w, ow);
            const wv = weight[((oc * c + ch) * kh + ki) * kw + kj];
            for (let oy = oyLo; oy < oyHi; oy++) {
              const xRow = ((b * c + ch) * h + oy * strideH + offY) * w + offX;
              for (let ox = oxLo; ox < oxHi; ox++) acc[oy * ow + ox] += wv * x[xRow + ox * strideW];
            }
          }
        }
      }
      y.set(acc.subarray(0, oh * ow), (b * o + oc) * oh * ow);
    }
  }
}

/** dx = ∂(Σ y·dy)/∂x: every output hands dy·weight back to the input cells it read. */
export function conv2dBackwardInput(dy: Float32Array, weight: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  const { n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW } = g;
  const acc = accumulator(h * w);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      acc.fill(0, 0, h * w);
      for (let oc = 0; oc < o; oc++) {
        for (let ki = 0; ki < kh; ki++) {
          const offY = ki * dilationH - padTop;
          const [oyLo, oyHi] = inside(offY, strideH, h, oh);
          for (let kj = 0; kj < kw; kj++) {
            const offX = kj * dilationW - padLeft;
            const [oxLo, oxHi] = inside(offX, strideW, w, ow);
            const wv = weight[((oc * c + ch) * kh + ki) * kw + kj];
            for (let oy = oyLo; oy < oyHi; oy++) {
              const xRow = (oy * strideH + offY) * w + offX;
              const dyRow = ((b * o + oc) * oh + oy) * ow;
              for (let ox = oxLo; ox < oxHi; ox++) acc[xRow + ox * strideW] += wv * dy[dyRow + ox];
            }
          }
        }
      }
      dx.set(acc.subarray(0, h * w), (b * c + ch) * h * w);
    }
  }
}

/** dW[oc, ch, ki, kj] = Σ dy · (the input it multiplied), db[oc] = Σ dy; db null: no bias. */
export function conv2dBackwardWeight(x: Float32Array, dy: Float32Array, dW: Float32Array, db: Float32Array | null, g: ConvGeometry): void {
  const { n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW } = g;
  for (let oc = 0; oc < o; oc++) {
    for (let ch = 0; ch < c; ch++) {
      for (let ki = 0; ki < kh; ki++) {
        const offY = ki * dilationH - padTop;
        const [oyLo, oyHi] = inside(offY, strideH, h, oh);
        for (let kj = 0; kj < kw; kj++) {
          const offX = kj * dilationW - padLeft;
          const [oxLo, oxHi] = inside(offX, strideW, w, ow);
          let s = 0;
          for (let b = 0; b < n; b++) {
            for (let oy = oyLo; oy < oyHi; oy++) {
              const xRow = ((b * c + ch) * h + oy * strideH + offY) * w + offX;
              const dyRow = ((b * o + oc) * oh + oy) * ow;
              for (let ox = oxLo; ox < oxHi; ox++) s += dy[dyRow + ox] * x[xRow + ox * strideW];
            }
          }
          dW[((oc * c + ch) * kh + ki) * kw + kj] = s;
        }
      }
    }
    if (db !== null) {
      let s = 0;
      for (let b = 0; b < n; b++) {
        for (let q = 0; q < oh * ow; q++) s += dy[(b * o + oc) * oh * ow + q];
      }
      db[oc] = s;
    }
  }
}
