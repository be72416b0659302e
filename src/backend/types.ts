// The kernel contract: what a backend must implement for wasmnn to run on it.
//
// Every kernel works on f32 arrays that live in the backend's heap, addressed by byte pointers
// (`*Ptr`, 16-byte aligned when they come from Heap.alloc). Sizes are element counts. Layouts are
// row-major. Kernels never allocate and never validate: shapes are checked once, at the API
// boundary (src/autograd), and a kernel trusts what it is given.
//
// Two implementations exist: js/ (plain loops, the readable reference) and wasm/ (the
// AssemblyScript core). A kernel missing from either is a type error.

import type { Activation, Binary, Unary } from "./opcodes.js";
import type { Heap } from "../memory/heap.js";
import type { Basis } from "./basis.js";

/** "wasm": the AssemblyScript SIMD core; "js": the plain TypeScript reference. */
export type BackendName = "wasm" | "js";

/**
 * The kernel contract: every kernel the ops call, with typed pointer and size arguments. The
 * wasm backend calls the Wasm exports, the js backend runs the readable reference loops; tests run
 * every kernel on both.
 */
export interface Backend {
  /** Which implementation this is. */
  readonly name: BackendName;
  /** Where this backend's tensors live. */
  readonly heap: Heap;

  // ---- memory -------------------------------------------------------------------------------
  /** dst[i] = src[i], i < n. May overlap. */
  copy(srcPtr: number, dstPtr: number, n: number): void;
  /** out[i] = value, i < n. */
  fill(outPtr: number, n: number, value: number): void;
  /**
   * Strided block copy: for b < blocks, dst[b·dstStride + j] = src[b·srcStride + j], j < blockLen.
   * The building block of slice, concat and gate splitting. Source and destination must not overlap.
   */
  copyBlocks(srcPtr: number, dstPtr: number, blocks: number, blockLen: number, srcStride: number, dstStride: number): void;
  /** out[b][j][i] = x[b][i][j] for each of `batch` rows×cols matrices. */
  transpose(xPtr: number, outPtr: number, batch: number, rows: number, cols: number): void;

  // ---- matrix multiply ------------------------------------------------------------------------
  /**
   * C (m×n) = op(A) · op(B), or C += … when `accumulate`. op(A) is m×k: A is stored m×k, or k×m
   * when transA. op(B) is k×n: B is stored k×n, or n×k when transB. C must not alias A or B.
   */
  gemm(aPtr: number, bPtr: number, cPtr: number, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean): void;
  /**
   * `batch` independent GEMMs; matrix b of each operand starts at ptr + b·stride·4 (strides in
   * elements, 0 broadcasts one matrix to every batch entry).
   */
  gemmBatched(
    aPtr: number, bPtr: number, cPtr: number, batch: number, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean, strideA: number, strideB: number, strideC: number,
  ): void;
  /**
   * Bytes of op(B) (k×n) packed by `packB`. A B that many products share (a recurrent weight, used
   * at every time step) is packed once into this backend's own layout and given to `gemmPacked`.
   */
  packedBBytes(n: number, k: number): number;
  /** Packs op(B) (k×n; B is n×k when transB) into dst, packedBBytes(n, k) bytes, 16-byte aligned. */
  packB(bPtr: number, dstPtr: number, n: number, k: number, transB: boolean): void;
  /** `gemm` with op(B) already packed by packB(…, n, k, …); the result equals gemm's bit for bit. */
  gemmPacked(aPtr: number, packedPtr: number, cPtr: number, m: number, n: number, k: number, transA: boolean, accumulate: boolean): void;

  // ---- elementwise ----------------------------------------------------------------------------
  /**
   * out[i] = a[i] op b[⌊i / inner⌋ mod bn], i < n. With inner = 1 and bn = n this is plain
   * elementwise; bn = 1 is a scalar; inner = 1, bn < n broadcasts a trailing vector (bias add);
   * inner > 1 broadcasts along a middle axis (per-row, per-channel). out may alias a.
   */
  binary(op: Binary, aPtr: number, bPtr: number, outPtr: number, n: number, bn: number, inner: number): void;
  /** out[i] = f(x[i]; p), i < n. out may alias x. */
  unary(op: Unary, xPtr: number, outPtr: number, n: number, p: number): void;

