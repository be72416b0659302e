// Batch normalization (Ioffe & Szegedy, 2015) over x viewed as [n, c, inner]: channel c is
// normalized with the statistics of its M = n·inner values. inner = H·W for BatchNorm2d (NCHW),
// 1 for BatchNorm1d on [N, C].
//
// Each kernel walks one channel at a time, its n rows of `inner` contiguous values; rows use f32x4
// with a scalar tail. With inner = 1 the walk is strided and scalar: BatchNorm1d tensors are small
// next to the layers around them.
import { hsum, madd, rowSum } from "./simd";

// @ts-ignore: decorator
@inline function at(ptr: usize, i: i32): usize {
  return ptr + (<usize>i << 2);
}

/** Σ (x[i] − mean)², i < len: four accumulators, as rowSum (simd.ts), so no step waits on the last. */
// @ts-ignore: decorator
@inline function rowSqDev(ptr: usize, len: i32, mean: f32): f32 {
  const m = f32x4.splat(mean);
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const q = at(ptr, i);
    const d0 = f32x4.sub(v128.load(q), m), d1 = f32x4.sub(v128.load(q, 16), m);
    const d2 = f32x4.sub(v128.load(q, 32), m), d3 = f32x4.sub(v128.load(q, 48), m);
    a0 = madd(d0, d0, a0);
    a1 = madd(d1, d1, a1);
    a2 = madd(d2, d2, a2);
    a3 = madd(d3, d3, a3);
  }
  for (; i + 4 <= len; i += 4) {
    const d = f32x4.sub(v128.load(at(ptr, i)), m);
    a0 = madd(d, d, a0);
  }
  let s = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (; i < len; i++) {
    const d = load<f32>(at(ptr, i)) - mean;
    s += d * d;
  }
  return s;
}

/**
 * Per-channel statistics: mean[c] and the biased variance var[c] = Σ (x − mean[c])² / M, the one
 * batch normalization divides by (the running variance wants the unbiased one: multiply by
 * M / (M − 1)). Two passes, mean first, so that a large mean does not cancel the variance away;
 * rows are summed in f32, the per-row partial sums in f64. x: [n, c, inner]; mean, var: [c].
 */
export function batchNormStats(xPtr: usize, meanPtr: usize, varPtr: usize, n: i32, c: i32, inner: i32): void {
  const count = <f64>n * <f64>inner;
  for (let ch = 0; ch < c; ch++) {
    let s: f64 = 0;
    for (let b = 0; b < n; b++) s += <f64>rowSum(at(xPtr, (b * c + ch) * inner), inner);
    const mean = <f32>(s / count);
    let q: f64 = 0;
    for (let b = 0; b < n; b++) q += <f64>rowSqDev(at(xPtr, (b * c + ch) * inner), inner, mean);
    store<f32>(at(meanPtr, ch), mean);
    store<f32>(at(varPtr, ch), <f32>(q / count));
  }
}

/**
 * Normalize: x̂ = (x − mean[c]) / √(var[c] + eps), y = γ[c]·x̂ + β[c]. Training passes the batch
 * statistics of batchNormStats, evaluation the running ones. gammaPtr = 0 means γ = 1 and
 * betaPtr = 0 means β = 0 (affine = false); xhatPtr = 0 skips writing x̂ (which only the backward
 * needs). x, y, xhat: [n, c, inner]; mean, var, gamma, beta: [c]. y may alias x; xhat may not.
 */
export function batchNorm(
  xPtr: usize, meanPtr: usize, varPtr: usize, gammaPtr: usize, betaPtr: usize, yPtr: usize, xhatPtr: usize,
  n: i32, c: i32, inner: i32, eps: f32,
): void {
  for (let ch = 0; ch < c; ch++) {
    const mean = load<f32>(at(meanPtr, ch));
    const invstd = <f32>1 / Mathf.sqrt(load<f32>(at(varPtr, ch)) + eps);
    const gamma: f32 = gammaPtr != 0 ? load<f32>(at(gammaPtr, ch)) : 1;
    const beta: f32 = betaPtr != 0 ? load<f32>(at(betaPtr, ch)) : 0;
    const vm = f32x4.splat(mean);
    const vi = f32x4.splat(invstd);
    const vg = f32x4.splat(gamma);
    const vb = f32x4.splat(beta);
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * inner;
      const xp = at(xPtr, o);
      const yp = at(yPtr, o);
      let i = 0;
      if (xhatPtr != 0) {
        const hp = at(xhatPtr, o);
        for (; i + 4 <= inner; i += 4) {
          const xh = f32x4.mul(f32x4.sub(v128.load(at(xp, i)), vm), vi);
          v128.store(at(hp, i), xh);
          v128.store(at(yp, i), f32x4.add(f32x4.mul(xh, vg), vb));
        }
        for (; i < inner; i++) {
          const xh = (load<f32>(at(xp, i)) - mean) * invstd;
          store<f32>(at(hp, i), xh);
          store<f32>(at(yp, i), xh * gamma + beta);
        }
      } else {
        for (; i + 4 <= inner; i += 4) {
          const xh = f32x4.mul(f32x4.sub(v128.load(at(xp, i)), vm), vi);
          v128.store(at(yp, i), f32x4.add(f32x4.mul(xh, vg), vb));
        }
        for (; i < inner; i++) store<f32>(at(yp, i), (load<f32>(at(xp, i)) - mean) * invstd * gamma + beta);
      }
    }
  }
}

