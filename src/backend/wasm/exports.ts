// The exports of the Wasm core (assembly/index.ts), typed. Pointers are byte offsets into
// `memory`; booleans travel as 0/1.
import type { LinearMemory } from "../../memory/heap.js";

export interface CoreExports {
  memory: LinearMemory;
  heapBase(): number;
  /** 1 in the relaxed-SIMD core, 0 in the plain one. */
  relaxedSimd(): number;
  copy(srcPtr: number, dstPtr: number, n: number): void;
  fill(outPtr: number, n: number, value: number): void;
  copyBlocks(srcPtr: number, dstPtr: number, blocks: number, blockLen: number, srcStride: number, dstStride: number): void;
  transpose(xPtr: number, outPtr: number, batch: number, rows: number, cols: number): void;
  /** Bytes of scratch `gemm` needs for packing B at these sizes. */
  gemmPackBytes(n: number, k: number): number;
  gemm(aPtr: number, bPtr: number, cPtr: number, m: number, n: number, k: number, transA: number, transB: number, accumulate: number, packPtr: number): void;
  gemmBatched(
    aPtr: number, bPtr: number, cPtr: number, batch: number, m: number, n: number, k: number,
    transA: number, transB: number, accumulate: number, strideA: number, strideB: number, strideC: number, packPtr: number,
  ): void;
  gemmPackedBBytes(n: number, k: number): number;
  gemmPeak(iterations: number, ptr: number): number;
  gemmPackB(bPtr: number, n: number, k: number, transB: number, dstPtr: number): void;
  gemmPacked(aPtr: number, packedPtr: number, cPtr: number, m: number, n: number, k: number, transA: number, accumulate: number, packPtr: number): void;
  gemmStrided(aPtr: number, bPtr: number, cPtr: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, transA: number, transB: number, accumulate: number, packPtr: number): void;
  gemmPackedLda(aPtr: number, packedPtr: number, cPtr: number, m: number, n: number, k: number, lda: number, transA: number, accumulate: number, packPtr: number): void;
  binary(op: number, aPtr: number, bPtr: number, outPtr: number, n: number, bn: number, inner: number): void;
  unary(op: number, xPtr: number, outPtr: number, n: number, p: number): void;
  activation(kind: number, xPtr: number, yPtr: number, n: number, alpha: number): void;
  activationBackward(kind: number, xPtr: number, yPtr: number, dyPtr: number, dxPtr: number, n: number, alpha: number): void;
  softmax(xPtr: number, yPtr: number, rows: number, cols: number): void;
  softmaxBackward(yPtr: number, dyPtr: number, dxPtr: number, rows: number, cols: number): void;
  sumAxis(xPtr: number, outPtr: number, outer: number, len: number, inner: number): void;
  maxAxis(xPtr: number, outPtr: number, outer: number, len: number, inner: number): void;
  sumToBroadcast(xPtr: number, outPtr: number, outer: number, bn: number, inner: number): void;
  sumSquares(xPtr: number, n: number): number;
  softmaxCrossEntropy(logitsPtr: number, labelsPtr: number, gradPtr: number, rows: number, cols: number): number;
  mse(predPtr: number, targetPtr: number, gradPtr: number, n: number): number;
  bceWithLogits(logitsPtr: number, targetPtr: number, gradPtr: number, n: number): number;
  sgdStep(pPtr: number, gPtr: number, bufPtr: number, n: number, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: number, first: number): void;
  rmspropStep(pPtr: number, gPtr: number, vPtr: number, bufPtr: number, n: number, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number): void;
  adamStep(pPtr: number, gPtr: number, mPtr: number, vPtr: number, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, decoupled: number): void;

  // ---- recurrent ----
  lstmCell(gatesPtr: number, cPrevPtr: number, cPtr: number, hPtr: number, tcPtr: number, batch: number, hidden: number): void;
  lstmCellBackward(actPtr: number, cPrevPtr: number, tcPtr: number, dhPtr: number, dcPtr: number, dGatesPtr: number, batch: number, hidden: number): void;
  gruCell(giPtr: number, ghPtr: number, hPrevPtr: number, hPtr: number, batch: number, hidden: number): void;
  gruCellBackward(actPtr: number, ghPtr: number, hPrevPtr: number, dhPtr: number, dGiPtr: number, dGhPtr: number, dhPrevPtr: number, batch: number, hidden: number): void;
  embedding(weightPtr: number, idxPtr: number, outPtr: number, n: number, dim: number, rows: number): void;
  embeddingBackward(dyPtr: number, idxPtr: number, dwPtr: number, n: number, dim: number, rows: number): void;

