// The Wasm backend: every kernel runs in the AssemblyScript core (assembly/), over the core's own
// linear memory, which is also the heap that holds every tensor of this backend.
import type { Backend } from "../types.js";
import type { Activation, Binary, Unary } from "../opcodes.js";
import type { CoreExports } from "./exports.js";
import { Heap } from "../../memory/heap.js";
import type { Basis } from "../basis.js";
import { Kind, THREADS_MAX_BYTES, type ThreadPool } from "./pool.js";

/**
 * Products below this many multiply-adds (m·n·k) stay on the calling thread: waking the workers
 * costs tens of microseconds, and 128³ or the MLP's 32×128×784 measured 0.89–0.94× on two threads
 * on a loaded 2-core machine. Not tuned further.
 */
export const PARALLEL_MIN = 1 << 22;

export class WasmBackend implements Backend {
  readonly name = "wasm" as const;
  readonly heap: Heap;
  private readonly x: CoreExports;
  /** Scratch for GEMM's packed panels of B, one per thread, grown on demand and never released. */
  private readonly packs: { ptr: number; bytes: number }[] = [];
  private readonly pool: ThreadPool | null;

  /** The core's SIMD flavour: "relaxed" fuses its multiply-adds, "plain" rounds twice. */
  readonly simd: "relaxed" | "plain";

  constructor(core: CoreExports, pool: ThreadPool | null = null) {
    this.x = core;
    this.pool = pool;
    this.simd = core.relaxedSimd() === 1 ? "relaxed" : "plain";
    this.heap = new Heap(core.memory, core.heapBase(), pool === null ? undefined : THREADS_MAX_BYTES);
  }

  /** Threads that the partitioned kernels run on: 1 without a pool. */
  get threads(): number {
    return this.pool?.size ?? 1;
  }

  private pack(n: number, k: number, thread = 0): number {
    const need = this.x.gemmPackBytes(n, k);
    const p = (this.packs[thread] ??= { ptr: 0, bytes: 0 });
    if (need > p.bytes) {
      if (p.bytes > 0) this.heap.release(p.ptr, p.bytes);
      p.ptr = this.heap.alloc(need);
      p.bytes = need;
    }
    return p.ptr;
  }

  /**
   * How many row blocks of op(A) to cut an m×n×k product into: one per thread for large products.
   * A block of rows of op(A) is A from row i0 (plain, leading dimension k) or from column i0
   * (transposed, leading dimension m), and rows i0.. of C. Rows are computed the same way whichever
   * block holds them (the k blocks and the panels of B depend only on k and n), so the result is
   * bit for bit the one-thread result.
   */
  private rowBlocks(m: number, n: number, k: number): number {
    if (this.pool === null || m * n * k < PARALLEL_MIN) return 1;
    return Math.min(this.pool.size, m >> 1);
  }

  /** Runs `job(thread, i0, rows)` for each block of rows, in parallel. */
  private parallelRows(m: number, n: number, k: number, blocks: number, kind: Kind, args: (thread: number, i0: number, rows: number) => number[]): void {
    const step = Math.ceil(m / blocks / 2) * 2;
    const jobs: { kind: Kind; args: number[] }[] = [];
    for (let i0 = 0, t = 0; i0 < m; i0 += step, t++) jobs.push({ kind, args: args(t, i0, Math.min(step, m - i0)) });
    this.pool!.run(this.x, jobs);
  }

  copy(srcPtr: number, dstPtr: number, n: number): void {
    this.x.copy(srcPtr, dstPtr, n);
  }
  fill(outPtr: number, n: number, value: number): void {
    this.x.fill(outPtr, n, value);
  }
  copyBlocks(srcPtr: number, dstPtr: number, blocks: number, blockLen: number, srcStride: number, dstStride: number): void {
    this.x.copyBlocks(srcPtr, dstPtr, blocks, blockLen, srcStride, dstStride);
  }
  transpose(xPtr: number, outPtr: number, batch: number, rows: number, cols: number): void {
    this.x.transpose(xPtr, outPtr, batch, rows, cols);
  }

