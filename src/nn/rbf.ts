// RBF: a layer of radial basis function neurons. Where a Linear neuron responds to the
// direction of its input (a weighted sum), an RBF neuron responds to distance: neuron j has a
// center c_j and a width σ_j, and outputs φ(‖x − c_j‖²/σ_j²) — near 1 when x is close to c_j
// and fading with distance for the Gaussian. A layer of them tiles the input space with bumps,
// and a linear readout on top adds the bumps up into any smooth function (Broomhead & Lowe,
// 1988; Park & Sandberg, 1991, proved the universal approximation). Because the readout is
// linear, it can be solved in closed form once the centers are fixed (models.rbfNetwork).
//
// The two differentiable ops below carry the calculus. With d2 = ‖x − c‖² and G = dL/dd2:
//   ∂d2_ij/∂x_i = 2(x_i − c_j)  ⇒  dX = 2(X ⊙ rowsum(G) − G·C)
//   ∂d2_ij/∂c_j = −2(x_i − c_j) ⇒  dC = 2(C ⊙ colsum(G) − Gᵀ·X)
// and for φ = f(s), s = d2/σ²: dL/dd2 = dL/dφ·f′(s)/σ², dL/dσ_j = Σ_i dL/dφ·f′(s)·(−2s/σ_j).
import { Basis } from "../backend/basis.js";
import { Binary, Unary } from "../backend/opcodes.js";
import { record } from "../autograd/engine.js";
import { reshape as reshapeRaw } from "../autograd/shape.js";
import { backendOf, empty } from "../autograd/util.js";
import { kmeans, nearestCenterWidths, type KMeansOptions, type KMeansResult } from "../cluster/kmeans.js";
import { checkF32 } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { normal } from "./init.js";
import { buffer, checkInput, checkOptions, Module, parameter } from "./module.js";

/** The radial basis φ(r²) of an RBF layer: exp(−r²/2σ²), √(r² + σ²) or 1/√(r² + σ²). */
export type BasisName = "gaussian" | "multiquadric" | "inverseMultiquadric";
const BASES: Record<BasisName, Basis> = { gaussian: Basis.Gaussian, multiquadric: Basis.Multiquadric, inverseMultiquadric: Basis.InverseMultiquadric };

/**
 * Squared distances [n, k] between the rows of x [n, d] and of c [k, d].
 *
 * @example const d2 = nn.sqDist(tensor([[0, 0]]), tensor([[3, 4], [1, 0]])); // ‖x − c‖² = [[25, 1]]
 */
export function sqDist(x: Tensor, c: Tensor): Tensor {
  const be = backendOf("sqDist", x, c);
  if (x.rank !== 2 || c.rank !== 2 || x.shape[1] !== c.shape[1]) throw new Error(`sqDist: expected [n, d] and [k, d], got ${fmt(x.shape)} and ${fmt(c.shape)}`);
  const [n, d] = x.shape;
  const k = c.shape[0];
  const out = empty(be, [n, k]);
  be.sqDist(x.ptr, c.ptr, out.ptr, n, k, d);
  return record(out, "sqDist", [x, c], (g) => {
    // One side of the rule: 2(A ⊙ (Σ G along `sumLen`) − op(G)·B) for A [rows, d] and B the other operand.
    const side = (a: Tensor, b: Tensor, rows: number, transG: boolean): Tensor => {
      const s = empty(be, [rows]);
      if (transG) be.sumAxis(g.ptr, s.ptr, 1, n, k);
      else be.sumAxis(g.ptr, s.ptr, n, k, 1);
      const da = empty(be, a.shape);
      be.binary(Binary.Mul, a.ptr, s.ptr, da.ptr, rows * d, rows, d);
      s.dispose();
      const gb = empty(be, a.shape);
      if (transG) be.gemm(g.ptr, b.ptr, gb.ptr, k, d, n, true, false, false);
      else be.gemm(g.ptr, b.ptr, gb.ptr, n, d, k, false, false, false);
      be.binary(Binary.Sub, da.ptr, gb.ptr, da.ptr, rows * d, rows * d, 1);
      gb.dispose();
      be.unary(Unary.MulScalar, da.ptr, da.ptr, rows * d, 2);
      return da;
    };
    return [x.requiresGrad ? side(x, c, n, false) : null, c.requiresGrad ? side(c, x, k, true) : null];
  });
}

/**
 * φ = f(d2/σ²) columnwise: d2 [n, k] squared distances, widths σ [k].
 *
 * @example const phi = nn.rbfBasis(tensor([[0, 2]]), tensor([1, 1])); // gaussian exp(−d²/2σ²) = [[1, 0.3679]]
 */
export function rbfBasis(d2: Tensor, widths: Tensor, basis: BasisName = "gaussian"): Tensor {
  const be = backendOf("rbfBasis", d2, widths);
  const kind = BASES[basis];
  if (kind === undefined) throw new Error(`rbfBasis: unknown basis "${basis}", expected one of ${Object.keys(BASES).join(", ")}`);
  if (d2.rank !== 2 || widths.rank !== 1 || widths.shape[0] !== d2.shape[1]) throw new Error(`rbfBasis: expected d2 [n, k] and widths [k], got ${fmt(d2.shape)} and ${fmt(widths.shape)}`);
  const [n, k] = d2.shape;
  const phi = empty(be, [n, k]);
  be.rbfBasis(kind, d2.ptr, widths.ptr, phi.ptr, n, k);
  return record(phi, "rbfBasis", [d2, widths], (g) => {
    const dd2 = empty(be, [n, k]);
    const dw = widths.requiresGrad ? empty(be, [k]) : null;
    be.rbfBasisBackward(kind, d2.ptr, widths.ptr, phi.ptr, g.ptr, dd2.ptr, dw?.ptr ?? 0, n, k);
    return [dd2, dw];
  });
}

