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
/** The most a 32-bit linear memory can hold: 65,536 pages of 64 KiB = 4 GiB. */
export const MAX_BYTES_32 = 2 ** 32;

/** A byte count as people read it: "8 GiB", "1.5 MiB", "300 bytes". */
export function bytesText(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? n : Number(n.toFixed(2))} ${units[u]}`;
}

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
 *
 * @example const heap = backend("wasm").heap;
 * const p = heap.alloc(16);            // 16 bytes, 16-byte aligned
 * heap.f32(p, 4).set([1, 2, 3, 4]);    // a view made now: growing the memory detaches old ones
 * heap.release(p, 16);                 // back to its size class's free list
 * console.log(heap.bytesInUse);
 */
export class Heap {
  /** The linear memory; views of memory.buffer are made at the moment of use (growing detaches them). */
  readonly memory: LinearMemory;
  private top: number;
  private readonly free = new Map<number, number[]>();
  private used = 0;
  /** The most bytes the memory can grow to (its declared maximum, or 4 GiB for a 32-bit memory). */
  readonly maxBytes: number;

  /**
   * @param base first usable byte (the Wasm module's static data lies below it)
   * @param maxBytes the memory's maximum size: 4 GiB unless it declares less
   */
  constructor(memory: LinearMemory, base: number, maxBytes = MAX_BYTES_32) {
    this.memory = memory;
    this.top = Math.ceil(base / ALIGN) * ALIGN;
    this.maxBytes = maxBytes;
  }

  /**
   * Reserve `bytes` (rounded to a size class); returns a 16-byte aligned pointer. A request the
   * memory cannot hold throws an Error naming the bytes asked for and the limit, and changes
   * nothing (bytesInUse and the blocks handed out stay as they were).
   */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`heap: cannot allocate ${bytes} bytes, expected a finite count ≥ 0`);
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    if (list !== undefined && list.length > 0) {
      this.used += size;
      return list.pop()!;
    }
    const ptr = this.top;
    this.ensure(ptr + size, bytes);
    this.top = ptr + size;
    this.used += size;
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

  /**
   * Grow the memory so that at least `end` bytes exist. Detaches every existing view. Throws,
   * leaving the memory as it was, when `end` is beyond the limit or the host refuses to grow.
   */
  ensure(end: number, request = end - this.top): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const refuse = (why: string): never => {
      throw new Error(
        `heap: cannot allocate ${request} bytes (${bytesText(request)}): ${why}; ${bytesText(this.used)} in use, memory ${bytesText(have)}, limit ${bytesText(this.maxBytes)}`,
      );
    };
    if (end > this.maxBytes) refuse("the memory cannot grow that far");
    // Grow at least geometrically so that a growing model does not grow page by page, but never
    // past the limit: near it, grow by exactly what is needed.
    const want = Math.min(this.maxBytes, Math.max(end, Math.min(have * 2, have + 256 * 1024 * 1024)));
    const pages = (to: number) => Math.ceil((to - have) / PAGE);
    if (this.tryGrow(pages(want)) || (want > end && this.tryGrow(pages(end)))) return;
    refuse("the host refused to grow the memory");
  }

  private tryGrow(pages: number): boolean {
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      return false;
    }
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
