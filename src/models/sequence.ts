// A transformer encoder that maps a sequence of symbols to a sequence of symbols of the same
// length (reverse, sort, copy: `wasmnn train sequence`). Every output position is predicted at
// once from the whole input, with no causal mask: position i finds, by attention, the input
// position that holds its answer.
import { add } from "../autograd/arithmetic.js";
import { noGrad } from "../autograd/engine.js";
import { scope } from "../memory/scope.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { Embedding } from "../nn/embedding.js";
import { LayerNorm } from "../nn/layernorm.js";
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import { LearnedPositionalEncoding } from "../nn/positional.js";
import type { TransformerEncoder } from "../nn/transformer.js";
import { encoderStack } from "./encoder-stack.js";
import { checkModelOptions, type OptionKeys } from "./options.js";

/** Options of SequenceTransformer: the alphabet, the sequence length, the width, heads and layers. */
export interface SequenceTransformerOptions {
  /** Symbols in the alphabet (input ids and output classes 0 … symbols − 1). */
  symbols: number;
  /** Positions in every sequence (learned). */
  length: number;
  /** E, the model width. */
  dim: number;
  /** Attention heads; dim must divide by it. */
  heads: number;
  /** Encoder layers. */
  layers: number;
}

/**
 * Embedding + learned positions → pre-norm encoder (GELU, feed-forward 4·dim, no dropout) with
 * a final norm → a linear read-out over the alphabet at every position; see models.sequenceTransformer.
 * @example
 * const m = models.sequenceTransformer({ symbols: 10, length: 8, dim: 32, heads: 2, layers: 1 });
 * const logits = m.forward(tensor([[3, 1, 4, 1, 5, 9, 2, 6]])); // [1, 8, 10]
 */
export class SequenceTransformer extends Module<[Tensor], Tensor> {
  /** Symbol embedding [symbols, dim]. */
  readonly embed: Embedding;
  /** Learned position embedding [length, dim]. */
  readonly pos: LearnedPositionalEncoding;
  /** The pre-norm encoder layers, with the final layer norm. */
  readonly encoder: TransformerEncoder;
  /** The read-out dim → symbols at every position. */
  readonly out: Linear;
  /** The options as given. */
  readonly config: SequenceTransformerOptions;

  constructor(options: SequenceTransformerOptions) {
    super();
    const c = { ...options };
    this.config = c;
    for (const k of ["symbols", "length", "dim", "heads", "layers"] as const) {
      if (!Number.isInteger(c[k]) || c[k] <= 0) throw new Error(`SequenceTransformer: ${k} must be a positive integer, got ${c[k]}`);
    }
    this.embed = this.child("embed", new Embedding(c.symbols, c.dim));
    this.pos = this.child("pos", new LearnedPositionalEncoding(c.length, c.dim));
    const block = { dimFeedforward: 4 * c.dim, dropout: 0, batchFirst: true, normFirst: true, activation: "gelu" } as const;
    this.encoder = this.child("encoder", encoderStack(c.dim, c.heads, block, c.layers, new LayerNorm(c.dim)));
    this.out = this.child("out", new Linear(c.dim, c.symbols));
  }

  /** ids [B, length] → logits [B, length, symbols]. */
  forward(ids: Tensor): Tensor {
    return this.out.forward(this.encoder.forward(this.pos.forward(this.embed.forward(ids))));
  }

  /** The attention weights of every layer and head for one sequence: maps[layer][head], length×length. */
  attentionMaps(ids: ArrayLike<number>): Float32Array[][] {
    const L = this.config.length;
    return scope(() =>
      noGrad(() => {
        let x = this.pos.forward(this.embed.forward(tensor(ids, [1, L])));
        const maps: Float32Array[][] = [];
        for (const layer of this.encoder.layers) {
          const h = layer.norm1.forward(x);
          const [a, w] = layer.selfAttn.forward(h, h, h, { needWeights: true, averageAttnWeights: false });
          const all = w!.toArray();
          maps.push(Array.from({ length: layer.selfAttn.numHeads }, (_, k) => all.slice(k * L * L, (k + 1) * L * L)));
          x = add(x, a);
          x = add(x, layer.feedForward(layer.norm2.forward(x)));
        }
        return maps;
      }),
    );
  }

  override describe(): string {
    const c = this.config;
    return `SequenceTransformer(symbols ${c.symbols}, length ${c.length}, dim ${c.dim}, heads ${c.heads}, layers ${c.layers})`;
  }
}

const SEQUENCE_KEYS: OptionKeys<SequenceTransformerOptions> = { symbols: "required", length: "required", dim: "required", heads: "required", layers: "required" };

/**
 * A sequence-to-sequence transformer encoder over a small alphabet (reverse, sort, copy).
 * @example
 * const model = models.sequenceTransformer({ symbols: 10, length: 16, dim: 64, heads: 4, layers: 2 });
 */
export function sequenceTransformer(options: SequenceTransformerOptions): SequenceTransformer {
  checkModelOptions("sequenceTransformer", options, SEQUENCE_KEYS);
  return new SequenceTransformer(options);
}
