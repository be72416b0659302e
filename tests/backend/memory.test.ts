// Memory kernels: strided block copy and batched transpose. Both only move floats, so the Wasm
// core must match the JS reference bit for bit.
import { describe, it, expect } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { bothBackends, expectExact, expectGuard, get, guarded, put, seeded, SENTINEL, SIZES } from "./harness.js";

const { js, wasm } = await bothBackends();

function copyBlocksOn(b: Backend, src: Float32Array, blocks: number, blockLen: number, srcStride: number, dstStride: number): Float32Array {
  const dstLen = (blocks - 1) * dstStride + blockLen;
  const s = put(b, src);
  // The gaps between destination blocks start as sentinels too: they must survive the copy.
  const d = guarded(b, dstLen, SENTINEL);
  b.copyBlocks(s, d, blocks, blockLen, srcStride, dstStride);
  expectGuard(b, d, dstLen, `copyBlocks ${b.name} blocks=${blocks} len=${blockLen}`);
  return get(b, d, dstLen);
}

function transposeOn(b: Backend, x: Float32Array, batch: number, rows: number, cols: number): Float32Array {
  const n = batch * rows * cols;
  const xp = put(b, x);
  const out = guarded(b, n);
  b.transpose(xp, out, batch, rows, cols);
  expectGuard(b, out, n, `transpose ${b.name} ${batch}×${rows}×${cols}`);
  return get(b, out, n);
}

describe("copyBlocks", () => {
  it("matches the reference for short and long blocks, tight and padded strides", () => {
    // 4 and 33/130 straddle the inline-loop / memory.copy switch at 32 floats.
    for (const blocks of [1, 3, 7, 17]) {
      for (const blockLen of [1, 3, 4, 7, 17, 33, 130]) {
        for (const [srcPad, dstPad] of [[0, 0], [5, 0], [0, 3], [2, 9]]) {
          const srcStride = blockLen + srcPad;
          const dstStride = blockLen + dstPad;
          const src = seeded((blocks - 1) * srcStride + blockLen, blocks * 1000 + blockLen);
          const what = `copyBlocks blocks=${blocks} len=${blockLen} strides=${srcStride},${dstStride}`;
          expectExact(copyBlocksOn(wasm, src, blocks, blockLen, srcStride, dstStride), copyBlocksOn(js, src, blocks, blockLen, srcStride, dstStride), what);
        }
      }
    }
  });

  it("gathers columns 1..2 of a 3×4 matrix (a slice along the last axis)", () => {
    const m = [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23];
    for (const b of [js, wasm]) {
      expect(Array.from(copyBlocksOn(b, new Float32Array(m.slice(1)), 3, 2, 4, 2)), b.name).toEqual([1, 2, 11, 12, 21, 22]);
    }
  });
});

describe("transpose", () => {
  it("matches the reference at awkward shapes, batched", () => {
    for (const rows of SIZES) {
      for (const cols of SIZES) {
        if (rows * cols > 120_000) continue;
        for (const batch of [1, 3]) {
          const x = seeded(batch * rows * cols, rows * 7919 + cols);
          const what = `transpose ${batch}×${rows}×${cols}`;
          expectExact(transposeOn(wasm, x, batch, rows, cols), transposeOn(js, x, batch, rows, cols), what);
        }
      }
    }
  });

  it("matches the reference on 784×128 and 128×784 (MNIST weight shapes)", () => {
    for (const [rows, cols] of [[784, 128], [128, 784]]) {
      const x = seeded(2 * rows * cols, rows);
      expectExact(transposeOn(wasm, x, 2, rows, cols), transposeOn(js, x, 2, rows, cols), `transpose 2×${rows}×${cols}`);
    }
  });

  it("turns [[1,2,3],[4,5,6]] into [[1,4],[2,5],[3,6]] per batch entry", () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const b of [js, wasm]) {
      expect(Array.from(transposeOn(b, x, 2, 2, 3)), b.name).toEqual([1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12]);
    }
  });
});
