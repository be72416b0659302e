// Multi-head attention (Vaswani et al., 2017), as PyTorch's nn.MultiheadAttention.
//
// The inputs are projected to queries Q = query·W_qᵀ + b_q, keys K = key·W_kᵀ + b_k and values
// V = value·W_vᵀ + b_v, each split into H heads of D = E/H features. Every head attends on its
// own, softmax(Q_h·K_hᵀ/√D + M)·V_h, so different heads can look for different things (the
// previous token, a matching bracket, ...); the heads' outputs are concatenated back to E
// features and mixed by the output projection. With query = key = value it is self-attention,
// and the three projections are one GEMM with the packed in_proj_weight [3E, E].
import { linear } from "../autograd/matmul.js";
import { reshape, slice } from "../autograd/shape.js";
import { mergeHeads, splitHeads } from "../autograd/heads.js";
import { attention, checkMask, combineMasks, packedSelfAttention, resolveMask, type AttentionMask, type ResolvedMask } from "../autograd/attention.js";
import { getBackend } from "../backend/index.js";
import { Unary } from "../backend/opcodes.js";
import { bytesText } from "../memory/heap.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { xavierUniform } from "./init.js";
import { Linear } from "./linear.js";
import { checkInput, checkOptions, Module, parameter } from "./module.js";

/** Options of MultiheadAttention, as PyTorch's constructor arguments. */
export interface MultiheadAttentionOptions {
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** Inputs and output as [batch, T, E] (true) or [T, batch, E] (false, the default, as PyTorch). */
  batchFirst?: boolean;
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Features of key and value (default embedDim); either differing gives separate q/k/v weights. */
  kdim?: number;
  /** Features of the values (default embedDim). */
  vdim?: number;
}

/** Masks and flags of MultiheadAttention's forward, as PyTorch's (attn_mask, key_padding_mask, need_weights, …). */
export interface MultiheadAttentionForwardOptions {
  /**
   * [Tq, Tk] or [batch·numHeads, Tq, Tk]. Boolean: true = NOT allowed to attend (PyTorch's
   * nn.MultiheadAttention convention, the opposite of scaledDotProductAttention's); float: added.
   */
  attnMask?: AttentionMask | null;
  /** [batch, Tk]. Boolean: true = a padding key, ignored; float: added to that key's scores. */
  keyPaddingMask?: AttentionMask | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** Weights averaged over heads [batch, Tq, Tk] (default true) or per head [batch, H, Tq, Tk]. */
  averageAttnWeights?: boolean;
  /** Query i attends to keys 0…i. Without attnMask it is applied by the kernel without a mask. */
  isCausal?: boolean;
}