  gemm(aPtr: number, bPtr: number, cPtr: number, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean): void {
    const blocks = this.rowBlocks(m, n, k);
    if (blocks > 1) {
      this.parallelRows(m, n, k, blocks, Kind.Gemm, (t, i0, rows) => [
        aPtr + i0 * (transA ? 1 : k) * 4, bPtr, cPtr + i0 * n * 4, rows, n, k, transA ? m : k, +transA, +transB, +accumulate, this.pack(n, k, t),
      ]);
      return;
    }
    const packPtr = this.pack(n, k);
    this.x.gemm(aPtr, bPtr, cPtr, m, n, k, +transA, +transB, +accumulate, packPtr);
  }
  gemmBatched(
    aPtr: number, bPtr: number, cPtr: number, batch: number, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean, strideA: number, strideB: number, strideC: number,
  ): void {
    const packPtr = this.pack(n, k);
    this.x.gemmBatched(aPtr, bPtr, cPtr, batch, m, n, k, +transA, +transB, +accumulate, strideA, strideB, strideC, packPtr);
  }
  packedBBytes(n: number, k: number): number {
    return this.x.gemmPackedBBytes(n, k);
  }
  packB(bPtr: number, dstPtr: number, n: number, k: number, transB: boolean): void {
    this.x.gemmPackB(bPtr, n, k, +transB, dstPtr);
  }
  gemmPacked(aPtr: number, packedPtr: number, cPtr: number, m: number, n: number, k: number, transA: boolean, accumulate: boolean): void {
    const blocks = this.rowBlocks(m, n, k);
    if (blocks > 1) {
      this.parallelRows(m, n, k, blocks, Kind.GemmPacked, (t, i0, rows) => [
        aPtr + i0 * (transA ? 1 : k) * 4, packedPtr, cPtr + i0 * n * 4, rows, n, k, transA ? m : k, +transA, +accumulate, this.pack(n, k, t),
      ]);
      return;
    }
    this.x.gemmPacked(aPtr, packedPtr, cPtr, m, n, k, +transA, +accumulate, this.pack(n, k));
  }
  /**
   * Benchmarks only, not a kernel: `iterations` steps of the GEMM micro-kernel's arithmetic (64
   * flops each) with its operands in registers, the ceiling of GEMM on this machine.
   */
  gemmPeak(iterations: number): number {
    const ptr = this.pack(1, 1); // at least 704 bytes, of which gemmPeak reads 72
    this.x.fill(ptr, 18, 0.5); // finite, normal operands: subnormals would slow the arithmetic
    return this.x.gemmPeak(iterations, ptr);
  }

  binary(op: Binary, aPtr: number, bPtr: number, outPtr: number, n: number, bn: number, inner: number): void {
    this.x.binary(op, aPtr, bPtr, outPtr, n, bn, inner);
  }
  unary(op: Unary, xPtr: number, outPtr: number, n: number, p: number): void {
    this.x.unary(op, xPtr, outPtr, n, p);
  }

  activation(kind: Activation, xPtr: number, yPtr: number, n: number, alpha: number): void {
    this.x.activation(kind, xPtr, yPtr, n, alpha);
  }
  activationBackward(kind: Activation, xPtr: number, yPtr: number, dyPtr: number, dxPtr: number, n: number, alpha: number): void {
    this.x.activationBackward(kind, xPtr, yPtr, dyPtr, dxPtr, n, alpha);
  }
  softmax(xPtr: number, yPtr: number, rows: number, cols: number): void {
    this.x.softmax(xPtr, yPtr, rows, cols);
  }
  softmaxBackward(yPtr: number, dyPtr: number, dxPtr: number, rows: number, cols: number): void {
    this.x.softmaxBackward(yPtr, dyPtr, dxPtr, rows, cols);
  }

