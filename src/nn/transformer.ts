// Transformer blocks (Vaswani et al., 2017), as PyTorch's nn.TransformerEncoderLayer,
// nn.TransformerDecoderLayer and nn.TransformerEncoder.
//
// A block alternates two sublayers, each wrapped in a residual connection and a layer norm:
// self-attention (every position gathers from every other) and a position-wise feed-forward
// net (linear2(dropout(act(linear1(x))))). The residual path x + f(x) lets gradients pass
// through a deep stack unchanged; layer norm keeps each position's features at a steady scale.
//   post-norm (normFirst false, the 2017 original): x = norm1(x + sa(x)); x = norm2(x + ff(x))
//   pre-norm  (normFirst true, GPT-2 and most models since): x = x + sa(norm1(x)); x = x + ff(norm2(x))
// Pre-norm trains stably without a learning-rate warm-up, since the residual path is never normalized.
import { add } from "../autograd/arithmetic.js";
import { gelu, relu } from "../autograd/activation.js";
import type { AttentionMask } from "../autograd/attention.js";
import { getBackend } from "../backend/index.js";
import { bytesText } from "../memory/heap.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { MultiheadAttention } from "./attention.js";
import { Dropout } from "./dropout.js";
import { LayerNorm } from "./layernorm.js";
import { Linear } from "./linear.js";
import { checkInput, checkOptions, Module } from "./module.js";

/** Options of TransformerEncoderLayer and TransformerDecoderLayer, with PyTorch's defaults. */
export interface TransformerLayerOptions {
  /** Width of the feed-forward net (default 2048, as PyTorch). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward net (default 0.1). */
  dropout?: number;
  /** "relu" (default) or "gelu" (exact). */
  activation?: "relu" | "gelu";
  /** ε of every layer norm (default 1e-5). */
  layerNormEps?: number;
  /** [batch, T, E] (true) or [T, batch, E] (false, the default). */
  batchFirst?: boolean;
  /** Pre-norm (true) or post-norm (false, the default). */
  normFirst?: boolean;
  /** Biases in the linear layers and layer norms (default true). */
  bias?: boolean;
}

/** Masks of an encoder layer's (or encoder's) forward, as PyTorch's src_mask, src_key_padding_mask, is_causal. */
export interface EncoderLayerForwardOptions {
  /** As MultiheadAttention's attnMask: [T, T] or [batch·H, T, T], boolean true = masked. */
  srcMask?: AttentionMask | null;
  /** [batch, T], boolean true = padding. */
  srcKeyPaddingMask?: AttentionMask | null;
  /** Causal self-attention (without srcMask: applied by the kernel, no mask built). */
  isCausal?: boolean;
}

function resolved(dModel: number, nhead: number, o: TransformerLayerOptions) {
  return {
    /** Width of the feed-forward net. */
    dimFeedforward: o.dimFeedforward ?? 2048,
    /** Dropout probability after attention, inside and after the feed-forward net. */
    dropout: o.dropout ?? 0.1,
    /** The feed-forward net's activation: "relu" or "gelu". */
    activation: o.activation ?? "relu",
    /** ε of every layer norm. */
    layerNormEps: o.layerNormEps ?? 1e-5,
    /** [batch, T, E] (true) or [T, batch, E] (false). */
    batchFirst: o.batchFirst ?? false,
    /** Pre-norm (true) or post-norm (false). */
    normFirst: o.normFirst ?? false,
    /** Biases in the linear layers and layer norms. */
    bias: o.bias ?? true,
    /** E, the model width (features per position). */
    dModel,
    /** Attention heads; E must divide by it. */
    nhead,
  };
}

