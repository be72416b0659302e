// Matrix multiply, the kernel under Linear, attention and im2col convolution:
// C (m×n) = op(A)·op(B), or C += op(A)·op(B).
//
// Contract (shared by gemm and gemmBatched):
// - f32, row-major. op(A) element (i, p) is A[i·k + p], or A[p·m + i] when transA; op(B) element
//   (p, j) is B[p·n + j], or B[j·k + p] when transB. C[i·n + j] is written for i < m, j < n and
//   nothing else is touched.
// - C never aliases A, B or the scratch. Pointers need only 4-byte alignment; the scratch at packPtr
//   holds gemmPackBytes(n, k) bytes and is 16-byte aligned.
// - m, n or k = 0 is allowed: with k = 0, C is zeroed (or left as is when accumulating).
//
// The blocking scheme (one thread, 128-bit SIMD; the relaxed core fuses each multiply-add, see madd):
// - k is cut into blocks of at most KC = 256, of equal depth (k = 784 gives 4 × 196, not
//   256+256+256+16, whose thin last block would pay a full load and store of C for 16 steps).
//   A B used by many products can be packed once, whole (gemmPackB), and given to gemmPacked.
// - Per k block, op(B) is packed into panels of NR = 16 columns: panel row p holds op(B)(p, j0..j0+15)
//   as four contiguous f32x4, the last panel zero-padded. A 256×16 panel is 16 KiB and stays in L1.
//   Packing turns both layouts of B into the same stream, so NN and NT share one micro-kernel; NT
//   packs with 4×4 shuffle transposes.
// - Rows of op(A) come in blocks of MC; for each panel the micro-kernel sweeps the block two rows at
//   a time, so the panel is reused from L1 and the MC×kc block of A from L2. The micro-kernel reads
//   A through (row, column) byte strides, one scalar a(i, p) splatted per row and step. A plain A is
//   read in place. A transposed A (when there are two panels or more) is first copied, per block,
//   into row pairs [a(i, p), a(i+1, p)] running along p: read in place, its columns are m·4 bytes
//   apart and a power-of-two m maps them all to a few cache sets.
// - The micro-kernel keeps a 2×16 tile of C in eight f32x4 accumulators (with four B vectors and two
//   splats, 14 live v128: within the 16 SIMD registers of x86-64, so nothing spills). Each step
//   of p does eight f32x4 multiply-adds (a multiply and an add each in the plain core) for four
//   vector loads and two splat loads. The accumulators start from zero, and the tile of C (the
//   sums of earlier k blocks, or the caller's C) is added to them after the k loop: loaded before
//   it, a C larger than L2 (1024² floats is 4 MiB) stalled every tile's first multiply-adds on
//   cache misses, and 1024³ ran at 0.83–0.86 of the peak against 0.89–0.92 now (0.95 at 512³).
// - Edges: an odd last row uses a 1-row tile; a last panel narrower than 16 runs with 1–3 vectors,
//   and when its width is not a multiple of 4 the tile goes through a 2×16 scratch copy of C so that
//   no store spills past column n.
import { madd } from "./simd";

/** Columns of op(B) per packed panel: one row of the register tile, four f32x4. */
const NR: i32 = 16;
/** Deepest k block: a KC×NR panel (16 KiB) stays in L1 while a block of A streams past it. */
const KC: i32 = 256;
/** Rows of op(A) per block: an MC×KC block of A (128 KiB) stays in L2 while every panel visits it. */
const MC: i32 = 128;
/**
 * Scratch layout: the 2×NR tile for edge panels, then room for an MC×KC block of a transposed A,
 * then the panels of B.
 */
const TILE_BYTES: usize = <usize>(2 * NR) << 2;
const PANEL_ROW_BYTES: usize = <usize>NR << 2;

/**
 * Bytes of scratch `gemm` needs for a k×n op(B) (any m): the edge tile, one block of a transposed A
 * and the panels of one k block of B. Never 0, so a caller may always allocate it.
 */
export function gemmPackBytes(n: i32, k: i32): i32 {
  const kc = min(max(k, 1), KC);
  return <i32>TILE_BYTES + MC * kc * 4 + panelCount(n) * NR * kc * 4;
}

/** Bytes of op(B) packed whole by `gemmPackB`: the panels of every k block, one after another. */
export function gemmPackedBBytes(n: i32, k: i32): i32 {
  return panelCount(n) * NR * max(k, 1) * 4;
}