  sumAxis(xPtr: number, outPtr: number, outer: number, len: number, inner: number): void {
    this.x.sumAxis(xPtr, outPtr, outer, len, inner);
  }
  maxAxis(xPtr: number, outPtr: number, outer: number, len: number, inner: number): void {
    this.x.maxAxis(xPtr, outPtr, outer, len, inner);
  }
  sumToBroadcast(xPtr: number, outPtr: number, outer: number, bn: number, inner: number): void {
    this.x.sumToBroadcast(xPtr, outPtr, outer, bn, inner);
  }
  sumSquares(xPtr: number, n: number): number {
    return this.x.sumSquares(xPtr, n);
  }

  softmaxCrossEntropy(logitsPtr: number, labelsPtr: number, gradPtr: number, rows: number, cols: number): number {
    return this.x.softmaxCrossEntropy(logitsPtr, labelsPtr, gradPtr, rows, cols);
  }
  mse(predPtr: number, targetPtr: number, gradPtr: number, n: number): number {
    return this.x.mse(predPtr, targetPtr, gradPtr, n);
  }
  bceWithLogits(logitsPtr: number, targetPtr: number, gradPtr: number, n: number): number {
    return this.x.bceWithLogits(logitsPtr, targetPtr, gradPtr, n);
  }

  sgdStep(pPtr: number, gPtr: number, bufPtr: number, n: number, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, first: boolean): void {
    this.x.sgdStep(pPtr, gPtr, bufPtr, n, lr, momentum, dampening, weightDecay, +nesterov, +first);
  }
  rmspropStep(pPtr: number, gPtr: number, vPtr: number, bufPtr: number, n: number, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number): void {
    this.x.rmspropStep(pPtr, gPtr, vPtr, bufPtr, n, lr, alpha, eps, weightDecay, momentum);
  }
  adamStep(pPtr: number, gPtr: number, mPtr: number, vPtr: number, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, decoupled: boolean): void {
    this.x.adamStep(pPtr, gPtr, mPtr, vPtr, n, lr, beta1, beta2, eps, weightDecay, step, +decoupled);
  }

  // ---- recurrent ------------------------------------------------------------------------------
  lstmCell(gatesPtr: number, cPrevPtr: number, cPtr: number, hPtr: number, tcPtr: number, batch: number, hidden: number): void {
    this.x.lstmCell(gatesPtr, cPrevPtr, cPtr, hPtr, tcPtr, batch, hidden);
  }
  lstmCellBackward(actPtr: number, cPrevPtr: number, tcPtr: number, dhPtr: number, dcPtr: number, dGatesPtr: number, batch: number, hidden: number): void {
    this.x.lstmCellBackward(actPtr, cPrevPtr, tcPtr, dhPtr, dcPtr, dGatesPtr, batch, hidden);
  }
  gruCell(giPtr: number, ghPtr: number, hPrevPtr: number, hPtr: number, batch: number, hidden: number): void {
    this.x.gruCell(giPtr, ghPtr, hPrevPtr, hPtr, batch, hidden);
  }
  gruCellBackward(actPtr: number, ghPtr: number, hPrevPtr: number, dhPtr: number, dGiPtr: number, dGhPtr: number, dhPrevPtr: number, batch: number, hidden: number): void {
    this.x.gruCellBackward(actPtr, ghPtr, hPrevPtr, dhPtr, dGiPtr, dGhPtr, dhPrevPtr, batch, hidden);
  }
  embedding(weightPtr: number, idxPtr: number, outPtr: number, n: number, dim: number, rows: number): void {
    this.x.embedding(weightPtr, idxPtr, outPtr, n, dim, rows);
  }
  embeddingBackward(dyPtr: number, idxPtr: number, dwPtr: number, n: number, dim: number, rows: number): void {
    this.x.embeddingBackward(dyPtr, idxPtr, dwPtr, n, dim, rows);
  }

  // ---- convolution, pooling, normalization ----------------------------------------------------
  /** Scratch for the conv2d kernels (assembly/conv.ts: column matrix and packing, or the direct path's tables), grown on demand, never released. */
  private convScratchPtr = 0;
  private convScratchBytes = 0;

