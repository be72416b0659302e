// Batch normalization, reference implementation. x is viewed as [n, c, inner]; channel ch owns
// the M = n·inner values x[(b·c + ch)·inner + i].
//
//   mean = Σx / M,  var = Σ(x − mean)² / M  (biased),  invstd = 1/√(var + eps)
//   x̂ = (x − mean)·invstd,  y = γ·x̂ + β
//   dβ = Σdy,  dγ = Σdy·x̂,  dx = invstd/M · (M·dy·γ − Σdy·γ − x̂·Σ(dy·γ·x̂))

export function batchNormStats(x: Float32Array, mean: Float32Array, variance: Float32Array, n: number, c: number, inner: number): void {
  const m = n * inner;
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let b = 0; b < n; b++) for (let i = 0; i < inner; i++) s += x[(b * c + ch) * inner + i];
    const mu = s / m;
    let q = 0;
    for (let b = 0; b < n; b++) for (let i = 0; i < inner; i++) q += (x[(b * c + ch) * inner + i] - mu) ** 2;
    mean[ch] = mu;
    variance[ch] = q / m;
  }
}

/** gamma / beta null: γ = 1 / β = 0. xhat null: x̂ not kept. */
export function batchNorm(
  x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, beta: Float32Array | null,
  y: Float32Array, xhat: Float32Array | null, n: number, c: number, inner: number, eps: number,
): void {
  for (let ch = 0; ch < c; ch++) {
    const invstd = 1 / Math.sqrt(variance[ch] + eps);
    const g = gamma !== null ? gamma[ch] : 1;
    const bt = beta !== null ? beta[ch] : 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < inner; i++) {
        const j = (b * c + ch) * inner + i;
        const xh = (x[j] - mean[ch]) * invstd;
        if (xhat !== null) xhat[j] = xh;
        y[j] = g * xh + bt;
      }
    }
  }
}

/** Backward with batch statistics. gamma null: γ = 1; dgamma / dbeta null: not written. */
export function batchNormBackward(
  dy: Float32Array, xhat: Float32Array, variance: Float32Array, gamma: Float32Array | null, dx: Float32Array,
  dgamma: Float32Array | null, dbeta: Float32Array | null, n: number, c: number, inner: number, eps: number,
): void {
  const m = n * inner;
  for (let ch = 0; ch < c; ch++) {
    const invstd = 1 / Math.sqrt(variance[ch] + eps);
    const g = gamma !== null ? gamma[ch] : 1;
    let sdy = 0;
    let sdyx = 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < inner; i++) {
        const j = (b * c + ch) * inner + i;
        sdy += dy[j];
        sdyx += dy[j] * xhat[j];
      }
    }
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < inner; i++) {
        const j = (b * c + ch) * inner + i;
        dx[j] = (invstd / m) * (m * dy[j] * g - sdy * g - xhat[j] * sdyx * g);
      }
    }
    if (dgamma !== null) dgamma[ch] = sdyx;
    if (dbeta !== null) dbeta[ch] = sdy;
  }
}
