// Activation functions, their derivatives, and row-wise softmax.
//
// An activation is the nonlinearity a neuron applies to its weighted sum. The piecewise-linear
// ones (ReLU, LeakyReLU) and every backward rule that needs no transcendental run four lanes at a
// time; sigmoid, tanh and the tanh form of GELU call Mathf per element (WebAssembly has no vector
// exp); the exact GELU runs in four lanes on the polynomial exp of simd.ts.
import { Activation } from "../src/backend/opcodes";
import { expv, hsum, madd } from "./simd";

/** √(2/π), the scale inside the tanh form of GELU. */
const GELU_C: f32 = 0.7978845608028654;
/** The cubic coefficient of the tanh form of GELU. */
const GELU_K: f32 = 0.044715;

/**
 * With e = exp(−|v|) and q = 1/(1 + e), σ(v) = q for v ≥ 0 and e·q for v < 0, and
 * σ(v)·σ(−v) = e·q². exp never sees a positive argument, so nothing overflows (σ(±100) is 1 and
 * 3.8e−44, never NaN), and both tails keep full relative precision instead of losing it to 1 − σ.
 */
// @ts-ignore: decorator
@inline
function expNegAbs(v: f32): f32 {
  return Mathf.exp(-Mathf.abs(v));
}

/** The logistic function σ(v) = 1/(1 + e^−v), computed as above. */
// @ts-ignore: decorator
@inline
function sigmoid(v: f32): f32 {
  const e = expNegAbs(v);
  const q: f32 = 1 / (1 + e);
  return v >= 0 ? q : e * q;
}

/** 1/√2 and 1/√(2π), for Φ and its density φ. */
const SQRT1_2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;

/**
 * erfc(z) for z ≥ 0 in four lanes (Numerical Recipes' erfcc; relative error below 1.2e−7), with
 * the four-lane exp of simd.ts: the exact GELU's hot path.
 */
// @ts-ignore: decorator
@inline
function erfcPosV(z: v128): v128 {
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(0.5), z)));
  let p = f32x4.splat(0.17087277);
  p = madd(p, t, f32x4.splat(-0.82215223));
  p = madd(p, t, f32x4.splat(1.48851587));
  p = madd(p, t, f32x4.splat(-1.13520398));
  p = madd(p, t, f32x4.splat(0.27886807));
  p = madd(p, t, f32x4.splat(-0.18628806));
  p = madd(p, t, f32x4.splat(0.09678418));
  p = madd(p, t, f32x4.splat(0.37409196));
  p = madd(p, t, f32x4.splat(1.00002368));
  p = madd(p, t, f32x4.splat(-1.26551223));
  return f32x4.mul(t, expv(f32x4.sub(p, f32x4.mul(z, z))));
}

/** Φ(v) in four lanes: ½erfc(|v|/√2) for v < 0, 1 − that for v ≥ 0. */
// @ts-ignore: decorator
@inline
function normalCdfV(v: v128): v128 {
  const half = f32x4.mul(f32x4.splat(0.5), erfcPosV(f32x4.mul(f32x4.abs(v), f32x4.splat(SQRT1_2))));
  return v128.bitselect(half, f32x4.sub(f32x4.splat(1), half), f32x4.lt(v, f32x4.splat(0)));
}

/** GELU(v) = v·Φ(v), four lanes. */
// @ts-ignore: decorator
@inline
function geluV(v: v128): v128 {
  return f32x4.mul(v, normalCdfV(v));
}

/** GELU'(v) = Φ(v) + v·φ(v), four lanes. */
// @ts-ignore: decorator
@inline
function geluGradV(v: v128): v128 {
  const density = f32x4.mul(f32x4.splat(INV_SQRT_2PI), expv(f32x4.mul(f32x4.splat(-0.5), f32x4.mul(v, v))));
  return f32x4.add(normalCdfV(v), f32x4.mul(v, density));
}

/** The GELU argument u = √(2/π)(v + 0.044715v³). */
// @ts-ignore: decorator
@inline
function geluArg(v: f32): f32 {
  return GELU_C * (v + GELU_K * v * v * v);
}

