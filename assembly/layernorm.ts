// Layer normalization (Ba, Kiros & Hinton, 2016): each row of features is shifted to mean 0 and
// scaled to variance 1 on its own, then given a learned per-feature scale γ and shift β. Unlike
// batch norm it needs no batch statistics, so training and inference compute the same thing.
import { hsum, madd } from "./simd";

/**
 * Row-wise layer norm of a row-major rows×cols matrix:
 *   mean = Σx/N, var = Σ(x − mean)²/N (biased, as PyTorch), rstd = 1/√(var + eps),
 *   y = (x − mean)·rstd·γ + β,   N = cols.
 * gammaPtr / betaPtr 0: γ = 1 / β = 0. mean and rstd [rows] are written for the backward pass.
 * y may alias x. The sums run in four f32 lanes (the reference sums in f64); the variance is the
 * two-pass form, so rows with a large mean lose nothing to cancellation.
 */
export function layerNorm(xPtr: usize, gammaPtr: usize, betaPtr: usize, yPtr: usize, meanPtr: usize, rstdPtr: usize, rows: i32, cols: i32, eps: f32): void {
  const rowBytes = <usize>cols << 2;
  const invN: f32 = 1 / <f32>cols;
  for (let r = 0; r < rows; r++) {
    const x = xPtr + <usize>r * rowBytes;
    const y = yPtr + <usize>r * rowBytes;
    let sv = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) sv = f32x4.add(sv, v128.load(x + (<usize>j << 2)));
    let s = hsum(sv);
    for (; j < cols; j++) s += load<f32>(x + (<usize>j << 2));
    const mean = s * invN;

    const m = f32x4.splat(mean);
    let qv = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const d = f32x4.sub(v128.load(x + (<usize>j << 2)), m);
      qv = madd(d, d, qv);
    }
    let q = hsum(qv);
    for (; j < cols; j++) {
      const d = load<f32>(x + (<usize>j << 2)) - mean;
      q += d * d;
    }
    const rstd: f32 = 1 / Mathf.sqrt(q * invN + eps);
    store<f32>(meanPtr + (<usize>r << 2), mean);
    store<f32>(rstdPtr + (<usize>r << 2), rstd);

    const rs = f32x4.splat(rstd);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      let v = f32x4.mul(f32x4.sub(v128.load(x + o), m), rs);
      if (gammaPtr) v = f32x4.mul(v, v128.load(gammaPtr + o));
      if (betaPtr) v = f32x4.add(v, v128.load(betaPtr + o));
      v128.store(y + o, v);
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      let v = (load<f32>(x + o) - mean) * rstd;
      if (gammaPtr) v *= load<f32>(gammaPtr + o);
      if (betaPtr) v += load<f32>(betaPtr + o);
      store<f32>(y + o, v);
    }
  }
}

/**
 * Backward of layerNorm from x and the saved mean and rstd. With x̂ = (x − mean)·rstd and
 * g = dy·γ, per row:
 *   dx = rstd·(g − Σg/N − x̂·Σ(g·x̂)/N),
 * and over all rows dγ = Σ dy·x̂, dβ = Σ dy (written, not accumulated; dgammaPtr / dbetaPtr 0: not
 * computed; gammaPtr 0: γ = 1). dx may alias dy.
 */
export function layerNormBackward(
  dyPtr: usize, xPtr: usize, meanPtr: usize, rstdPtr: usize, gammaPtr: usize, dxPtr: usize, dgammaPtr: usize, dbetaPtr: usize,
  rows: i32, cols: i32,
): void {
  const rowBytes = <usize>cols << 2;
  const invN: f32 = 1 / <f32>cols;
  if (dgammaPtr) memory.fill(dgammaPtr, 0, rowBytes);
  if (dbetaPtr) memory.fill(dbetaPtr, 0, rowBytes);
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    const x = xPtr + off;
    const dy = dyPtr + off;
    const dx = dxPtr + off;
    const mean = load<f32>(meanPtr + (<usize>r << 2));
    const rstd = load<f32>(rstdPtr + (<usize>r << 2));
    const m = f32x4.splat(mean);
    const rs = f32x4.splat(rstd);

    // Σg and Σg·x̂, and the parameter gradients, in one sweep.
    let av = f32x4.splat(0);
    let bv = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      const d = v128.load(dy + o);
      const xh = f32x4.mul(f32x4.sub(v128.load(x + o), m), rs);
      const g = gammaPtr ? f32x4.mul(d, v128.load(gammaPtr + o)) : d;
      av = f32x4.add(av, g);
      bv = madd(g, xh, bv);
      if (dgammaPtr) v128.store(dgammaPtr + o, f32x4.add(v128.load(dgammaPtr + o), f32x4.mul(d, xh)));
      if (dbetaPtr) v128.store(dbetaPtr + o, f32x4.add(v128.load(dbetaPtr + o), d));
    }
    let a = hsum(av);
    let b = hsum(bv);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const d = load<f32>(dy + o);
      const xh = (load<f32>(x + o) - mean) * rstd;
      const g = gammaPtr ? d * load<f32>(gammaPtr + o) : d;
      a += g;
      b += g * xh;
      if (dgammaPtr) store<f32>(dgammaPtr + o, load<f32>(dgammaPtr + o) + d * xh);
      if (dbetaPtr) store<f32>(dbetaPtr + o, load<f32>(dbetaPtr + o) + d);
    }
    a *= invN;
    b *= invN;

    const av2 = f32x4.splat(a);
    const bv2 = f32x4.splat(b);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      const d = v128.load(dy + o);
      const xh = f32x4.mul(f32x4.sub(v128.load(x + o), m), rs);
      const g = gammaPtr ? f32x4.mul(d, v128.load(gammaPtr + o)) : d;
      v128.store(dx + o, f32x4.mul(rs, f32x4.sub(f32x4.sub(g, av2), f32x4.mul(xh, bv2))));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const d = load<f32>(dy + o);
      const xh = (load<f32>(x + o) - mean) * rstd;
      const g = gammaPtr ? d * load<f32>(gammaPtr + o) : d;
      store<f32>(dx + o, rstd * (g - a - xh * b));
    }
  }
}