/**
 * Backward of the training-mode forward (batch statistics), per channel with M = n·inner:
 *   dβ = Σ dy,   dγ = Σ dy·x̂,   dx = γ·invstd/M · (M·dy − dβ − x̂·dγ),
 * the usual dx = invstd/M·(M·dy·γ − Σdy·γ − x̂·Σ(dy·γ·x̂)) with γ taken out of the sums. invstd is
 * recomputed from var and eps exactly as the forward did. gammaPtr = 0 means γ = 1; dgammaPtr /
 * dbetaPtr = 0 skip those outputs. dy, xhat, dx: [n, c, inner]; var, gamma, dgamma, dbeta: [c].
 * dx may alias dy (each channel's sums are complete before its dx is written).
 */
export function batchNormBackward(
  dyPtr: usize, xhatPtr: usize, varPtr: usize, gammaPtr: usize, dxPtr: usize, dgammaPtr: usize, dbetaPtr: usize,
  n: i32, c: i32, inner: i32, eps: f32,
): void {
  const count = <f32>n * <f32>inner;
  for (let ch = 0; ch < c; ch++) {
    let sdy: f64 = 0;
    let sdyx: f64 = 0;
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * inner;
      const gp = at(dyPtr, o);
      const hp = at(xhatPtr, o);
      // Two accumulators per sum, eight floats a step, so no add waits on the one before.
      let a1 = f32x4.splat(0), b1 = a1;
      let a2 = f32x4.splat(0), b2 = a2;
      let i = 0;
      for (; i + 8 <= inner; i += 8) {
        const q = at(gp, i), h = at(hp, i);
        const g0 = v128.load(q), g1 = v128.load(q, 16);
        a1 = f32x4.add(a1, g0);
        b1 = f32x4.add(b1, g1);
        a2 = f32x4.add(a2, f32x4.mul(g0, v128.load(h)));
        b2 = f32x4.add(b2, f32x4.mul(g1, v128.load(h, 16)));
      }
      for (; i + 4 <= inner; i += 4) {
        const g = v128.load(at(gp, i));
        a1 = f32x4.add(a1, g);
        a2 = f32x4.add(a2, f32x4.mul(g, v128.load(at(hp, i))));
      }
      let r1 = hsum(f32x4.add(a1, b1));
      let r2 = hsum(f32x4.add(a2, b2));
      for (; i < inner; i++) {
        const g = load<f32>(at(gp, i));
        r1 += g;
        r2 += g * load<f32>(at(hp, i));
      }
      sdy += <f64>r1;
      sdyx += <f64>r2;
    }
    const dbeta = <f32>sdy;
    const dgamma = <f32>sdyx;
    if (dbetaPtr != 0) store<f32>(at(dbetaPtr, ch), dbeta);
    if (dgammaPtr != 0) store<f32>(at(dgammaPtr, ch), dgamma);
    const gamma: f32 = gammaPtr != 0 ? load<f32>(at(gammaPtr, ch)) : 1;
    const k = gamma * (<f32>1 / Mathf.sqrt(load<f32>(at(varPtr, ch)) + eps));
    const kb = k * dbeta / count;
    const kg = k * dgamma / count;
    const vk = f32x4.splat(k);
    const vkb = f32x4.splat(kb);
    const vkg = f32x4.splat(kg);
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * inner;
      const gp = at(dyPtr, o);
      const hp = at(xhatPtr, o);
      const dp = at(dxPtr, o);
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const t = f32x4.sub(f32x4.mul(v128.load(at(gp, i)), vk), vkb);
        v128.store(at(dp, i), f32x4.sub(t, f32x4.mul(v128.load(at(hp, i)), vkg)));
      }
      for (; i < inner; i++) store<f32>(at(dp, i), load<f32>(at(gp, i)) * k - kb - load<f32>(at(hp, i)) * kg);
    }
  }
}
