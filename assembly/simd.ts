// Lane helpers shared by kernel families: horizontal sums and maxima, and a four-lane exp.
// Not a kernel family: index.ts does not re-export it.

/** Sum of the four f32 lanes, pairwise. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Largest of the four f32 lanes. */
// @ts-ignore: decorator
@inline export function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/**
 * Σ ptr[0..len): four f32x4 accumulators over 16 floats a step, then a vector and a scalar tail.
 * One accumulator would wait on its own add at every step (a bias gradient's sum over LeNet's
 * first-layer dy, 147k floats, took 22 µs; four take a quarter of the adds' latency each).
 */
// @ts-ignore: decorator
@inline export function rowSum(ptr: usize, len: i32): f32 {
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const q = ptr + (<usize>i << 2);
    a0 = f32x4.add(a0, v128.load(q));
    a1 = f32x4.add(a1, v128.load(q, 16));
    a2 = f32x4.add(a2, v128.load(q, 32));
    a3 = f32x4.add(a3, v128.load(q, 48));
  }
  for (; i + 4 <= len; i += 4) a0 = f32x4.add(a0, v128.load(ptr + (<usize>i << 2)));
  let s = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (; i < len; i++) s += load<f32>(ptr + (<usize>i << 2));
  return s;
}

/**
 * a·b + c in four lanes. The relaxed core (built with --enable relaxed-simd) emits
 * f32x4.relaxed_madd, which x86 with FMA and ARM run as one fused multiply-add (one rounding);
 * the plain core, and hosts without FMA, round the product and the sum separately. Chosen at
 * compile time, so the plain core is the same code as before this helper existed.
 */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Below this, e^x is under the smallest normal f32; expv gives 0 there (and for −∞). */
export const EXP_MIN: f32 = -87.33654;
const EXP_MAX: f32 = 88.72283;
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/**
 * e^x in four lanes (Cephes' expf): x = n·ln2 + r with n = round(x·log₂e) and |r| ≤ ln2/2, ln 2
 * split in two so that r is exact; e^r from a degree-6 polynomial, 2ⁿ built in the exponent bits.
 * Within ~2 ulp of the correctly rounded value on [EXP_MIN, 88.7]; 0 below EXP_MIN (so −∞ gives
 * an exact 0, which masked attention scores rely on). WebAssembly has no vector exp, and a
 * softmax over attention scores spends most of its time in exp.
 */
// @ts-ignore: decorator
@inline export function expv(x: v128): v128 {
  const under = f32x4.lt(x, f32x4.splat(EXP_MIN));
  const c = f32x4.min(f32x4.max(x, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const n = f32x4.nearest(f32x4.mul(c, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(c, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(p, scale), under);
}

/** expv in one lane, for the scalar tails (the same polynomial, so tails and lanes agree). */
// @ts-ignore: decorator
@inline export function exp1(x: f32): f32 {
  return f32x4.extract_lane(expv(f32x4.splat(x)), 0);
}
