// Capsule kernels (Sabour, Frosst & Hinton, 2017): the squash nonlinearity, vector lengths, the
// sums of routing by agreement, and the margin loss. (The prediction vectors û_j|i = W_ij·u_i are
// the batched GEMM: see capsulePredictions in src/autograd/capsule.ts for why.)
//
// A capsule is a vector whose length says how likely an entity is present and whose direction
// says how it looks. Every array is row-major; capsule vectors are the contiguous last axis.
import { madd } from "./simd";

/** Σ of the four lanes of v. */
// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** a·b over n floats: f32x4 lanes, then a scalar tail. */
// @ts-ignore: decorator
@inline
function dot(aPtr: usize, bPtr: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 2;
    acc = madd(v128.load(aPtr + o), v128.load(bPtr + o), acc);
  }
  let s = hsum(acc);
  for (; k < n; k++) {
    const o = <usize>k << 2;
    s += load<f32>(aPtr + o) * load<f32>(bPtr + o);
  }
  return s;
}

/** y[k] (+)= a·x[k], k < n: f32x4 lanes, then a scalar tail. y may alias x. */
// @ts-ignore: decorator
@inline
function axpy(a: f32, xPtr: usize, yPtr: usize, n: i32, accumulate: bool): void {
  const va = f32x4.splat(a);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 2;
    const t = f32x4.mul(va, v128.load(xPtr + o));
    v128.store(yPtr + o, accumulate ? f32x4.add(v128.load(yPtr + o), t) : t);
  }
  for (; k < n; k++) {
    const o = <usize>k << 2;
    const t = a * load<f32>(xPtr + o);
    store<f32>(yPtr + o, accumulate ? load<f32>(yPtr + o) + t : t);
  }
}

/**
 * Squash each of `rows` vectors of `dim` floats: y = s·‖s‖/(1 + ‖s‖²), the paper's
 * (‖s‖²/(1 + ‖s‖²))·s/‖s‖ with the division by ‖s‖ cancelled, so a zero vector gives exactly
 * zero. y may alias x.
 */
export function squash(xPtr: usize, yPtr: usize, rows: i32, dim: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * dim) << 2;
    const n2 = dot(xPtr + o, xPtr + o, dim);
    const f: f32 = Mathf.sqrt(n2) / (1 + n2);
    axpy(f, xPtr + o, yPtr + o, dim, false);
  }
}

/**
 * Backward of squash. With n = ‖s‖, f(n) = n/(1 + n²) and f′(n) = (1 − n²)/(1 + n²)²:
 * dx = f·dy + s·(s·dy)·f′(n)/n. The second term is O(n) as n → 0 and is taken as 0 at n = 0, so
 * the gradient of a zero vector is zero, never NaN. dx may alias dy; neither aliases x.
 */
export function squashBackward(xPtr: usize, dyPtr: usize, dxPtr: usize, rows: i32, dim: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * dim) << 2;
    const n2 = dot(xPtr + o, xPtr + o, dim);
    const n = Mathf.sqrt(n2);
    const q: f32 = 1 + n2;
    const f: f32 = n / q;
    const g: f32 = n > 0 ? (dot(xPtr + o, dyPtr + o, dim) * (1 - n2)) / (n * q * q) : 0;
    // dx = f·dy first (dx may be dy), then + g·s.
    axpy(f, dyPtr + o, dxPtr + o, dim, false);
    axpy(g, xPtr + o, dxPtr + o, dim, true);
  }
}

/** out[r] = ‖x_r‖ for `rows` vectors of `dim` floats. */
export function vectorNorm(xPtr: usize, outPtr: usize, rows: i32, dim: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * dim) << 2;
    store<f32>(outPtr + (<usize>r << 2), Mathf.sqrt(dot(xPtr + o, xPtr + o, dim)));
  }
}

/** dx_r = dy_r·x_r/‖x_r‖ (0 where ‖x_r‖ = 0, the subgradient at the kink); norm is vectorNorm's output. */
export function vectorNormBackward(xPtr: usize, normPtr: usize, dyPtr: usize, dxPtr: usize, rows: i32, dim: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * dim) << 2;
    const n = load<f32>(normPtr + (<usize>r << 2));
    axpy(n > 0 ? load<f32>(dyPtr + (<usize>r << 2)) / n : 0, xPtr + o, dxPtr + o, dim, false);
  }
}

/**
 * The weighted sum of routing: s[b, j, :] = Σ_i c[b, i, j]·uhat[b, i, j, :] for c [batch, inCaps,
 * outCaps] and uhat [batch, inCaps, outCaps, dim]; s [batch, outCaps, dim] is written. Backward
 * uses it too, as d(v) of the agreement = Σ_i d(b)[b, i, j]·uhat[b, i, j, :].
 */
