// Convolution, pooling and batch normalization as differentiable ops. Layout NCHW, as in
// PyTorch: a batch of images is [batch, channels, height, width], a convolution weight is
// [outChannels, inChannels, kernelH, kernelW]. The kernels (and the formulas of each backward)
// are in src/backend/js/{conv,pool,norm}.ts, the readable reference, and assembly/{conv,pool,norm}.ts.
//
// Convolution: each output channel slides a small stack of filters (one kh×kw filter per input
// channel) over the image and, at every position, sums filter × the patch under it, plus a bias:
//   y[b, o, oy, ox] = bias[o] + Σ_{c, i, j} w[o, c, i, j] · x[b, c, oy·s − pad + i·d, ox·s − pad + j·d].
// Backward is the same sum read the other way round: dx spreads each dy over the patch it came
// from, weighted by the filter; dw collects, for each filter tap, dy times the inputs it met.
import { Binary } from "../backend/opcodes.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { isGradEnabled, record } from "./engine.js";
import { backendOf, checkNumber, checkOpOptions, empty, output } from "./util.js";

/** A per-axis size given as one number (both axes) or [height, width]. */
export type Pair = number | readonly [number, number];

/** Geometry of a 2-D convolution, as PyTorch's conv2d arguments. */
export interface Conv2dOptions {
  /** Step between windows, [sh, sw] or one number (default 1). */
  stride?: Pair;
  /**
   * Zeros added around the image: a number or [top/bottom, left/right], "valid" (0), or "same"
   * (output as large as the input; stride 1 only; an odd total goes one more at the bottom/right,
   * as in PyTorch).
   */
  padding?: Pair | "same" | "valid";
  /** Spacing between kernel taps, [dh, dw] or one number (default 1). */
  dilation?: Pair;
}

/** Everything a conv2d kernel call needs besides the pointers. */
export interface ConvGeometry {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number; oh: number; ow: number;
  strideH: number; strideW: number; padTop: number; padLeft: number; dilationH: number; dilationW: number;
}

/** [a, a] or the pair itself, each checked to be an integer ≥ min. */
export function pair(who: string, name: string, v: Pair, min: number): [number, number] {
  if (!Array.isArray(v) && typeof v !== "number") throw new Error(`${who}: ${name} must be a number or [height, width], got ${String(v)}`);
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  const got = typeof v === "number" ? v : `[${p.join(", ")}]`;
  if (p.some((d) => !Number.isInteger(d) || d < min)) {
    throw new Error(`${who}: ${name} must be ${min === 0 ? "non-negative" : "positive"} integers, got ${got}`);
  }
  // The kernels take 32-bit sizes: 1e38 is an integer, but a stride of 0 after the conversion (a Wasm trap).
  if (p.some((d) => d > 2 ** 31 - 1)) {
    throw new Error(`${who}: ${name} must be below 2^31 (the kernels take 32-bit sizes), got ${got}`);
  }
  return p;
}

/**
 * Validated stride, dilation and top/left + bottom/right padding for a kh×kw kernel. `who` names
 * the op or layer in errors.
 */
export function convParams(who: string, kh: number, kw: number, options: Conv2dOptions): {
  stride: [number, number]; dilation: [number, number]; padBefore: [number, number]; padAfter: [number, number];
} {
  const stride = pair(who, "stride", options.stride ?? 1, 1);
  const dilation = pair(who, "dilation", options.dilation ?? 1, 1);
  const padding = options.padding ?? 0;
  if (padding === "same") {
    if (stride[0] !== 1 || stride[1] !== 1) throw new Error(`${who}: padding "same" needs stride 1, got stride [${stride.join(", ")}]`);
    const total = [dilation[0] * (kh - 1), dilation[1] * (kw - 1)];
    const before: [number, number] = [Math.floor(total[0] / 2), Math.floor(total[1] / 2)];
    return { stride, dilation, padBefore: before, padAfter: [total[0] - before[0], total[1] - before[1]] };
  }
  if (padding === "valid") return { stride, dilation, padBefore: [0, 0], padAfter: [0, 0] };
  const p = pair(who, "padding", padding, 0);
  return { stride, dilation, padBefore: p, padAfter: p };
}

