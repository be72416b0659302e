// gemm and gemmBatched on both backends against a float64 reference computed here.
import { describe, it, expect, beforeAll } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import type { WasmBackend } from "../../src/backend/wasm/index.js";
import { bothBackends, put, get, seeded, SIZES, guarded, expectGuard, expectExact } from "./harness.js";

/**
 * Tolerance per entry: 1e-5 · (Σ_p |a_ip·b_pj| + |c_ij|) + 1e-6.
 * Inputs are float32 and the reference takes the same float32 values, so the only error is in the
 * kernel's float32 products and sums. A sum of k terms carries at most about k·u·Σ|terms|
 * (u = 2⁻²⁴ ≈ 6e-8) and, with errors of random sign as here, typically √k·u·Σ|terms|: for
 * k = 784 that is 1.7e-6, six times below the bound; the worst case would need k > 160 with every
 * rounding in the same direction. The bound scales with Σ|terms| rather than |c_ij|, because
 * cancellation can make c_ij tiny while its rounding error stays the size of the terms. The 1e-6
 * floor covers entries whose terms are all near zero.
 */
const RTOL = 1e-5;
const ATOL = 1e-6;

/**
 * (m, n, k): every size of SIZES appears, mixed with the shapes of an MLP layer and its backward.
 * The rest reach every edge path of the Wasm kernel: last panels of 1, 2, 4, 7, 8, 11, 12 and 13
 * columns (n mod 16), odd m, and k split into blocks (260, 513, 784) or exactly one (256).
 */
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [3, 7, 17], [33, 130, 7], [130, 17, 784], [32, 128, 784], [784, 128, 32], [32, 784, 128],
  [7, 1, 33], [1, 33, 3], [17, 3, 130], [2, 16, 513], [5, 29, 260], [64, 44, 256], [9, 11, 40], [6, 24, 19],
  [3, 36, 5],
];

interface Problem {
  m: number; n: number; k: number; transA: boolean; transB: boolean; accumulate: boolean;
  A: Float32Array; B: Float32Array; C0: Float32Array;
}

function problem(m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean, seed: number): Problem {
  return {
    m, n, k, transA, transB, accumulate,
    A: seeded(m * k, seed), B: seeded(k * n, seed + 1), C0: seeded(m * n, seed + 2, -2, 2),
  };
}

/** The float64 triple loop, and Σ|a·b| (+ |c|) per entry for the tolerance. */
function reference(q: Problem): { C: Float64Array; scale: Float64Array } {
  const { m, n, k, A, B, C0 } = q;
  const C = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = q.accumulate ? C0[i * n + j] : 0;
      let t = Math.abs(s);
      for (let p = 0; p < k; p++) {
        const a = q.transA ? A[p * m + i] : A[i * k + p];
        const b = q.transB ? B[j * k + p] : B[p * n + j];
        s += a * b;
        t += Math.abs(a * b);
      }
      C[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { C, scale };
}

/** Largest |got − want| / (RTOL·scale + ATOL) over the entries; ≤ 1 passes. */
function worst(got: Float32Array, want: Float64Array, scale: Float64Array): number {
  let w = 0;
  for (let i = 0; i < want.length; i++) {
    const r = Math.abs(got[i] - want[i]) / (RTOL * scale[i] + ATOL);
    if (!(r <= w)) w = Number.isNaN(r) ? Infinity : r;
  }
  return w;
}

/** Floats of guard placed before and after C; they must come back untouched. */
const GUARD = 7;
const GUARD_VALUE = 1234.5;

/** C laid out with guards: [GUARD × g][C0][GUARD × g]. Returns pointer to the whole block. */
function putGuarded(b: Backend, C0: Float32Array): number {
  const all = new Float32Array(C0.length + 2 * GUARD).fill(GUARD_VALUE);
  all.set(C0, GUARD);
  return put(b, all);
}

function guardsIntact(all: Float32Array): boolean {
  for (let g = 0; g < GUARD; g++) {
    if (all[g] !== GUARD_VALUE || all[all.length - 1 - g] !== GUARD_VALUE) return false;
  }
  return true;
}

function run(b: Backend, q: Problem): { C: Float32Array; guards: boolean; inputsKept: boolean } {
  const aPtr = put(b, q.A);
  const bPtr = put(b, q.B);
  const block = putGuarded(b, q.C0);
  b.gemm(aPtr, bPtr, block + GUARD * 4, q.m, q.n, q.k, q.transA, q.transB, q.accumulate);
  const all = get(b, block, q.C0.length + 2 * GUARD);
  const inputsKept = sameBits(get(b, aPtr, q.A.length), q.A) && sameBits(get(b, bPtr, q.B.length), q.B);
  b.heap.release(aPtr, Math.max(1, q.A.length) * 4);
  b.heap.release(bPtr, Math.max(1, q.B.length) * 4);
  b.heap.release(block, all.length * 4);
  return { C: all.subarray(GUARD, GUARD + q.C0.length), guards: guardsIntact(all), inputsKept };
}

function sameBits(x: Float32Array, y: Float32Array): boolean {
  return x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
}

const FORMS: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];
const label = (tA: boolean, tB: boolean) => `${tA ? "T" : "N"}${tB ? "T" : "N"}`;

