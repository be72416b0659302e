// The number formats a safetensors file may hold, and their conversion to and from the f32 that
// wasmnn computes in. Every value is read and written little-endian through a DataView, so the
// files are the same whatever the byte order of the machine.
//
//   F32  IEEE binary32                       read and written
//   F16  IEEE binary16: 1 sign, 5 exponent, 10 mantissa bits; written on request (half the size)
//   BF16 bfloat16: the top 16 bits of a binary32 (8 exponent bits, 7 mantissa bits)
//   F64  IEEE binary64, rounded to the nearest f32
//   I64  signed 64-bit integers (PyTorch's counters such as num_batches_tracked)

/** The safetensors dtypes wasmnn reads (it writes F32 and F16). */
export const DTYPES = ["F32", "F16", "BF16", "F64", "I64"] as const;
/** A safetensors dtype name. */
export type DType = (typeof DTYPES)[number];

/** Bytes per element. */
export const ITEM_SIZE: Record<DType, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8 };

export function isDType(s: unknown): s is DType {
  return typeof s === "string" && (DTYPES as readonly string[]).includes(s);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * binary16 bits → the number they encode (exactly representable in f32).
 *
 * @example const x = io.f16ToNumber(0x3c00); // 1
 */
export function f16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24; // zero and subnormals: man · 2⁻¹⁴ · 2⁻¹⁰
  if (exp === 0x1f) return man === 0 ? sign * Infinity : NaN;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/**
 * A number → binary16 bits, rounded to nearest with ties to even (IEEE's default, as PyTorch's
 * `.half()`); values beyond ±65504 round to ±Infinity, tiny ones to subnormals or ±0.
 *
 * @example const h = io.numberToF16(1); // 0x3c00 (15360)
 */
export function numberToF16(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let man = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man !== 0 ? 0x200 : 0); // Inf, NaN (quiet)
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa, with its implicit 1, right by 1 − e more places.
    if (e < -10) return sign;
    man |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = man & ((1 << shift) - 1);
    let h = man >>> shift;
    if (rest > half || (rest === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = sign | (e << 10) | (man >>> 13);
  const rest = man & 0x1fff;
  // Rounding may carry into the exponent (and up to Infinity): adding 1 to the bit pattern does it right.
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
  return h;
}

/**
 * bfloat16 bits → number: they are the upper half of the binary32 pattern.
 *
 * @example const x = io.bf16ToNumber(0x3f80); // 1
 */
export function bf16ToNumber(h: number): number {
  u32[0] = h << 16;
  return f32[0];
}

/**
 * Decode `count` elements of `dtype` starting at byte `offset` of `view`. Floating-point types
 * become a Float32Array; I64 a Float64Array (integers up to 2⁵³ exactly; larger ones are an error
 * naming `what`, since no f32 or f64 holds them).
 */
export function decode(view: DataView, offset: number, count: number, dtype: DType, what: string): Float32Array | Float64Array {
  const size = ITEM_SIZE[dtype];
  if (dtype === "I64") {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v = view.getBigInt64(offset + i * size, true);
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(-Number.MAX_SAFE_INTEGER)) {
        throw new Error(`${what}: I64 element ${i} is ${v}, beyond the integers a number holds exactly (±2⁵³)`);
      }
      out[i] = Number(v);
    }
    return out;
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const at = offset + i * size;
    if (dtype === "F32") out[i] = view.getFloat32(at, true);
    else if (dtype === "F64") out[i] = view.getFloat64(at, true);
    else if (dtype === "F16") out[i] = f16ToNumber(view.getUint16(at, true));
    else out[i] = bf16ToNumber(view.getUint16(at, true));
  }
  return out;
}

/** Encode `data` as `dtype` into `view` from byte `offset` (F32, F16, F64 and I64; I64 rounds nothing: values must be integers). */
export function encode(view: DataView, offset: number, data: ArrayLike<number>, dtype: DType): void {
  const size = ITEM_SIZE[dtype];
  for (let i = 0; i < data.length; i++) {
    const at = offset + i * size;
    if (dtype === "F32") view.setFloat32(at, data[i], true);
    else if (dtype === "F16") view.setUint16(at, numberToF16(data[i]), true);
    else if (dtype === "F64") view.setFloat64(at, data[i], true);
    else if (dtype === "I64") {
      if (!Number.isSafeInteger(data[i])) throw new Error(`safetensors: I64 element ${i} is ${data[i]}, not an integer`);
      view.setBigInt64(at, BigInt(data[i]), true);
    }
    else throw new Error(`safetensors: writing ${dtype} is not supported (F32, F16, F64 and I64 are)`);
  }
}
