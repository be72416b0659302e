// Heap bookkeeping shared with the TypeScript side.
//
// Kernels never allocate: the TypeScript allocator (src/memory/heap.ts) owns every byte from
// heapBase() upward and hands kernels pointers into it.

/** First byte past the module's static data: where the TypeScript allocator may start. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/**
 * dst[i] = src[i] for i < n. f32 elements, 4-byte aligned; dst and src may overlap
 * (memory.copy has memmove semantics).
 */
export function copy(srcPtr: usize, dstPtr: usize, n: i32): void {
  memory.copy(dstPtr, srcPtr, <usize>n << 2);
}

/** out[i] = value for i < n. */
export function fill(outPtr: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(outPtr + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(outPtr + (<usize>i << 2), value);
}

/**
 * Strided block copy: dst[b·dstStride + j] = src[b·srcStride + j] for b < blocks, j < blockLen.
 * Strides and lengths in elements. Source and destination must not overlap.
 */
export function copyBlocks(srcPtr: usize, dstPtr: usize, blocks: i32, blockLen: i32, srcStride: i32, dstStride: i32): void {
  const srcStep = <usize>srcStride << 2;
  const dstStep = <usize>dstStride << 2;
  // memory.copy has a fixed call cost that dominates for the short rows of gate splits and
  // narrow slices; below this length an inline loop is faster.
  if (blockLen >= 32) {
    const bytes = <usize>blockLen << 2;
    for (let b = 0; b < blocks; b++) memory.copy(dstPtr + <usize>b * dstStep, srcPtr + <usize>b * srcStep, bytes);
    return;
  }
  for (let b = 0; b < blocks; b++) {
    const s = srcPtr + <usize>b * srcStep;
    const d = dstPtr + <usize>b * dstStep;
    let j = 0;
    for (; j + 4 <= blockLen; j += 4) v128.store(d + (<usize>j << 2), v128.load(s + (<usize>j << 2)));
    for (; j < blockLen; j++) store<f32>(d + (<usize>j << 2), load<f32>(s + (<usize>j << 2)));
  }
}

/** Side of the square tiles transpose works in: 16 rows of 16 floats touch 16 cache lines each way. */
const TILE = 16;

/**
 * out[b][j][i] = x[b][i][j]: each of `batch` row-major rows×cols matrices becomes cols×rows.
 * Matrices are contiguous (stride rows·cols). out must not overlap x.
 *
 * A naive loop writes out with a stride of `rows` floats, touching a new cache line per element;
 * working in TILE×TILE tiles keeps both sides of a tile in cache, and 4×4 blocks inside a tile
 * are transposed in registers with shuffles.
 */
export function transpose(xPtr: usize, outPtr: usize, batch: i32, rows: i32, cols: i32): void {
  const size = <usize>rows * <usize>cols << 2;
  for (let b = 0; b < batch; b++) {
    const x = xPtr + <usize>b * size;
    const out = outPtr + <usize>b * size;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const iEnd = min(i0 + TILE, rows);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const jEnd = min(j0 + TILE, cols);
        transposeTile(x, out, rows, cols, i0, iEnd, j0, jEnd);
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function transposeTile(x: usize, out: usize, rows: i32, cols: i32, i0: i32, iEnd: i32, j0: i32, jEnd: i32): void {
  const xRow = <usize>cols << 2;
  const outRow = <usize>rows << 2;
  let i = i0;
  for (; i + 4 <= iEnd; i += 4) {
    let j = j0;
    for (; j + 4 <= jEnd; j += 4) {
      const src = x + ((<usize>i * <usize>cols + <usize>j) << 2);
      const dst = out + ((<usize>j * <usize>rows + <usize>i) << 2);
      const r0 = v128.load(src);
      const r1 = v128.load(src + xRow);
      const r2 = v128.load(src + 2 * xRow);
      const r3 = v128.load(src + 3 * xRow);
      const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
      const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
      v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
      v128.store(dst + outRow, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
      v128.store(dst + 2 * outRow, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
      v128.store(dst + 3 * outRow, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
    }
    for (; j < jEnd; j++) {
      const src = x + ((<usize>i * <usize>cols + <usize>j) << 2);
      const dst = out + ((<usize>j * <usize>rows + <usize>i) << 2);
      store<f32>(dst, load<f32>(src));
      store<f32>(dst, load<f32>(src + xRow), 4);
      store<f32>(dst, load<f32>(src + 2 * xRow), 8);
      store<f32>(dst, load<f32>(src + 3 * xRow), 12);
    }
  }
  for (; i < iEnd; i++) {
    for (let j = j0; j < jEnd; j++) {
      store<f32>(out + ((<usize>j * <usize>rows + <usize>i) << 2), load<f32>(x + ((<usize>i * <usize>cols + <usize>j) << 2)));
    }
  }
}
