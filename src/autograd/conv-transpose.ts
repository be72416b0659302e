// Transposed convolution (PyTorch's conv_transpose2d), the layer that makes images bigger: where a
// stride-2 convolution reads a 3×3 window every 2 pixels and writes one value, a stride-2
// transposed convolution takes each input value, multiplies the 3×3 filter by it, and adds
// ("scatters") the product into the output, one step of 2 pixels per input: a learned upsampling.
//   y[b, o, iy·s − p + i·d, ix·s − p + j·d] += x[b, c, iy, ix] · w[c, o, i, j],   then y += bias[o].
//
// That scatter is, exactly, the backward pass of a convolution with respect to its input (each dy
// handed back, weighted by the filter, to the cells it read). A transposed convolution is the
// adjoint of a convolution: for the convolution A(w) taking an [N, O, OH, OW] image to
// [N, C, H, W] (with the same w, stride, padding, dilation),
//   forward             y  = Aᵀ(w) x                  → conv2dBackwardInput(x, w)
//   input gradient      dx = A(w) dy                  → conv2d(dy, w)
//   weight gradient     dw = ∂⟨A(w) dy, x⟩/∂w         → conv2dBackwardWeight(dy as the input, x as the output gradient)
// so it needs no kernel of its own. The weight is [inChannels, outChannels, kh, kw], as PyTorch's
// ConvTranspose2d: read as a convolution weight [o, c, kh, kw] of the adjoint convolution, whose
// "output channels" are this op's input channels.
//
// Output size per axis: (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1. Several
// input sizes H′ give a convolution the same output size (a stride-2 conv maps both 27 and 28 to
// 14); outputPadding (< stride or < dilation) picks the larger ones by adding rows at the bottom
// and columns at the right.
import { Binary } from "../backend/opcodes.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { pair, type ConvGeometry, type Pair } from "./conv.js";
import { record } from "./engine.js";
import { backendOf, checkOpOptions, empty, output } from "./util.js";

/** Geometry of a transposed 2-D convolution, as PyTorch's conv_transpose2d arguments. */
export interface ConvTranspose2dOptions {
  /** Step of the output between input positions, [sh, sw] or one number (default 1). */
  stride?: Pair;
  /** Removed from each side of the full scatter (dilation·(k − 1) − padding zeros on the adjoint convolution's input). */
  padding?: Pair;
  /** Extra rows/columns at the bottom/right, each < stride or < dilation (default 0). */
  outputPadding?: Pair;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
}

/**
 * The geometry of the adjoint convolution (the one whose input gradient this op computes), or a
 * clear error naming `who`, the shapes and what was expected. `h`, `w`, `c` describe this op's
 * output; `oh`, `ow`, `o` its input.
 */
export function convTransposeGeometry(who: string, xShape: readonly number[], wShape: readonly number[], options: ConvTranspose2dOptions): ConvGeometry {
  if (wShape.length !== 4) throw new Error(`${who}: weight has shape ${fmt(wShape)}, expected [inChannels, outChannels, kernelH, kernelW]`);
  const [cin, cout, kh, kw] = wShape;
  if (xShape.length !== 4) {
    throw new Error(`${who}: input has shape ${fmt(xShape)}, expected 4-D [batch, ${cin}, height, width] (NCHW; add a batch axis to a single image)`);
  }
  const [n, c, ih, iw] = xShape;
  if (c !== cin) throw new Error(`${who}: input has shape ${fmt(xShape)} with ${c} channels, expected ${cin} (NCHW: [batch, ${cin}, height, width])`);
  const [sh, sw] = pair(who, "stride", options.stride ?? 1, 1);
  const [ph, pw] = pair(who, "padding", options.padding ?? 0, 0);
  const [dh, dw] = pair(who, "dilation", options.dilation ?? 1, 1);
  const [oph, opw] = pair(who, "outputPadding", options.outputPadding ?? 0, 0);
  if ((oph >= sh && oph >= dh) || (opw >= sw && opw >= dw)) {
    throw new Error(`${who}: outputPadding [${oph}, ${opw}] must be smaller than the stride [${sh}, ${sw}] or the dilation [${dh}, ${dw}]`);
  }
  const oh = (ih - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
  const ow = (iw - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
  if (ih < 1 || iw < 1 || oh < 1 || ow < 1) {
    throw new Error(`${who}: input ${fmt(xShape)} gives an output of ${oh}×${ow} (padding [${ph}, ${pw}] removes more than the ${kh}×${kw} kernel adds), expected at least 1×1`);
  }
  return {
    n, c: cout, h: oh, w: ow, o: cin, kh, kw, oh: ih, ow: iw,
    strideH: sh, strideW: sw, padTop: ph, padLeft: pw, dilationH: dh, dilationW: dw,
  };
}

function geometryArgs(g: ConvGeometry): [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number] {
  return [g.n, g.c, g.h, g.w, g.o, g.kh, g.kw, g.oh, g.ow, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW];
}

/**
 * 2-D transposed convolution: x [N, Cin, H, W], weight [Cin, Cout, kh, kw], bias [Cout] or null →
 * [N, Cout, OH, OW], OH = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1.
 * @example
 * const up = ops.convTranspose2d(maps, w, b, { stride: 2, padding: 1, outputPadding: 1 }); // [8, 32, 7, 7] → [8, 16, 14, 14] for a 3×3 w
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  const be = bias ? backendOf("convTranspose2d", x, weight, bias) : backendOf("convTranspose2d", x, weight);
  checkOpOptions("convTranspose2d", options);
  const g = convTransposeGeometry("convTranspose2d", x.shape, weight.shape, options);
  if (bias && (bias.rank !== 1 || bias.size !== g.c)) throw new Error(`convTranspose2d: bias has shape ${fmt(bias.shape)}, expected [${g.c}]`);
  const args = geometryArgs(g);
  const plane = g.h * g.w;
  const y = output("convTranspose2d", be, [g.n, g.c, g.h, g.w]);
  be.conv2dBackwardInput(x.ptr, weight.ptr, y.ptr, ...args);
  if (bias) be.binary(Binary.Add, y.ptr, bias.ptr, y.ptr, y.size, g.c, plane);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(y, "convTranspose2d", inputs, (dy) => {
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(be, x.shape);
      be.conv2d(dy.ptr, weight.ptr, 0, dx.ptr, ...args);
    }
    if (weight.requiresGrad) {
      dw = empty(be, weight.shape);
      be.conv2dBackwardWeight(dy.ptr, x.ptr, dw.ptr, 0, ...args);
    }
    if (bias?.requiresGrad) {
      db = empty(be, bias.shape);
      be.sumToBroadcast(dy.ptr, db.ptr, g.n, g.c, plane);
    }
    return bias ? [dx, dw, db] : [dx, dw];
  });
}