/**
 * Packs a k×n op(B) for `gemmPacked`, every k block at once: a B used by many products (the
 * recurrent weight at each time step) is then packed once instead of once per product. dst:
 * gemmPackedBBytes(n, k) bytes, 16-byte aligned.
 */
export function gemmPackB(bPtr: usize, n: i32, k: i32, transB: bool, dst: usize): void {
  if (n <= 0 || k <= 0) return;
  const kb = blockDepth(k);
  for (let p0 = 0; p0 < k; p0 += kb) packB(bPtr, n, k, n, transB, p0, min(kb, k - p0), packedBlock(dst, n, p0));
}

/**
 * C (m×n) (+)= op(A)·op(B), op(B) given as packed by gemmPackB(…, n, k, …, packedPtr); otherwise the
 * contract of `gemm`. packPtr: gemmPackBytes(n, k) bytes of scratch, as for gemm.
 */
export function gemmPacked(
  aPtr: usize, packedPtr: usize, cPtr: usize, m: i32, n: i32, k: i32,
  transA: bool, accumulate: bool, packPtr: usize,
): void {
  gemmOne(aPtr, 0, cPtr, m, n, k, transA ? m : k, n, n, transA, false, accumulate, packPtr, packedPtr);
}

/**
 * gemmPacked on a block of rows of op(A) whose leading dimension is lda: elements from one row of A
 * to the next (plain A), or from one column of op(A) to the next (transposed A). The thread pool
 * gives each thread such a block; lda = k (plain) or m (transposed) is gemmPacked itself.
 */
export function gemmPackedLda(
  aPtr: usize, packedPtr: usize, cPtr: usize, m: i32, n: i32, k: i32, lda: i32,
  transA: bool, accumulate: bool, packPtr: usize,
): void {
  gemmOne(aPtr, 0, cPtr, m, n, k, lda, n, n, transA, false, accumulate, packPtr, packedPtr);
}

function panelCount(n: i32): i32 {
  return (max(n, 1) + NR - 1) / NR;
}

/** Depth of each k block: at most KC, all blocks equal (k = 784 gives 4 × 196). */
function blockDepth(k: i32): i32 {
  const blocks = (k + KC - 1) / KC;
  return (k + blocks - 1) / blocks;
}

/** Where the panels of the k block starting at p0 begin in a whole packed op(B). */
// @ts-ignore: decorator
@inline function packedBlock(packed: usize, n: i32, p0: i32): usize {
  return packed + <usize>p0 * <usize>panelCount(n) * PANEL_ROW_BYTES;
}

/**
 * C (m×n) = op(A)·op(B), or C += op(A)·op(B) when `accumulate`: see the contract at the top of the
 * file. packPtr: gemmPackBytes(n, k) bytes of 16-byte aligned scratch, clobbered.
 */
export function gemm(
  aPtr: usize, bPtr: usize, cPtr: usize, m: i32, n: i32, k: i32,
  transA: bool, transB: bool, accumulate: bool, packPtr: usize,
): void {
  gemmOne(aPtr, bPtr, cPtr, m, n, k, transA ? m : k, n, n, transA, transB, accumulate, packPtr, 0);
}

/**
 * gemm on a block of a larger product, the thread pool's share of one: leading dimensions lda (see
 * gemmPackedLda), ldb (elements from one row of a plain B to the next; a transposed B's rows are
 * always k apart) and ldc (from one row of C to the next). A block of rows of op(A) has ldc = n; a
 * block of columns of op(B) and C keeps the whole product's ldb and ldc.
 */
export function gemmStrided(
  aPtr: usize, bPtr: usize, cPtr: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  transA: bool, transB: bool, accumulate: bool, packPtr: usize,
): void {
  gemmOne(aPtr, bPtr, cPtr, m, n, k, lda, ldb, ldc, transA, transB, accumulate, packPtr, 0);
}

/**
 * `batch` independent GEMMs with the contract of `gemm`: matrix b of each operand starts at
 * ptr + b·stride·4 (strides in elements; stride 0 broadcasts one matrix to every entry). The
 * entries run in order, so with strideC = 0 and `accumulate` they all add into one C. A broadcast B
 * that fits in one k block is packed once for the whole batch.
 */