/**
 * The geometry of conv2d(x, weight) with the given options, or a clear error naming `who`, the
 * input shape and what was expected.
 */
export function convGeometry(who: string, xShape: readonly number[], wShape: readonly number[], options: Conv2dOptions): ConvGeometry {
  if (wShape.length !== 4) throw new Error(`${who}: weight has shape ${fmt(wShape)}, expected [outChannels, inChannels, kernelH, kernelW]`);
  const [o, cw, kh, kw] = wShape;
  if (xShape.length !== 4) {
    throw new Error(`${who}: input has shape ${fmt(xShape)}, expected 4-D [batch, ${cw}, height, width] (NCHW; add a batch axis to a single image)`);
  }
  const [n, c, h, w] = xShape;
  if (c !== cw) throw new Error(`${who}: input has shape ${fmt(xShape)} with ${c} channels, expected ${cw} (NCHW: [batch, ${cw}, height, width])`);
  const { stride, dilation, padBefore, padAfter } = convParams(who, kh, kw, options);
  const spanH = dilation[0] * (kh - 1) + 1;
  const spanW = dilation[1] * (kw - 1) + 1;
  const ph = h + padBefore[0] + padAfter[0];
  const pw = w + padBefore[1] + padAfter[1];
  if (spanH > ph || spanW > pw) {
    const dilated = dilation[0] > 1 || dilation[1] > 1 ? ` (${spanH}×${spanW} dilated)` : "";
    throw new Error(`${who}: kernel ${kh}×${kw}${dilated} is larger than the padded input ${ph}×${pw} (input ${fmt(xShape)}, padding [${padBefore.join(", ")}])`);
  }
  return {
    n, c, h, w, o, kh, kw,
    oh: Math.floor((ph - spanH) / stride[0]) + 1,
    ow: Math.floor((pw - spanW) / stride[1]) + 1,
    strideH: stride[0], strideW: stride[1], padTop: padBefore[0], padLeft: padBefore[1], dilationH: dilation[0], dilationW: dilation[1],
  };
}

function geometryArgs(g: ConvGeometry): [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number] {
  return [g.n, g.c, g.h, g.w, g.o, g.kh, g.kw, g.oh, g.ow, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW];
}

/**
 * 2-D convolution (cross-correlation, as PyTorch's conv2d): x [N, C, H, W], weight [O, C, kh, kw],
 * bias [O] or null → [N, O, OH, OW], OH = ⌊(H + padTop + padBottom − dilation·(kh − 1) − 1)/stride⌋ + 1.
 * @example
 * const y = ops.conv2d(images, w, b, { padding: "same" }); // [32, 1, 28, 28] → [32, 8, 28, 28]
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const be = bias ? backendOf("conv2d", x, weight, bias) : backendOf("conv2d", x, weight);
  checkOpOptions("conv2d", options);
  const g = convGeometry("conv2d", x.shape, weight.shape, options);
  if (bias && (bias.rank !== 1 || bias.size !== g.o)) throw new Error(`conv2d: bias has shape ${fmt(bias.shape)}, expected [${g.o}]`);
  const args = geometryArgs(g);
  const y = output("conv2d", be, [g.n, g.o, g.oh, g.ow]);
  be.conv2d(x.ptr, weight.ptr, bias ? bias.ptr : 0, y.ptr, ...args);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(y, "conv2d", inputs, (dy) => {
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(be, x.shape);
      be.conv2dBackwardInput(dy.ptr, weight.ptr, dx.ptr, ...args);
    }
    // One kernel gives both: the bias gradient is a by-product of the pass over dy.
    if (weight.requiresGrad || bias?.requiresGrad) {
      dw = empty(be, weight.shape);
      db = bias ? empty(be, bias.shape) : null;
      be.conv2dBackwardWeight(x.ptr, dy.ptr, dw.ptr, db ? db.ptr : 0, ...args);
    }
    return bias ? [dx, dw, db] : [dx, dw];
  });
}

// ---- pooling --------------------------------------------------------------------------------
// Pooling summarizes each window of a feature map by one number: its maximum (is the pattern
// present anywhere here?) or its average. With stride = window it halves (for 2×2) the map, so
// the next layer sees a larger part of the image per position and small shifts of the input
// change the output less.

/** Geometry of a 2-D pooling window. */
export interface Pool2dOptions {
  /** Step between windows (default: the window size, windows side by side). */
  stride?: Pair;
  /** Implicit padding on every side, at most half the window: never the max, see countIncludePad for the average. */
  padding?: Pair;
}

