// Pairwise squared distances and radial basis functions: the hot loop of an RBF layer.
//
// Why a kernel and not ‖x‖² − 2x·cᵀ + ‖c‖² composed from GEMM: the expansion cancels when x is
// near c (the very points a Gaussian responds to), can go slightly negative (NaN under the
// multiquadric's √) and needs three temporaries; the direct sum is exactly 0 at the center and
// never negative. Speed is not the reason: measured on the release build (medians, 2 shared and
// busy cores), 1,024 inputs × 64 centers: d = 2, direct 0.26–0.28 ms vs composed 0.19–0.25 ms;
// d = 16, 0.57 vs 0.17 ms; d = 784, 15–27 vs 13–20 ms. GEMM wins on wide inputs; RBF layers
// sit on narrow ones (a few features, or a learned low-dimensional code), where the exp of the
// basis, one per (input, center) pair, costs more than either.
import { Basis } from "../src/backend/basis";
import { madd } from "./simd";

/**
 * out[i·k + j] = Σ_t (x[i·d + t] − c[j·d + t])² for x [n, d], c [k, d], out [n, k], row-major.
 * out aliases neither input. For d ≥ 8 each sum runs in f32 lanes then a scalar tail, so results
 * differ from a sequential sum by rounding only.
 */
export function sqDist(xPtr: usize, cPtr: usize, outPtr: usize, n: i32, k: i32, d: i32): void {
  if (d < 8) {
    sqDistNarrow(xPtr, cPtr, outPtr, n, k, d);
    return;
  }
  for (let i = 0; i < n; i++) {
    const xi = xPtr + (<usize>(i * d) << 2);
    const oi = outPtr + (<usize>(i * k) << 2);
    for (let j = 0; j < k; j++) {
      const cj = cPtr + (<usize>(j * d) << 2);
      // Two accumulators: one would wait on the latency of each add.
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let t = 0;
      for (; t + 8 <= d; t += 8) {
        const o = <usize>t << 2;
        const e0 = f32x4.sub(v128.load(xi + o), v128.load(cj + o));
        const e1 = f32x4.sub(v128.load(xi + o, 16), v128.load(cj + o, 16));
        a0 = madd(e0, e0, a0);
        a1 = madd(e1, e1, a1);
      }
      for (; t + 4 <= d; t += 4) {
        const o = <usize>t << 2;
        const e = f32x4.sub(v128.load(xi + o), v128.load(cj + o));
        a0 = madd(e, e, a0);
      }
      const acc = f32x4.add(a0, a1);
      let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      for (; t < d; t++) {
        const o = <usize>t << 2;
        const e = load<f32>(xi + o) - load<f32>(cj + o);
        s += e * e;
      }
      store<f32>(oi + (<usize>j << 2), s);
    }
  }
}

/** sqDist for d < 8, where a vector would be mostly empty: plain scalar sums, in order. */
// @ts-ignore: decorator
@inline
function sqDistNarrow(xPtr: usize, cPtr: usize, outPtr: usize, n: i32, k: i32, d: i32): void {
  for (let i = 0; i < n; i++) {
    const xi = xPtr + (<usize>(i * d) << 2);
    const oi = outPtr + (<usize>(i * k) << 2);
    let cj = cPtr;
    for (let j = 0; j < k; j++) {
      let s: f32 = 0;
      for (let t = 0; t < d; t++) {
        const o = <usize>t << 2;
        const e = load<f32>(xi + o) - load<f32>(cj + o);
        s += e * e;
      }
      store<f32>(oi + (<usize>j << 2), s);
      cj += <usize>d << 2;
    }
  }
}

// @ts-ignore: decorator
@inline
function basisAt(kind: i32, s: f32): f32 {
  if (kind == Basis.Gaussian) return Mathf.exp(-0.5 * s);
  if (kind == Basis.Multiquadric) return Mathf.sqrt(1 + s);
  return 1 / Mathf.sqrt(1 + s);
}

/** dφ/ds from φ itself: Gaussian −φ/2, multiquadric 1/(2φ), inverse multiquadric −φ³/2. */
// @ts-ignore: decorator
@inline
function basisSlope(kind: i32, phi: f32): f32 {
  if (kind == Basis.Gaussian) return -0.5 * phi;
  if (kind == Basis.Multiquadric) return 0.5 / phi;
  return -0.5 * phi * phi * phi;
}

/**
 * phi[i·k + j] = f(d2[i·k + j] / σ_j²), f the Basis `kind`, for d2 [n, k] (squared distances) and
 * widths σ [k]. phi may alias d2. Widths must be nonzero.
 */
export function rbfBasis(kind: i32, d2Ptr: usize, widthPtr: usize, phiPtr: usize, n: i32, k: i32): void {
  for (let i = 0; i < n; i++) {
    const row = <usize>(i * k) << 2;
    for (let j = 0; j < k; j++) {
      const o = <usize>j << 2;
      const sigma = load<f32>(widthPtr + o);
      store<f32>(phiPtr + row + o, basisAt(kind, load<f32>(d2Ptr + row + o) / (sigma * sigma)));
    }
  }
}

/**
 * Backward of rbfBasis, with q = dphi·f′(s): dd2 = q/σ_j² (written, [n, k]; may alias dphi) and,
 * unless dwidthPtr is 0, dwidth[j] = Σ_i q·(−2s/σ_j) (written, [k]). phi is rbfBasis's output.
 */
export function rbfBasisBackward(
  kind: i32, d2Ptr: usize, widthPtr: usize, phiPtr: usize, dphiPtr: usize, dd2Ptr: usize, dwidthPtr: usize, n: i32, k: i32,
): void {
  if (dwidthPtr != 0) memory.fill(dwidthPtr, 0, <usize>k << 2);
  for (let i = 0; i < n; i++) {
    const row = <usize>(i * k) << 2;
    for (let j = 0; j < k; j++) {
      const o = <usize>j << 2;
      const sigma = load<f32>(widthPtr + o);
      const inv2: f32 = 1 / (sigma * sigma);
      const q = load<f32>(dphiPtr + row + o) * basisSlope(kind, load<f32>(phiPtr + row + o));
      if (dwidthPtr != 0) {
        const s = load<f32>(d2Ptr + row + o) * inv2;
        store<f32>(dwidthPtr + o, load<f32>(dwidthPtr + o) - 2 * q * s / sigma);
      }
      store<f32>(dd2Ptr + row + o, q * inv2);
    }
  }
}