export function gemmBatched(
  aPtr: usize, bPtr: usize, cPtr: usize, batch: i32, m: i32, n: i32, k: i32,
  transA: bool, transB: bool, accumulate: bool, strideA: i32, strideB: i32, strideC: i32, packPtr: usize,
): void {
  // With one k block, the first entry leaves op(B) whole in the scratch panels for the others.
  const packOnce = strideB == 0 && k <= KC;
  for (let b = 0; b < batch; b++) {
    gemmOne(
      aPtr + ((<usize>b * <usize>strideA) << 2), bPtr + ((<usize>b * <usize>strideB) << 2),
      cPtr + ((<usize>b * <usize>strideC) << 2), m, n, k, transA ? m : k, n, n, transA, transB, accumulate, packPtr,
      packOnce && b > 0 ? scratchPanels(packPtr, k) : 0,
    );
  }
}

/** Where `gemm` packs the panels of op(B) in its scratch: after the edge tile and the block of A. */
// @ts-ignore: decorator
@inline function scratchPanels(packPtr: usize, k: i32): usize {
  return packPtr + TILE_BYTES + ((<usize>MC * <usize>min(k, KC)) << 2);
}

/**
 * One GEMM. prepacked: 0, or op(B) already packed whole (gemmPackB's layout) there; then bPtr and
 * transB are unused and the scratch's panels are not touched.
 */
function gemmOne(
  aPtr: usize, bPtr: usize, cPtr: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldcElements: i32,
  transA: bool, transB: bool, accumulate: bool, packPtr: usize, prepacked: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const ldc: usize = <usize>ldcElements << 2;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(cPtr + <usize>i * ldc, 0, <usize>n << 2);
    return;
  }
  const tile = packPtr;
  const aBlock = packPtr + TILE_BYTES;
  const kb = blockDepth(k);
  // A transposed A is read down its columns, m·4 bytes apart: at m = 1024 every step of p lands in
  // the same cache set and the block no longer fits L1 or even L2 (TN 1024×128×32 ran at 0.6 of
  // 1000×128×32). Repacking it per block into row pairs makes the reads sequential; with a single
  // panel there is no reuse to pay for the copy.
  const packA = transA && n > NR;
  const mBlocks = (m + MC - 1) / MC;
  // Even rows per block, so only the last block has an odd row.
  const mb = ((m + mBlocks - 1) / mBlocks + 1) & ~1;
  for (let p0 = 0; p0 < k; p0 += kb) {
    const kc = min(kb, k - p0);
    // After the first k block the partial sums sit in C, so later blocks add to it.
    const load = accumulate || p0 > 0;
    let panels: usize;
    if (prepacked != 0) {
      panels = packedBlock(prepacked, n, p0);
    } else {
      panels = scratchPanels(packPtr, k);
      packB(bPtr, n, k, ldb, transB, p0, kc, panels);
    }
    const panelBytes = (<usize>kc) * PANEL_ROW_BYTES;
    for (let i0 = 0; i0 < m; i0 += mb) {
      const mc = min(mb, m - i0);
      // op(A)(i0, p0) and the byte strides of op(A): rs from row i to i + 1, ps from one row pair
      // to the next, cs along p.
      let a: usize, rs: usize, ps: usize, cs: usize;
      if (packA) {
        packATransposed(aPtr, lda, i0, mc, p0, kc, aBlock);
        a = aBlock;
        rs = 4;
        ps = <usize>kc << 3;
        cs = 8;
      } else {
        rs = transA ? 4 : <usize>lda << 2;
        cs = transA ? <usize>lda << 2 : 4;
        ps = rs << 1;
        a = aPtr + <usize>i0 * rs + <usize>p0 * cs;
      }
      const c = cPtr + <usize>i0 * ldc;
      let panel = panels;
      let j0 = 0;
      for (; j0 + NR <= n; j0 += NR) {
        sweep(a, rs, ps, cs, panel, c + (<usize>j0 << 2), ldc, mc, NR, kc, load, tile, 4);
        panel += panelBytes;
      }
      const w = n - j0;
      if (w > 0) {
        const cj = c + (<usize>j0 << 2);
        if (w > 12) sweepEdge4(a, rs, ps, cs, panel, cj, ldc, mc, w, kc, load, tile);
        else if (w > 8) sweepEdge3(a, rs, ps, cs, panel, cj, ldc, mc, w, kc, load, tile);
        else if (w > 4) sweepEdge2(a, rs, ps, cs, panel, cj, ldc, mc, w, kc, load, tile);
        else sweepEdge1(a, rs, ps, cs, panel, cj, ldc, mc, w, kc, load, tile);
      }
    }
  }
}