interface PoolGeometry {
  nc: number; h: number; w: number; oh: number; ow: number;
  kh: number; kw: number; strideH: number; strideW: number; padTop: number; padLeft: number;
}

/** Validated pooling geometry for x [N, C, H, W]; errors name `who` and the shapes. */
export function poolGeometry(who: string, x: readonly number[], kernelSize: Pair, options: Pool2dOptions): PoolGeometry {
  const [kh, kw] = pair(who, "kernelSize", kernelSize, 1);
  const [sh, sw] = pair(who, "stride", options.stride ?? kernelSize, 1);
  const [ph, pw] = pair(who, "padding", options.padding ?? 0, 0);
  if (2 * ph > kh || 2 * pw > kw) throw new Error(`${who}: padding [${ph}, ${pw}] must be at most half the window ${kh}×${kw}`);
  if (x.length !== 4) throw new Error(`${who}: input has shape ${fmt(x)}, expected 4-D [batch, channels, height, width] (NCHW)`);
  const [n, c, h, w] = x;
  if (kh > h + 2 * ph || kw > w + 2 * pw) {
    throw new Error(`${who}: window ${kh}×${kw} is larger than the padded input ${h + 2 * ph}×${w + 2 * pw} (input ${fmt(x)}, padding [${ph}, ${pw}])`);
  }
  return {
    nc: n * c, h, w, kh, kw, strideH: sh, strideW: sw, padTop: ph, padLeft: pw,
    oh: Math.floor((h + 2 * ph - kh) / sh) + 1,
    ow: Math.floor((w + 2 * pw - kw) / sw) + 1,
  };
}

/**
 * Max pooling: each output is the largest value of its kh×kw window. Backward routes each dy to
 * the one input that won its window (kept as an argmax map), and gives the others nothing.
 *
 * @example const y = ops.maxPool2d(randn([1, 3, 8, 8]), 2); // [1, 3, 4, 4]
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  return maxPool("maxPool2d", x, kernelSize, options, false);
}

/**
 * maxPool2d(relu(x)) in one pass, with the same values and gradients bit for bit: the ReLU is
 * applied to each cell as the window reads it, and the backward routes dy·(y > 0 ? 1 : 0) to the
 * winners, the product the ReLU's backward takes. Saves the ReLU's output and both of its
 * passes; nn.Sequential runs a ReLU followed by a MaxPool2d this way.
 *
 * @example const y = reluMaxPool2d(randn([1, 3, 8, 8]), 2); // = ops.maxPool2d(ops.relu(x), 2)
 */
export function reluMaxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  return maxPool("reluMaxPool2d", x, kernelSize, options, true);
}

function maxPool(op: string, x: Tensor, kernelSize: Pair, options: Pool2dOptions, relu: boolean): Tensor {
  const be = backendOf(op, x);
  checkOpOptions(op, options);
  const g = poolGeometry(op, x.shape, kernelSize, options);
  const y = output(op, be, [x.shape[0], x.shape[1], g.oh, g.ow]);
  const argmax = empty(be, y.shape);
  const geometry = [g.nc, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.strideH, g.strideW, g.padTop, g.padLeft] as const;
  be.maxPool2d(x.ptr, y.ptr, argmax.ptr, ...geometry, relu);
  return record(
    y,
    op,
    [x],
    (dy) => {
      const dx = empty(be, x.shape);
      be.maxPool2dBackward(dy.ptr, argmax.ptr, y.ptr, dx.ptr, ...geometry, relu);
      return [dx];
    },
    () => argmax.dispose(),
  );
}