let backends: { js: Backend; wasm: Backend };
beforeAll(async () => {
  backends = await bothBackends();
});

describe("gemm", () => {
  it("SHAPES use every size of SIZES", () => {
    const used = new Set(SHAPES.flat());
    for (const s of SIZES) expect(used.has(s), `size ${s}`).toBe(true);
  });

  for (const name of ["js", "wasm"] as const) {
    for (const [transA, transB] of FORMS) {
      for (const accumulate of [false, true]) {
        it(`${name} ${label(transA, transB)}${accumulate ? " accumulate" : ""} matches float64 at every shape`, () => {
          let seed = 100;
          for (const [m, n, k] of SHAPES) {
            const q = problem(m, n, k, transA, transB, accumulate, (seed += 10));
            const { C, scale } = reference(q);
            const got = run(backends[name], q);
            const where = `${m}×${n}×${k}`;
            expect(worst(got.C, C, scale), where).toBeLessThanOrEqual(1);
            expect(got.guards, `${where}: memory around C changed`).toBe(true);
            expect(got.inputsKept, `${where}: A or B changed`).toBe(true);
          }
        });
      }
    }
  }

  it("a 2×2 product checked by hand, in all four forms", () => {
    // op(A) = [[1, 2], [3, 4]], op(B) = [[5, 6], [7, 8]]: op(A)·op(B) = [[19, 22], [43, 50]].
    const a = [1, 2, 3, 4], aT = [1, 3, 2, 4];
    const b = [5, 6, 7, 8], bT = [5, 7, 6, 8];
    for (const name of ["js", "wasm"] as const) {
      const be = backends[name];
      for (const [transA, transB] of FORMS) {
        const aPtr = put(be, transA ? aT : a), bPtr = put(be, transB ? bT : b);
        const cPtr = put(be, [1, 1, 1, 1]);
        be.gemm(aPtr, bPtr, cPtr, 2, 2, 2, transA, transB, false);
        expect(Array.from(get(be, cPtr, 4)), `${name} ${label(transA, transB)}`).toEqual([19, 22, 43, 50]);
        be.gemm(aPtr, bPtr, cPtr, 2, 2, 2, transA, transB, true);
        expect(Array.from(get(be, cPtr, 4)), `${name} ${label(transA, transB)} +=`).toEqual([38, 44, 86, 100]);
      }
    }
  });

  it("k = 0 gives zeros, or leaves C as it was when accumulating; m or n = 0 touches nothing", () => {
    for (const name of ["js", "wasm"] as const) {
      const be = backends[name];
      const C0 = seeded(12, 5);
      for (const accumulate of [false, true]) {
        const block = putGuarded(be, C0);
        const aPtr = put(be, [9]), bPtr = put(be, [9]);
        be.gemm(aPtr, bPtr, block + GUARD * 4, 3, 4, 0, false, false, accumulate);
        const all = get(be, block, 12 + 2 * GUARD);
        expect(Array.from(all.subarray(GUARD, GUARD + 12)), `${name} k=0`).toEqual(accumulate ? Array.from(C0) : new Array(12).fill(0));
        expect(guardsIntact(all), `${name} k=0 guards`).toBe(true);
      }
      const block = putGuarded(be, C0);
      const aPtr = put(be, seeded(12, 6)), bPtr = put(be, seeded(12, 7));
      be.gemm(aPtr, bPtr, block + GUARD * 4, 0, 4, 3, false, false, false);
      be.gemm(aPtr, bPtr, block + GUARD * 4, 4, 0, 3, false, true, false);
      const all = get(be, block, 12 + 2 * GUARD);
      expect(sameBits(all.subarray(GUARD, GUARD + 12), C0), `${name} m=0, n=0`).toBe(true);
      expect(guardsIntact(all), `${name} m=0, n=0 guards`).toBe(true);
    }
  });

  it("Wasm and JS agree at an awkward size in every form", () => {
    // Parity on top of the float64 checks: the two backends sum in different orders and precisions,
    // so they are compared with the same Σ|a·b| tolerance, against each other.
    const [m, n, k] = [17, 33, 130];
    for (const [transA, transB] of FORMS) {
      const q = problem(m, n, k, transA, transB, true, 900);
      const { scale } = reference(q);
      const js = run(backends.js, q).C;
      const wasm = run(backends.wasm, q).C;
      expect(worst(wasm, Float64Array.from(js), scale), label(transA, transB)).toBeLessThanOrEqual(2);
    }
  });
});