/** Options of RBF. */
export interface RBFOptions {
  /** φ(s), s = r²/σ²: "gaussian" e^(−s/2) (default), "multiquadric" √(1+s), "inverseMultiquadric" 1/√(1+s). */
  basis?: BasisName;
  /** Train the centers by gradient descent (default true); otherwise they are a fixed buffer. */
  learnableCenters?: boolean;
  /** Train the widths by gradient descent (default true); otherwise they are a fixed buffer. */
  learnableWidths?: boolean;
  /** Initial width of every neuron (default 1); initFromData replaces it. */
  width?: number;
}

/**
 * Input [..., inFeatures] → output [..., centers]: output j is φ(‖x − c_j‖²/σ_j²).
 * `centers` [centers, inFeatures] start N(0, 1) and `widths` [centers] at `options.width`; call
 * initFromData to place them by k-means. A learnable width may cross zero (φ depends on σ²).
 * @example
 * const rbf = new nn.RBF(2, 40, { basis: "gaussian" });
 * rbf.initFromData(trainX, { seed: 1 }); // k-means centers, nearest-center widths
 * const phi = rbf.forward(x);            // [batch, 2] → [batch, 40]
 */
export class RBF extends Module {
  /** The centers c_j [numCenters, inFeatures]. */
  readonly centers: Tensor;
  /** The widths σ_j [numCenters]. */
  readonly widths: Tensor;
  /** The radial function φ. */
  readonly basis: BasisName;

  /**
   * @param inFeatures Features of each input.
   * @param numCenters Centers, so features of each output.
   * @param options Basis, initial width, and whether centers and widths train.
   */
  constructor(readonly inFeatures: number, readonly numCenters: number, options: RBFOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    for (const [name, v] of [["inFeatures", inFeatures], ["centers", numCenters]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`RBF: ${name} must be a positive integer, got ${v}`);
    }
    this.basis = options.basis ?? "gaussian";
    if (BASES[this.basis] === undefined) throw new Error(`RBF: unknown basis "${this.basis}", expected one of ${Object.keys(BASES).join(", ")}`);
    const width = options.width ?? 1;
    if (!(width > 0) || !Number.isFinite(width)) throw new Error(`RBF: width must be a positive number, got ${width}`);
    const c = parameter([numCenters, inFeatures], normal(1), "RBF");
    const w = options.learnableWidths === false ? buffer([numCenters], width) : parameter([numCenters], (v) => v.fill(width));
    if (options.learnableCenters === false) c.requiresGrad = false;
    this.centers = options.learnableCenters === false ? this.buffer("centers", c) : this.param("centers", c);
    this.widths = options.learnableWidths === false ? this.buffer("widths", w) : this.param("widths", w);
  }

  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected [*, ${this.inFeatures}]`);
    }
    if (x.rank === 2) return rbfBasis(sqDist(x, this.centers), this.widths, this.basis);
    // Other ranks go through a 2-D view and back.
    const rows = x.size / this.inFeatures;
    const flat = reshapeRaw(x, [rows, this.inFeatures]);
    const phi = rbfBasis(sqDist(flat, this.centers), this.widths, this.basis);
    return reshapeRaw(phi, [...x.shape.slice(0, -1), this.numCenters]);
  }

  /**
   * Place the centers by k-means on `data` (n × inFeatures, row-major) and set each width to
   * `widthScale` × the distance to the nearest other center. Returns the clustering.
   */
  initFromData(data: ArrayLike<number>, options: KMeansOptions & { widthScale?: number } = {}): KMeansResult {
    if (data.length % this.inFeatures !== 0) {
      throw new Error(`${this.describe()}.initFromData: ${data.length} values are not whole samples of ${this.inFeatures} features`);
    }
    const n = data.length / this.inFeatures;
    if (this.numCenters > n) throw new Error(`${this.describe()}.initFromData: k-means needs at least ${this.numCenters} points (one per center), got ${n}`);
    const result = kmeans(data, this.inFeatures, this.numCenters, options);
    this.setCenters(result.centers);
    this.setWidths(nearestCenterWidths(result.centers, this.inFeatures, options.widthScale ?? 1));
    return result;
  }

  /** Set the centers from numCenters·inFeatures values, row-major (all checked before any is written). */
  setCenters(values: ArrayLike<number>): void {
    if (values.length !== this.centers.size) throw new Error(`${this.describe()}.setCenters: got ${values.length} values, expected ${this.numCenters}×${this.inFeatures} = ${this.centers.size}`);
    checkF32(`${this.describe()}.setCenters: the centers`, values);
    this.centers.set(values);
  }

  /** Set the widths from numCenters positive values (all checked before any is written). */
  setWidths(values: ArrayLike<number>): void {
    if (values.length !== this.numCenters) throw new Error(`${this.describe()}.setWidths: got ${values.length} values, expected ${this.numCenters}`);
    for (let i = 0; i < values.length; i++) {
      if (!(values[i] !== 0 && Number.isFinite(values[i]))) throw new Error(`${this.describe()}.setWidths: width ${i} is ${values[i]}; widths must be finite and nonzero`);
    }
    this.widths.set(values);
  }

  override describe(): string {
    return `RBF(${this.inFeatures}→${this.numCenters}, ${this.basis})`;
  }
}

