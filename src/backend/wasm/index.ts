// The Wasm backend: every kernel runs in the AssemblyScript core (assembly/), over the core's own
// linear memory, which is also the heap that holds every tensor of this backend.
import type { Backend } from "../types.js";
import type { Activation, Binary, Unary } from "../opcodes.js";
import type { CoreExports } from "./exports.js";
import { Heap } from "../../memory/heap.js";
import type { Basis } from "../basis.js";
import { THREADS_MAX_BYTES, type Job, type JobName, type ThreadPool } from "./pool.js";

/**
 * Products below this many multiply-adds (m·n·k) stay on the calling thread. With the workers
 * awake (they spin for a while after each job, see pool.ts) two threads measured 1.4–1.5× one
 * thread down to 64³ (2¹⁸) on a 2-core machine; a worker that has gone to sleep costs ≈ 0.1 ms to
 * wake, which a product of 2²⁰ (≈ 0.05 ms) can still afford, a smaller one not.
 */
export const PARALLEL_MIN = 1 << 20;

/**
 * Elementwise, optimizer and row kernels below this many floats stay on the calling thread: on two
 * threads ReLU measured 1.0× one thread at 2¹⁵ floats, 1.2× at 2¹⁶, 1.8× at 2¹⁸; Adam 1.4×, 1.8×,
 * 1.8× (the bench/threads.ts rows repeat this). Ranges are cut at multiples of GRAIN floats, so
 * that each element falls in a kernel's SIMD body or scalar tail exactly as on one thread.
 */
