// Layer normalization, reference implementation: each row standardized on its own, then scaled
// and shifted per feature. Sums in f64.

/** y = (x − mean)·rstd·γ + β per row; mean and rstd = 1/√(var + eps) saved (var biased). */
export function layerNorm(
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, y: Float32Array, mean: Float32Array, rstd: Float32Array,
  rows: number, cols: number, eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[o + j];
    const m = s / cols;
    let q = 0;
    for (let j = 0; j < cols; j++) q += (x[o + j] - m) ** 2;
    const rs = 1 / Math.sqrt(q / cols + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) y[o + j] = (x[o + j] - m) * rs * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
  }
}

/** dx = rstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ; dγ = Σ dy·x̂, dβ = Σ dy over rows. */
export function layerNormBackward(
  dy: Float32Array, x: Float32Array, mean: Float32Array, rstd: Float32Array, gamma: Float32Array | null,
  dx: Float32Array, dgamma: Float32Array | null, dbeta: Float32Array | null, rows: number, cols: number,
): void {
  const dg = new Float64Array(cols);
  const db = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let a = 0;
    let b = 0;
    for (let j = 0; j < cols; j++) {
      const xh = (x[o + j] - mean[r]) * rstd[r];
      const g = dy[o + j] * (gamma ? gamma[j] : 1);
      a += g;
      b += g * xh;
      dg[j] += dy[o + j] * xh;
      db[j] += dy[o + j];
    }
    for (let j = 0; j < cols; j++) {
      const xh = (x[o + j] - mean[r]) * rstd[r];
      const g = dy[o + j] * (gamma ? gamma[j] : 1);
      dx[o + j] = rstd[r] * (g - a / cols - (xh * b) / cols);
    }
  }
  dgamma?.set(dg);
  dbeta?.set(db);
}
