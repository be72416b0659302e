// The JS backend: the reference every Wasm kernel is tested against. Each method derives fresh
// views over the heap (never cached: the memory may have grown since) and runs the plain loops.
import type { Backend } from "../types.js";
import type { Activation, Binary, Unary } from "../opcodes.js";
import { Heap } from "../../memory/heap.js";
import type { Basis } from "../basis.js";
import { rbfBasis, rbfBasisBackward, sqDist } from "./distance.js";
import { copyBlocks, transpose } from "./memory.js";
import { gemm, gemmPacked, packB } from "./gemm.js";
import { binary, unary } from "./elementwise.js";
import { activation, activationBackward, softmax, softmaxBackward } from "./activation.js";
import { maxAxis, sumAxis, sumSquares, sumToBroadcast } from "./reduce.js";
import { bceWithLogits, mse, softmaxCrossEntropy } from "./loss.js";
import { adamStep, rmspropStep, sgdStep } from "./optim.js";
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight, type ConvGeometry } from "./conv.js";
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward, type PoolGeometry } from "./pool.js";
import { batchNorm, batchNormBackward, batchNormStats } from "./norm.js";
import * as rnn from "./recurrent.js";
import * as caps from "./capsule.js";
import { layerNorm, layerNormBackward } from "./layernorm.js";
import { logSoftmax, logSoftmaxBackward } from "./logsoftmax.js";
import { attentionSoftmax, attentionSoftmaxBackward } from "./attention.js";

export class JsBackend implements Backend {
  readonly name = "js" as const;
  readonly heap: Heap;

  constructor() {
    // A Wasm Memory serves as a plain growable buffer here, so both backends share one heap design.
    this.heap = new Heap(new WebAssembly.Memory({ initial: 256 }), 16);
  }

  private v(ptr: number, n: number): Float32Array {
    return this.heap.f32(ptr, n);
  }

  /** A view, or null for pointer 0: the contract's way of saying an optional array is absent. */
  private optional(ptr: number, n: number): Float32Array | null {
    return ptr !== 0 ? this.v(ptr, n) : null;
  }

  copy(srcPtr: number, dstPtr: number, n: number): void {
    this.v(dstPtr, n).set(this.v(srcPtr, n));
  }
  fill(outPtr: number, n: number, value: number): void {
    this.v(outPtr, n).fill(value);
  }
  copyBlocks(srcPtr: number, dstPtr: number, blocks: number, blockLen: number, srcStride: number, dstStride: number): void {
    if (blocks === 0 || blockLen === 0) return;
    copyBlocks(this.v(srcPtr, (blocks - 1) * srcStride + blockLen), this.v(dstPtr, (blocks - 1) * dstStride + blockLen), blocks, blockLen, srcStride, dstStride);
  }
  transpose(xPtr: number, outPtr: number, batch: number, rows: number, cols: number): void {
    const n = batch * rows * cols;
    transpose(this.v(xPtr, n), this.v(outPtr, n), batch, rows, cols);
  }

  gemm(aPtr: number, bPtr: number, cPtr: number, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean): void {
    gemm(this.v(aPtr, m * k), this.v(bPtr, k * n), this.v(cPtr, m * n), m, n, k, transA, transB, accumulate);
  }
  gemmBatched(
    aPtr: number, bPtr: number, cPtr: number, batch: number, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean, strideA: number, strideB: number, strideC: number,
  ): void {
    for (let b = 0; b < batch; b++) {
      this.gemm(aPtr + b * strideA * 4, bPtr + b * strideB * 4, cPtr + b * strideC * 4, m, n, k, transA, transB, accumulate);
    }
  }
  packedBBytes(n: number, k: number): number {
    return Math.max(n * k, 1) * 4;
  }
  packB(bPtr: number, dstPtr: number, n: number, k: number, transB: boolean): void {
    packB(this.v(bPtr, k * n), this.v(dstPtr, k * n), n, k, transB);
  }
  gemmPacked(aPtr: number, packedPtr: number, cPtr: number, m: number, n: number, k: number, transA: boolean, accumulate: boolean): void {
    gemmPacked(this.v(aPtr, m * k), this.v(packedPtr, k * n), this.v(cPtr, m * n), m, n, k, transA, accumulate);
  }

