// Pooling, reference implementation. x is nc = N·C planes of h×w, y is nc planes of oh×ow.
// Output (oy, ox) pools input rows oy·strideH − padTop + [0, kh) and columns
// ox·strideW − padLeft + [0, kw), clipped to the plane: padding is never a candidate for the max,
// and for the average it counts only when countIncludePad (divisor kh·kw, PyTorch's
// count_include_pad=True) instead of the number of in-plane cells.

export interface PoolGeometry {
  nc: number; h: number; w: number; oh: number; ow: number;
  kh: number; kw: number; strideH: number; strideW: number; padTop: number; padLeft: number;
}

/** The in-plane part [r0, r1) × [c0, c1) of the window of output (oy, ox). */
function window(g: PoolGeometry, oy: number, ox: number): [number, number, number, number] {
  const iy = oy * g.strideH - g.padTop;
  const ix = ox * g.strideW - g.padLeft;
  return [Math.max(iy, 0), Math.min(iy + g.kh, g.h), Math.max(ix, 0), Math.min(ix + g.kw, g.w)];
}

/**
 * y = window max; argmax = its flat index iy·w + ix in the plane. First max wins ties; NaN wins.
 * relu: the max of ReLU(x), each cell `v > 0 ? v : 0` (NaN → 0) as it is read.
 */
export function maxPool2d(x: Float32Array, y: Float32Array, argmax: Float32Array, g: PoolGeometry, relu = false): void {
  const { nc, h, w, oh, ow } = g;
  for (let p = 0; p < nc; p++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const [r0, r1, c0, c1] = window(g, oy, ox);
        let best = -Infinity;
        let arg = r0 * w + c0;
        for (let iy = r0; iy < r1; iy++) {
          for (let ix = c0; ix < c1; ix++) {
            const cell = x[p * h * w + iy * w + ix];
            const v = relu && !(cell > 0) ? 0 : cell;
            if (v > best || Number.isNaN(v)) {
              best = v;
              arg = iy * w + ix;
            }
          }
        }
        y[(p * oh + oy) * ow + ox] = best;
        argmax[(p * oh + oy) * ow + ox] = arg;
      }
    }
  }
}

/**
 * dx = 0, then each dy goes to the cell that won its window. With y (the output of the relu mode),
 * the cells won by windows with y ≤ 0 are then multiplied by 0: the ReLU's backward, dy·0 there.
 */
export function maxPool2dBackward(dy: Float32Array, argmax: Float32Array, y: Float32Array | null, dx: Float32Array, nc: number, h: number, w: number, oh: number, ow: number): void {
  dx.fill(0, 0, nc * h * w);
  for (let p = 0; p < nc; p++) {
    for (let j = 0; j < oh * ow; j++) dx[p * h * w + argmax[p * oh * ow + j]] += dy[p * oh * ow + j];
    if (y === null) continue;
    for (let j = 0; j < oh * ow; j++) {
      if (!(y[p * oh * ow + j] > 0)) dx[p * h * w + argmax[p * oh * ow + j]] *= 0;
    }
  }
}

function divisor(g: PoolGeometry, r0: number, r1: number, c0: number, c1: number, countIncludePad: boolean): number {
  return countIncludePad ? g.kh * g.kw : (r1 - r0) * (c1 - c0);
}

export function avgPool2d(x: Float32Array, y: Float32Array, g: PoolGeometry, countIncludePad: boolean): void {
  const { nc, h, w, oh, ow } = g;
  for (let p = 0; p < nc; p++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const [r0, r1, c0, c1] = window(g, oy, ox);
        let s = 0;
        for (let iy = r0; iy < r1; iy++) {
          for (let ix = c0; ix < c1; ix++) s += x[p * h * w + iy * w + ix];
        }
        y[(p * oh + oy) * ow + ox] = s / divisor(g, r0, r1, c0, c1, countIncludePad);
      }
    }
  }
}

/** dx = 0, then each dy is shared equally (dy / divisor) by the in-plane cells of its window. */
export function avgPool2dBackward(dy: Float32Array, dx: Float32Array, g: PoolGeometry, countIncludePad: boolean): void {
  const { nc, h, w, oh, ow } = g;
  dx.fill(0, 0, nc * h * w);
  for (let p = 0; p < nc; p++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const [r0, r1, c0, c1] = window(g, oy, ox);
        const share = dy[(p * oh + oy) * ow + ox] / divisor(g, r0, r1, c0, c1, countIncludePad);
        for (let iy = r0; iy < r1; iy++) {
          for (let ix = c0; ix < c1; ix++) dx[p * h * w + iy * w + ix] += share;
        }
      }
    }
  }
}