/**
 * Runs the micro-kernel down `mc` rows of one panel of `w` ≤ NR columns using V = ⌈w/4⌉ vectors
 * (a compile-time constant at every call). a: op(A)(i0, p0), rows i and i + 1 rs bytes apart, row
 * pairs ps bytes apart, steps of p cs bytes apart; c: C(i0, j0).
 */
// @ts-ignore: decorator
@inline function sweep(
  a: usize, rs: usize, ps: usize, cs: usize, panel: usize, c: usize, ldc: usize,
  mc: i32, w: i32, kc: i32, load: bool, tile: usize, V: i32,
): void {
  // A width that is not a multiple of 4 would make the last f32x4 of a row spill past column n.
  const viaTile = (w & 3) != 0;
  const ldd = viaTile ? PANEL_ROW_BYTES : ldc;
  let i = 0;
  let ai = a;
  for (; i + 2 <= mc; i += 2) {
    const ci = c + <usize>i * ldc;
    if (viaTile && load) copyTile(ci, ldc, tile, PANEL_ROW_BYTES, 2, w);
    micro(ai, rs, cs, panel, viaTile ? tile : ci, ldd, kc, load, 2, V);
    if (viaTile) copyTile(tile, PANEL_ROW_BYTES, ci, ldc, 2, w);
    ai += ps;
  }
  if (i < mc) {
    const ci = c + <usize>i * ldc;
    if (viaTile && load) copyTile(ci, ldc, tile, PANEL_ROW_BYTES, 1, w);
    micro(ai, rs, cs, panel, viaTile ? tile : ci, ldd, kc, load, 1, V);
    if (viaTile) copyTile(tile, PANEL_ROW_BYTES, ci, ldc, 1, w);
  }
}

// One function per edge width: inlined side by side in one function, the four sweeps would look
// alike to the optimizer before their constant V is propagated, and it folds them into one body
// with V as a run-time value tested inside the k loop.
function sweepEdge4(
  a: usize, rs: usize, ps: usize, cs: usize, panel: usize, c: usize, ldc: usize,
  mc: i32, w: i32, kc: i32, load: bool, tile: usize,
): void {
  sweep(a, rs, ps, cs, panel, c, ldc, mc, w, kc, load, tile, 4);
}
function sweepEdge3(
  a: usize, rs: usize, ps: usize, cs: usize, panel: usize, c: usize, ldc: usize,
  mc: i32, w: i32, kc: i32, load: bool, tile: usize,
): void {
  sweep(a, rs, ps, cs, panel, c, ldc, mc, w, kc, load, tile, 3);
}
function sweepEdge2(
  a: usize, rs: usize, ps: usize, cs: usize, panel: usize, c: usize, ldc: usize,
  mc: i32, w: i32, kc: i32, load: bool, tile: usize,
): void {
  sweep(a, rs, ps, cs, panel, c, ldc, mc, w, kc, load, tile, 2);
}
function sweepEdge1(
  a: usize, rs: usize, ps: usize, cs: usize, panel: usize, c: usize, ldc: usize,
  mc: i32, w: i32, kc: i32, load: bool, tile: usize,
): void {
  sweep(a, rs, ps, cs, panel, c, ldc, mc, w, kc, load, tile, 1);
}

/** Copies an r×w block of floats between row strides (bytes). */
// @ts-ignore: decorator
@inline function copyTile(src: usize, lds: usize, dst: usize, ldd: usize, r: i32, w: i32): void {
  for (let y = 0; y < r; y++) {
    for (let x = 0; x < w; x++) store<f32>(dst + (<usize>x << 2), load<f32>(src + (<usize>x << 2)));
    src += lds;
    dst += ldd;
  }
}

/**
 * The register tile: C[R×4V] (+)= op(A)[R×kc] · panel[kc×4V], R ∈ {1, 2} and V ∈ {1..4} constant at
 * every call, so the unused accumulators and branches fold away. With `load`, C is added to the
 * finished sums (C + Σ, not a sum started from C). a: op(A)(i, p0) with byte strides rs (rows) and
 * cs (steps of p); panel rows are NR floats apart; c rows ldc bytes apart.
 */