  binary(op: Binary, aPtr: number, bPtr: number, outPtr: number, n: number, bn: number, inner: number): void {
    binary(op, this.v(aPtr, n), this.v(bPtr, bn), this.v(outPtr, n), n, bn, inner);
  }
  unary(op: Unary, xPtr: number, outPtr: number, n: number, p: number): void {
    unary(op, this.v(xPtr, n), this.v(outPtr, n), n, p);
  }

  activation(kind: Activation, xPtr: number, yPtr: number, n: number, alpha: number): void {
    activation(kind, this.v(xPtr, n), this.v(yPtr, n), n, alpha);
  }
  activationBackward(kind: Activation, xPtr: number, yPtr: number, dyPtr: number, dxPtr: number, n: number, alpha: number): void {
    activationBackward(kind, this.v(xPtr, n), this.v(yPtr, n), this.v(dyPtr, n), this.v(dxPtr, n), n, alpha);
  }
  softmax(xPtr: number, yPtr: number, rows: number, cols: number): void {
    softmax(this.v(xPtr, rows * cols), this.v(yPtr, rows * cols), rows, cols);
  }
  softmaxBackward(yPtr: number, dyPtr: number, dxPtr: number, rows: number, cols: number): void {
    const n = rows * cols;
    softmaxBackward(this.v(yPtr, n), this.v(dyPtr, n), this.v(dxPtr, n), rows, cols);
  }

  sumAxis(xPtr: number, outPtr: number, outer: number, len: number, inner: number): void {
    sumAxis(this.v(xPtr, outer * len * inner), this.v(outPtr, outer * inner), outer, len, inner);
  }
  maxAxis(xPtr: number, outPtr: number, outer: number, len: number, inner: number): void {
    maxAxis(this.v(xPtr, outer * len * inner), this.v(outPtr, outer * inner), outer, len, inner);
  }
  sumToBroadcast(xPtr: number, outPtr: number, outer: number, bn: number, inner: number): void {
    sumToBroadcast(this.v(xPtr, outer * bn * inner), this.v(outPtr, bn), outer, bn, inner);
  }
  sumSquares(xPtr: number, n: number): number {
    return sumSquares(this.v(xPtr, n));
  }

  softmaxCrossEntropy(logitsPtr: number, labelsPtr: number, gradPtr: number, rows: number, cols: number): number {
    const n = rows * cols;
    return softmaxCrossEntropy(this.v(logitsPtr, n), this.v(labelsPtr, rows), this.v(gradPtr, n), rows, cols);
  }
  mse(predPtr: number, targetPtr: number, gradPtr: number, n: number): number {
    return mse(this.v(predPtr, n), this.v(targetPtr, n), this.v(gradPtr, n), n);
  }
  bceWithLogits(logitsPtr: number, targetPtr: number, gradPtr: number, n: number): number {
    return bceWithLogits(this.v(logitsPtr, n), this.v(targetPtr, n), this.v(gradPtr, n), n);
  }

  sgdStep(pPtr: number, gPtr: number, bufPtr: number, n: number, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, first: boolean): void {
    const buf = momentum !== 0 ? this.v(bufPtr, n) : null;
    sgdStep(this.v(pPtr, n), this.v(gPtr, n), buf, n, lr, momentum, dampening, weightDecay, nesterov, first);
  }
  rmspropStep(pPtr: number, gPtr: number, vPtr: number, bufPtr: number, n: number, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number): void {
    const buf = momentum > 0 ? this.v(bufPtr, n) : null;
    rmspropStep(this.v(pPtr, n), this.v(gPtr, n), this.v(vPtr, n), buf, n, lr, alpha, eps, weightDecay, momentum);
  }
  adamStep(pPtr: number, gPtr: number, mPtr: number, vPtr: number, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, decoupled: boolean): void {
    adamStep(this.v(pPtr, n), this.v(gPtr, n), this.v(mPtr, n), this.v(vPtr, n), n, lr, beta1, beta2, eps, weightDecay, step, decoupled);
  }

