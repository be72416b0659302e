// MixtureOfExperts: several networks (the experts) and a gating network that decides, input by
// input, how much to trust each (Jacobs, Jordan, Nowlan & Hinton, 1991). The gate outputs a
// softmax over the experts, g(x), and the mixture outputs y = Σ_e g_e(x)·expert_e(x). Trained
// end to end, the experts tend to specialize — each takes the part of the input space where it
// does best, and the gate learns where that is — which makes the model modular (each expert
// solves a simpler subtask) and interpretable (the gate says who handled what).
//
// Sparse routing (Shazeer et al., 2017): with topK = k < E, each input keeps only its k largest
// gate values, renormalized to sum to 1, so only k experts contribute to it. Left alone, a gate
// tends to collapse onto a few experts (they train faster, so they win more often); the
// load-balancing loss of the Switch Transformer (Fedus et al., 2022), E·Σ_e f_e·P_e with f_e the
// fraction of routing choices that went to expert e and P_e its mean gate probability, is
// smallest when both are uniform. It is exposed as `auxLoss` for the training loss to add.
//
// Note on cost: every expert runs on every input here and the routing zeroes the unchosen
// weights, so top-k changes what the model computes, not how long it takes. Gathering each
// expert's rows would save the work for large experts; at the sizes of the examples it would not.
import { concat, reshape } from "../autograd/shape.js";
import { softmax } from "../autograd/activation.js";
import { matmul } from "../autograd/matmul.js";
import { div, mul, mulScalar } from "../autograd/arithmetic.js";
import { mean, sum } from "../autograd/reduce.js";
import { noGrad } from "../autograd/engine.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { checkInput, checkOptions, Module } from "./module.js";

/** Options of MixtureOfExperts. */
export interface MixtureOfExpertsOptions {
  /** Experts kept per input (default: all of them, the dense softmax mixture). */
  topK?: number;
}

/** How often each expert was chosen since the last resetUsage(). */
export interface ExpertUsage {
  /** Inputs seen since the last resetUsage(). */
  inputs: number;
  /** Per expert: fraction of inputs whose largest gate value was that expert's. */
  top1: number[];
  /** Per expert: mean gate probability (before top-k). */
  meanGate: number[];
}

/**
 * y = Σ_e w_e(x)·expert_e(x), w = softmax(gate(x)) (or its top-k, renormalized). Input [N, in];
 * every expert maps it to [N, out]; the gate maps it to [N, experts]. stateDict keys follow
 * PyTorch's ModuleList: "experts.0.…", …, "gate.…".
 *
 * With topK = 1 the renormalized weight is always 1: the task loss then gives the gate no
 * gradient and it learns from `auxLoss` alone — train with topK ≥ 2 (or dense) to let the task
 * shape the gate.
 * @example
 * const experts = [0, 1, 2, 3].map(() => models.mlp({ inputs: 2, hidden: [16], outputs: 1 }));
 * const moe = new nn.MixtureOfExperts(experts, new nn.Linear(2, 4), { topK: 2 });
 * const y = moe.forward(x);                                  // [N, 2] → [N, 1]
 * const loss = ops.add(losses.mse(y, t), ops.mulScalar(moe.auxLoss!, 0.01));
 */
export class MixtureOfExperts extends Module {
  /** The experts, each mapping the input to an output of the same shape (experts.0, experts.1, …). */
  readonly experts: readonly Module[];
  /** The gating network: input → one logit per expert. */
  readonly gate: Module;
  /** How many experts each input is routed to (all when topK equals the expert count). */
  readonly topK: number;
  /** The load-balancing loss E·Σ f_e·P_e of the last forward (a scalar in that forward's scope). */
  auxLoss: Tensor | null = null;
  /** The last forward's expert outputs, [N, out] each, and routing weights [N, experts], in its graph (for losses such as models.competitiveLoss). */
  expertOutputs: Tensor[] = [];
  /** The last forward's gate weights [batch, experts] (softmax, zero outside the top k). */
  gateWeights: Tensor | null = null;
  private top1Counts: Float64Array;
  private gateSums: Float64Array;
  private seen = 0;