/**
 * y[i] = f(x[i]) for kind an Activation code; alpha is LeakyReLU's negative slope (ignored by the
 * others). y may alias x.
 *
 * GELUTanh is computed as v·σ(2u), the same function as 0.5v(1 + tanh u) (since 1 + tanh u = 2σ(2u)),
 * because 1 + tanh u cancels catastrophically in f32 for negative v.
 */
export function activation(kind: i32, xPtr: usize, yPtr: usize, n: i32, alpha: f32): void {
  switch (kind) {
    case Activation.ReLU: {
      const zero = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const v = v128.load(xPtr + o);
        // Masking (not max(v, 0)) keeps the reference's `v > 0 ? v : 0` exactly, NaN included.
        v128.store(yPtr + o, v128.and(v, f32x4.gt(v, zero)));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        const v = load<f32>(xPtr + o);
        store<f32>(yPtr + o, v > 0 ? v : 0);
      }
      break;
    }
    case Activation.LeakyReLU: {
      const zero = f32x4.splat(0);
      const a = f32x4.splat(alpha);
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const v = v128.load(xPtr + o);
        v128.store(yPtr + o, v128.bitselect(v, f32x4.mul(v, a), f32x4.gt(v, zero)));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        const v = load<f32>(xPtr + o);
        store<f32>(yPtr + o, v > 0 ? v : alpha * v);
      }
      break;
    }
    case Activation.Sigmoid: {
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 2;
        store<f32>(yPtr + o, sigmoid(load<f32>(xPtr + o)));
      }
      break;
    }
    case Activation.Tanh: {
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 2;
        store<f32>(yPtr + o, Mathf.tanh(load<f32>(xPtr + o)));
      }
      break;
    }
    case Activation.GELUTanh: {
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 2;
        const v = load<f32>(xPtr + o);
        store<f32>(yPtr + o, v * sigmoid(2 * geluArg(v)));
      }
      break;
    }
    case Activation.GELU: {
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(yPtr + o, geluV(v128.load(xPtr + o)));
      }
      // The tail through the same lanes (one value splat), so every element gets the same rounding.
      for (; i < n; i++) {
        const o = <usize>i << 2;
        store<f32>(yPtr + o, f32x4.extract_lane(geluV(f32x4.splat(load<f32>(xPtr + o))), 0));
      }
      break;
    }
    default: assert(false, "activation: unknown kind");
  }
}

/**
 * dx[i] = dy[i]·f'(x[i]); y = f(x) as computed by `activation` (sigmoid and tanh use it instead of
 * recomputing; the others ignore it). dx may alias dy, x or y.
 *
 * tanh' = (1 − y)(1 + y) rather than 1 − y²: y² loses the low bits that 1 − y² needs when |y| → 1.
 * GELUTanh' = s + 2v·c(1 + 3kv²)·s(1 − s) with s = σ(2u), equal to the reference's tanh form.
 */