/**
 * forward(query, key, value, options) → [output, weights | null], output shaped as query.
 * stateDict keys as PyTorch: in_proj_weight [3E, E] (or q_proj_weight, k_proj_weight,
 * v_proj_weight when kdim or vdim ≠ E), in_proj_bias [3E], out_proj.weight, out_proj.bias.
 * @example
 * const mha = new nn.MultiheadAttention(64, 4, { batchFirst: true });
 * const [y, w] = mha.forward(x, x, x, { isCausal: true }); // x [8, 20, 64] → y [8, 20, 64], w [8, 20, 20]
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?], [Tensor, Tensor | null]> {
  /** E / numHeads, the width of each head. */
  readonly headDim: number;
  /** Features of the keys. */
  readonly kdim: number;
  /** Features of the values. */
  readonly vdim: number;
  /** [batch, T, E] (true) or [T, batch, E] (false). */
  readonly batchFirst: boolean;
  /** Dropout probability on the attention weights in training. */
  readonly dropout: number;
  /** W_q, W_k, W_v stacked [3E, E] when kdim = vdim = E (in_proj_weight), else null. */
  readonly inProjWeight: Tensor | null;
  /** W_q [E, E] when kdim or vdim differs from E (q_proj_weight), else null. */
  readonly qProjWeight: Tensor | null;
  /** W_k [E, kdim] when kdim or vdim differs from E (k_proj_weight), else null. */
  readonly kProjWeight: Tensor | null;
  /** W_v [E, vdim] when kdim or vdim differs from E (v_proj_weight), else null. */
  readonly vProjWeight: Tensor | null;
  /** The q, k, v biases stacked [3E] (in_proj_bias), or null without bias. */
  readonly inProjBias: Tensor | null;
  /** The output projection W_o, E → E (out_proj). */
  readonly outProj: Linear;

  /**
   * @param embedDim E, the model width of queries and outputs.
   * @param numHeads H, the number of heads; E must divide by it.
   * @param options Bias, batchFirst, dropout, kdim and vdim.
   */
  constructor(readonly embedDim: number, readonly numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    for (const [k, v] of [["embedDim", embedDim], ["numHeads", numHeads]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`MultiheadAttention: ${k} must be a positive integer, got ${v}`);
    }
    if (embedDim % numHeads !== 0) throw new Error(`MultiheadAttention: embedDim ${embedDim} is not divisible by numHeads ${numHeads}`);
    this.headDim = embedDim / numHeads;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    for (const [k, v] of [["kdim", this.kdim], ["vdim", this.vdim]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`MultiheadAttention: ${k} must be a positive integer, got ${describe(v)}`);
    }
    // All projections are checked first: one that fits would be left behind by one that does not.
    const limit = getBackend().heap.maxBytes;
    if (embedDim * (embedDim + this.kdim + this.vdim + 4) * 4 > limit) {
      throw new Error(`MultiheadAttention: projections of ${embedDim} × (${embedDim} + ${this.kdim} + ${this.vdim}) values are more than the ${bytesText(limit)} heap holds`);
    }
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new Error(`MultiheadAttention: dropout must be in [0, 1), got ${options.dropout}`);
    const E = embedDim;
    const packed = this.kdim === E && this.vdim === E;
    // PyTorch: xavier_uniform_ on the packed [3E, E] matrix (or each separate one), zero biases.
    this.inProjWeight = packed ? this.param("in_proj_weight", parameter([3 * E, E], xavierUniform(E, 3 * E))) : null;
    this.qProjWeight = packed ? null : this.param("q_proj_weight", parameter([E, E], xavierUniform(E, E)));
    this.kProjWeight = packed ? null : this.param("k_proj_weight", parameter([E, this.kdim], xavierUniform(this.kdim, E)));
    this.vProjWeight = packed ? null : this.param("v_proj_weight", parameter([E, this.vdim], xavierUniform(this.vdim, E)));
    const bias = options.bias !== false;
    this.inProjBias = bias ? this.param("in_proj_bias", parameter([3 * E])) : null;
    this.outProj = this.child("out_proj", new Linear(E, E, { bias }));
    if (this.outProj.bias) this.outProj.bias.set(new Float32Array(E));
  }

  /** Split [T, B, F] / [B, T, F] into its sizes, checking the feature count. */
  private dims(what: string, x: Tensor, features: number): { B: number; T: number } {
    const want = this.batchFirst ? `[batch, T, ${features}]` : `[T, batch, ${features}]`;
    checkInput(this.describe(), x, what);
    if (x.rank !== 3 || x.shape[2] !== features) throw new Error(`${this.describe()}: ${what} has shape ${fmt(x.shape)}, expected ${want}`);
    return this.batchFirst ? { B: x.shape[0], T: x.shape[1] } : { B: x.shape[1], T: x.shape[0] };
  }

  /** The attention mask and key padding mask, checked and merged into one additive mask. */
  private masks(o: MultiheadAttentionForwardOptions, B: number, Tq: number, Tk: number): ResolvedMask | null {
    const who = this.describe();
    const H = this.numHeads;
    let m: ResolvedMask | null = null;
    if (o.attnMask) {
      checkMask(who, "attnMask", o.attnMask);
      const s = o.attnMask.shape;
      const ok = (s.length === 2 && s[0] === Tq && s[1] === Tk) || (s.length === 3 && s[0] === B * H && s[1] === Tq && s[2] === Tk);
      if (!ok) throw new Error(`${who}: attnMask has shape ${fmt(s)}, expected [${Tq}, ${Tk}] or [${B * H}, ${Tq}, ${Tk}] (batch·numHeads, Tq, Tk)`);
      const shaped = s.length === 3 ? reshapedMask(o.attnMask, [B, H, Tq, Tk]) : o.attnMask;
      m = resolveMask(who, shaped, B, H, Tq, Tk, "mask");
    }
    if (o.keyPaddingMask) {
      checkMask(who, "keyPaddingMask", o.keyPaddingMask);
      const s = o.keyPaddingMask.shape;
      if (s.length !== 2 || s[0] !== B || s[1] !== Tk) throw new Error(`${who}: keyPaddingMask has shape ${fmt(s)}, expected [${B}, ${Tk}] (batch, Tk)`);
      const kp = resolveMask(who, reshapedMask(o.keyPaddingMask, [B, 1, 1, Tk]), B, H, Tq, Tk, "mask");
      m = m ? combineMasks(m, kp, B, H, Tq, Tk) : kp;
    }
    return m;
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    checkInput(this.describe(), query, "query");
    checkInput(this.describe(), key, "key");
    checkInput(this.describe(), value, "value");
    checkOptions(this.describe(), options);
    const who = this.describe();
    const E = this.embedDim;
    const H = this.numHeads;
    const q = this.dims("query", query, E);
    const k = this.dims("key", key, this.kdim);
    const v = this.dims("value", value, this.vdim);
    if (k.B !== q.B || v.B !== q.B) throw new Error(`${who}: query, key and value have batch sizes ${q.B}, ${k.B}, ${v.B}; expected one batch size`);
    if (k.T !== v.T) throw new Error(`${who}: key and value have different lengths: key ${fmt(key.shape)}, value ${fmt(value.shape)}`);
    const mask = this.masks(options, q.B, q.T, k.T);
    const causal = options.isCausal === true && !options.attnMask;
    const needWeights = options.needWeights ?? true;
    const dropoutP = this.training ? this.dropout : 0;
    const scale = 1 / Math.sqrt(this.headDim);
    const bf = this.batchFirst;
    let heads: { out: Tensor; weights: Tensor | null };
    if (query === key && key === value && this.inProjWeight) {
      const qkv = splitHeads(linear(query, this.inProjWeight, this.inProjBias), H, 3, bf);
      heads = packedSelfAttention(qkv, { mask, isCausal: causal, dropoutP, scale, weights: needWeights });
    } else {
      const w = (i: number, separate: Tensor | null): Tensor => separate ?? slice(this.inProjWeight!, 0, i * E, (i + 1) * E);
      const b = (i: number): Tensor | null => (this.inProjBias ? slice(this.inProjBias, 0, i * E, (i + 1) * E) : null);
      const qh = splitHeads(linear(query, w(0, this.qProjWeight), b(0)), H, 1, bf);
      const kh = splitHeads(linear(key, w(1, this.kProjWeight), b(1)), H, 1, bf);
      const vh = splitHeads(linear(value, w(2, this.vProjWeight), b(2)), H, 1, bf);
      heads = attention(who, qh, kh, vh, { scale, causal, dropoutP, mask, weights: needWeights });
    }
    const out = this.outProj.forward(mergeHeads(heads.out, bf));
    let weights = heads.weights;
    if (weights && (options.averageAttnWeights ?? true)) {
      const be = weights.backend;
      const avg = new Tensor(be, [q.B, q.T, k.T]);
      be.sumAxis(weights.ptr, avg.ptr, q.B, H, q.T * k.T);
      be.unary(Unary.MulScalar, avg.ptr, avg.ptr, avg.size, 1 / H);
      weights.dispose();
      weights = avg;
    }
    return [out, weights];
  }

  override describe(): string {
    const kv = this.kdim !== this.embedDim || this.vdim !== this.embedDim ? `, kdim=${this.kdim}, vdim=${this.vdim}` : "";
    return `MultiheadAttention(${this.embedDim}, heads=${this.numHeads}${kv})`;
  }
}

/** The same mask values read under another shape of the same size. */
function reshapedMask(m: AttentionMask, shape: number[]): AttentionMask {
  return m instanceof Tensor ? reshape(m, shape) : { bool: m.bool, shape };
}
