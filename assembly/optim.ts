// Optimizer updates, fused: one kernel per optimizer step of one parameter, in place on the
// parameter and its state, one pass over memory. The formulas (PyTorch's) are in
// src/backend/types.ts; the float operations here follow the order of the JS reference
// (src/backend/js/optim.ts) so that both backends round alike.
//
// Shared contract: p, g and every state array hold n f32 values, are distinct and do not
// overlap (g may not alias p: p is rewritten while g is still needed).
//
// Hyperparameters arrive as f64 (a JS number, exactly) and the loops run in f32 with constants
// derived from them once per call, in f64, then rounded once: as PyTorch does with its Python
// float hyperparameters. Taking β as f32 instead would round it before 1 − β is formed, which
// for β = 0.999 puts a relative error of 1.3e-5 into 1 − β and hence into every v. The f32
// copies of a hyperparameter carry an `f` suffix (lrf = <f32>lr).
//
// The state (momentum buffers, moments) is flushed to zero below the smallest normal f32: the
// moments of a parameter whose gradient stays 0 (the weights of an always-blank MNIST border
// pixel) decay geometrically into the subnormal range, m after ~830 Adam steps at β1 = 0.9, and
// x86 runs f32x4 arithmetic on subnormals some 50× slower (Wasm has no flush-to-zero mode). A
// 101,770-float Adam step went from 90 µs to 4.7 ms on such state. A value under 1.2e-38 changes
// no update that f32 can represent next to ε, so the trajectories do not move.
import { madd } from "./simd";

/** The smallest normal f32, 2⁻¹²⁶. */
const MIN_NORMAL: f32 = 1.17549435e-38;

/** x with its subnormal lanes (and −0) set to +0; NaN and ±∞ kept. */
// @ts-ignore: decorator
@inline function flush(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(f32x4.abs(x), f32x4.splat(MIN_NORMAL)));
}

// @ts-ignore: decorator
@inline function flush1(x: f32): f32 {
  return Mathf.abs(x) < MIN_NORMAL ? 0 : x;
}

/**
 * SGD with momentum μ, dampening τ, weight decay λ, optionally Nesterov:
 * d = g + λp; buf ← first ? d : μ·buf + (1 − τ)·d; d ← nesterov ? d + μ·buf : buf; p ← p − lr·d.
 * With μ = 0, buf is neither read nor written (bufPtr may be 0) and p ← p − lr·(g + λp).
 */
export function sgdStep(
  pPtr: usize, gPtr: usize, bufPtr: usize, n: i32,
  lr: f64, momentum: f64, dampening: f64, weightDecay: f64, nesterov: bool, first: bool,
): void {
  const lrf = <f32>lr;
  const wdf = <f32>weightDecay;
  const muf = <f32>momentum;
  const vlr = f32x4.splat(lrf);
  const vwd = f32x4.splat(wdf);
  let i = 0;
  if (momentum == 0) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(pPtr + o);
      const d = f32x4.add(v128.load(gPtr + o), f32x4.mul(vwd, p));
      v128.store(pPtr + o, f32x4.sub(p, f32x4.mul(vlr, d)));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const p = load<f32>(pPtr + o);
      const d = load<f32>(gPtr + o) + wdf * p;
      store<f32>(pPtr + o, p - lrf * d);
    }
    return;
  }
  const undamped = <f32>(1 - dampening);
  const vmu = f32x4.splat(muf);
  const vund = f32x4.splat(undamped);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(pPtr + o);
    let d = f32x4.add(v128.load(gPtr + o), f32x4.mul(vwd, p));
    // PyTorch starts the buffer at the first gradient itself, undamped.
    const b = flush(first ? d : f32x4.add(f32x4.mul(vmu, v128.load(bufPtr + o)), f32x4.mul(vund, d)));
    v128.store(bufPtr + o, b);
    d = nesterov ? f32x4.add(d, f32x4.mul(vmu, b)) : b;
    v128.store(pPtr + o, f32x4.sub(p, f32x4.mul(vlr, d)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(pPtr + o);
    let d = load<f32>(gPtr + o) + wdf * p;
    const b = flush1(first ? d : muf * load<f32>(bufPtr + o) + undamped * d);
    store<f32>(bufPtr + o, b);
    d = nesterov ? d + muf * b : b;
    store<f32>(pPtr + o, p - lrf * d);
  }
}

/**
 * RMSprop: d = g + λp; v ← αv + (1 − α)d²; s = d/(√v + ε); with momentum μ > 0:
 * buf ← μ·buf + s, p ← p − lr·buf; else p ← p − lr·s (buf untouched, bufPtr may be 0).
 */