/** The position-wise feed-forward sublayer and the norms and dropouts every block shares. */
abstract class Block<In extends unknown[]> extends Module<In, Tensor> {
  /** The layer's options with every default filled in. */
  readonly config: ReturnType<typeof resolved>;
  /** The feed-forward net's first layer, E → dimFeedforward. */
  linear1!: Linear;
  /** Dropout inside the feed-forward net. */
  dropout!: Dropout;
  /** The feed-forward net's second layer, dimFeedforward → E. */
  linear2!: Linear;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions) {
    super();
    checkOptions(this.constructor.name, options);
    for (const [k, v] of [["dModel", dModel], ["nhead", nhead]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${this.constructor.name}: ${k} must be a positive integer, got ${describe(v)}`);
    }
    this.config = resolved(dModel, nhead, options);
    const a = this.config.activation;
    if (a !== "relu" && a !== "gelu") throw new Error(`${this.constructor.name}: activation must be "relu" or "gelu", got "${String(a)}"`);
    if (!Number.isInteger(dModel) || !Number.isInteger(nhead) || dModel <= 0 || nhead <= 0 || dModel % nhead !== 0) {
      throw new Error(`${this.constructor.name}: dModel ${dModel} must be a positive multiple of nhead ${nhead} (each head takes dModel / nhead features)`);
    }
    const p = this.config.dropout;
    if (typeof p !== "number" || !(p >= 0 && p < 1)) throw new Error(`${this.constructor.name}: dropout must be in [0, 1), got ${describe(p)}`);
    if (!Number.isInteger(this.config.dimFeedforward) || this.config.dimFeedforward <= 0) {
      throw new Error(`${this.constructor.name}: dimFeedforward must be a positive integer, got ${this.config.dimFeedforward}`);
    }
    // Checked before any sublayer is made: attention weights built first would be left behind.
    const limit = getBackend().heap.maxBytes;
    if (2 * this.config.dModel * this.config.dimFeedforward * 4 > limit) {
      throw new Error(`${this.constructor.name}: a feed-forward net of ${this.config.dModel} × ${this.config.dimFeedforward} weights is more than the ${bytesText(limit)} heap holds`);
    }
  }

  /** @internal Register linear1, dropout and linear2 (after the attention blocks, in PyTorch's key order). */
  protected makeFeedForward(): void {
    const c = this.config;
    this.linear1 = this.child("linear1", new Linear(c.dModel, c.dimFeedforward, { bias: c.bias }));
    this.dropout = this.child("dropout", new Dropout(c.dropout));
    this.linear2 = this.child("linear2", new Linear(c.dimFeedforward, c.dModel, { bias: c.bias }));
  }

  /** @internal A layer norm over E with this layer's ε and bias. */
  protected norm(): LayerNorm {
    return new LayerNorm(this.config.dModel, { eps: this.config.layerNormEps, bias: this.config.bias });
  }

  /** src, tgt or memory: [T, batch, dModel] ([batch, T, dModel] when batchFirst), checked before attention sees it. */
  protected checkSequence(what: string, x: Tensor): void {
    const { dModel, batchFirst } = this.config;
    checkInput(this.describe(), x, what);
    if (x.rank !== 3 || x.shape[2] !== dModel) throw new Error(`${this.describe()}: ${what} has shape ${fmt(x.shape)}, expected ${batchFirst ? `[batch, T, ${dModel}]` : `[T, batch, ${dModel}]`}`);
  }

  /** linear2(dropout(act(linear1(x)))). */
  feedForward(x: Tensor): Tensor {
    const h = this.linear1.forward(x);
    return this.linear2.forward(this.dropout.forward(this.config.activation === "gelu" ? gelu(h) : relu(h)));
  }

  /** x + drop(f(norm(x))) pre-norm, norm(x + drop(f(x))) post-norm. */
  protected residual(x: Tensor, norm: LayerNorm, drop: Dropout, f: (h: Tensor) => Tensor): Tensor {
    if (this.config.normFirst) return add(x, drop.forward(f(norm.forward(x))));
    return norm.forward(add(x, drop.forward(f(x))));
  }
}

/**
 * Self-attention then a feed-forward net, each residual with layer norm; stateDict keys as
 * PyTorch (self_attn.in_proj_weight, linear1.weight, norm1.weight, ...).
 * @example
 * const layer = new nn.TransformerEncoderLayer(64, 4, { dimFeedforward: 256, batchFirst: true, normFirst: true });
 * const y = layer.forward(x, { isCausal: true }); // x [8, 20, 64] → [8, 20, 64]
 */
export class TransformerEncoderLayer extends Block<[Tensor, EncoderLayerForwardOptions?]> {
  /** Self-attention over the input sequence (self_attn). */
  readonly selfAttn: MultiheadAttention;
  /** Layer norm around the self-attention block. */
  readonly norm1: LayerNorm;
  /** Layer norm around the feed-forward block. */
  readonly norm2: LayerNorm;
  /** Dropout on the self-attention output. */
  readonly dropout1: Dropout;
  /** Dropout on the feed-forward output. */
  readonly dropout2: Dropout;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super(dModel, nhead, options);
    const c = this.config;
    this.selfAttn = this.child("self_attn", new MultiheadAttention(dModel, nhead, { dropout: c.dropout, batchFirst: c.batchFirst, bias: c.bias }));
    this.makeFeedForward();
    this.norm1 = this.child("norm1", this.norm());
    this.norm2 = this.child("norm2", this.norm());
    this.dropout1 = this.child("dropout1", new Dropout(c.dropout));
    this.dropout2 = this.child("dropout2", new Dropout(c.dropout));
  }

  forward(src: Tensor, options: EncoderLayerForwardOptions = {}): Tensor {
    this.checkSequence("src", src);
    checkOptions(this.describe(), options);
    const sa = (h: Tensor): Tensor =>
      this.selfAttn.forward(h, h, h, { attnMask: options.srcMask, keyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal, needWeights: false })[0];
    const x = this.residual(src, this.norm1, this.dropout1, sa);
    return this.residual(x, this.norm2, this.dropout2, (h) => this.feedForward(h));
  }

  /** A fresh layer with the same configuration and a copy of these weights. */
  clone(): TransformerEncoderLayer {
    const c = this.config;
    const copy = new TransformerEncoderLayer(c.dModel, c.nhead, c);
    copy.loadStateDict(this.stateDict());
    return copy;
  }

  override describe(): string {
    const c = this.config;
    return `TransformerEncoderLayer(${c.dModel}, heads=${c.nhead}, ff=${c.dimFeedforward}, ${c.activation}, ${c.normFirst ? "pre-norm" : "post-norm"})`;
  }
}

/** Masks of a decoder layer's forward, as PyTorch's tgt_mask, memory_mask, …, tgt_is_causal. */
export interface DecoderLayerForwardOptions {
  /** Self-attention mask [T, T] or [batch·H, T, T], boolean true = masked. */
  tgtMask?: AttentionMask | null;
  /** Cross-attention mask [T, S] or [batch·H, T, S], boolean true = masked. */
  memoryMask?: AttentionMask | null;
  /** [batch, T], boolean true = target padding. */
  tgtKeyPaddingMask?: AttentionMask | null;
  /** [batch, S], boolean true = memory padding. */
  memoryKeyPaddingMask?: AttentionMask | null;
  /** Causal self-attention over the target (each position sees itself and earlier ones). */
  tgtIsCausal?: boolean;
  /** Causal cross-attention (position t sees memory positions ≤ t). */
  memoryIsCausal?: boolean;
}

/**
 * Causal-or-masked self-attention over the target, cross-attention from the target to the
 * encoder's output (memory: keys and values), then a feed-forward net; keys as PyTorch
 * (self_attn, multihead_attn, linear1, linear2, norm1–3).
 * @example
 * const dec = new nn.TransformerDecoderLayer(64, 4, { batchFirst: true });
 * const y = dec.forward(tgt, memory, { tgtIsCausal: true }); // tgt [8, 12, 64], memory [8, 20, 64]
 */
export class TransformerDecoderLayer extends Block<[Tensor, Tensor, DecoderLayerForwardOptions?]> {
  /** Self-attention over the target (self_attn). */
  readonly selfAttn: MultiheadAttention;
  /** Cross-attention: target queries, memory keys and values (multihead_attn). */
  readonly multiheadAttn: MultiheadAttention;
  /** Layer norm around the self-attention block. */
  readonly norm1: LayerNorm;
  /** Layer norm around the cross-attention block. */
  readonly norm2: LayerNorm;
  /** Layer norm around the feed-forward block. */
  readonly norm3: LayerNorm;
  /** Dropout on the self-attention output. */
  readonly dropout1: Dropout;
  /** Dropout on the cross-attention output. */
  readonly dropout2: Dropout;
  /** Dropout on the feed-forward output. */
  readonly dropout3: Dropout;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super(dModel, nhead, options);
    const c = this.config;
    const mha = (): MultiheadAttention => new MultiheadAttention(dModel, nhead, { dropout: c.dropout, batchFirst: c.batchFirst, bias: c.bias });
    this.selfAttn = this.child("self_attn", mha());
    this.multiheadAttn = this.child("multihead_attn", mha());
    this.makeFeedForward();
    this.norm1 = this.child("norm1", this.norm());
    this.norm2 = this.child("norm2", this.norm());
    this.norm3 = this.child("norm3", this.norm());
    this.dropout1 = this.child("dropout1", new Dropout(c.dropout));
    this.dropout2 = this.child("dropout2", new Dropout(c.dropout));
    this.dropout3 = this.child("dropout3", new Dropout(c.dropout));
  }

  forward(tgt: Tensor, memory: Tensor, o: DecoderLayerForwardOptions = {}): Tensor {
    this.checkSequence("tgt", tgt);
    this.checkSequence("memory", memory);
    const b = this.config.batchFirst ? 0 : 1;
    if (memory.shape[b] !== tgt.shape[b]) throw new Error(`${this.describe()}: memory ${fmt(memory.shape)} has batch ${memory.shape[b]}, tgt ${fmt(tgt.shape)} has batch ${tgt.shape[b]}; expected one batch size`);
    checkOptions(this.describe(), o);
    const sa = (h: Tensor): Tensor =>
      this.selfAttn.forward(h, h, h, { attnMask: o.tgtMask, keyPaddingMask: o.tgtKeyPaddingMask, isCausal: o.tgtIsCausal, needWeights: false })[0];
    const ca = (h: Tensor): Tensor =>
      this.multiheadAttn.forward(h, memory, memory, { attnMask: o.memoryMask, keyPaddingMask: o.memoryKeyPaddingMask, isCausal: o.memoryIsCausal, needWeights: false })[0];
    let x = this.residual(tgt, this.norm1, this.dropout1, sa);
    x = this.residual(x, this.norm2, this.dropout2, ca);
    return this.residual(x, this.norm3, this.dropout3, (h) => this.feedForward(h));
  }

  override describe(): string {
    const c = this.config;
    return `TransformerDecoderLayer(${c.dModel}, heads=${c.nhead}, ff=${c.dimFeedforward}, ${c.activation}, ${c.normFirst ? "pre-norm" : "post-norm"})`;
  }
}

/**
 * numLayers copies of an encoder layer (starting from its weights, as PyTorch deep-copies it),
 * then an optional final norm; keys layers.0.…, norm.….
 * @example
 * const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(64, 4, { batchFirst: true }), 3);
 */
export class TransformerEncoder extends Module<[Tensor, EncoderLayerForwardOptions?], Tensor> {
  /** The numLayers encoder layers, applied in order (layers.0, layers.1, …). */
  readonly layers: TransformerEncoderLayer[];
  /** The final layer norm, or null. */
  readonly norm: LayerNorm | null;

  /**
   * @param encoderLayer The layer copied numLayers times (its weights are the starting point of each copy).
   * @param numLayers How many encoder layers are stacked.
   * @param options norm: a layer norm applied after the last layer.
   */
  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, options: { norm?: LayerNorm | null } = {}) {
    super();
    checkOptions(this.constructor.name, options);
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new Error(`TransformerEncoder: encoderLayer is ${describe(encoderLayer)}, expected a TransformerEncoderLayer`);
    if (!Number.isInteger(numLayers) || numLayers <= 0) throw new Error(`TransformerEncoder: numLayers must be a positive integer, got ${numLayers}`);
    const limit = getBackend().heap.maxBytes;
    if (numLayers * encoderLayer.parameterCount() * 4 > limit) {
      throw new Error(`TransformerEncoder: ${numLayers} copies of ${encoderLayer.parameterCount()} parameters are more than the ${bytesText(limit)} heap holds`);
    }
    this.layers = Array.from({ length: numLayers }, (_, i) => this.child(`layers.${i}`, encoderLayer.clone()));
    this.norm = options.norm ? this.child("norm", options.norm) : null;
  }

  forward(src: Tensor, options: EncoderLayerForwardOptions = {}): Tensor {
    checkInput(this.describe(), src);
    checkOptions(this.describe(), options);
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, options);
    return this.norm ? this.norm.forward(x) : x;
  }

  override describe(): string {
    return `TransformerEncoder(${this.numLayers} × ${this.layers[0].describe()})`;
  }
}