describe("gemmBatched", () => {
  // (batch, m, n, k, strideA, strideB, strideC); strides in elements, -1 = the packed size.
  const CASES: [number, number, number, number, number, number, number][] = [
    [3, 7, 17, 33, -1, -1, -1],
    [4, 33, 7, 17, 0, -1, -1], // one A for every entry
    [4, 17, 33, 7, -1, 0, -1], // one B for every entry (packed once by the Wasm core)
    [2, 3, 130, 300, -1, 0, -1], // broadcast B deeper than one k block
    [3, 5, 7, 3, -1, -1, 40], // gaps between the C matrices, which must stay untouched
    [1, 130, 17, 7, -1, -1, -1],
  ];

  for (const name of ["js", "wasm"] as const) {
    for (const [transA, transB] of FORMS) {
      for (const accumulate of [false, true]) {
        it(`${name} ${label(transA, transB)}${accumulate ? " accumulate" : ""}: strided and broadcast batches`, () => {
          const be = backends[name];
          let seed = 500;
          for (const [batch, m, n, k, sa0, sb0, sc0] of CASES) {
            const sa = sa0 < 0 ? m * k : sa0, sb = sb0 < 0 ? k * n : sb0, sc = sc0 < 0 ? m * n : sc0;
            const lenA = (batch - 1) * sa + m * k, lenB = (batch - 1) * sb + k * n, lenC = (batch - 1) * sc + m * n;
            const A = seeded(lenA, (seed += 10)), B = seeded(lenB, seed + 1), C0 = seeded(lenC, seed + 2, -2, 2);
            const aPtr = put(be, A), bPtr = put(be, B), block = putGuarded(be, C0);
            be.gemmBatched(aPtr, bPtr, block + GUARD * 4, batch, m, n, k, transA, transB, accumulate, sa, sb, sc);
            const all = get(be, block, lenC + 2 * GUARD);
            const C = all.subarray(GUARD, GUARD + lenC);
            const where = `batch ${batch} ${m}×${n}×${k} strides ${sa},${sb},${sc}`;
            expect(guardsIntact(all), `${where}: guards`).toBe(true);
            const touched = new Uint8Array(lenC);
            for (let e = 0; e < batch; e++) {
              const q: Problem = {
                m, n, k, transA, transB, accumulate,
                A: A.subarray(e * sa, e * sa + m * k), B: B.subarray(e * sb, e * sb + k * n),
                C0: C0.subarray(e * sc, e * sc + m * n),
              };
              const want = reference(q);
              expect(worst(C.subarray(e * sc, e * sc + m * n), want.C, want.scale), `${where}: entry ${e}`).toBeLessThanOrEqual(1);
              touched.fill(1, e * sc, e * sc + m * n);
            }
            for (let i = 0; i < lenC; i++) {
              if (!touched[i] && !Object.is(C[i], C0[i])) throw new Error(`${where}: C[${i}] between matrices changed`);
            }
            be.heap.release(aPtr, lenA * 4);
            be.heap.release(bPtr, lenB * 4);
            be.heap.release(block, (lenC + 2 * GUARD) * 4);
          }
        });
      }
    }
  }

  it("strideC = 0 with accumulate sums every entry into one C", () => {
    for (const name of ["js", "wasm"] as const) {
      const be = backends[name];
      const [batch, m, n, k] = [3, 5, 17, 9];
      const A = seeded(batch * m * k, 77), B = seeded(k * n, 78), C0 = seeded(m * n, 79);
      const aPtr = put(be, A), bPtr = put(be, B), cPtr = put(be, C0);
      be.gemmBatched(aPtr, bPtr, cPtr, batch, m, n, k, false, false, true, m * k, 0, 0);
      const want = new Float64Array(m * n), scale = new Float64Array(m * n);
      for (let e = 0; e < batch; e++) {
        const r = reference({ m, n, k, transA: false, transB: false, accumulate: e === 0, A: A.subarray(e * m * k, (e + 1) * m * k), B, C0 });
        for (let i = 0; i < m * n; i++) {
          want[i] += r.C[i];
          scale[i] += r.scale[i];
        }
      }
      expect(worst(get(be, cPtr, m * n), want, scale), name).toBeLessThanOrEqual(1);
    }
  });
});