  constructor(experts: Module[], gate: Module, options: MixtureOfExpertsOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    if (!Array.isArray(experts)) throw new Error(`MixtureOfExperts: experts is ${describe(experts)}, expected an array of Modules`);
    if (experts.length === 0) throw new Error("MixtureOfExperts: got no experts");
    experts.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`MixtureOfExperts: expert ${i} is ${describe(m)}, expected a Module`);
    });
    if (!(gate instanceof Module)) throw new Error(`MixtureOfExperts: gate is ${describe(gate)}, expected a Module (features → one logit per expert)`);
    if (options === null || typeof options !== "object") throw new Error(`MixtureOfExperts: options must be an object, got ${describe(options)}`);
    const e = experts.length;
    const k = options.topK ?? e;
    if (!Number.isInteger(k) || k < 1 || k > e) {
      throw new Error(`MixtureOfExperts(${e} experts): topK must be an integer in [1, ${e}], got ${k}${k > e ? ` (more than the ${e} experts)` : ""}`);
    }
    this.experts = experts;
    this.topK = k;
    experts.forEach((m, i) => this.child(`experts.${i}`, m));
    this.gate = this.child("gate", gate);
    this.top1Counts = new Float64Array(e);
    this.gateSums = new Float64Array(e);
  }

  forward(x: Tensor): Tensor {
    checkInput(this.describe(), x);
    const e = this.experts.length;
    checkInput(this.describe(), x);
    if (x.rank !== 2) throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected [batch, features]`);
    const n = x.shape[0];
    const logits = this.gate.forward(x);
    if (logits.rank !== 2 || logits.shape[0] !== n || logits.shape[1] !== e) {
      throw new Error(`${this.describe()}: the gate outputs ${fmt(logits.shape)}, expected [${n}, ${e}] (one logit per expert)`);
    }
    const probs = softmax(logits);
    const p = probs.toArray();
    const { chosen, top1 } = route(p, n, e, this.topK);

    let weights = probs;
    if (this.topK < e) {
      const mask = new Tensor(x.backend, [n, e]).set(chosen);
      const kept = mul(probs, mask);
      weights = div(kept, sum(kept, 1, true));
    }
    const outs = this.experts.map((m) => m.forward(x));
    const o = outs[0].shape.at(-1)!;
    outs.forEach((t, i) => {
      if (t.rank !== 2 || t.shape[0] !== n || t.shape[1] !== o) {
        throw new Error(`${this.describe()}: expert ${i} outputs ${fmt(t.shape)}, expected [${n}, ${o}] like expert 0`);
      }
    });
    // [N, 1, E]·[N, E, O]: each row's weighted sum of its experts' outputs, as one batched GEMM.
    this.expertOutputs = outs;
    this.gateWeights = weights;
    const stacked = reshape(concat(outs, 1), [n, e, o]);
    const y = reshape(matmul(reshape(weights, [n, 1, e]), stacked), [n, o]);

    // f_e: the fraction of routing choices (top-k, or the argmax when dense) given to expert e.
    const f = new Float32Array(e);
    const perRow = this.topK < e ? this.topK : 1;
    for (let r = 0; r < n; r++) {
      if (perRow === 1) f[top1[r]] += 1 / n;
      else for (let j = 0; j < e; j++) f[j] += chosen[r * e + j] / (n * perRow);
    }
    this.auxLoss = mulScalar(sum(mul(mean(probs, 0), new Tensor(x.backend, [e]).set(f))), e);

    for (let r = 0; r < n; r++) {
      this.top1Counts[top1[r]]++;
      for (let j = 0; j < e; j++) this.gateSums[j] += p[r * e + j];
    }
    this.seen += n;
    return y;
  }

  /**
   * The gate's probabilities [N, experts] and each input's top expert, without recording.
   *
   * @property probs softmax of the gate's logits, [N, experts] row-major.
   * @property top1 Each input's most probable expert.
   */
  gateProbabilities(x: Tensor): { probs: Float32Array; top1: Int32Array } {
    return noGrad(() => {
      const logits = this.gate.forward(x);
      const probs = softmax(logits);
      const p = probs.toArray();
      logits.dispose();
      probs.dispose();
      return { probs: p, top1: route(p, x.shape[0], this.experts.length, 1).top1 };
    });
  }

  /** How the inputs seen since the last reset were routed. */
  usage(): ExpertUsage {
    const n = Math.max(this.seen, 1);
    return { inputs: this.seen, top1: Array.from(this.top1Counts, (c) => c / n), meanGate: Array.from(this.gateSums, (s) => s / n) };
  }

  /** Reset the counts that usage() reports. */
  resetUsage(): void {
    this.top1Counts.fill(0);
    this.gateSums.fill(0);
    this.seen = 0;
  }

  override describe(): string {
    return `MixtureOfExperts(${this.experts.length} experts${this.topK < this.experts.length ? `, top-${this.topK}` : ""})`;
  }
}

/** Each row's k largest gate values as a 0/1 mask [n·e] (ties to the lower index), and its argmax. */
function route(p: Float32Array, n: number, e: number, k: number): { chosen: Float32Array; top1: Int32Array } {
  const chosen = new Float32Array(n * e);
  const top1 = new Int32Array(n);
  const idx = Array.from({ length: e }, (_, i) => i);
  for (let r = 0; r < n; r++) {
    idx.sort((a, b) => p[r * e + b] - p[r * e + a] || a - b);
    for (let j = 0; j < k; j++) chosen[r * e + idx[j]] = 1;
    top1[r] = idx[0];
  }
  return { chosen, top1 };
}
