// Elementwise kernels: binary with every broadcast shape, and every unary op.
//
// + − × ÷ of two f32 values computed in f64 and rounded once (the reference) give the correctly
// rounded f32 result, which is what f32x4 arithmetic gives: binary and the arithmetic unary ops
// must match bit for bit. Only exp, log and pow (Mathf vs Math) and scalars that are not f32
// values may differ, by the bounds given where they are tested.
import { describe, it, expect } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { Binary, Unary } from "../../src/backend/opcodes.js";
import { bothBackends, closeness, expectExact, expectGuard, get, guarded, put, seeded, SIZES, U } from "./harness.js";

const { js, wasm } = await bothBackends();

const BINARY: [string, Binary][] = [["add", Binary.Add], ["sub", Binary.Sub], ["mul", Binary.Mul], ["div", Binary.Div]];

/** binary on backend b; with `alias` the result is written over a. */
function binaryOn(b: Backend, op: Binary, a: Float32Array, bv: Float32Array, n: number, bn: number, inner: number, alias = false): Float32Array {
  const ap = alias ? guarded(b, n) : put(b, a);
  if (alias) b.heap.f32(ap, n).set(a);
  const bp = put(b, bv);
  const out = alias ? ap : guarded(b, n);
  b.binary(op, ap, bp, out, n, bn, inner);
  const what = `binary ${b.name} op=${op} n=${n} bn=${bn} inner=${inner}${alias ? " aliased" : ""}`;
  expectGuard(b, out, n, what);
  expect(Array.from(get(b, bp, bn)), `${what}: b was modified`).toEqual(Array.from(bv));
  return get(b, out, n);
}

/** Every broadcast shape the contract names, as [n, bn, inner]. */
function binaryShapes(): [number, number, number][] {
  const shapes: [number, number, number][] = [];
  for (const n of SIZES) {
    shapes.push([n, n, 1]); // plain
    shapes.push([n, 1, 1]); // scalar
    shapes.push([n, 1, 5]); // scalar, whatever inner says
  }
  // Trailing vector, whole rows.
  for (const bn of [1, 3, 17, 128]) for (const rows of [1, 3, 7]) shapes.push([rows * bn, bn, 1]);
  // Trailing vector with a last partial row (the reference allows it).
  shapes.push([7, 3, 1], [33, 17, 1], [130, 128, 1], [784, 17, 1]);
  // Middle axis: [outer, 3, inner] runs, whole and cut short.
  for (const inner of [1, 5, 49]) for (const outer of [1, 2, 7]) shapes.push([outer * 3 * inner, 3, inner]);
  for (const n of SIZES) shapes.push([n, 3, 5], [n, 3, 49]);
  return shapes;
}

describe("binary", () => {
  for (const [name, op] of BINARY) {
    it(`${name}: matches the reference bit for bit at every broadcast shape`, () => {
      for (const [n, bn, inner] of binaryShapes()) {
        const a = seeded(n, n * 31 + bn);
        // Divisors kept away from 0 so that quotients stay finite; signs still mixed.
        const bv = seeded(bn, bn * 17 + inner, 0.25, 2).map((v, i) => (i % 2 === 0 ? v : -v));
        const what = `binary ${name} n=${n} bn=${bn} inner=${inner}`;
        const want = binaryOn(js, op, a, bv, n, bn, inner);
        expectExact(binaryOn(wasm, op, a, bv, n, bn, inner), want, what);
        expectExact(binaryOn(wasm, op, a, bv, n, bn, inner, true), want, `${what} (out = a)`);
        expectExact(binaryOn(js, op, a, bv, n, bn, inner, true), want, `${what} (js, out = a)`);
      }
    });
  }

  it("computes hand-checked broadcasts on both backends", () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    for (const b of [js, wasm]) {
      // [2,3] + bias [10,20,30]
      expect(Array.from(binaryOn(b, Binary.Add, a, new Float32Array([10, 20, 30]), 6, 3, 1)), b.name).toEqual([11, 22, 33, 14, 25, 36]);
      // [2,3] · per-row [2,−1]: runs of inner = 3 share one value
      expect(Array.from(binaryOn(b, Binary.Mul, a, new Float32Array([2, -1]), 6, 2, 3)), b.name).toEqual([2, 4, 6, -4, -5, -6]);
      // [3,2] − scalar 1
      expect(Array.from(binaryOn(b, Binary.Sub, a, new Float32Array([1]), 6, 1, 1)), b.name).toEqual([0, 1, 2, 3, 4, 5]);
      // [1,3,2] ÷ per-channel [1,2,4] over inner = 2
      expect(Array.from(binaryOn(b, Binary.Div, a, new Float32Array([1, 2, 4]), 6, 3, 2)), b.name).toEqual([1, 2, 1.5, 2, 1.25, 1.5]);
    }
  });
});

function unaryOn(b: Backend, op: Unary, x: Float32Array, p: number, alias = false): Float32Array {
  const n = x.length;
  const xp = alias ? guarded(b, n) : put(b, x);
  if (alias) b.heap.f32(xp, n).set(x);
  const out = alias ? xp : guarded(b, n);
  b.unary(op, xp, out, n, p);
  expectGuard(b, out, n, `unary ${b.name} op=${op} n=${n}`);
  return get(b, out, n);
}

