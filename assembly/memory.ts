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