  // ---- activations ----------------------------------------------------------------------------
  /** y[i] = f(x[i]). y may alias x. */
  activation(kind: Activation, xPtr: number, yPtr: number, n: number, alpha: number): void;
  /** dx[i] = dy[i] · f'(x[i]); y = f(x) is given so sigmoid and tanh need not recompute it. */
  activationBackward(kind: Activation, xPtr: number, yPtr: number, dyPtr: number, dxPtr: number, n: number, alpha: number): void;
  /** Row-wise softmax over `cols`, numerically stable (max subtracted). y may alias x. */
  softmax(xPtr: number, yPtr: number, rows: number, cols: number): void;
  /** dx = y ⊙ (dy − Σ_j dy_j·y_j), row-wise. */
  softmaxBackward(yPtr: number, dyPtr: number, dxPtr: number, rows: number, cols: number): void;

  // ---- reductions -----------------------------------------------------------------------------
  /**
   * Sum over the middle axis of x viewed as [outer, len, inner]: out[o·inner + i] = Σ_j x[(o·len + j)·inner + i].
   * outer = 1, inner = cols sums the rows of a matrix (the bias gradient); inner = 1 sums each row.
   */
  sumAxis(xPtr: number, outPtr: number, outer: number, len: number, inner: number): void;
  /** Max over the middle axis, same layout as sumAxis. */
  maxAxis(xPtr: number, outPtr: number, outer: number, len: number, inner: number): void;
  /**
   * The adjoint of binary's broadcast: out[c] = Σ_o Σ_i x[(o·bn + c)·inner + i] for x viewed as
   * [outer, bn, inner]. Sums a gradient back onto a broadcast operand (and per-channel statistics).
   */
  sumToBroadcast(xPtr: number, outPtr: number, outer: number, bn: number, inner: number): void;
  /** Σ x² over n floats, in f64 (a gradient's squared 2-norm). */
  sumSquares(xPtr: number, n: number): number;

  // ---- losses (fused: value and gradient in one pass) -----------------------------------------
  /**
   * Mean over rows of −log softmax(logits)[label]; grad = (softmax − onehot(label)) / rows.
   * labels holds integer class indices stored as f32. Returns the mean loss.
   */
  softmaxCrossEntropy(logitsPtr: number, labelsPtr: number, gradPtr: number, rows: number, cols: number): number;
  /** Mean of (p − t)²; grad = 2(p − t)/n. Returns the mean. */
  mse(predPtr: number, targetPtr: number, gradPtr: number, n: number): number;
  /** Mean of the binary cross-entropy of sigmoid(x) against t, stably; grad = (σ(x) − t)/n. */
  bceWithLogits(logitsPtr: number, targetPtr: number, gradPtr: number, n: number): number;

  // ---- optimizer updates (fused, in place on the parameter and its state) ---------------------
  /**
   * SGD with momentum μ, dampening τ, weight decay λ, optionally Nesterov (PyTorch's semantics):
   * g ← g + λp; buf ← first ? g : μ·buf + (1 − τ)·g; g ← nesterov ? g + μ·buf : buf; p ← p − lr·g.
   * With μ = 0 the buffer is not touched (bufPtr may be 0).
   */
  sgdStep(pPtr: number, gPtr: number, bufPtr: number, n: number, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, first: boolean): void;
  /**
   * RMSprop: g ← g + λp; v ← αv + (1 − α)g²; with momentum μ > 0: buf ← μ·buf + g/(√v + ε), p ← p − lr·buf;
   * else p ← p − lr·g/(√v + ε).
   */
  rmspropStep(pPtr: number, gPtr: number, vPtr: number, bufPtr: number, n: number, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number): void;
  /**
   * Adam (Kingma & Ba, 2015) with bias correction at step t ≥ 1. decoupled = false: L2 weight decay
   * added to the gradient (Adam); decoupled = true: p ← p(1 − lr·λ) before the update (AdamW,
   * Loshchilov & Hutter, 2019).
   */
  adamStep(pPtr: number, gPtr: number, mPtr: number, vPtr: number, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, decoupled: boolean): void;