  // ---- recurrent ------------------------------------------------------------------------------
  lstmCell(gatesPtr: number, cPrevPtr: number, cPtr: number, hPtr: number, tcPtr: number, batch: number, hidden: number): void {
    const n = batch * hidden;
    rnn.lstmCell(this.v(gatesPtr, 4 * n), this.v(cPrevPtr, n), this.v(cPtr, n), this.v(hPtr, n), this.v(tcPtr, n), batch, hidden);
  }
  lstmCellBackward(actPtr: number, cPrevPtr: number, tcPtr: number, dhPtr: number, dcPtr: number, dGatesPtr: number, batch: number, hidden: number): void {
    const n = batch * hidden;
    rnn.lstmCellBackward(this.v(actPtr, 4 * n), this.v(cPrevPtr, n), this.v(tcPtr, n), this.v(dhPtr, n), this.v(dcPtr, n), this.v(dGatesPtr, 4 * n), batch, hidden);
  }
  gruCell(giPtr: number, ghPtr: number, hPrevPtr: number, hPtr: number, batch: number, hidden: number): void {
    const n = batch * hidden;
    rnn.gruCell(this.v(giPtr, 3 * n), this.v(ghPtr, 3 * n), this.v(hPrevPtr, n), this.v(hPtr, n), batch, hidden);
  }
  gruCellBackward(actPtr: number, ghPtr: number, hPrevPtr: number, dhPtr: number, dGiPtr: number, dGhPtr: number, dhPrevPtr: number, batch: number, hidden: number): void {
    const n = batch * hidden;
    rnn.gruCellBackward(this.v(actPtr, 3 * n), this.v(ghPtr, 3 * n), this.v(hPrevPtr, n), this.v(dhPtr, n), this.v(dGiPtr, 3 * n), this.v(dGhPtr, 3 * n), this.v(dhPrevPtr, n), batch, hidden);
  }
  embedding(weightPtr: number, idxPtr: number, outPtr: number, n: number, dim: number, rows: number): void {
    rnn.embedding(this.v(weightPtr, rows * dim), this.v(idxPtr, n), this.v(outPtr, n * dim), n, dim);
  }
  embeddingBackward(dyPtr: number, idxPtr: number, dwPtr: number, n: number, dim: number, rows: number): void {
    rnn.embeddingBackward(this.v(dyPtr, n * dim), this.v(idxPtr, n), this.v(dwPtr, rows * dim), n, dim);
  }