/**
 * Average pooling: each output is the mean of its window. countIncludePad (default true, as
 * PyTorch's count_include_pad) divides by kh·kw, padded cells counting as zeros; false divides by
 * the number of cells inside the image. Backward shares each dy equally over its window.
 *
 * @example const y = ops.avgPool2d(randn([1, 3, 8, 8]), 2); // [1, 3, 4, 4]
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions & { countIncludePad?: boolean } = {}): Tensor {
  const be = backendOf("avgPool2d", x);
  checkOpOptions("avgPool2d", options);
  const g = poolGeometry("avgPool2d", x.shape, kernelSize, options);
  const countPad = options.countIncludePad ?? true;
  if (typeof countPad !== "boolean") throw new Error(`avgPool2d: countIncludePad must be true or false, got ${describe(countPad)}`);
  const y = output("avgPool2d", be, [x.shape[0], x.shape[1], g.oh, g.ow]);
  be.avgPool2d(x.ptr, y.ptr, g.nc, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.strideH, g.strideW, g.padTop, g.padLeft, countPad);
  return record(y, "avgPool2d", [x], (dy) => {
    const dx = empty(be, x.shape);
    be.avgPool2dBackward(dy.ptr, dx.ptr, g.nc, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.strideH, g.strideW, g.padTop, g.padLeft, countPad);
    return [dx];
  });
}

// ---- batch normalization --------------------------------------------------------------------
// Batch normalization (Ioffe & Szegedy, 2015) standardizes every channel over the batch (and,
// for images, over all positions), then rescales it with a learned γ and shift β:
//   x̂ = (x − mean)/√(var + eps),   y = γ·x̂ + β.
// Training uses the batch's own mean and (biased) variance, so backward runs through them too:
//   dx = γ/(M·√(var + eps)) · (M·dy − Σdy − x̂·Σ(dy·x̂)),   dγ = Σdy·x̂,   dβ = Σdy   (M values per channel).
// Evaluation uses the running estimates, constants: y is affine in x and dx = γ·dy/√(var + eps).

/** Arguments of batchNorm, as PyTorch's F.batch_norm. */
export interface BatchNormOptions {
  /** Running estimates [C]: read in evaluation, updated in place in training (when given). */
  runningMean?: Tensor | null;
  /** Running variance [C], updated in training, used in eval. */
  runningVar?: Tensor | null;
  /** γ [C] and β [C]; null: 1 and 0. */
  weight?: Tensor | null;
  /** β [C], or null. */
  bias?: Tensor | null;
  /** Batch statistics (true) or the running ones (false). */
  training: boolean;
  /** running = (1 − momentum)·running + momentum·batch (default 0.1, PyTorch's convention). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalization over axis 1 of x [N, C, ...]. In training, with running tensors given, they
 * are updated in place, the variance estimate unbiased (Σ(x − mean)²/(M − 1)) as in PyTorch.
 *
 * @example const y = ops.batchNorm(randn([16, 4]), { training: true }); // each column: mean 0, variance 1
 */
export function batchNorm(x: Tensor, options: BatchNormOptions): Tensor {
  if (options === null || typeof options !== "object") throw new Error(`batchNorm: options must be an object with training: true or false, got ${describe(options)}`);
  if (typeof options.training !== "boolean") throw new Error(`batchNorm: training must be true or false, got ${describe(options.training)}`);
  for (const k of ["eps", "momentum"] as const) {
    if (options[k] !== undefined) checkNumber("batchNorm", k, options[k]);
  }
  const { runningMean = null, runningVar = null, weight = null, bias = null, training } = options;
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  // x is always checked, the optional tensors when given.
  const given = [x, ...[weight, bias, runningMean, runningVar].filter((t): t is Tensor => t !== null)];
  const be = backendOf("batchNorm", ...given);
  if (x.rank < 2) throw new Error(`batchNorm: input has shape ${fmt(x.shape)}, expected [batch, channels, ...]`);
  const [n, c] = x.shape;
  const inner = x.size / Math.max(1, n * c);
  for (const [name, t] of [["weight", weight], ["bias", bias], ["runningMean", runningMean], ["runningVar", runningVar]] as const) {
    if (t !== null && (t.rank !== 1 || t.size !== c)) throw new Error(`batchNorm: ${name} has shape ${fmt(t.shape)}, expected [${c}] for input ${fmt(x.shape)}`);
  }
  const m = n * inner;
  if (training && m <= 1) throw new Error(`batchNorm: input ${fmt(x.shape)} has ${m} value per channel; training needs more than 1 to estimate a variance`);
  if (!training && (runningMean === null || runningVar === null)) throw new Error(`batchNorm: evaluation needs runningMean and runningVar`);

  let mean: Tensor;
  let variance: Tensor;
  if (training) {
    mean = empty(be, [c]);
    variance = empty(be, [c]);
    be.batchNormStats(x.ptr, mean.ptr, variance.ptr, n, c, inner);
    if (runningMean !== null && runningVar !== null) updateRunning(mean, variance, runningMean, runningVar, momentum, m);
  } else {
    mean = runningMean!;
    variance = runningVar!;
  }
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  const needGrad = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const y = empty(be, x.shape);
  const xhat = needGrad ? empty(be, x.shape) : null;
  be.batchNorm(x.ptr, mean.ptr, variance.ptr, weight ? weight.ptr : 0, bias ? bias.ptr : 0, y.ptr, xhat ? xhat.ptr : 0, n, c, inner, eps);
  if (training) mean.dispose();
  if (!needGrad) {
    if (training) variance.dispose();
    return y;
  }
  // Eval-mode backward reads the running variance as it is now: a later training step must not
  // change it under a graph still alive, so keep a copy.
  const savedVar = training ? variance : empty(be, [c]);
  if (!training) be.copy(variance.ptr, savedVar.ptr, c);
  const saved = xhat!;

  return record(
    y,
    "batchNorm",
    inputs,
    (dy) => {
      const dx = empty(be, x.shape);
      const dgamma = weight ? empty(be, [c]) : null;
      const dbeta = bias ? empty(be, [c]) : null;
      if (training) {
        be.batchNormBackward(dy.ptr, saved.ptr, savedVar.ptr, weight ? weight.ptr : 0, dx.ptr, dgamma ? dgamma.ptr : 0, dbeta ? dbeta.ptr : 0, n, c, inner, eps);
      } else {
        const scale = savedVar.toArray();
        const gamma = weight ? weight.toArray() : null;
        for (let i = 0; i < c; i++) scale[i] = (gamma ? gamma[i] : 1) / Math.sqrt(scale[i] + eps);
        const s = empty(be, [c]).set(scale);
        be.binary(Binary.Mul, dy.ptr, s.ptr, dx.ptr, dx.size, c, inner);
        s.dispose();
        if (dgamma) {
          const t = empty(be, x.shape);
          be.binary(Binary.Mul, dy.ptr, saved.ptr, t.ptr, t.size, t.size, 1);
          be.sumToBroadcast(t.ptr, dgamma.ptr, n, c, inner);
          t.dispose();
        }
        if (dbeta) be.sumToBroadcast(dy.ptr, dbeta.ptr, n, c, inner);
      }
      const out: (Tensor | null)[] = [dx];
      if (weight) out.push(dgamma);
      if (bias) out.push(dbeta);
      return out;
    },
    () => {
      saved.dispose();
      savedVar.dispose();
    },
  );
}

/**
 * running ← (1 − momentum)·running + momentum·batch, with the batch variance made unbiased
 * (·M/(M − 1)) first. C values: done in JS on views taken after every allocation.
 */
function updateRunning(mean: Tensor, variance: Tensor, runningMean: Tensor, runningVar: Tensor, momentum: number, m: number): void {
  const heap = mean.backend.heap;
  const bm = heap.f32(mean.ptr, mean.size);
  const bv = heap.f32(variance.ptr, variance.size);
  const rm = heap.f32(runningMean.ptr, runningMean.size);
  const rv = heap.f32(runningVar.ptr, runningVar.size);
  const unbias = m / (m - 1);
  for (let i = 0; i < bm.length; i++) {
    rm[i] = (1 - momentum) * rm[i] + momentum * bm[i];
    rv[i] = (1 - momentum) * rv[i] + momentum * bv[i] * unbias;
  }
}