export function routingWeightedSum(cPtr: usize, uhatPtr: usize, sPtr: usize, batch: i32, inCaps: i32, outCaps: i32, dim: i32): void {
  for (let b = 0; b < batch; b++) {
    const s = sPtr + (<usize>(b * outCaps * dim) << 2);
    for (let i = 0; i < inCaps; i++) {
      const row = b * inCaps + i;
      for (let j = 0; j < outCaps; j++) {
        const cij = load<f32>(cPtr + (<usize>(row * outCaps + j) << 2));
        axpy(cij, uhatPtr + (<usize>((row * outCaps + j) * dim) << 2), s + (<usize>(j * dim) << 2), dim, i > 0);
      }
    }
  }
}

/**
 * The agreement of routing: a[b, i, j] (+)= uhat[b, i, j, :]·v[b, j, :] for uhat [batch, inCaps,
 * outCaps, dim], v [batch, outCaps, dim], a [batch, inCaps, outCaps]; accumulate adds into a (the
 * logit update b_ij += û_j|i·v_j). Backward uses it too, as d(c) = uhat·d(s).
 */
export function routingAgreement(uhatPtr: usize, vPtr: usize, aPtr: usize, batch: i32, inCaps: i32, outCaps: i32, dim: i32, accumulate: bool): void {
  for (let b = 0; b < batch; b++) {
    const v = vPtr + (<usize>(b * outCaps * dim) << 2);
    for (let i = 0; i < inCaps; i++) {
      const row = b * inCaps + i;
      for (let j = 0; j < outCaps; j++) {
        const p = aPtr + (<usize>(row * outCaps + j) << 2);
        const d = dot(uhatPtr + (<usize>((row * outCaps + j) * dim) << 2), v + (<usize>(j * dim) << 2), dim);
        store<f32>(p, accumulate ? load<f32>(p) + d : d);
      }
    }
  }
}

/**
 * The outer product of routing's backward: d(uhat)[b, i, j, :] (+)= c[b, i, j]·g[b, j, :] for c
 * [batch, inCaps, outCaps], g [batch, outCaps, dim] and d(uhat) [batch, inCaps, outCaps, dim]: the
 * gradient that s = Σ c·û (g = d(s)) and the agreement a = û·v (c = d(a), g = v) send to û.
 */
export function routingOuter(cPtr: usize, gPtr: usize, duhatPtr: usize, batch: i32, inCaps: i32, outCaps: i32, dim: i32, accumulate: bool): void {
  for (let b = 0; b < batch; b++) {
    const g = gPtr + (<usize>(b * outCaps * dim) << 2);
    for (let i = 0; i < inCaps; i++) {
      const row = b * inCaps + i;
      for (let j = 0; j < outCaps; j++) {
        const cij = load<f32>(cPtr + (<usize>(row * outCaps + j) << 2));
        axpy(cij, g + (<usize>(j * dim) << 2), duhatPtr + (<usize>((row * outCaps + j) * dim) << 2), dim, accumulate);
      }
    }
  }
}

/**
 * The margin loss, fused with its gradient: over `rows` samples of `cols` capsule lengths ℓ with
 * integer labels (f32), L = mean_r Σ_k T_k·max(0, m⁺ − ℓ_k)² + λ(1 − T_k)·max(0, ℓ_k − m⁻)²,
 * T_k = [k = label_r]; grad = dL/dℓ (the 1/rows included). Returns L (summed in f64). grad must
 * not alias the labels.
 */
export function marginLoss(lenPtr: usize, labelsPtr: usize, gradPtr: usize, rows: i32, cols: i32, mPlus: f32, mMinus: f32, lambda: f32): f64 {
  const inv = <f32>(1.0 / <f64>rows);
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const label = <i32>load<f32>(labelsPtr + (<usize>r << 2));
    assert(label >= 0 && label < cols, "marginLoss: label out of range");
    for (let k = 0; k < cols; k++) {
      const o = <usize>(r * cols + k) << 2;
      const l = load<f32>(lenPtr + o);
      let g: f32 = 0;
      if (k == label) {
        const e = max<f32>(0, mPlus - l);
        total += <f64>(e * e);
        g = -2 * e;
      } else {
        const e = max<f32>(0, l - mMinus);
        total += <f64>(lambda * e * e);
        g = 2 * lambda * e;
      }
      store<f32>(gradPtr + o, g * inv);
    }
  }
  return total / <f64>rows;
}