export const ELEMENTWISE_MIN = 1 << 16;
const GRAIN = 64;

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
    return this.scratch(this.packs, thread, this.x.gemmPackBytes(n, k));
  }

  /** Thread `thread`'s block of `scratches`, grown to `need` bytes if smaller. */
  private scratch(scratches: { ptr: number; bytes: number }[], thread: number, need: number): number {
    const s = (scratches[thread] ??= { ptr: 0, bytes: 0 });
    if (need > s.bytes) {
      if (s.bytes > 0) this.heap.release(s.ptr, s.bytes);
      s.ptr = this.heap.alloc(need);
      s.bytes = need;
    }
    return s.ptr;
  }

  /**
   * Runs `fn` over [0, count) cut into one range per thread, every range but the last a multiple
   * of `grain` long, when the pool is there and `work` reaches `min`; `args(start, length, part)`
   * gives the arguments of a range, part its index (which thread runs it is not fixed, so scratch
   * is kept per part). Returns false (having run nothing) otherwise, and the caller
   * runs the kernel whole. Every partitioned kernel computes each output element the same way
   * whichever range holds it (no reduction is split), so the result is the one-thread result bit
   * for bit.
   */
  private split(count: number, grain: number, work: number, min: number, fn: JobName, args: (start: number, length: number, part: number) => number[]): boolean {
    if (this.pool === null || work < min) return false;
    const parts = Math.min(this.pool.size, Math.floor(count / grain));
    if (parts < 2) return false;
    const step = Math.ceil(count / parts / grain) * grain;
    const jobs: Job[] = [];
    for (let start = 0; start < count; start += step) jobs.push({ fn, args: args(start, Math.min(step, count - start), jobs.length) });
    this.pool.run(this.x, jobs);
    return true;
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
    // Each thread packs the op(B) of its share: cutting the rows of op(A) repeats all of op(B)'s
    // packing (k·n floats) on every thread, cutting the columns of op(B) and C repeats only the
    // reads of op(A) (m·k), so the longer side is cut. Rows: A from row i0 (plain) or column i0
    // (transposed), rows i0.. of C. Columns, in whole panels of 16: B from column j0 (plain, rows n
    // apart) or row j0 (transposed), columns j0.. of C (rows n apart). The k blocks depend only on
    // k, so an element of C comes out the same in any share.
    const lda = transA ? m : k;
    if (n > m) {
      if (this.split(n, 16, m * n * k, PARALLEL_MIN, "gemmStrided", (j0, cols, t) => [
        aPtr, bPtr + j0 * (transB ? k : 1) * 4, cPtr + j0 * 4, m, cols, k, lda, n, n, +transA, +transB, +accumulate, this.pack(cols, k, t),
      ])) return;
    } else if (this.split(m, 2, m * n * k, PARALLEL_MIN, "gemmStrided", (i0, rows, t) => [
      aPtr + i0 * (transA ? 1 : k) * 4, bPtr, cPtr + i0 * n * 4, rows, n, k, lda, n, n, +transA, +transB, +accumulate, this.pack(n, k, t),
    ])) return;
    this.x.gemm(aPtr, bPtr, cPtr, m, n, k, +transA, +transB, +accumulate, this.pack(n, k));
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
    if (this.split(m, 2, m * n * k, PARALLEL_MIN, "gemmPackedLda", (i0, rows, t) => [
      aPtr + i0 * (transA ? 1 : k) * 4, packedPtr, cPtr + i0 * n * 4, rows, n, k, transA ? m : k, +transA, +accumulate, this.pack(n, k, t),
    ])) return;
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

  /** An elementwise kernel over n floats on the pool: `args(offset)` with a range's byte offset and length. */
  private elementwise(n: number, fn: JobName, args: (offset: number, length: number) => number[]): boolean {
    return this.split(n, GRAIN, n, ELEMENTWISE_MIN, fn, (start, length) => args(start * 4, length));
  }
  /** A kernel over `rows` independent rows of `cols` floats on the pool. */
  private byRows(rows: number, cols: number, fn: JobName, args: (offset: number, rows: number) => number[]): boolean {
    return this.split(rows, 1, rows * cols, ELEMENTWISE_MIN, fn, (start, length) => args(start * cols * 4, length));
  }

  binary(op: Binary, aPtr: number, bPtr: number, outPtr: number, n: number, bn: number, inner: number): void {
    // A range starts where b's pattern starts: anywhere for a scalar or a full-length b, at a row
    // of bn for a trailing vector, at a block of bn runs of `inner` for a middle axis.
    const zip = inner === 1 && bn >= n;
    const grain = bn === 1 || zip ? GRAIN : inner === 1 ? bn : bn * inner;
    if (this.split(n, grain, n, ELEMENTWISE_MIN, "binary", (s, len) => [op, aPtr + s * 4, zip ? bPtr + s * 4 : bPtr, outPtr + s * 4, len, zip ? len : bn, inner])) return;
    this.x.binary(op, aPtr, bPtr, outPtr, n, bn, inner);
  }
  unary(op: Unary, xPtr: number, outPtr: number, n: number, p: number): void {
    if (this.elementwise(n, "unary", (o, len) => [op, xPtr + o, outPtr + o, len, p])) return;
    this.x.unary(op, xPtr, outPtr, n, p);
  }

  activation(kind: Activation, xPtr: number, yPtr: number, n: number, alpha: number): void {
    if (this.elementwise(n, "activation", (o, len) => [kind, xPtr + o, yPtr + o, len, alpha])) return;
    this.x.activation(kind, xPtr, yPtr, n, alpha);
  }
  activationBackward(kind: Activation, xPtr: number, yPtr: number, dyPtr: number, dxPtr: number, n: number, alpha: number): void {
    if (this.elementwise(n, "activationBackward", (o, len) => [kind, xPtr + o, yPtr + o, dyPtr + o, dxPtr + o, len, alpha])) return;
    this.x.activationBackward(kind, xPtr, yPtr, dyPtr, dxPtr, n, alpha);
  }
  softmax(xPtr: number, yPtr: number, rows: number, cols: number): void {
    if (this.byRows(rows, cols, "softmax", (o, r) => [xPtr + o, yPtr + o, r, cols])) return;
    this.x.softmax(xPtr, yPtr, rows, cols);
  }
  softmaxBackward(yPtr: number, dyPtr: number, dxPtr: number, rows: number, cols: number): void {
    if (this.byRows(rows, cols, "softmaxBackward", (o, r) => [yPtr + o, dyPtr + o, dxPtr + o, r, cols])) return;
    this.x.softmaxBackward(yPtr, dyPtr, dxPtr, rows, cols);
  }

  // Reductions over an axis, on the pool by blocks of `outer` (each output row sums on its own
  // thread in the one-thread order); a single sum is never split.
  sumAxis(xPtr: number, outPtr: number, outer: number, len: number, inner: number): void {
    if (this.byRows(outer, len * inner, "sumAxis", (o, r) => [xPtr + o, outPtr + (o / len), r, len, inner])) return;
    this.x.sumAxis(xPtr, outPtr, outer, len, inner);
  }
  maxAxis(xPtr: number, outPtr: number, outer: number, len: number, inner: number): void {
    if (this.byRows(outer, len * inner, "maxAxis", (o, r) => [xPtr + o, outPtr + (o / len), r, len, inner])) return;
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
    if (this.elementwise(n, "sgdStep", (o, len) => [pPtr + o, gPtr + o, bufPtr + o, len, lr, momentum, dampening, weightDecay, +nesterov, +first])) return;
    this.x.sgdStep(pPtr, gPtr, bufPtr, n, lr, momentum, dampening, weightDecay, +nesterov, +first);
  }
  rmspropStep(pPtr: number, gPtr: number, vPtr: number, bufPtr: number, n: number, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number): void {
    if (this.elementwise(n, "rmspropStep", (o, len) => [pPtr + o, gPtr + o, vPtr + o, bufPtr + o, len, lr, alpha, eps, weightDecay, momentum])) return;
    this.x.rmspropStep(pPtr, gPtr, vPtr, bufPtr, n, lr, alpha, eps, weightDecay, momentum);
  }
  adamStep(pPtr: number, gPtr: number, mPtr: number, vPtr: number, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, decoupled: boolean): void {
    if (this.elementwise(n, "adamStep", (o, len) => [pPtr + o, gPtr + o, mPtr + o, vPtr + o, len, lr, beta1, beta2, eps, weightDecay, step, +decoupled])) return;
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
  // On the pool, the forward and the input gradient take a range of images each (every image is
  // computed on its own), the weight gradient a range of output channels over the whole batch (no
  // sum over images is split): each output comes out as on one thread, bit for bit.
  /** Scratch for the conv2d kernels (assembly/conv.ts), one per thread, grown on demand and never released. */
  private readonly convScratches: { ptr: number; bytes: number }[] = [];

  private convScratch(g: readonly number[], thread = 0): number {
    const [, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW] = g;
    return this.scratch(this.convScratches, thread, this.x.conv2dScratchBytes(c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW));
  }

  /** Multiply-adds of one pass of this geometry, for PARALLEL_MIN. */
  private static convWork(g: readonly number[]): number {
    const [n, c, , , o, kh, kw, oh, ow] = g;
    return n * o * oh * ow * c * kh * kw;
  }

  /** A per-image conv kernel on the pool, images [i0, i0 + count) per thread: `args(i0, count, scratch)`. */
  private convImages(g: readonly number[], fn: JobName, args: (i0: number, count: number, scratch: number) => number[]): boolean {
    return this.split(g[0], 1, WasmBackend.convWork(g), PARALLEL_MIN, fn, (i0, count, t) => args(i0, count, this.convScratch(g, t)));
  }

  conv2d(
    xPtr: number, wPtr: number, biasPtr: number, yPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void {
    const g = [n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW];
    if (this.convImages(g, "conv2d", (i0, count, s) => [
      xPtr + i0 * c * h * w * 4, wPtr, biasPtr, yPtr + i0 * o * oh * ow * 4, s, count, ...g.slice(1),
    ])) return;
    this.x.conv2d(xPtr, wPtr, biasPtr, yPtr, this.convScratch(g), n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
  }
  conv2dBackwardInput(
    dyPtr: number, wPtr: number, dxPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void {
    const g = [n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW];
    if (this.convImages(g, "conv2dBackwardInput", (i0, count, s) => [
      dyPtr + i0 * o * oh * ow * 4, wPtr, dxPtr + i0 * c * h * w * 4, s, count, ...g.slice(1),
    ])) return;
    this.x.conv2dBackwardInput(dyPtr, wPtr, dxPtr, this.convScratch(g), n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW);
  }
  conv2dBackwardWeight(
    xPtr: number, dyPtr: number, dwPtr: number, dbPtr: number,
    n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void {
    const g = [n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW];
    // Any channel range gives the same bits; ranges of whole 4-channel blocks keep the tiles full.
    if (this.split(o, 4, WasmBackend.convWork(g), PARALLEL_MIN, "conv2dBackwardWeight", (o0, count, t) => [
      xPtr, dyPtr, dwPtr, dbPtr, this.convScratch(g, t), ...g, o0, o0 + count,
    ])) return;
    this.x.conv2dBackwardWeight(xPtr, dyPtr, dwPtr, dbPtr, this.convScratch(g), n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padTop, padLeft, dilationH, dilationW, 0, o);
  }
  maxPool2d(
    xPtr: number, yPtr: number, argmaxPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, relu: boolean,
  ): void {
    this.x.maxPool2d(xPtr, yPtr, argmaxPtr, nc, h, w, oh, ow, kh, kw, strideH, strideW, padTop, padLeft, relu ? 1 : 0);
  }
  maxPool2dBackward(
    dyPtr: number, argmaxPtr: number, yPtr: number, dxPtr: number, nc: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number, relu: boolean,
  ): void {
    this.x.maxPool2dBackward(dyPtr, argmaxPtr, yPtr, dxPtr, nc, h, w, oh, ow, kh, kw, strideH, strideW, padTop, padLeft, relu ? 1 : 0);
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
    if (this.byRows(rows, cols, "logSoftmax", (o, r) => [xPtr + o, yPtr + o, r, cols])) return;
    this.x.logSoftmax(xPtr, yPtr, rows, cols);
  }
  logSoftmaxBackward(yPtr: number, dyPtr: number, dxPtr: number, rows: number, cols: number): void {
    if (this.byRows(rows, cols, "logSoftmaxBackward", (o, r) => [yPtr + o, dyPtr + o, dxPtr + o, r, cols])) return;
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
