// f64 accumulation of f32 lanes, for the kernels that return one number summed over many floats
// (losses, squared norms). Not a kernel family: index.ts does not re-export it.

/** Sum of the two f64 lanes. */
// @ts-ignore: decorator
@inline export function hsum64(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** acc + a² for the four f32 lanes of a, squared and summed in f64 (two lanes per f64x2). */
// @ts-ignore: decorator
@inline export function addSquares64(acc: v128, a: v128): v128 {
  const lo = f64x2.promote_low_f32x4(a);
  const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 0, 1));
  return f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
}
