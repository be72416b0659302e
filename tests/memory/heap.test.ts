// The allocator: size classes, reuse of released blocks, alignment, growth.
import { beforeAll, describe, expect, it } from "vitest";
import { backend, Heap, ready } from "../../src/index.js";
import { sizeClass } from "../../src/memory/heap.js";

const PAGE = 65536;

describe("sizeClass", () => {
  it("64-byte steps up to 4 KiB", () => {
    expect(sizeClass(0)).toBe(16);
    expect(sizeClass(1)).toBe(64);
    expect(sizeClass(64)).toBe(64);
    expect(sizeClass(65)).toBe(128);
    expect(sizeClass(4000)).toBe(4032);
    expect(sizeClass(4096)).toBe(4096);
  });
  it("then 8 steps per power of two", () => {
    expect(sizeClass(4097)).toBe(4608);
    expect(sizeClass(5000)).toBe(5120);
    expect(sizeClass(8192)).toBe(8192);
    expect(sizeClass(8193)).toBe(9216);
    // 401,408 bytes (a 784×128 weight): 2¹⁸ + 32 KiB steps → 13 steps = 425,984.
    expect(sizeClass(784 * 128 * 4)).toBe(425984);
    expect(sizeClass(1_000_000)).toBe(1_048_576);
  });
  it("never rounds down, and wastes at most 1/8 above 4 KiB", () => {
    for (let b = 1; b < 200_000; b += 997) {
      const c = sizeClass(b);
      expect(c).toBeGreaterThanOrEqual(b);
      if (b > 4096) expect(c / b).toBeLessThanOrEqual(1.125);
      expect(c % 16).toBe(0);
    }
  });
});

