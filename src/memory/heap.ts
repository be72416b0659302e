// The heap: one growable linear memory and an allocator over it.
//
// Tensors are (pointer, length) handles into this memory. JS never keeps a Float32Array over it:
// `memory.grow` detaches every view of the old buffer, so views are made at the moment of use by
// `f32()` and dropped right after.
//
// The allocator is a bump pointer plus exact-size free lists. Sizes are rounded into a few size
// classes, so a training loop that makes the same temporaries every step reuses the same blocks
// and the heap stops growing after the first step. Blocks are 16-byte aligned for SIMD loads.

const PAGE = 65536;
const ALIGN = 16;

/** Round a request up to its size class: 64-byte steps up to 4 KiB, then 8 steps per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= 0) return ALIGN;
  if (bytes <= 4096) return (bytes + 63) & ~63;
  const pow = 2 ** Math.floor(Math.log2(bytes));
  const step = pow / 8;
  return Math.ceil(bytes / step) * step;
}

/** A growable linear memory, as `WebAssembly.Memory` is (declared here so that the types need no DOM library). */
export interface LinearMemory {
  /** The current bytes; replaced (and the old one detached) when the memory grows. */
  readonly buffer: ArrayBuffer;
  /** Grow by `pages` pages of 64 KiB; returns the previous size in pages. */
  grow(pages: number): number;
}

/**
 * A backend's memory: one growable linear memory (the Wasm memory for the wasm backend) and an
 * allocator of 16-byte aligned blocks over it, with size-class free lists so that a training loop
 * reuses the same blocks every step.
 */
export class Heap {
  /** The linear memory; views of memory.buffer are made at the moment of use (growing detaches them). */
  readonly memory: LinearMemory;
  private top: number;
  private readonly free = new Map<number, number[]>();
  private used = 0;

  /** @param base first usable byte (the Wasm module's static data lies below it) */
  constructor(memory: LinearMemory, base: number) {
    this.memory = memory;
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }

  /** Reserve `bytes` (rounded to a size class); returns a 16-byte aligned pointer. */
  alloc(bytes: number): number {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    this.used += size;
    if (list !== undefined && list.length > 0) return list.pop()!;
    const ptr = this.top;
    this.ensure(ptr + size);
    this.top = ptr + size;
    return ptr;
  }

  /** Return a block from `alloc(bytes)` with the same `bytes`. */
  release(ptr: number, bytes: number): void {
    const size = sizeClass(bytes);
    this.used -= size;
    let list = this.free.get(size);
    if (list === undefined) this.free.set(size, (list = []));
    list.push(ptr);
  }

  /** Grow the memory so that at least `end` bytes exist. Detaches every existing view. */
  ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow at least geometrically so that a growing model does not grow page by page.
    const want = Math.max(end, Math.min(have * 2, have + 256 * 1024 * 1024));
    this.memory.grow(Math.ceil((want - have) / PAGE));
  }

  /** Grow by `bytes` now, whatever is in use (tests use it to move memory under a training loop). */
  grow(bytes: number): void {
    this.memory.grow(Math.ceil(bytes / PAGE));
  }

  /** A view of n f32 values at ptr, valid until the next allocation. */
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** Bytes handed out and not yet released. */
  get bytesInUse(): number {
    return this.used;
  }

  /** Size of the whole linear memory. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }
}