// @ts-ignore: decorator
@inline function micro(
  a: usize, rs: usize, cs: usize, panel: usize, c: usize, ldc: usize,
  kc: i32, load: bool, R: i32, V: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  const c1 = c + ldc;
  let pa = a;
  let pb = panel;
  const end = panel + <usize>kc * PANEL_ROW_BYTES;
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = V > 1 ? v128.load(pb, 16) : b0;
    const b2 = V > 2 ? v128.load(pb, 32) : b0;
    const b3 = V > 3 ? v128.load(pb, 48) : b0;
    const x0 = v128.load32_splat(pa);
    c00 = madd(x0, b0, c00);
    if (V > 1) c01 = madd(x0, b1, c01);
    if (V > 2) c02 = madd(x0, b2, c02);
    if (V > 3) c03 = madd(x0, b3, c03);
    if (R > 1) {
      const x1 = v128.load32_splat(pa + rs);
      c10 = madd(x1, b0, c10);
      if (V > 1) c11 = madd(x1, b1, c11);
      if (V > 2) c12 = madd(x1, b2, c12);
      if (V > 3) c13 = madd(x1, b3, c13);
    }
    pa += cs;
    pb += PANEL_ROW_BYTES;
  }
  if (load) {
    c00 = f32x4.add(v128.load(c), c00);
    if (V > 1) c01 = f32x4.add(v128.load(c, 16), c01);
    if (V > 2) c02 = f32x4.add(v128.load(c, 32), c02);
    if (V > 3) c03 = f32x4.add(v128.load(c, 48), c03);
    if (R > 1) {
      c10 = f32x4.add(v128.load(c1), c10);
      if (V > 1) c11 = f32x4.add(v128.load(c1, 16), c11);
      if (V > 2) c12 = f32x4.add(v128.load(c1, 32), c12);
      if (V > 3) c13 = f32x4.add(v128.load(c1, 48), c13);
    }
  }
  v128.store(c, c00);
  if (V > 1) v128.store(c, c01, 16);
  if (V > 2) v128.store(c, c02, 32);
  if (V > 3) v128.store(c, c03, 48);
  if (R > 1) {
    v128.store(c1, c10);
    if (V > 1) v128.store(c1, c11, 16);
    if (V > 2) v128.store(c1, c12, 32);
    if (V > 3) v128.store(c1, c13, 48);
  }
}

/**
 * The micro-kernel's arithmetic alone, for benchmarks: `iterations` steps of eight f32x4 multiplies
 * and eight adds into a 2×16 tile, with the four B vectors held in registers and only the two A
 * splats loaded (from ptr + 64, so that they stay in the loop). A GEMM cannot beat this rate (64
 * flops per step) on the machine it runs on; the ratio of the two is the kernel's efficiency.
 * ptr: 72 bytes, 16-byte aligned. Returns a lane of the sum, which keeps the work from being removed.
 */
export function gemmPeak(iterations: i32, ptr: usize): f32 {
  const b0 = v128.load(ptr), b1 = v128.load(ptr, 16), b2 = v128.load(ptr, 32), b3 = v128.load(ptr, 48);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let i = 0; i < iterations; i++) {
    const x0 = v128.load32_splat(ptr, 64);
    c00 = madd(x0, b0, c00);
    c01 = madd(x0, b1, c01);
    c02 = madd(x0, b2, c02);
    c03 = madd(x0, b3, c03);
    const x1 = v128.load32_splat(ptr, 68);
    c10 = madd(x1, b0, c10);
    c11 = madd(x1, b1, c11);
    c12 = madd(x1, b2, c12);
    c13 = madd(x1, b3, c13);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c00, c01), f32x4.add(c02, c03)), f32x4.add(f32x4.add(c10, c11), f32x4.add(c12, c13)));
  return f32x4.extract_lane(s, 0);
}

/**
 * Packs op(A)[i0 : i0+mc, p0 : p0+kc] of a transposed A (element (i, p) at A[p·m + i]) into row
 * pairs at dst: pair q holds a(i0+2q, p), a(i0+2q+1, p) side by side for each p, kc·8 bytes per
 * pair; an odd last row is paired with zeros.
 */
