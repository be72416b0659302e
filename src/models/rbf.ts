// The RBF network: a layer of radial basis function neurons and a linear readout,
// y = W·φ(x) + b. Two ways to train it:
//   - gradient descent on everything (centers, widths, readout), like any network (fit);
//   - the classic two-stage recipe (Moody & Darken, 1989): place the centers by k-means and set
//     the widths from the distances between centers, then — since y is linear in W and b once φ
//     is fixed — solve the readout exactly by least squares. No learning rate, no epochs: one
//     linear solve, (ΦᵀΦ + λI)w = Φᵀy, the normal equations with a small ridge λ.
// The two combine well: solve in closed form, then fine-tune everything by gradient descent.
import { predict } from "../train/evaluate.js";
import { Linear } from "../nn/linear.js";
import { freeOnFailure, Module } from "../nn/module.js";
import { RBF, type BasisName } from "../nn/rbf.js";
import type { KMeansOptions, KMeansResult } from "../cluster/kmeans.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkModelOptions, type OptionKeys } from "./options.js";

/** Options of rbfNetwork: an RBF layer of `centers` bumps, then a linear readout. */
export interface RbfNetworkOptions {
  /** Features of each input. */
  inputs: number;
  /** Number of RBF neurons (centers). */
  centers: number;
  /** Features of each output. */
  outputs: number;
  /** The radial function (default "gaussian"). */
  basis?: BasisName;
  /** Whether gradient descent moves the centers (default true). */
  learnableCenters?: boolean;
  /** Whether gradient descent changes the widths (default true). */
  learnableWidths?: boolean;
  /** Training inputs (n × inputs, row-major): when given, centers by k-means and nearest-center widths. */
  data?: ArrayLike<number>;
  /** Width = widthScale × distance to the nearest other center (default 1). */
  widthScale?: number;
  /** Seed of k-means (default 0). */
  seed?: number;
}

/** Options of RbfNetwork.solveReadout. */
export interface SolveOptions {
  /** Ridge λ relative to the mean diagonal of ΦᵀΦ (default 1e-8); the bias is not penalized. */
  ridge?: number;
}

/**
 * An RBF layer (`rbf`) followed by a linear readout (`readout`); stateDict keys rbf.*, readout.*.
 *
 * @example const net = models.rbfNetwork({ inputs: 1, centers: 8, outputs: 1 }); const y = net.forward(randn([4, 1])); // [4, 1]
 */
export class RbfNetwork extends Module {
  /** The hidden layer: φ(‖x − c_j‖², σ_j) for each center j. */
  readonly rbf: RBF;
  /** The linear readout from the bumps to the outputs. */
  readonly readout: Linear;

  /** @param options Sizes, basis, and what trains. */
  constructor(readonly options: RbfNetworkOptions) {
    super();
    this.rbf = this.child("rbf", new RBF(options.inputs, options.centers, { basis: options.basis, learnableCenters: options.learnableCenters, learnableWidths: options.learnableWidths }));
    this.readout = this.child("readout", new Linear(options.centers, options.outputs));
    if (options.data !== undefined) this.initCenters(options.data, { seed: options.seed, widthScale: options.widthScale });
  }

  forward(x: Tensor): Tensor {
    return this.readout.forward(this.rbf.forward(x));
  }

  /** k-means centers and nearest-center widths from training inputs (see RBF.initFromData). */
  initCenters(data: ArrayLike<number>, options: KMeansOptions & { widthScale?: number } = {}): KMeansResult {
    return this.rbf.initFromData(data, options);
  }