/**
 * [name, op, p, input range, atol, rtol]. atol = rtol = 0 means bit for bit.
 * - exp, log, pow: AssemblyScript's Mathf ports musl's expf/logf/powf (documented within 0.502,
 *   0.818 and 0.82 ulp), the reference rounds Math.* once (≤ 0.5 ulp), so they differ by at most
 *   1 ulp, ≤ 2⁻²³ relative; 2⁻²² leaves room for the f64 error of Math.* itself.
 * - p = 0.1 is not an f32 value: the kernel adds or multiplies f32(0.1), the reference 0.1 in
 *   f64. For x + p that is |p − f32(p)| ≤ U·|p| absolute (which x ≈ −p does not shrink), plus
 *   one rounding on each side (2U relative); for x · p it is 3U relative.
 */
const UNARY: [string, Unary, number, [number, number], number, number][] = [
  ["neg", Unary.Neg, 0, [-4, 4], 0, 0],
  ["exp", Unary.Exp, 0, [-10, 10], 0, 2 ** -22],
  ["log", Unary.Log, 0, [1e-3, 10], 0, 2 ** -22],
  ["sqrt", Unary.Sqrt, 0, [0, 10], 0, 0],
  ["square", Unary.Square, 0, [-4, 4], 0, 0],
  ["abs", Unary.Abs, 0, [-4, 4], 0, 0],
  ["reciprocal", Unary.Reciprocal, 0, [0.01, 4], 0, 0],
  ["addScalar 0.375", Unary.AddScalar, 0.375, [-4, 4], 0, 0],
  ["addScalar 0.1", Unary.AddScalar, 0.1, [-0.2, 0.2], U * 0.1, 2 * U],
  ["mulScalar −2.5", Unary.MulScalar, -2.5, [-4, 4], 0, 0],
  ["mulScalar 0.1", Unary.MulScalar, 0.1, [-4, 4], 0, 3 * U],
  ["powScalar 2.5", Unary.PowScalar, 2.5, [1e-3, 10], 0, 2 ** -22],
  ["powScalar −0.5", Unary.PowScalar, -0.5, [1e-3, 10], 0, 2 ** -22],
  ["powScalar 3 (negative bases)", Unary.PowScalar, 3, [-4, 4], 0, 2 ** -22],
];

describe("unary", () => {
  for (const [name, op, p, [lo, hi], atol, rtol] of UNARY) {
    it(`${name}: matches the reference${atol === 0 && rtol === 0 ? " bit for bit" : ` within ${atol} + ${rtol.toExponential(2)}·|ref|`}`, () => {
      for (const n of SIZES) {
        const x = seeded(n, n * 13 + op, lo, hi);
        const want = unaryOn(js, op, x, p);
        const what = `unary ${name} n=${n}`;
        for (const [got, how] of [[unaryOn(wasm, op, x, p), ""], [unaryOn(wasm, op, x, p, true), " (out = x)"]] as const) {
          if (atol === 0 && rtol === 0) expectExact(got, want, what + how);
          else expect(closeness(got, want, atol, rtol), what + how).toBeLessThanOrEqual(1);
        }
        expectExact(unaryOn(js, op, x, p, true), want, `${what} (js, out = x)`);
      }
    });
  }

  it("computes hand-checked values on both backends", () => {
    const x = new Float32Array([-2, 0.25, 4, 9]);
    for (const b of [js, wasm]) {
      expect(Array.from(unaryOn(b, Unary.Neg, x, 0)), b.name).toEqual([2, -0.25, -4, -9]);
      expect(Array.from(unaryOn(b, Unary.Sqrt, x, 0).subarray(1)), b.name).toEqual([0.5, 2, 3]);
      expect(Number.isNaN(unaryOn(b, Unary.Sqrt, x, 0)[0]), `${b.name} sqrt(−2)`).toBe(true);
      expect(Array.from(unaryOn(b, Unary.Square, x, 0)), b.name).toEqual([4, 0.0625, 16, 81]);
      expect(Array.from(unaryOn(b, Unary.Abs, x, 0)), b.name).toEqual([2, 0.25, 4, 9]);
      expect(Array.from(unaryOn(b, Unary.Reciprocal, x, 0)), b.name).toEqual([-0.5, 4, 0.25, 1 / 9].map(Math.fround));
      expect(Array.from(unaryOn(b, Unary.AddScalar, x, 1.5)), b.name).toEqual([-0.5, 1.75, 5.5, 10.5]);
      expect(Array.from(unaryOn(b, Unary.MulScalar, x, -2)), b.name).toEqual([4, -0.5, -8, -18]);
      expect(Array.from(unaryOn(b, Unary.PowScalar, x, 2)), b.name).toEqual([4, 0.0625, 16, 81]);
      expect(Array.from(unaryOn(b, Unary.PowScalar, x.subarray(1), 0.5)), b.name).toEqual([0.5, 2, 3]);
      expect(Array.from(unaryOn(b, Unary.Exp, new Float32Array([0, Math.LN2]), 0)), b.name).toEqual([1, 2]);
      expect(Array.from(unaryOn(b, Unary.Log, new Float32Array([1, 0]), 0)), b.name).toEqual([0, -Infinity]);
      expect(Array.from(unaryOn(b, Unary.Reciprocal, new Float32Array([0, -0]), 0)), b.name).toEqual([Infinity, -Infinity]);
    }
  });
});