function packATransposed(aPtr: usize, m: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  // m: the leading dimension of A (elements from one p to the next), the whole m of a row block.
  const pairBytes = <usize>kc << 3;
  const lda = <usize>m << 2;
  // 16 rows at a time: one cache line of each row of A, read once, feeding eight pair streams.
  for (let r0 = 0; r0 < mc; r0 += 16) {
    const rows = min(16, mc - r0);
    const pairs = rows >> 1;
    let src = aPtr + ((<usize>p0 * <usize>m + <usize>(i0 + r0)) << 2);
    let d = dst + <usize>(r0 >> 1) * pairBytes;
    for (let p = 0; p < kc; p++) {
      let dq = d;
      for (let q = 0; q < pairs; q++) {
        store<u64>(dq, load<u64>(src + (<usize>q << 3)));
        dq += pairBytes;
      }
      if (rows & 1) {
        store<f32>(dq, load<f32>(src + (<usize>pairs << 3)));
        store<f32>(dq, 0, 4);
      }
      src += lda;
      d += 8;
    }
  }
}

/**
 * Packs op(B)[p0 : p0+kc, 0 : n] into panels of NR columns at dst: panel q holds columns
 * q·NR .. q·NR+NR−1, row p of it at dst + (q·kc + p)·NR·4; columns past n are zero. A plain B has rows ldbElements apart; a transposed one, k.
 */
function packB(bPtr: usize, n: i32, k: i32, ldbElements: i32, transB: bool, p0: i32, kc: i32, dst: usize): void {
  const panelBytes = <usize>kc * PANEL_ROW_BYTES;
  for (let j0 = 0; j0 < n; j0 += NR) {
    const w = min(NR, n - j0);
    if (w < NR) memory.fill(dst, 0, panelBytes);
    if (!transB) {
      // op(B) rows are B rows: copy 16 floats per row.
      const ldb = <usize>ldbElements << 2;
      let src = bPtr + ((<usize>p0 * <usize>ldbElements + <usize>j0) << 2);
      let d = dst;
      const end = dst + panelBytes;
      if (w == NR) {
        for (; d < end; d += PANEL_ROW_BYTES) {
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
          v128.store(d, v128.load(src, 32), 32);
          v128.store(d, v128.load(src, 48), 48);
          src += ldb;
        }
      } else {
        for (; d < end; d += PANEL_ROW_BYTES) {
          for (let x = 0; x < w; x++) store<f32>(d + (<usize>x << 2), load<f32>(src + (<usize>x << 2)));
          src += ldb;
        }
      }
    } else {
      // Column j of op(B) is row j of B: transpose 4 columns × 4 steps at a time with shuffles.
      const ldb = <usize>k << 2;
      let x = 0;
      for (; x + 4 <= w; x += 4) {
        const s0 = bPtr + ((<usize>(j0 + x) * <usize>k + <usize>p0) << 2);
        const s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb;
        const d0 = dst + (<usize>x << 2);
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          const r0 = v128.load(s0 + o), r1 = v128.load(s1 + o);
          const r2 = v128.load(s2 + o), r3 = v128.load(s3 + o);
          const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
          const t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
          const t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
          const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
          const d = d0 + <usize>p * PANEL_ROW_BYTES;
          v128.store(d, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
          v128.store(d + PANEL_ROW_BYTES, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
          v128.store(d + 2 * PANEL_ROW_BYTES, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
          v128.store(d + 3 * PANEL_ROW_BYTES, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
        }
        for (; p < kc; p++) {
          const o = <usize>p << 2;
          const d = d0 + <usize>p * PANEL_ROW_BYTES;
          store<f32>(d, load<f32>(s0 + o));
          store<f32>(d, load<f32>(s1 + o), 4);
          store<f32>(d, load<f32>(s2 + o), 8);
          store<f32>(d, load<f32>(s3 + o), 12);
        }
      }
      for (; x < w; x++) {
        const s = bPtr + ((<usize>(j0 + x) * <usize>k + <usize>p0) << 2);
        const d0 = dst + (<usize>x << 2);
        for (let p = 0; p < kc; p++) store<f32>(d0 + <usize>p * PANEL_ROW_BYTES, load<f32>(s + (<usize>p << 2)));
      }
    }
    dst += panelBytes;
  }
}