  // ---- convolution, pooling, normalization ----
  /** Bytes of scratch (column matrix + GEMM packing) the conv2d kernels need for this geometry. */
  conv2dScratchBytes(c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number, strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number): number;
  conv2d(
    xPtr: number, wPtr: number, biasPtr: number, yPtr: number, scratchPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void;
  conv2dBackwardInput(
    dyPtr: number, wPtr: number, dxPtr: number, scratchPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void;
  conv2dBackwardWeight(
    xPtr: number, dyPtr: number, dwPtr: number, dbPtr: number, scratchPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number, o0: number, o1: number,
  ): void;
  maxPool2d(xPtr: number, yPtr: number, argmaxPtr: number, nc: number, h: number, w: number, oh: number, ow: number, kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, relu: number): void;
  maxPool2dBackward(dyPtr: number, argmaxPtr: number, yPtr: number, dxPtr: number, nc: number, h: number, w: number, oh: number, ow: number, kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, relu: number): void;
  avgPool2d(xPtr: number, yPtr: number, nc: number, h: number, w: number, oh: number, ow: number, kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, countIncludePad: number): void;
  avgPool2dBackward(dyPtr: number, dxPtr: number, nc: number, h: number, w: number, oh: number, ow: number, kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, countIncludePad: number): void;
  batchNormStats(xPtr: number, meanPtr: number, varPtr: number, n: number, c: number, inner: number): void;
  batchNorm(xPtr: number, meanPtr: number, varPtr: number, gammaPtr: number, betaPtr: number, yPtr: number, xhatPtr: number, n: number, c: number, inner: number, eps: number): void;
  batchNormBackward(dyPtr: number, xhatPtr: number, varPtr: number, gammaPtr: number, dxPtr: number, dgammaPtr: number, dbetaPtr: number, n: number, c: number, inner: number, eps: number): void;

  // ---- distance ----
  sqDist(xPtr: number, cPtr: number, outPtr: number, n: number, k: number, d: number): void;
  rbfBasis(kind: number, d2Ptr: number, widthPtr: number, phiPtr: number, n: number, k: number): void;
  rbfBasisBackward(kind: number, d2Ptr: number, widthPtr: number, phiPtr: number, dphiPtr: number, dd2Ptr: number, dwidthPtr: number, n: number, k: number): void;

  // ---- capsules ----
  squash(xPtr: number, yPtr: number, rows: number, dim: number): void;
  squashBackward(xPtr: number, dyPtr: number, dxPtr: number, rows: number, dim: number): void;
  vectorNorm(xPtr: number, outPtr: number, rows: number, dim: number): void;
  vectorNormBackward(xPtr: number, normPtr: number, dyPtr: number, dxPtr: number, rows: number, dim: number): void;
  routingWeightedSum(cPtr: number, uhatPtr: number, sPtr: number, batch: number, inCaps: number, outCaps: number, dim: number): void;
  routingAgreement(uhatPtr: number, vPtr: number, aPtr: number, batch: number, inCaps: number, outCaps: number, dim: number, accumulate: number): void;
  routingOuter(cPtr: number, gPtr: number, duhatPtr: number, batch: number, inCaps: number, outCaps: number, dim: number, accumulate: number): void;
  marginLoss(lenPtr: number, labelsPtr: number, gradPtr: number, rows: number, cols: number, mPlus: number, mMinus: number, lambda: number): number;
  // ---- transformers ----
  layerNorm(xPtr: number, gammaPtr: number, betaPtr: number, yPtr: number, meanPtr: number, rstdPtr: number, rows: number, cols: number, eps: number): void;
  layerNormBackward(dyPtr: number, xPtr: number, meanPtr: number, rstdPtr: number, gammaPtr: number, dxPtr: number, dgammaPtr: number, dbetaPtr: number, rows: number, cols: number): void;
  logSoftmax(xPtr: number, yPtr: number, rows: number, cols: number): void;
  logSoftmaxBackward(yPtr: number, dyPtr: number, dxPtr: number, rows: number, cols: number): void;
  attentionSoftmax(sPtr: number, maskPtr: number, pPtr: number, batch: number, rows: number, cols: number, scale: number, causal: number, maskGroup: number, maskBatchStride: number, maskRowStride: number): void;
  attentionSoftmaxBackward(pPtr: number, dpPtr: number, dsPtr: number, rows: number, cols: number, scale: number): void;
}
