// Shared helpers for kernel tests: both backends, arrays in and out of their heaps, seeded data.
import { expect } from "vitest";
import { backend, ready, type Backend } from "../../src/backend/index.js";

/**
 * The reference (js) and the Wasm backend, the core loaded. WASMNN_SIMD=relaxed (set by
 * tests/backend/relaxed.test.ts for a child run under --experimental-wasm-relaxed-simd) loads the
 * relaxed core instead, which exists only as a release build.
 */
export async function bothBackends(): Promise<{ js: Backend; wasm: Backend }> {
  if (process.env.WASMNN_SIMD === "relaxed") await ready({ simd: "relaxed", debug: false });
  else await ready();
  return { js: backend("js"), wasm: backend("wasm") };
}

/** Copy `data` into a fresh block of b's heap; returns its pointer. */
export function put(b: Backend, data: ArrayLike<number>): number {
  const ptr = b.heap.alloc(Math.max(1, data.length) * 4);
  b.heap.f32(ptr, data.length).set(data);
  return ptr;
}

/** A fresh block of n floats filled with `value`. */
export function zerosIn(b: Backend, n: number, value = 0): number {
  const ptr = b.heap.alloc(Math.max(1, n) * 4);
  b.heap.f32(ptr, n).fill(value);
  return ptr;
}

/** A copy of n floats at ptr. */
export function get(b: Backend, ptr: number, n: number): Float32Array {
  return b.heap.f32(ptr, n).slice();
}

/** Deterministic uniform values in [lo, hi) (mulberry32). */
export function seeded(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

/** Largest |a_i − b_i| / (atol + rtol·|b_i|); ≤ 1 means within tolerance. */
export function closeness(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const r = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
    if (!(r <= worst)) worst = Number.isNaN(r) ? Infinity : r;
  }
  return worst;
}

/** Awkward sizes every kernel is tested at: odd, prime, and around SIMD widths. */
export const SIZES = [1, 3, 7, 17, 33, 130, 784];

/** Unit roundoff of f32. */
export const U = 2 ** -24;

/** Floats written after every output block, which a kernel must leave alone. */
export const GUARD = 4;
export const SENTINEL = -7777.25;

/** A block of n floats set to `init`, followed by GUARD sentinels. */
export function guarded(b: Backend, n: number, init = 0): number {
  const ptr = zerosIn(b, n + GUARD, init);
  b.heap.f32(ptr + 4 * n, GUARD).fill(SENTINEL);
  return ptr;
}

/** The sentinels after an output block of n floats are intact. */
export function expectGuard(b: Backend, ptr: number, n: number, what: string): void {
  expect(Array.from(get(b, ptr + 4 * n, GUARD)), `${what}: floats after the output were written`).toEqual(new Array(GUARD).fill(SENTINEL));
}

/** Same values, bit for bit (Object.is: NaN equals NaN, +0 differs from −0). */
export function expectExact(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length).toBe(want.length);
  const i = got.findIndex((g, k) => !Object.is(g, want[k]));
  expect(i, `${what}: element ${i} is ${got[i]}, reference ${want[i]}`).toBe(-1);
}

/** |got − want| ≤ bound elementwise (NaN fails). */
export function expectWithin(got: Float32Array, want: Float32Array, bound: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  const i = got.findIndex((g, k) => !(Math.abs(g - want[k]) <= bound[k]));
  expect(i, `${what}: element ${i} is ${got[i]}, reference ${want[i]}, allowed ±${bound[i]}`).toBe(-1);
}