  // ---- recurrent ------------------------------------------------------------------------------
  /**
   * One LSTM step. gates [batch, 4·hidden]: pre-activations (x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), blocks
   * i, f, g, o, overwritten with the activations σ, σ, tanh, σ. c = f⊙cPrev + i⊙g, tc = tanh(c),
   * h = o⊙tc, all [batch, hidden]. c may alias cPrev.
   */
  lstmCell(gatesPtr: number, cPrevPtr: number, cPtr: number, hPtr: number, tcPtr: number, batch: number, hidden: number): void;
  /**
   * Backward of lstmCell from the saved activations act, cPrev and tc. dh: d/d(h_t); dc: d/d(c_t) on
   * entry, d/d(c_{t−1}) on exit. dGates [batch, 4·hidden] ← d/d(pre-activations).
   */
  lstmCellBackward(actPtr: number, cPrevPtr: number, tcPtr: number, dhPtr: number, dcPtr: number, dGatesPtr: number, batch: number, hidden: number): void;
  /**
   * One GRU step. gi = x·W_ihᵀ + b_ih, gh = hPrev·W_hhᵀ + b_hh, both [batch, 3·hidden], blocks r, z, n:
   * r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r⊙gh_n), h = (1 − z)⊙n + z⊙hPrev.
   * gi is overwritten with r, z, n; gh is read only. h may alias hPrev.
   */
  gruCell(giPtr: number, ghPtr: number, hPrevPtr: number, hPtr: number, batch: number, hidden: number): void;
  /**
   * Backward of gruCell from act (saved r, z, n), gh and hPrev: dGi, dGh [batch, 3·hidden] and
   * dhPrev = dh⊙z (the direct path; the caller adds dGh·W_hh). dhPrev may alias dh.
   */
  gruCellBackward(actPtr: number, ghPtr: number, hPrevPtr: number, dhPtr: number, dGiPtr: number, dGhPtr: number, dhPrevPtr: number, batch: number, hidden: number): void;
  /** out[i, :] = weight[idx[i], :], i < n; weight [rows, dim]; idx: integers in [0, rows) stored as f32. */
  embedding(weightPtr: number, idxPtr: number, outPtr: number, n: number, dim: number, rows: number): void;
  /** dw[idx[i], :] += dy[i, :], i < n (repeated indices accumulate); dw [rows, dim] is not cleared. */
  embeddingBackward(dyPtr: number, idxPtr: number, dwPtr: number, n: number, dim: number, rows: number): void;