export function activationBackward(kind: i32, xPtr: usize, yPtr: usize, dyPtr: usize, dxPtr: usize, n: i32, alpha: f32): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  switch (kind) {
    case Activation.ReLU: {
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        // dy·1 or dy·0, not a mask of dy: dy·0 is −0 or NaN where the reference says so.
        const d = v128.and(one, f32x4.gt(v128.load(xPtr + o), zero));
        v128.store(dxPtr + o, f32x4.mul(v128.load(dyPtr + o), d));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        const d: f32 = load<f32>(xPtr + o) > 0 ? 1 : 0;
        store<f32>(dxPtr + o, load<f32>(dyPtr + o) * d);
      }
      break;
    }
    case Activation.LeakyReLU: {
      const a = f32x4.splat(alpha);
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const d = v128.bitselect(one, a, f32x4.gt(v128.load(xPtr + o), zero));
        v128.store(dxPtr + o, f32x4.mul(v128.load(dyPtr + o), d));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        const d: f32 = load<f32>(xPtr + o) > 0 ? 1 : alpha;
        store<f32>(dxPtr + o, load<f32>(dyPtr + o) * d);
      }
      break;
    }
    case Activation.Sigmoid: {
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const y = v128.load(yPtr + o);
        v128.store(dxPtr + o, f32x4.mul(v128.load(dyPtr + o), f32x4.mul(y, f32x4.sub(one, y))));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        const y = load<f32>(yPtr + o);
        store<f32>(dxPtr + o, load<f32>(dyPtr + o) * (y * (1 - y)));
      }
      break;
    }
    case Activation.Tanh: {
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const y = v128.load(yPtr + o);
        v128.store(dxPtr + o, f32x4.mul(v128.load(dyPtr + o), f32x4.mul(f32x4.sub(one, y), f32x4.add(one, y))));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        const y = load<f32>(yPtr + o);
        store<f32>(dxPtr + o, load<f32>(dyPtr + o) * ((1 - y) * (1 + y)));
      }
      break;
    }
    case Activation.GELUTanh: {
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 2;
        const v = load<f32>(xPtr + o);
        const u2: f32 = 2 * geluArg(v);
        const e = expNegAbs(u2);
        const q: f32 = 1 / (1 + e);
        const s = u2 >= 0 ? q : e * q;
        const d = s + 2 * v * GELU_C * (1 + 3 * GELU_K * v * v) * (e * q * q);
        store<f32>(dxPtr + o, load<f32>(dyPtr + o) * d);
      }
      break;
    }
    case Activation.GELU: {
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(dxPtr + o, f32x4.mul(v128.load(dyPtr + o), geluGradV(v128.load(xPtr + o))));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        store<f32>(dxPtr + o, load<f32>(dyPtr + o) * f32x4.extract_lane(geluGradV(f32x4.splat(load<f32>(xPtr + o))), 0));
      }
      break;
    }
    default: assert(false, "activationBackward: unknown kind");
  }
}


/**
 * Row-wise softmax of a row-major rows×cols matrix: y = exp(x − max) / Σ exp(x − max), the row
 * max subtracted so exp never overflows. y may alias x.
 *
 * The row sum runs in four f32 lanes (the reference sums in f64) and x − max is rounded before
 * exp, so y differs from the reference by at most (cols + |x_j − max| + max_k|x_k − max| + 6)·2⁻²⁴
 * relative, the bound the tests check.
 */
export function softmax(xPtr: usize, yPtr: usize, rows: i32, cols: i32): void {
  if (cols <= 0) return;
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const x = xPtr + <usize>r * rowBytes;
    const y = yPtr + <usize>r * rowBytes;

    let mv = f32x4.splat(-Infinity);
    let j = 0;
    for (; j + 4 <= cols; j += 4) mv = f32x4.max(mv, v128.load(x + (<usize>j << 2)));
    let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; j < cols; j++) m = max(m, load<f32>(x + (<usize>j << 2)));

    for (j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(y + o, Mathf.exp(load<f32>(x + o) - m));
    }

    let sv = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= cols; j += 4) sv = f32x4.add(sv, v128.load(y + (<usize>j << 2)));
    let sum = hsum(sv);
    for (; j < cols; j++) sum += load<f32>(y + (<usize>j << 2));

    // Division, not a multiply by 1/sum: one rounding per element, as in the reference.
    const s = f32x4.splat(sum);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(y + o, f32x4.div(v128.load(y + o), s));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(y + o, load<f32>(y + o) / sum);
    }
  }
}

/**
 * dx = y ⊙ (dy − Σ_j dy_j·y_j), row-wise over a rows×cols matrix, y the softmax output. dx may
 * alias dy or y. The dot product runs in four f32 lanes (the reference uses f64).
 */
export function softmaxBackward(yPtr: usize, dyPtr: usize, dxPtr: usize, rows: i32, cols: i32): void {
  if (cols <= 0) return;
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    const y = yPtr + off;
    const dy = dyPtr + off;
    const dx = dxPtr + off;

    let dv = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      dv = f32x4.add(dv, f32x4.mul(v128.load(dy + o), v128.load(y + o)));
    }
    let dot = hsum(dv);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      dot += load<f32>(dy + o) * load<f32>(y + o);
    }

    const d = f32x4.splat(dot);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(dx + o, f32x4.mul(v128.load(y + o), f32x4.sub(v128.load(dy + o), d)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(dx + o, load<f32>(y + o) * (load<f32>(dy + o) - dot));
    }
  }
}
