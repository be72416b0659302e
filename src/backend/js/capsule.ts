// Capsule kernels, reference implementation (Sabour, Frosst & Hinton, 2017).
//
// A capsule is a vector: its length is the probability that the entity it stands for is present,
// its direction how that entity looks (pose, stroke width, skew). Sums run in float64.

/** Σ_k a[ao + k]·b[bo + k], k < n, in float64. */
function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[ao + k] * b[bo + k];
  return s;
}

/**
 * The squash nonlinearity per row of `dim`: v = (‖s‖²/(1 + ‖s‖²))·s/‖s‖ = s·‖s‖/(1 + ‖s‖²).
 * Short vectors shrink to almost nothing (v ≈ ‖s‖·s), long ones to just under unit length, and
 * the direction is kept. Written without the division by ‖s‖, a zero vector gives zero.
 */
export function squash(x: Float32Array, y: Float32Array, rows: number, dim: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    const n2 = dot(x, o, x, o, dim);
    const f = Math.sqrt(n2) / (1 + n2);
    for (let k = 0; k < dim; k++) y[o + k] = f * x[o + k];
  }
}

/**
 * v = f(n)·s with n = ‖s‖ and f(n) = n/(1 + n²), so ∂v/∂s = f·I + s·sᵀ·f′(n)/n (as ∂n/∂s = s/n),
 * f′(n) = (1 − n²)/(1 + n²)²: dx = f·dy + s·(s·dy)·(1 − n²)/(n(1 + n²)²). |s·(s·dy)/n| ≤ n·|dy|,
 * so the second term vanishes as n → 0 and is 0 at n = 0.
 */
export function squashBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, dim: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    const n2 = dot(x, o, x, o, dim);
    const n = Math.sqrt(n2);
    const q = 1 + n2;
    const f = n / q;
    const g = n > 0 ? (dot(x, o, dy, o, dim) * (1 - n2)) / (n * q * q) : 0;
    for (let k = 0; k < dim; k++) dx[o + k] = f * dy[o + k] + g * x[o + k];
  }
}

/** out[r] = ‖x_r‖. */
export function vectorNorm(x: Float32Array, out: Float32Array, rows: number, dim: number): void {
  for (let r = 0; r < rows; r++) out[r] = Math.sqrt(dot(x, r * dim, x, r * dim, dim));
}

/** ∂‖x‖/∂x = x/‖x‖, taken as 0 at x = 0. */
export function vectorNormBackward(x: Float32Array, norm: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, dim: number): void {
  for (let r = 0; r < rows; r++) {
    const a = norm[r] > 0 ? dy[r] / norm[r] : 0;
    for (let k = 0; k < dim; k++) dx[r * dim + k] = a * x[r * dim + k];
  }
}

/** s[b, j, :] = Σ_i c[b, i, j]·uhat[b, i, j, :]: each output capsule's input, the votes weighted by their coupling. */
export function routingWeightedSum(c: Float32Array, uhat: Float32Array, s: Float32Array, batch: number, inCaps: number, outCaps: number, dim: number): void {
  const acc = new Float64Array(outCaps * dim);
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    for (let i = 0; i < inCaps; i++) {
      for (let j = 0; j < outCaps; j++) {
        const row = (b * inCaps + i) * outCaps + j;
        for (let d = 0; d < dim; d++) acc[j * dim + d] += c[row] * uhat[row * dim + d];
      }
    }
    s.set(acc, b * outCaps * dim);
  }
}

/** a[b, i, j] (+)= uhat[b, i, j, :]·v[b, j, :]: how well input capsule i's vote agrees with output j. */
export function routingAgreement(uhat: Float32Array, v: Float32Array, a: Float32Array, batch: number, inCaps: number, outCaps: number, dim: number, accumulate: boolean): void {
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < inCaps; i++) {
      for (let j = 0; j < outCaps; j++) {
        const row = (b * inCaps + i) * outCaps + j;
        const d = dot(uhat, row * dim, v, (b * outCaps + j) * dim, dim);
        a[row] = accumulate ? a[row] + d : d;
      }
    }
  }
}

/** duhat[b, i, j, :] (+)= c[b, i, j]·g[b, j, :]. */
export function routingOuter(c: Float32Array, g: Float32Array, duhat: Float32Array, batch: number, inCaps: number, outCaps: number, dim: number, accumulate: boolean): void {
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < inCaps; i++) {
      for (let j = 0; j < outCaps; j++) {
        const row = (b * inCaps + i) * outCaps + j;
        for (let d = 0; d < dim; d++) {
          const t = c[row] * g[(b * outCaps + j) * dim + d];
          duhat[row * dim + d] = accumulate ? duhat[row * dim + d] + t : t;
        }
      }
    }
  }
}

/**
 * L = mean_r Σ_k T_k·max(0, m⁺ − ℓ_k)² + λ(1 − T_k)·max(0, ℓ_k − m⁻)²: the true class's capsule
 * is pushed longer than m⁺, every other one shorter than m⁻ (λ keeps the many absent classes from
 * shrinking all lengths early in training). grad = dL/dℓ.
 */
export function marginLoss(
  lengths: Float32Array, labels: Float32Array, grad: Float32Array, rows: number, cols: number, mPlus: number, mMinus: number, lambda: number,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      const o = r * cols + k;
      if (k === labels[r]) {
        const e = Math.max(0, mPlus - lengths[o]);
        total += e * e;
        grad[o] = (-2 * e) / rows;
      } else {
        const e = Math.max(0, lengths[o] - mMinus);
        total += lambda * e * e;
        grad[o] = (2 * lambda * e) / rows;
      }
    }
  }
  return total / rows;
}