  // ---- convolution, pooling, normalization ----------------------------------------------------
  conv2d(
    xPtr: number, wPtr: number, biasPtr: number, yPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void {
    const g: ConvGeometry = { n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW };
    const bias = this.optional(biasPtr, o);
    conv2d(this.v(xPtr, n * c * h * w), this.v(wPtr, o * c * kh * kw), bias, this.v(yPtr, n * o * oh * ow), g);
  }
  conv2dBackwardInput(
    dyPtr: number, wPtr: number, dxPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void {
    const g: ConvGeometry = { n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW };
    conv2dBackwardInput(this.v(dyPtr, n * o * oh * ow), this.v(wPtr, o * c * kh * kw), this.v(dxPtr, n * c * h * w), g);
  }
  conv2dBackwardWeight(
    xPtr: number, dyPtr: number, dwPtr: number, dbPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void {
    const g: ConvGeometry = { n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW };
    const db = this.optional(dbPtr, o);
    conv2dBackwardWeight(this.v(xPtr, n * c * h * w), this.v(dyPtr, n * o * oh * ow), this.v(dwPtr, o * c * kh * kw), db, g);
  }
  maxPool2d(
    xPtr: number, yPtr: number, argmaxPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, relu: boolean,
  ): void {
    const g: PoolGeometry = { nc, h, w, oh, ow, kh, kw, strideH, strideW, padTop, padLeft };
    maxPool2d(this.v(xPtr, nc * h * w), this.v(yPtr, nc * oh * ow), this.v(argmaxPtr, nc * oh * ow), g, relu);
  }
  maxPool2dBackward(
    dyPtr: number, argmaxPtr: number, yPtr: number, dxPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    _kh: number, _kw: number, _strideH: number, _strideW: number, _padTop: number, _padLeft: number, relu: boolean,
  ): void {
    const y = relu ? this.v(yPtr, nc * oh * ow) : null;
    maxPool2dBackward(this.v(dyPtr, nc * oh * ow), this.v(argmaxPtr, nc * oh * ow), y, this.v(dxPtr, nc * h * w), nc, h, w, oh, ow);
  }
  avgPool2d(
    xPtr: number, yPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, countIncludePad: boolean,
  ): void {
    const g: PoolGeometry = { nc, h, w, oh, ow, kh, kw, strideH, strideW, padTop, padLeft };
    avgPool2d(this.v(xPtr, nc * h * w), this.v(yPtr, nc * oh * ow), g, countIncludePad);
  }
  avgPool2dBackward(
    dyPtr: number, dxPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, countIncludePad: boolean,
  ): void {
    const g: PoolGeometry = { nc, h, w, oh, ow, kh, kw, strideH, strideW, padTop, padLeft };
    avgPool2dBackward(this.v(dyPtr, nc * oh * ow), this.v(dxPtr, nc * h * w), g, countIncludePad);
  }
  batchNormStats(xPtr: number, meanPtr: number, varPtr: number, n: number, c: number, inner: number): void {
    batchNormStats(this.v(xPtr, n * c * inner), this.v(meanPtr, c), this.v(varPtr, c), n, c, inner);
  }
  batchNorm(
    xPtr: number, meanPtr: number, varPtr: number, gammaPtr: number, betaPtr: number, yPtr: number, xhatPtr: number,
    n: number, c: number, inner: number, eps: number,
  ): void {
    const size = n * c * inner;
    const gamma = this.optional(gammaPtr, c);
    const beta = this.optional(betaPtr, c);
    const xhat = this.optional(xhatPtr, size);
    batchNorm(this.v(xPtr, size), this.v(meanPtr, c), this.v(varPtr, c), gamma, beta, this.v(yPtr, size), xhat, n, c, inner, eps);
  }
  batchNormBackward(
    dyPtr: number, xhatPtr: number, varPtr: number, gammaPtr: number, dxPtr: number, dgammaPtr: number, dbetaPtr: number,
    n: number, c: number, inner: number, eps: number,
  ): void {
    const size = n * c * inner;
    const gamma = this.optional(gammaPtr, c);
    const dgamma = this.optional(dgammaPtr, c);
    const dbeta = this.optional(dbetaPtr, c);
    batchNormBackward(this.v(dyPtr, size), this.v(xhatPtr, size), this.v(varPtr, c), gamma, this.v(dxPtr, size), dgamma, dbeta, n, c, inner, eps);
  }

  sqDist(xPtr: number, cPtr: number, outPtr: number, n: number, k: number, d: number): void {
    sqDist(this.v(xPtr, n * d), this.v(cPtr, k * d), this.v(outPtr, n * k), n, k, d);
  }
  rbfBasis(kind: Basis, d2Ptr: number, widthPtr: number, phiPtr: number, n: number, k: number): void {
    rbfBasis(kind, this.v(d2Ptr, n * k), this.v(widthPtr, k), this.v(phiPtr, n * k), n, k);
  }
  rbfBasisBackward(kind: Basis, d2Ptr: number, widthPtr: number, phiPtr: number, dphiPtr: number, dd2Ptr: number, dwidthPtr: number, n: number, k: number): void {
    const m = n * k;
    rbfBasisBackward(kind, this.v(d2Ptr, m), this.v(widthPtr, k), this.v(phiPtr, m), this.v(dphiPtr, m), this.v(dd2Ptr, m), this.optional(dwidthPtr, k), n, k);
  }

  // ---- capsules -------------------------------------------------------------------------------
  squash(xPtr: number, yPtr: number, rows: number, dim: number): void {
    caps.squash(this.v(xPtr, rows * dim), this.v(yPtr, rows * dim), rows, dim);
  }
  squashBackward(xPtr: number, dyPtr: number, dxPtr: number, rows: number, dim: number): void {
    const n = rows * dim;
    caps.squashBackward(this.v(xPtr, n), this.v(dyPtr, n), this.v(dxPtr, n), rows, dim);
  }
  vectorNorm(xPtr: number, outPtr: number, rows: number, dim: number): void {
    caps.vectorNorm(this.v(xPtr, rows * dim), this.v(outPtr, rows), rows, dim);
  }
  vectorNormBackward(xPtr: number, normPtr: number, dyPtr: number, dxPtr: number, rows: number, dim: number): void {
    caps.vectorNormBackward(this.v(xPtr, rows * dim), this.v(normPtr, rows), this.v(dyPtr, rows), this.v(dxPtr, rows * dim), rows, dim);
  }
  routingWeightedSum(cPtr: number, uhatPtr: number, sPtr: number, batch: number, inCaps: number, outCaps: number, dim: number): void {
    const nc = batch * inCaps * outCaps;
    caps.routingWeightedSum(this.v(cPtr, nc), this.v(uhatPtr, nc * dim), this.v(sPtr, batch * outCaps * dim), batch, inCaps, outCaps, dim);
  }
  routingAgreement(uhatPtr: number, vPtr: number, aPtr: number, batch: number, inCaps: number, outCaps: number, dim: number, accumulate: boolean): void {
    const nc = batch * inCaps * outCaps;
    caps.routingAgreement(this.v(uhatPtr, nc * dim), this.v(vPtr, batch * outCaps * dim), this.v(aPtr, nc), batch, inCaps, outCaps, dim, accumulate);
  }
  routingOuter(cPtr: number, gPtr: number, duhatPtr: number, batch: number, inCaps: number, outCaps: number, dim: number, accumulate: boolean): void {
    const nc = batch * inCaps * outCaps;
    caps.routingOuter(this.v(cPtr, nc), this.v(gPtr, batch * outCaps * dim), this.v(duhatPtr, nc * dim), batch, inCaps, outCaps, dim, accumulate);
  }
  marginLoss(lenPtr: number, labelsPtr: number, gradPtr: number, rows: number, cols: number, mPlus: number, mMinus: number, lambda: number): number {
    const n = rows * cols;
    return caps.marginLoss(this.v(lenPtr, n), this.v(labelsPtr, rows), this.v(gradPtr, n), rows, cols, mPlus, mMinus, lambda);
  }
  layerNorm(xPtr: number, gammaPtr: number, betaPtr: number, yPtr: number, meanPtr: number, rstdPtr: number, rows: number, cols: number, eps: number): void {
    const n = rows * cols;
    layerNorm(this.v(xPtr, n), this.optional(gammaPtr, cols), this.optional(betaPtr, cols), this.v(yPtr, n), this.v(meanPtr, rows), this.v(rstdPtr, rows), rows, cols, eps);
  }
  layerNormBackward(dyPtr: number, xPtr: number, meanPtr: number, rstdPtr: number, gammaPtr: number, dxPtr: number, dgammaPtr: number, dbetaPtr: number, rows: number, cols: number): void {
    const n = rows * cols;
    layerNormBackward(
      this.v(dyPtr, n), this.v(xPtr, n), this.v(meanPtr, rows), this.v(rstdPtr, rows), this.optional(gammaPtr, cols),
      this.v(dxPtr, n), this.optional(dgammaPtr, cols), this.optional(dbetaPtr, cols), rows, cols,
    );
  }
  logSoftmax(xPtr: number, yPtr: number, rows: number, cols: number): void {
    logSoftmax(this.v(xPtr, rows * cols), this.v(yPtr, rows * cols), rows, cols);
  }
  logSoftmaxBackward(yPtr: number, dyPtr: number, dxPtr: number, rows: number, cols: number): void {
    const n = rows * cols;
    logSoftmaxBackward(this.v(yPtr, n), this.v(dyPtr, n), this.v(dxPtr, n), rows, cols);
  }
  attentionSoftmax(
    sPtr: number, maskPtr: number, pPtr: number, batch: number, rows: number, cols: number, scale: number,
    causal: boolean, maskGroup: number, maskBatchStride: number, maskRowStride: number,
  ): void {
    const n = batch * rows * cols;
    // The mask view reaches the last row the last matrix reads.
    const maskLen = maskPtr === 0 ? 0 : Math.floor((batch - 1) / maskGroup) * maskBatchStride + (rows - 1) * maskRowStride + cols;
    const mask = maskPtr === 0 ? null : this.v(maskPtr, maskLen);
    attentionSoftmax(this.v(sPtr, n), mask, this.v(pPtr, n), batch, rows, cols, scale, causal, maskGroup, maskBatchStride, maskRowStride);
  }
  attentionSoftmaxBackward(pPtr: number, dpPtr: number, dsPtr: number, rows: number, cols: number, scale: number): void {
    const n = rows * cols;
    attentionSoftmaxBackward(this.v(pPtr, n), this.v(dpPtr, n), this.v(dsPtr, n), rows, cols, scale);
  }
}
