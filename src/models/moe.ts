// A mixture of MLP experts behind a softmax gate, with the helpers that measure it: the training
// loss with the load-balancing term, how each region of the input space is routed, and a plain
// MLP of the same parameter count to compare against.
import { add, exp, log, mul, mulScalar, neg, square, sub } from "../autograd/arithmetic.js";
import { concat, reshape } from "../autograd/shape.js";
import { mean, sum } from "../autograd/reduce.js";
import { noGrad } from "../autograd/engine.js";
import { freeOnFailure } from "../nn/module.js";
import { MixtureOfExperts } from "../nn/moe.js";
import type { Sequential } from "../nn/sequential.js";
import { resolveLoss, type LossFn, type LossName } from "../train/losses.js";
import { scope } from "../memory/scope.js";
import { tensor } from "../tensor/creation.js";
import { mlp, type MlpOptions } from "./mlp.js";
import { checkModelOptions, type OptionKeys } from "./options.js";

/** Options of mixtureOfExperts: MLP experts, an MLP gate, and how many experts each input uses. */
export interface MoeOptions {
  /** Features of each input. */
  inputs: number;
  /** Features of each output. */
  outputs: number;
  /** Number of experts (default 4). */
  experts?: number;
  /** Hidden widths of each expert MLP (default [16]). */
  expertHidden?: number[];
  /** Hidden widths of the gate (default []: a linear gate, whose regions are convex). */
  gateHidden?: number[];
  /** Experts each input is routed to (default all: a soft mixture). */
  topK?: number;
  /** The activation inside experts and gate (default "tanh"). */
  activation?: MlpOptions["activation"];
}

const MOE_KEYS: OptionKeys<MoeOptions> = {
  inputs: "required", outputs: "required", experts: "optional", expertHidden: "optional", gateHidden: "optional", topK: "optional", activation: "optional",
};

/**
 * @example
 * const moe = models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 4, expertHidden: [16], topK: 2 });
 * await fit(moe, train, { epochs: 100, optimizer: new optim.Adam(moe.parameters(), { lr: 1e-2 }), loss: models.moeLoss(moe, "mse", 0.01) });
 */
export function mixtureOfExperts(o: MoeOptions): MixtureOfExperts {
  checkModelOptions("mixtureOfExperts", o, MOE_KEYS);
  const e = o.experts ?? 4;
  if (!Number.isInteger(e) || e < 1) throw new Error(`mixtureOfExperts: experts must be a positive integer, got ${e}`);
  return freeOnFailure(() => {
    const experts = Array.from({ length: e }, () => mlp({ inputs: o.inputs, hidden: o.expertHidden ?? [16], outputs: o.outputs, activation: o.activation ?? "tanh" }));
    const gate = mlp({ inputs: o.inputs, hidden: o.gateHidden ?? [], outputs: e, activation: o.activation ?? "tanh" });
    return new MixtureOfExperts(experts, gate, { topK: o.topK });
  });
}

/**
 * The task loss plus auxWeight × the mixture's load-balancing loss from the same forward pass.
 *
 * @example const net = models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 4 }); const loss = models.moeLoss(net, "mse");
 */
export function moeLoss(model: MixtureOfExperts, base: LossName | LossFn = "mse", auxWeight = 0.01): LossFn {
  const f = resolveLoss("moeLoss", base);
  return (pred, target) => {
    const l = f(pred, target);
    if (auxWeight === 0 || model.auxLoss === null) return l;
    return add(l, mulScalar(model.auxLoss, auxWeight));
  };
}

/**
 * The competitive loss of Jacobs et al. (1991): the negative log-likelihood of the target under
 * a mixture of Gaussians centred on the experts' outputs,
 *   L = −mean_n log Σ_e w_e·exp(−‖t − o_e‖² / 2σ²),
 * instead of the error of the blended output. An expert is pulled towards a target only in
 * proportion to how well it already explains it relative to the others (its posterior), so the
 * experts compete for inputs and specialize, rather than each patching the others' residuals.
 * The model still predicts the blend Σ w_e·o_e; this changes only how it is trained. Adds
 * auxWeight × auxLoss like moeLoss. Pass as fit's `loss`.
 *
 * @example const moe = models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 4 });
 * await fit(moe, piecewise4(), { epochs: 50, optimizer: new optim.Adam(moe.parameters(), { lr: 0.01 }), loss: models.competitiveLoss(moe, 0.5) });
 */
