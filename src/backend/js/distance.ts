// Pairwise squared distances and radial basis functions, reference implementation.
//
// An RBF neuron responds to how far its input is from its center c, through a bump-shaped (or,
// for the multiquadric, bowl-shaped) function of s = ‖x − c‖²/σ², σ the neuron's width.
import { Basis } from "../basis.js";

/** out[i, j] = ‖x_i − c_j‖², x [n, d], c [k, d], summed in float64. */
export function sqDist(x: Float32Array, c: Float32Array, out: Float32Array, n: number, k: number, d: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = x[i * d + t] - c[j * d + t];
        s += diff * diff;
      }
      out[i * k + j] = s;
    }
  }
}

function basisAt(kind: Basis, s: number): number {
  switch (kind) {
    case Basis.Gaussian: return Math.exp(-0.5 * s);
    case Basis.Multiquadric: return Math.sqrt(1 + s);
    case Basis.InverseMultiquadric: return 1 / Math.sqrt(1 + s);
  }
}

/** dφ/ds written in terms of φ: d/ds e^(−s/2) = −φ/2, d/ds √(1+s) = 1/(2φ), d/ds (1+s)^(−½) = −φ³/2. */
function basisSlope(kind: Basis, phi: number): number {
  switch (kind) {
    case Basis.Gaussian: return -0.5 * phi;
    case Basis.Multiquadric: return 0.5 / phi;
    case Basis.InverseMultiquadric: return -0.5 * phi * phi * phi;
  }
}

/** phi[i, j] = f(d2[i, j]/σ_j²). */
export function rbfBasis(kind: Basis, d2: Float32Array, width: Float32Array, phi: Float32Array, n: number, k: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) phi[i * k + j] = basisAt(kind, d2[i * k + j] / (width[j] * width[j]));
  }
}

/**
 * s = d2/σ², so ∂s/∂d2 = 1/σ² and ∂s/∂σ = −2s/σ. With q = dphi·f′(s): dd2 = q/σ², dσ_j = Σ_i q·(−2s/σ_j).
 */
export function rbfBasisBackward(
  kind: Basis, d2: Float32Array, width: Float32Array, phi: Float32Array, dphi: Float32Array, dd2: Float32Array,
  dwidth: Float32Array | null, n: number, k: number,
): void {
  const acc = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const sigma = width[j];
      const q = dphi[i * k + j] * basisSlope(kind, phi[i * k + j]);
      acc[j] -= (2 * q * (d2[i * k + j] / (sigma * sigma))) / sigma;
      dd2[i * k + j] = q / (sigma * sigma);
    }
  }
  if (dwidth) dwidth.set(acc);
}