describe("packB and gemmPacked", () => {
  // gemmPacked runs the same loops as gemm over a B packed beforehand, so it must give gemm's result
  // bit for bit, at every shape (including k split into several blocks: 260, 513, 784) and form.
  for (const name of ["js", "wasm"] as const) {
    for (const [transA, transB] of FORMS) {
      for (const accumulate of [false, true]) {
        it(`${name} ${label(transA, transB)}${accumulate ? " accumulate" : ""}: equals gemm exactly, packing leaves B and the memory around it alone`, () => {
          const be = backends[name];
          let seed = 700;
          for (const [m, n, k] of SHAPES) {
            const q = problem(m, n, k, transA, transB, accumulate, (seed += 10));
            const want = run(be, q).C;
            const bytes = be.packedBBytes(n, k);
            expect(bytes % 4, "whole floats").toBe(0);
            const bPtr = put(be, q.B);
            const packed = guarded(be, bytes / 4);
            be.packB(bPtr, packed, n, k, transB);
            expectGuard(be, packed, bytes / 4, `${m}×${n}×${k} packB`);
            expect(sameBits(get(be, bPtr, q.B.length), q.B), `${m}×${n}×${k}: B changed`).toBe(true);
            const aPtr = put(be, q.A);
            const block = putGuarded(be, q.C0);
            be.gemmPacked(aPtr, packed, block + GUARD * 4, m, n, k, transA, accumulate);
            const all = get(be, block, q.C0.length + 2 * GUARD);
            expect(guardsIntact(all), `${m}×${n}×${k}: memory around C changed`).toBe(true);
            expectExact(all.subarray(GUARD, GUARD + q.C0.length), want, `${m}×${n}×${k}`);
            // Packed once, used again: the packed B is read, never written.
            be.gemmPacked(aPtr, packed, block + GUARD * 4, m, n, k, transA, false);
            const again = get(be, block + GUARD * 4, q.C0.length);
            if (!accumulate) expectExact(again, want, `${m}×${n}×${k} second use`);
            for (const [ptr, len] of [[aPtr, q.A.length], [bPtr, q.B.length], [block, all.length], [packed, bytes / 4 + 4]]) {
              be.heap.release(ptr, Math.max(1, len) * 4);
            }
          }
        });
      }
    }
  }

  it("k = 0 packs nothing and gives zeros (or leaves C) as gemm does; m or n = 0 touches nothing", () => {
    for (const name of ["js", "wasm"] as const) {
      const be = backends[name];
      const C0 = seeded(12, 9);
      for (const [m, n, k] of [[3, 4, 0], [0, 4, 3], [3, 0, 3]]) {
        for (const accumulate of [false, true]) {
          const bytes = be.packedBBytes(n, k);
          const packed = guarded(be, bytes / 4, 5);
          const bPtr = put(be, seeded(Math.max(1, n * k), 10));
          be.packB(bPtr, packed, n, k, false);
          expectGuard(be, packed, bytes / 4, `${name} ${m}×${n}×${k} packB`);
          const block = putGuarded(be, C0);
          be.gemmPacked(put(be, seeded(Math.max(1, m * k), 11)), packed, block + GUARD * 4, m, n, k, false, accumulate);
          const all = get(be, block, 12 + 2 * GUARD);
          const want = k === 0 && !accumulate ? new Float32Array(12) : C0; // with k = 0, m·n = 12
          expectExact(all.subarray(GUARD, GUARD + 12), want, `${name} ${m}×${n}×${k}${accumulate ? " accumulate" : ""}`);
          expect(guardsIntact(all), `${name} ${m}×${n}×${k} guards`).toBe(true);
        }
      }
    }
  });
});

describe("gemmPeak (the benchmark's ceiling probe)", () => {
  it("does the micro-kernel's arithmetic: 8 accumulators, each += 0.5·0.5 per step", () => {
    const core = backends.wasm as WasmBackend;
    // Lane 0 of the sum of the eight accumulators after n steps: 8 · 0.25 · n, exact in float32.
    expect(core.gemmPeak(1000)).toBe(2000);
    expect(core.gemmPeak(0)).toBe(0);
  });
});