export function competitiveLoss(model: MixtureOfExperts, sigma = 1, auxWeight = 0.01): LossFn {
  if (!(sigma > 0)) throw new Error(`competitiveLoss: sigma must be positive, got ${sigma}`);
  return (_pred, target) => {
    const w = model.gateWeights;
    if (w === null || model.expertOutputs.length === 0) throw new Error("competitiveLoss: run the mixture's forward before the loss");
    const n = w.shape[0];
    // a[n, e] = ‖t − o_e‖² / 2σ²
    const o0 = model.expertOutputs[0];
    if (target.size !== o0.size) throw new Error(`competitiveLoss: target has shape [${target.shape}], expected [${o0.shape}] like each expert's output`);
    const t = target.rank === o0.rank ? target : reshape(target, o0.shape);
    const a = concat(model.expertOutputs.map((o) => sum(square(sub(o, t)), 1, true)), 1);
    const scaled = mulScalar(a, 1 / (2 * sigma * sigma));
    // log Σ w·e^(−a) = −m + log Σ w·e^(−(a − m)) for any constant m; the row minimum over the
    // routed experts (w > 0) keeps one term at w·e^0, so nothing underflows to log 0. An expert
    // routed away (w = 0) is shifted by its own a when that is smaller, so its e^(−(a − shift))
    // cannot overflow to ∞ (0·∞ would be NaN); its term is 0 either way.
    const { m, shift } = noGrad(() => {
      const v = scaled.toArray();
      const wv = w.toArray();
      const e = v.length / n;
      const m = new Float32Array(n).fill(Infinity);
      for (let i = 0; i < v.length; i++) if (wv[i] > 0 && v[i] < m[(i / e) | 0]) m[(i / e) | 0] = v[i];
      const shift = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) shift[i] = wv[i] > 0 ? m[(i / e) | 0] : Math.min(m[(i / e) | 0], v[i]);
      return { m, shift };
    });
    const mT = tensor(m, [n, 1], { backend: scaled.backend });
    const inner = sum(mul(w, exp(neg(sub(scaled, tensor(shift, scaled.shape, { backend: scaled.backend }))))), 1, true);
    let loss = mean(sub(mT, log(inner)));
    if (auxWeight !== 0 && model.auxLoss !== null) loss = add(loss, mulScalar(model.auxLoss, auxWeight));
    return loss;
  };
}

/** How a mixture routes inputs of known regions: the gate's share of each expert per region. */
export interface RegionRouting {
  /** share[r][e]: fraction of region r's inputs whose top gate value is expert e. */
  share: number[][];
  /**
   * Per region: the expert it goes to most, and the fraction that goes there.
   *
   * @property expert The expert the region goes to most.
   * @property fraction The fraction of the region's inputs that go there.
   */
  dominant: { expert: number; fraction: number }[];
}

/**
 * How the gate routes inputs x (n × inputs) of known regions (labels 0..regions−1).
 *
 * @example const d = piecewise4({ n: 400 }); // four regions of the plane, each its own function
 * const r = models.regionRouting(moe, d.x, d.regions, 4);
 * console.log(r.dominant); // e.g. [{ expert: 2, fraction: 0.97 }, …]: each region's own expert
 */
export function regionRouting(model: MixtureOfExperts, x: Float32Array, regions: ArrayLike<number>, numRegions: number): RegionRouting {
  const e = model.experts.length;
  const n = regions.length;
  const top1 = scope(() => model.gateProbabilities(tensor(x, [n, x.length / n])).top1);
  const share = Array.from({ length: numRegions }, () => new Array<number>(e).fill(0));
  const count = new Array<number>(numRegions).fill(0);
  for (let i = 0; i < n; i++) {
    share[regions[i]][top1[i]]++;
    count[regions[i]]++;
  }
  share.forEach((row, r) => row.forEach((_, j) => (row[j] /= Math.max(count[r], 1))));
  const dominant = share.map((row) => {
    const expert = row.indexOf(Math.max(...row));
    return { expert, fraction: row[expert] };
  });
  return { share, dominant };
}

/**
 * A one-hidden-layer MLP inputs → h → outputs with the largest h whose parameter count,
 * (inputs + 1)·h + (h + 1)·outputs, does not exceed `parameters`: the single-network baseline
 * of equal size.
 *
 * @example const moe = models.mixtureOfExperts({ inputs: 2, outputs: 1 });
 * const baseline = models.mlpWithParameters(moe.parameterCount(), 2, 1); // as many weights in one network
 */
export function mlpWithParameters(parameters: number, inputs: number, outputs: number, activation: MlpOptions["activation"] = "tanh"): Sequential {
  const h = Math.floor((parameters - outputs) / (inputs + 1 + outputs));
  if (h < 1) throw new Error(`mlpWithParameters: ${parameters} parameters cannot hold one hidden unit for ${inputs} → ${outputs}`);
  return mlp({ inputs, hidden: [h], outputs, activation });
}