describe("Heap", () => {
  const fresh = (pages = 1, base = 0): Heap => new Heap(new WebAssembly.Memory({ initial: pages }), base);

  it("starts at the 16-byte-aligned base and bumps by size class", () => {
    const h = fresh(1, 17);
    expect(h.alloc(4)).toBe(32);
    expect(h.alloc(100)).toBe(32 + 64);
    expect(h.alloc(1)).toBe(32 + 64 + 128);
  });

  it("alloc/release/alloc returns the same pointer, for the same size class only", () => {
    const h = fresh();
    const a = h.alloc(1000);
    const b = h.alloc(40);
    h.release(a, 1000);
    expect(h.alloc(1000)).toBe(a);
    h.release(b, 40);
    // 100 bytes is another class (128) than 40 (64): no reuse of b.
    const c = h.alloc(100);
    expect(c).not.toBe(b);
    // 60 bytes is b's class: reused.
    expect(h.alloc(60)).toBe(b);
  });

  it("releases are reused last-in first-out, and a steady loop stops growing", () => {
    const h = fresh();
    const p1 = h.alloc(256);
    const p2 = h.alloc(256);
    h.release(p1, 256);
    h.release(p2, 256);
    expect(h.alloc(256)).toBe(p2);
    expect(h.alloc(256)).toBe(p1);
    h.release(p1, 256);
    h.release(p2, 256);
    // A "training step" making the same temporaries each time.
    const step = (): number[] => [h.alloc(3136), h.alloc(512), h.alloc(40)];
    const first = step();
    first.forEach((p, i) => h.release(p, [3136, 512, 40][i]));
    const end = h.byteLength;
    for (let k = 0; k < 100; k++) {
      const ps = step();
      expect(new Set(ps)).toEqual(new Set(first));
      ps.forEach((p, i) => h.release(p, [3136, 512, 40][i]));
    }
    expect(h.byteLength).toBe(end);
    expect(h.bytesInUse).toBe(0);
  });

  it("pointers are 16-byte aligned and blocks do not overlap", () => {
    const h = fresh();
    const blocks: [number, number][] = [];
    for (const n of [1, 3, 7, 17, 33, 130, 784, 5000]) {
      const p = h.alloc(n * 4);
      expect(p % 16).toBe(0);
      blocks.push([p, p + sizeClass(n * 4)]);
    }
    blocks.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i][0]).toBeGreaterThanOrEqual(blocks[i - 1][1]);
  });

  it("bytesInUse counts size classes handed out and not released", () => {
    const h = fresh();
    const a = h.alloc(10);
    const b = h.alloc(5000);
    expect(h.bytesInUse).toBe(64 + 5120);
    h.release(a, 10);
    expect(h.bytesInUse).toBe(5120);
    h.release(b, 5000);
    expect(h.bytesInUse).toBe(0);
  });

  it("growth keeps data intact and detaches old views", () => {
    const h = fresh(1);
    const p = h.alloc(400);
    h.f32(p, 100).set(Float32Array.from({ length: 100 }, (_, i) => i * 0.5));
    const old = h.f32(p, 100);
    expect(h.byteLength).toBe(PAGE);
    // Far more than one page: the memory must grow (at least geometrically).
    const q = h.alloc(300_000);
    expect(h.byteLength).toBeGreaterThanOrEqual(q + 300_000);
    expect(h.byteLength).toBeGreaterThanOrEqual(2 * PAGE);
    expect(old.length).toBe(0); // the old view was detached by memory.grow
    expect(Array.from(h.f32(p, 100))).toEqual(Array.from({ length: 100 }, (_, i) => i * 0.5));
    h.f32(q, 75_000).fill(3);
    expect(h.f32(p, 100)[99]).toBe(49.5);
  });

  it("near its limit the heap grows by exactly what is needed, not geometrically past the limit", () => {
    // 10 pages at most: from 6 pages, doubling would ask for 12. A block that fits in 10 must still be given.
    const h = new Heap(new WebAssembly.Memory({ initial: 6, maximum: 10 }), 0, 10 * PAGE);
    h.alloc(5 * PAGE);
    const p = h.alloc(3 * PAGE);
    expect(p).toBe(5 * PAGE);
    expect(h.byteLength).toBeLessThanOrEqual(10 * PAGE);
    expect(h.bytesInUse).toBe(8 * PAGE);
  });

  it("when the host refuses the geometric step, the heap grows by exactly the request", () => {
    // The heap believes in 4 GiB but the memory declares 10 pages: the doubling fails, the exact growth succeeds.
    const h = new Heap(new WebAssembly.Memory({ initial: 6, maximum: 10 }), 0);
    h.alloc(5 * PAGE);
    expect(h.alloc(3 * PAGE)).toBe(5 * PAGE);
    expect(h.byteLength).toBe(8 * PAGE);
  });

  it("a request beyond the limit, or that the host refuses, throws with the bytes and the limit and changes nothing", () => {
    const h = new Heap(new WebAssembly.Memory({ initial: 2, maximum: 4 }), 0, 4 * PAGE);
    const a = h.alloc(1000);
    const used = h.bytesInUse;
    expect(() => h.alloc(5 * PAGE)).toThrow(/^heap: cannot allocate 327680 bytes \(320 KiB\): the memory cannot grow that far; 1 KiB in use, memory 128 KiB, limit 256 KiB$/);
    expect(h.bytesInUse).toBe(used);
    const lying = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0, 8 * PAGE);
    expect(() => lying.alloc(4 * PAGE)).toThrow(/^heap: cannot allocate 262144 bytes \(256 KiB\): the host refused to grow the memory; 0 bytes in use, memory 64 KiB, limit 512 KiB$/);
    expect(lying.bytesInUse).toBe(0);
    expect(() => h.alloc(NaN)).toThrow(/^heap: cannot allocate NaN bytes, expected a finite count ≥ 0$/);
    // The heap still works, and the next block follows the last one given.
    expect(h.alloc(1000)).toBe(a + 1024);
    expect(h.bytesInUse).toBe(used + 1024);
  });

  it("grow(bytes) adds whole pages", () => {
    const h = fresh(1);
    h.grow(1);
    expect(h.byteLength).toBe(2 * PAGE);
    h.grow(PAGE + 1);
    expect(h.byteLength).toBe(4 * PAGE);
  });
});

for (const name of ["js", "wasm"] as const) {
  describe(`${name} backend heap`, () => {
    beforeAll(async () => {
      await ready();
    });
    it("reuses a released block and keeps other blocks' data across growth", () => {
      const h = backend(name).heap;
      const keep = h.alloc(64);
      h.f32(keep, 16).set(Float32Array.from({ length: 16 }, (_, i) => i + 1));
      const a = h.alloc(12_345);
      h.release(a, 12_345);
      expect(h.alloc(12_345)).toBe(a);
      h.release(a, 12_345);
      const before = h.byteLength;
      const big = h.alloc(before + 1000);
      expect(h.byteLength).toBeGreaterThan(before);
      expect(Array.from(h.f32(keep, 16))).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      h.release(big, before + 1000);
      h.release(keep, 64);
    });
  });
}