  /**
   * Set the readout to the least-squares solution for inputs x (n × inputs) and targets y: either
   * n × outputs values, or n class labels (then fitted as one-hot targets). The RBF layer is left
   * as it is. Solves (AᵀA + λD)w = Aᵀy for A = [Φ 1] in float64 by Cholesky, D the identity
   * without the bias entry. Returns the training MSE of the solution (against the targets fitted).
   *
   * @property mse The training mean squared error of the solution.
   */
  solveReadout(x: Float32Array, y: ArrayLike<number>, options: SolveOptions = {}): { mse: number } {
    const { inputs, centers: k, outputs } = this.options;
    const name = `rbfNetwork(${inputs}→${k}→${outputs}).solveReadout`;
    if (x.length % inputs !== 0 || x.length === 0) throw new Error(`${name}: ${x.length} input values are not a whole, non-zero number of samples of ${inputs} features`);
    const n = x.length / inputs;
    let targets: Float64Array;
    if (y.length === n * outputs) targets = Float64Array.from(y);
    else if (y.length === n && outputs > 1) {
      targets = new Float64Array(n * outputs);
      for (let i = 0; i < n; i++) {
        const c = y[i];
        if (!Number.isInteger(c) || c < 0 || c >= outputs) throw new Error(`${name}: label ${c} of sample ${i} is not a class index in [0, ${outputs - 1}]`);
        targets[i * outputs + c] = 1;
      }
    } else throw new Error(`${name}: ${y.length} target values for ${n} samples; expected ${n * outputs} (n × outputs) or ${n} class labels`);
    const ridge = options.ridge ?? 1e-8;
    if (!(ridge >= 0)) throw new Error(`${name}: ridge must be ≥ 0, got ${ridge}`);

    const phiT = predict(this.rbf, x, { sampleShape: [inputs] });
    const phi = phiT.toArray();
    phiT.dispose();
    const m = k + 1; // the bias is a column of ones
    const ata = new Float64Array(m * m);
    const aty = new Float64Array(m * outputs);
    const row = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) row[j] = phi[i * k + j];
      row[k] = 1;
      for (let a = 0; a < m; a++) {
        const ra = row[a];
        if (ra === 0) continue;
        for (let b = 0; b <= a; b++) ata[a * m + b] += ra * row[b];
        for (let o = 0; o < outputs; o++) aty[a * outputs + o] += ra * targets[i * outputs + o];
      }
    }
    let diag = 0;
    for (let j = 0; j < k; j++) diag += ata[j * m + j];
    const lambda = (ridge * diag) / k;
    for (let j = 0; j < k; j++) ata[j * m + j] += lambda;
    const w = choleskySolve(ata, aty, m, outputs, name);

    const weight = new Float32Array(outputs * k);
    const bias = new Float32Array(outputs);
    for (let o = 0; o < outputs; o++) {
      for (let j = 0; j < k; j++) weight[o * k + j] = w[j * outputs + o];
      bias[o] = w[k * outputs + o];
    }
    this.readout.weight.set(weight);
    this.readout.bias!.set(bias);
    let sse = 0;
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < outputs; o++) {
        let p = bias[o];
        for (let j = 0; j < k; j++) p += weight[o * k + j] * phi[i * k + j];
        sse += (p - targets[i * outputs + o]) ** 2;
      }
    }
    return { mse: sse / (n * outputs) };
  }

  override describe(): string {
    return `rbfNetwork(${this.options.inputs}→${this.options.centers}→${this.options.outputs})`;
  }
}

/**
 * Solve S·X = B for symmetric positive definite S (m × m, lower triangle used) and B (m × r),
 * by Cholesky S = LLᵀ, then two triangular solves. A non-positive pivot means S is singular to
 * working precision (duplicate centers, or more centers than distinct samples with λ = 0).
 *
 * @example // S = [[4, 2], [2, 3]], B = [2, 1]: X = S⁻¹B = [0.5, 0]
 * choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2, 1); // Float64Array [0.5, 0]
 */
export function choleskySolve(s: Float64Array, b: Float64Array, m: number, r: number, op = "choleskySolve"): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let v = s[i * m + j];
      for (let t = 0; t < j; t++) v -= l[i * m + t] * l[j * m + t];
      if (i === j) {
        if (!(v > 0)) throw new Error(`${op}: the normal equations are singular (pivot ${i} is ${v}); use a larger ridge or fewer centers`);
        l[i * m + i] = Math.sqrt(v);
      } else l[i * m + j] = v / l[j * m + j];
    }
  }
  const x = Float64Array.from(b);
  for (let c = 0; c < r; c++) {
    for (let i = 0; i < m; i++) {
      let v = x[i * r + c];
      for (let t = 0; t < i; t++) v -= l[i * m + t] * x[t * r + c];
      x[i * r + c] = v / l[i * m + i];
    }
    for (let i = m - 1; i >= 0; i--) {
      let v = x[i * r + c];
      for (let t = i + 1; t < m; t++) v -= l[t * m + i] * x[t * r + c];
      x[i * r + c] = v / l[i * m + i];
    }
  }
  return x;
}

const RBF_KEYS: OptionKeys<RbfNetworkOptions> = {
  inputs: "required", centers: "required", outputs: "required", basis: "optional", learnableCenters: "optional",
  learnableWidths: "optional", data: "optional", widthScale: "optional", seed: "optional",
};

/**
 * @example
 * const net = models.rbfNetwork({ inputs: 1, centers: 20, outputs: 1, data: train.x, seed: 1 });
 * net.solveReadout(train.x, train.y);       // closed form
 * await fit(net, train, { epochs: 50, optimizer: new optim.Adam(net.parameters()), loss: "mse" }); // or gradient descent
 */
export function rbfNetwork(options: RbfNetworkOptions): RbfNetwork {
  checkModelOptions("rbfNetwork", options, RBF_KEYS);
  return freeOnFailure(() => new RbfNetwork(options));
}