  // ---- convolution, pooling, normalization ----------------------------------------------------
  /**
   * 2-D convolution (cross-correlation, as PyTorch's Conv2d), NCHW: x [n, c, h, w], weight
   * [o, c, kh, kw], bias [o] (biasPtr 0: none), y [n, o, oh, ow]. Output (oy, ox) reads input row
   * oy·strideH − padTop + ki·dilationH, column ox·strideW − padLeft + kj·dilationW, zero outside
   * the image. The caller computes oh/ow, so the bottom/right padding is implicit (asymmetric
   * 'same' padding works). No output aliases an input.
   */
  conv2d(
    xPtr: number, wPtr: number, biasPtr: number, yPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void;
  /** dx [n, c, h, w] of conv2d from dy [n, o, oh, ow]; written, not accumulated. */
  conv2dBackwardInput(
    dyPtr: number, wPtr: number, dxPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void;
  /** dW [o, c, kh, kw] and db [o] (dbPtr 0: none) of conv2d, summed over the batch; written, not accumulated. */
  conv2dBackwardWeight(
    xPtr: number, dyPtr: number, dwPtr: number, dbPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void;
  /**
   * Max pooling over nc = N·C planes h×w → oh×ow. Window (oy, ox): rows oy·strideH − padTop + [0, kh),
   * columns ox·strideW − padLeft + [0, kw); padding never wins; every window must overlap the plane.
   * argmax [nc, oh, ow] receives the winner's flat index iy·w + ix within its plane, as f32.
   * relu: pool ReLU(x) (each cell `v > 0 ? v : 0`), the bits of a ReLU followed by the pooling.
   */
  maxPool2d(
    xPtr: number, yPtr: number, argmaxPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, relu: boolean,
  ): void;
  /**
   * dx = 0, then dx[argmax] += dy (overlapping windows accumulate); geometry as maxPool2d's. relu:
   * the backward of the relu mode, y its output: the cells won by windows with y ≤ 0 are then
   * multiplied by 0, as the ReLU's backward does (y is not read otherwise).
   */
  maxPool2dBackward(
    dyPtr: number, argmaxPtr: number, yPtr: number, dxPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, relu: boolean,
  ): void;
  /**
   * Average pooling, windows as maxPool2d. countIncludePad (PyTorch's count_include_pad, default
   * true there): divide by kh·kw, padded cells counting as zeros; else by the in-plane cell count.
   */
  avgPool2d(
    xPtr: number, yPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, countIncludePad: boolean,
  ): void;
  /** dx = 0, then each dy / divisor is added to its window's in-plane cells. */
  avgPool2dBackward(
    dyPtr: number, dxPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, countIncludePad: boolean,
  ): void;
  /**
   * Per-channel mean and biased variance Σ(x − mean)²/M of x viewed as [n, c, inner], M = n·inner
   * (inner = H·W for BatchNorm2d, 1 for BatchNorm1d). mean, var: [c].
   */
  batchNormStats(xPtr: number, meanPtr: number, varPtr: number, n: number, c: number, inner: number): void;
  /**
   * x̂ = (x − mean)/√(var + eps), y = γ·x̂ + β per channel, x as in batchNormStats. Batch statistics
   * in training, running ones in evaluation. gammaPtr / betaPtr 0: γ = 1 / β = 0; xhatPtr 0: x̂ not
   * written. y may alias x.
   */
  batchNorm(
    xPtr: number, meanPtr: number, varPtr: number, gammaPtr: number, betaPtr: number, yPtr: number, xhatPtr: number,
    n: number, c: number, inner: number, eps: number,
  ): void;
  /**
   * Backward of batchNorm with batch statistics (M = n·inner): dβ = Σdy, dγ = Σdy·x̂,
   * dx = invstd/M·(M·dy·γ − Σdy·γ − x̂·Σ(dy·γ·x̂)). gammaPtr 0: γ = 1; dgammaPtr / dbetaPtr 0: not
   * written. dx may alias dy.
   */
  batchNormBackward(
    dyPtr: number, xhatPtr: number, varPtr: number, gammaPtr: number, dxPtr: number, dgammaPtr: number, dbetaPtr: number,
    n: number, c: number, inner: number, eps: number,
  ): void;

  // ---- distance ------------------------------------------------------------------------------
  /** out [n, k] = ‖x_i − c_j‖² for x [n, d], c [k, d]; computed directly (never negative). out aliases neither. */
  sqDist(xPtr: number, cPtr: number, outPtr: number, n: number, k: number, d: number): void;
  /** phi [n, k] = f(d2/σ_j²), f the Basis `kind`, widths σ [k] nonzero. phi may alias d2. */
  rbfBasis(kind: Basis, d2Ptr: number, widthPtr: number, phiPtr: number, n: number, k: number): void;
  /**
   * With q = dphi·f′(s), s = d2/σ²: dd2 = q/σ_j² ([n, k], may alias dphi) and, unless dwidthPtr is
   * 0, dwidth[j] = Σ_i q·(−2s/σ_j) ([k]); both written, not accumulated.
   */
  rbfBasisBackward(kind: Basis, d2Ptr: number, widthPtr: number, phiPtr: number, dphiPtr: number, dd2Ptr: number, dwidthPtr: number, n: number, k: number): void;

  // ---- capsules -------------------------------------------------------------------------------
  /** Each of `rows` vectors of `dim` floats squashed: y = s·‖s‖/(1 + ‖s‖²) (0 for s = 0). y may alias x. */
  squash(xPtr: number, yPtr: number, rows: number, dim: number): void;
  /** dx = f·dy + s·(s·dy)·(1 − n²)/(n(1 + n²)²), n = ‖s‖, f = n/(1 + n²); the second term 0 at n = 0. dx may alias dy. */
  squashBackward(xPtr: number, dyPtr: number, dxPtr: number, rows: number, dim: number): void;
  /** out[r] = ‖x_r‖ for `rows` vectors of `dim` floats. */
  vectorNorm(xPtr: number, outPtr: number, rows: number, dim: number): void;
  /** dx_r = dy_r·x_r/‖x_r‖, 0 where ‖x_r‖ = 0; norm is vectorNorm's output. */
  vectorNormBackward(xPtr: number, normPtr: number, dyPtr: number, dxPtr: number, rows: number, dim: number): void;
  /** s[b, j, :] = Σ_i c[b, i, j]·uhat[b, i, j, :]; c [batch, inCaps, outCaps], uhat [batch, inCaps, outCaps, dim]; written. */
  routingWeightedSum(cPtr: number, uhatPtr: number, sPtr: number, batch: number, inCaps: number, outCaps: number, dim: number): void;
  /** a[b, i, j] (+)= uhat[b, i, j, :]·v[b, j, :]; v [batch, outCaps, dim]. */
  routingAgreement(uhatPtr: number, vPtr: number, aPtr: number, batch: number, inCaps: number, outCaps: number, dim: number, accumulate: boolean): void;
  /** duhat[b, i, j, :] (+)= c[b, i, j]·g[b, j, :]. */
  routingOuter(cPtr: number, gPtr: number, duhatPtr: number, batch: number, inCaps: number, outCaps: number, dim: number, accumulate: boolean): void;
  /**
   * Margin loss over rows of capsule lengths ℓ with integer labels (f32, in [0, cols)):
   * mean_r Σ_k T_k·max(0, m⁺ − ℓ_k)² + λ(1 − T_k)·max(0, ℓ_k − m⁻)²; grad = dL/dℓ. Returns the loss.
   */
  marginLoss(lenPtr: number, labelsPtr: number, gradPtr: number, rows: number, cols: number, mPlus: number, mMinus: number, lambda: number): number;
  // ---- transformers: layer norm, log-softmax, attention softmax --------------------------------
  /**
   * Row-wise layer norm of rows×cols: mean = Σx/N, var = Σ(x − mean)²/N (biased), rstd =
   * 1/√(var + eps), y = (x − mean)·rstd·γ + β, N = cols. gammaPtr / betaPtr 0: γ = 1 / β = 0.
   * mean, rstd [rows] are written for the backward pass. y may alias x.
   */
  layerNorm(xPtr: number, gammaPtr: number, betaPtr: number, yPtr: number, meanPtr: number, rstdPtr: number, rows: number, cols: number, eps: number): void;
  /**
   * Backward of layerNorm: with x̂ = (x − mean)·rstd and g = dy·γ, dx = rstd·(g − Σg/N − x̂·Σ(g·x̂)/N)
   * per row; dγ = Σ_rows dy·x̂, dβ = Σ_rows dy (written; pointer 0: not computed). gammaPtr 0: γ = 1.
   * dx may alias dy.
   */
  layerNormBackward(dyPtr: number, xPtr: number, meanPtr: number, rstdPtr: number, gammaPtr: number, dxPtr: number, dgammaPtr: number, dbetaPtr: number, rows: number, cols: number): void;
  /** y = x − max − log Σ exp(x − max) row-wise over cols (log-softmax, stably). y may alias x. */
  logSoftmax(xPtr: number, yPtr: number, rows: number, cols: number): void;
  /** dx = dy − exp(y)·Σ_j dy_j row-wise, y the logSoftmax output. dx may alias dy. */
  logSoftmaxBackward(yPtr: number, dyPtr: number, dxPtr: number, rows: number, cols: number): void;
  /**
   * P = softmax(scale·S + M) over the last axis of S [batch, rows, cols], fused. Masked entries
   * (M = −∞, or j > r when causal) give exactly 0; a row with every entry masked gives zeros.
   * maskPtr 0: no mask; else row r of matrix i reads the additive mask at
   * maskPtr + 4·(⌊i / maskGroup⌋·maskBatchStride + r·maskRowStride) (strides 0 broadcast).
   * P may alias S.
   */
  attentionSoftmax(
    sPtr: number, maskPtr: number, pPtr: number, batch: number, rows: number, cols: number, scale: number,
    causal: boolean, maskGroup: number, maskBatchStride: number, maskRowStride: number,
  ): void;
  /** dS = scale·P ⊙ (dP − Σ_j dP_j·P_j) row-wise over rows×cols. dS may alias dP. */
  attentionSoftmaxBackward(pPtr: number, dpPtr: number, dsPtr: number, rows: number, cols: number, scale: number): void;
}