export function rmspropStep(
  pPtr: usize, gPtr: usize, vPtr: usize, bufPtr: usize, n: i32,
  lr: f64, alpha: f64, eps: f64, weightDecay: f64, momentum: f64,
): void {
  const withMomentum = momentum > 0;
  const lrf = <f32>lr;
  const alphaf = <f32>alpha;
  const oneMinusAlpha = <f32>(1 - alpha);
  const epsf = <f32>eps;
  const wdf = <f32>weightDecay;
  const muf = <f32>momentum;
  const vlr = f32x4.splat(lrf);
  const vwd = f32x4.splat(wdf);
  const valpha = f32x4.splat(alphaf);
  const v1a = f32x4.splat(oneMinusAlpha);
  const veps = f32x4.splat(epsf);
  const vmu = f32x4.splat(muf);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(pPtr + o);
    const d = f32x4.add(v128.load(gPtr + o), f32x4.mul(vwd, p));
    const v = flush(f32x4.add(f32x4.mul(valpha, v128.load(vPtr + o)), f32x4.mul(f32x4.mul(v1a, d), d)));
    v128.store(vPtr + o, v);
    let s = f32x4.div(d, f32x4.add(f32x4.sqrt(v), veps));
    if (withMomentum) {
      s = flush(f32x4.add(f32x4.mul(vmu, v128.load(bufPtr + o)), s));
      v128.store(bufPtr + o, s);
    }
    v128.store(pPtr + o, f32x4.sub(p, f32x4.mul(vlr, s)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(pPtr + o);
    const d = load<f32>(gPtr + o) + wdf * p;
    const v = flush1(alphaf * load<f32>(vPtr + o) + oneMinusAlpha * d * d);
    store<f32>(vPtr + o, v);
    let s = d / (Mathf.sqrt(v) + epsf);
    if (withMomentum) {
      s = flush1(muf * load<f32>(bufPtr + o) + s);
      store<f32>(bufPtr + o, s);
    }
    store<f32>(pPtr + o, p - lrf * s);
  }
}

/**
 * Adam at step t ≥ 1 (Kingma & Ba, 2015), with moments m and v:
 * decoupled = false (Adam): d = g + λp; decoupled = true (AdamW): d = g, p ← p(1 − lr·λ) first.
 * m ← β1·m + (1 − β1)d; v ← β2·v + (1 − β2)d²; p ← p − lr·(m/c1)/(√(v/c2) + ε), c_k = 1 − β_k^t.
 * The bias corrections are taken once per call in f64 (β2^t is close to 1 for small t).
 */
export function adamStep(
  pPtr: usize, gPtr: usize, mPtr: usize, vPtr: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, step: i32, decoupled: bool,
): void {
  const c1 = 1 - Math.pow(beta1, <f64>step);
  const c2 = 1 - Math.pow(beta2, <f64>step);
  // lr·(m/c1)/(√(v/c2) + ε) = stepSize·m/(√v·invSqrtC2 + ε), as PyTorch's Adam computes it.
  const stepSize = <f32>(lr / c1);
  const invSqrtC2 = <f32>(1 / Math.sqrt(c2));
  const decay: f32 = decoupled ? <f32>(1 - lr * weightDecay) : 1;
  const l2: f32 = decoupled ? 0 : <f32>weightDecay;
  const beta1f = <f32>beta1;
  const beta2f = <f32>beta2;
  const oneMinusB1 = <f32>(1 - beta1);
  const oneMinusB2 = <f32>(1 - beta2);
  const epsf = <f32>eps;
  const vstep = f32x4.splat(stepSize);
  const vinv = f32x4.splat(invSqrtC2);
  const vdecay = f32x4.splat(decay);
  const vl2 = f32x4.splat(l2);
  const vb1 = f32x4.splat(beta1f);
  const vb2 = f32x4.splat(beta2f);
  const v1b1 = f32x4.splat(oneMinusB1);
  const v1b2 = f32x4.splat(oneMinusB2);
  const veps = f32x4.splat(epsf);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p0 = v128.load(pPtr + o);
    // One of decay and l2 is neutral (1 or 0), so both forms share this loop without a branch.
    const p = f32x4.mul(p0, vdecay);
    const d = madd(vl2, p0, v128.load(gPtr + o));
    const m = flush(madd(vb1, v128.load(mPtr + o), f32x4.mul(v1b1, d)));
    const v = flush(madd(vb2, v128.load(vPtr + o), f32x4.mul(f32x4.mul(v1b2, d), d)));
    v128.store(mPtr + o, m);
    v128.store(vPtr + o, v);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(v), vinv), veps);
    v128.store(pPtr + o, f32x4.sub(p, f32x4.div(f32x4.mul(vstep, m), denom)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p0 = load<f32>(pPtr + o);
    const p = p0 * decay;
    const d = load<f32>(gPtr + o) + l2 * p0;
    const m = flush1(beta1f * load<f32>(mPtr + o) + oneMinusB1 * d);
    const v = flush1(beta2f * load<f32>(vPtr + o) + oneMinusB2 * d * d);
    store<f32>(mPtr + o, m);
    store<f32>(vPtr + o, v);
    store<f32>(pPtr + o, p - (stepSize * m) / (Mathf.sqrt(v) * invSqrtC2 + epsf));
  }
}