  private convScratch(
    c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): number {
    const need = this.x.conv2dScratchBytes(c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
    if (need > this.convScratchBytes) {
      if (this.convScratchBytes > 0) this.heap.release(this.convScratchPtr, this.convScratchBytes);
      this.convScratchPtr = this.heap.alloc(need);
      this.convScratchBytes = need;
    }
    return this.convScratchPtr;
  }

  conv2d(
    xPtr: number, wPtr: number, biasPtr: number, yPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void {
    const s = this.convScratch(c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
    this.x.conv2d(xPtr, wPtr, biasPtr, yPtr, s, n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
  }
  conv2dBackwardInput(
    dyPtr: number, wPtr: number, dxPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void {
    const s = this.convScratch(c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
    this.x.conv2dBackwardInput(dyPtr, wPtr, dxPtr, s, n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
  }
  conv2dBackwardWeight(
    xPtr: number, dyPtr: number, dwPtr: number, dbPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void {
    const s = this.convScratch(c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
    this.x.conv2dBackwardWeight(xPtr, dyPtr, dwPtr, dbPtr, s, n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
  }
  maxPool2d(
    xPtr: number, yPtr: number, argmaxPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number,
  ): void {
    this.x.maxPool2d(xPtr, yPtr, argmaxPtr, nc, h, w, oh, ow, kh, kw, strideH, strideW, padTop, padLeft);
  }
  maxPool2dBackward(dyPtr: number, argmaxPtr: number, dxPtr: number, nc: number, h: number, w: number, oh: number, ow: number): void {
    this.x.maxPool2dBackward(dyPtr, argmaxPtr, dxPtr, nc, h, w, oh, ow);
  }
  avgPool2d(
    xPtr: number, yPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, countIncludePad: boolean,
  ): void {
    this.x.avgPool2d(xPtr, yPtr, nc, h, w, oh, ow, kh, kw, strideH, strideW, padTop, padLeft, +countIncludePad);
  }
  avgPool2dBackward(
    dyPtr: number, dxPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, countIncludePad: boolean,
  ): void {
    this.x.avgPool2dBackward(dyPtr, dxPtr, nc, h, w, oh, ow, kh, kw, strideH, strideW, padTop, padLeft, +countIncludePad);
  }
  batchNormStats(xPtr: number, meanPtr: number, varPtr: number, n: number, c: number, inner: number): void {
    this.x.batchNormStats(xPtr, meanPtr, varPtr, n, c, inner);
  }
  batchNorm(
    xPtr: number, meanPtr: number, varPtr: number, gammaPtr: number, betaPtr: number, yPtr: number, xhatPtr: number,
    n: number, c: number, inner: number, eps: number,
  ): void {
    this.x.batchNorm(xPtr, meanPtr, varPtr, gammaPtr, betaPtr, yPtr, xhatPtr, n, c, inner, eps);
  }
  batchNormBackward(
    dyPtr: number, xhatPtr: number, varPtr: number, gammaPtr: number, dxPtr: number, dgammaPtr: number, dbetaPtr: number,
    n: number, c: number, inner: number, eps: number,
  ): void {
    this.x.batchNormBackward(dyPtr, xhatPtr, varPtr, gammaPtr, dxPtr, dgammaPtr, dbetaPtr, n, c, inner, eps);
  }

  sqDist(xPtr: number, cPtr: number, outPtr: number, n: number, k: number, d: number): void {
    this.x.sqDist(xPtr, cPtr, outPtr, n, k, d);
  }
  rbfBasis(kind: Basis, d2Ptr: number, widthPtr: number, phiPtr: number, n: number, k: number): void {
    this.x.rbfBasis(kind, d2Ptr, widthPtr, phiPtr, n, k);
  }
  rbfBasisBackward(kind: Basis, d2Ptr: number, widthPtr: number, phiPtr: number, dphiPtr: number, dd2Ptr: number, dwidthPtr: number, n: number, k: number): void {
    this.x.rbfBasisBackward(kind, d2Ptr, widthPtr, phiPtr, dphiPtr, dd2Ptr, dwidthPtr, n, k);
  }

  // ---- capsules -------------------------------------------------------------------------------
  squash(xPtr: number, yPtr: number, rows: number, dim: number): void {
    this.x.squash(xPtr, yPtr, rows, dim);
  }
  squashBackward(xPtr: number, dyPtr: number, dxPtr: number, rows: number, dim: number): void {
    this.x.squashBackward(xPtr, dyPtr, dxPtr, rows, dim);
  }
  vectorNorm(xPtr: number, outPtr: number, rows: number, dim: number): void {
    this.x.vectorNorm(xPtr, outPtr, rows, dim);
  }
  vectorNormBackward(xPtr: number, normPtr: number, dyPtr: number, dxPtr: number, rows: number, dim: number): void {
    this.x.vectorNormBackward(xPtr, normPtr, dyPtr, dxPtr, rows, dim);
  }
  routingWeightedSum(cPtr: number, uhatPtr: number, sPtr: number, batch: number, inCaps: number, outCaps: number, dim: number): void {
    this.x.routingWeightedSum(cPtr, uhatPtr, sPtr, batch, inCaps, outCaps, dim);
  }
  routingAgreement(uhatPtr: number, vPtr: number, aPtr: number, batch: number, inCaps: number, outCaps: number, dim: number, accumulate: boolean): void {
    this.x.routingAgreement(uhatPtr, vPtr, aPtr, batch, inCaps, outCaps, dim, +accumulate);
  }
  routingOuter(cPtr: number, gPtr: number, duhatPtr: number, batch: number, inCaps: number, outCaps: number, dim: number, accumulate: boolean): void {
    this.x.routingOuter(cPtr, gPtr, duhatPtr, batch, inCaps, outCaps, dim, +accumulate);
  }
  marginLoss(lenPtr: number, labelsPtr: number, gradPtr: number, rows: number, cols: number, mPlus: number, mMinus: number, lambda: number): number {
    return this.x.marginLoss(lenPtr, labelsPtr, gradPtr, rows, cols, mPlus, mMinus, lambda);
  }
  layerNorm(xPtr: number, gammaPtr: number, betaPtr: number, yPtr: number, meanPtr: number, rstdPtr: number, rows: number, cols: number, eps: number): void {
    this.x.layerNorm(xPtr, gammaPtr, betaPtr, yPtr, meanPtr, rstdPtr, rows, cols, eps);
  }
  layerNormBackward(dyPtr: number, xPtr: number, meanPtr: number, rstdPtr: number, gammaPtr: number, dxPtr: number, dgammaPtr: number, dbetaPtr: number, rows: number, cols: number): void {
    this.x.layerNormBackward(dyPtr, xPtr, meanPtr, rstdPtr, gammaPtr, dxPtr, dgammaPtr, dbetaPtr, rows, cols);
  }
  logSoftmax(xPtr: number, yPtr: number, rows: number, cols: number): void {
    this.x.logSoftmax(xPtr, yPtr, rows, cols);
  }
  logSoftmaxBackward(yPtr: number, dyPtr: number, dxPtr: number, rows: number, cols: number): void {
    this.x.logSoftmaxBackward(yPtr, dyPtr, dxPtr, rows, cols);
  }
  attentionSoftmax(
    sPtr: number, maskPtr: number, pPtr: number, batch: number, rows: number, cols: number, scale: number,
    causal: boolean, maskGroup: number, maskBatchStride: number, maskRowStride: number,
  ): void {
    this.x.attentionSoftmax(sPtr, maskPtr, pPtr, batch, rows, cols, scale, +causal, maskGroup, maskBatchStride, maskRowStride);
  }
  attentionSoftmaxBackward(pPtr: number, dpPtr: number, dsPtr: number, rows: number, cols: number, scale: number): void {
    this.x.attentionSoftmaxBackward(pPtr, dpPtr, dsPtr, rows, cols, scale);
  }
}
