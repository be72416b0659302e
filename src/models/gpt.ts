// A decoder-only transformer language model in the manner of GPT-2 (Radford et al., 2019):
// token and learned position embeddings, a stack of pre-norm causal self-attention blocks, a
// final layer norm and a projection onto the vocabulary (by default the token embedding itself,
// "tied"). Trained to predict token t + 1 from tokens 0…t at every position at once: the causal
// mask keeps each position from seeing the ones after it.
//
// generate() keeps a key/value cache: the keys and values of every past position, per layer,
// so that each new token costs one position's worth of work instead of a pass over the whole
// context. The tokens are exactly those that recomputing the context at every step gives.
import { linear } from "../autograd/matmul.js";
import { logSoftmax } from "../autograd/activation.js";
import { add } from "../autograd/arithmetic.js";
import { noGrad } from "../autograd/engine.js";
import { mergeHeads, splitHeads } from "../autograd/heads.js";
import { attendForward } from "../autograd/attention.js";
import { keep, scope } from "../memory/scope.js";
import { tensor } from "../tensor/creation.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import { Random } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";
import { Dropout } from "../nn/dropout.js";
import { Embedding } from "../nn/embedding.js";
import { normal } from "../nn/init.js";
import { LayerNorm } from "../nn/layernorm.js";
import { Linear } from "../nn/linear.js";
import { checkInput, freeOnFailure, Module } from "../nn/module.js";
import { LearnedPositionalEncoding } from "../nn/positional.js";
import type { TransformerEncoder } from "../nn/transformer.js";
import { encoderStack } from "./encoder-stack.js";
import { checkModelOptions, type OptionKeys } from "./options.js";

/** Options of gpt: vocabulary, context length, width, heads, layers. */
export interface GptOptions {
  /** Tokens in the vocabulary. */
  vocab: number;
  /** Longest sequence the model reads (positions learned). */
  context: number;
  /** E, the model width. */
  dim: number;
  /** Attention heads; dim must divide by it. */
  heads: number;
  /** Transformer blocks. */
  layers: number;
  /** Dropout on embeddings, attention weights and residual branches (default 0). */
  dropout?: number;
  /** Output projection = token embedding (default true). */
  tieWeights?: boolean;
  /** Feed-forward width (default 4·dim). */
  dimFeedforward?: number;
}

/** Options of GPT.generate. */
export interface GenerateOptions {
  /** Logits are divided by it before sampling (default 1). */
  temperature?: number;
  /** Sample among the k most likely tokens only (default: all; 1 is greedy). */
  topK?: number;
  /** Default: a Random seeded with 0. */
  rng?: Random;
  /** Use the key/value cache (default true); false recomputes the whole context for every token. */
  cache?: boolean;
}

/** Per layer: keys and values [B, H, context, D] of the positions seen so far. */
interface KvCache {
  k: Tensor[];
  v: Tensor[];
  length: number;
}

/**
 * The GPT language model; see models.gpt.
 *
 * @example const m = models.gpt({ vocab: 10, context: 8, dim: 16, heads: 2, layers: 1 }); const ids = m.generate([1, 2, 3], 5); // 5 new ids
 */
export class GPT extends Module<[Tensor], Tensor> {
  /** Token embedding [vocab, dim]. */
  readonly wte: Embedding;
  /** Learned position embedding [context, dim]. */
  readonly wpe: LearnedPositionalEncoding;
  /** Dropout on the sum of the embeddings. */
  readonly drop: Dropout;
  /** The causal pre-norm transformer blocks, with the final layer norm. */
  readonly encoder: TransformerEncoder;
  /** The output projection dim → vocab, or null when it is tied to wte. */
  readonly lmHead: Linear | null;
  /** The options with every default filled in. */
  readonly config: Required<GptOptions>;

  constructor(options: GptOptions) {
    super();
    const c = { dropout: 0, tieWeights: true, dimFeedforward: 4 * options.dim, ...options };
    this.config = c;
    for (const k of ["vocab", "context", "dim", "heads", "layers", "dimFeedforward"] as const) {
      if (!Number.isInteger(c[k]) || c[k] <= 0) throw new Error(`GPT: ${k} must be a positive integer, got ${c[k]}`);
    }
    if (c.dim % c.heads !== 0) throw new Error(`GPT: dim ${c.dim} is not divisible by heads ${c.heads} (each head takes dim / heads features)`);
    this.wte = this.child("wte", new Embedding(c.vocab, c.dim));
    this.wpe = this.child("wpe", new LearnedPositionalEncoding(c.context, c.dim));
    this.drop = this.child("drop", new Dropout(c.dropout));
    const block = { dimFeedforward: c.dimFeedforward, dropout: c.dropout, activation: "gelu", batchFirst: true, normFirst: true } as const;
    this.encoder = this.child("encoder", encoderStack(c.dim, c.heads, block, c.layers, new LayerNorm(c.dim)));
    this.lmHead = c.tieWeights ? null : this.child("lm_head", new Linear(c.dim, c.vocab, { bias: false }));
    // GPT-2's initialization: N(0, 0.02) for every weight matrix and embedding, the projections
    // that write into the residual stream scaled by 1/√(2·layers) so the stream's variance does
    // not grow with depth; biases 0, layer norms 1 and 0.
    for (const [name, p] of this.namedParameters()) {
      if (p.rank !== 2) {
        if (!name.includes("norm")) p.set(new Float32Array(p.size));
        continue;
      }
      const residual = name.endsWith("out_proj.weight") || name.endsWith("linear2.weight");
      const v = new Float32Array(p.size);
      normal(residual ? 0.02 / Math.sqrt(2 * c.layers) : 0.02)(v);
      p.set(v);
    }
  }

  private checkIds(ids: ArrayLike<number>, T: number): void {
    const { vocab, context } = this.config;
    if (T > context) throw new Error(`GPT: a sequence of ${T} tokens is longer than the context of ${context}`);
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i];
      if (!Number.isInteger(v) || v < 0 || v >= vocab) throw new Error(`GPT: token id ${v} at position ${i} is outside the vocabulary [0, ${vocab})`);
    }
  }

  /** ids [B, T] (integers as f32) → logits [B, T, vocab]. */
  forward(ids: Tensor): Tensor {
    checkInput("GPT", ids, "ids");
    if (ids.rank !== 2) throw new Error(`GPT: ids have shape ${fmt(ids.shape)}, expected [batch, T]`);
    return this.logits(ids.toArray(), ids.shape[0], ids.shape[1]);
  }

  /** logits [B, T, vocab] for B sequences of T token ids, row-major. */
  logits(ids: ArrayLike<number>, B: number, T: number): Tensor {
    if (ids.length !== B * T) throw new Error(`GPT: ${ids.length} token ids for batch ${B} × T ${T}`);
    this.checkIds(ids, T);
    const x = this.drop.forward(this.wpe.forward(this.wte.forward(tensor(ids, [B, T]))));
    return this.head(this.encoder.forward(x, { isCausal: true }));
  }

  private head(h: Tensor): Tensor {
    return this.lmHead ? this.lmHead.forward(h) : linear(h, this.wte.weight, null);
  }

  /** Logits [B, 1, vocab] of one new position per sequence, its keys and values appended to the cache. */
  private step(ids: ArrayLike<number>, cache: KvCache): Tensor {
    const { heads: H, context } = this.config;
    const B = ids.length;
    const t = cache.length;
    let x = this.wpe.forward(this.wte.forward(tensor(ids, [B, 1])), t);
    this.encoder.layers.forEach((layer, l) => {
      const attn = layer.selfAttn;
      const D = attn.headDim;
      const h = layer.norm1.forward(x);
      const qkv = splitHeads(linear(h, attn.inProjWeight!, attn.inProjBias), H, 3, true); // [3, B, H, 1, D]
      const be = qkv.backend;
      const part = B * H * D;
      for (let i = 0; i < B * H; i++) {
        be.copy(qkv.ptr + 4 * (part + i * D), cache.k[l].ptr + 4 * (i * context + t) * D, D);
        be.copy(qkv.ptr + 4 * (2 * part + i * D), cache.v[l].ptr + 4 * (i * context + t) * D, D);
      }
      const out = new Tensor(be, [B, H, 1, D]);
      const geometry = { batch: B * H, heads: H, tq: 1, tk: t + 1, d: D, dv: D, kStride: context * D, vStride: context * D, scale: 1 / Math.sqrt(D), causal: false };
      attendForward(be, qkv.ptr, cache.k[l].ptr, cache.v[l].ptr, out.ptr, geometry, null).p.dispose();
      x = add(x, attn.outProj.forward(mergeHeads(out, true)));
      x = add(x, layer.feedForward(layer.norm2.forward(x)));
    });
    cache.length++;
    return this.head(this.encoder.norm!.forward(x));
  }

  /**
   * Continue `prompt` (token ids) by n tokens, sampled one at a time from
   * softmax(logits/temperature) (restricted to the topK most likely). Returns the n new ids.
   * Past the context, the oldest tokens fall out of the window; the cache is then rebuilt from the
   * window at every step (exact, and no faster than recomputing).
   * @example
   * const ids = model.generate(vocab.encode("The whale "), 200, { temperature: 0.8 });
   */
  generate(prompt: ArrayLike<number>, n: number, options: GenerateOptions = {}): number[] {
    const { context, vocab, layers, heads, dim } = this.config;
    const temperature = options.temperature ?? 1;
    const topK = options.topK ?? vocab;
    if (!(temperature > 0)) throw new Error(`GPT.generate: temperature must be positive, got ${options.temperature}`);
    if (!Number.isInteger(topK) || topK < 1) throw new Error(`GPT.generate: topK must be a positive integer, got ${options.topK}`);
    if (!Number.isInteger(n) || n < 0) throw new Error(`GPT.generate: n (tokens to generate) must be an integer ≥ 0, got ${n}`);
    if (prompt === null || typeof prompt !== "object" || typeof prompt.length !== "number") throw new Error(`GPT.generate: prompt is ${describe(prompt)}, expected an array of token ids in [0, ${vocab})`);
    if (prompt.length === 0) throw new Error("GPT.generate: the prompt is empty; give at least one token");
    this.checkIds(prompt, Math.min(prompt.length, context));
    const rng = options.rng ?? new Random(0);
    const useCache = options.cache ?? true;
    const seq = Array.from(prompt);
    const out: number[] = [];
    const wasTraining = this.training;
    this.eval();
    let cache: KvCache | null = null;
    const freeCache = (): void => {
      cache?.k.forEach((t) => t.dispose());
      cache?.v.forEach((t) => t.dispose());
      cache = null;
    };
    try {
      for (let s = 0; s < n; s++) {
        const window = seq.slice(Math.max(0, seq.length - context));
        const last = scope(() =>
          noGrad(() => {
            if (!useCache) return lastRow(this.logits(window, 1, window.length));
            // A cache valid for the window's first tokens: its positions must match the window's.
            if (cache === null || cache.length !== window.length - 1 || seq.length > context) {
              freeCache();
              const c: KvCache = { k: [], v: [], length: 0 };
              for (let l = 0; l < layers; l++) {
                c.k.push(keep(new Tensor(this.wte.weight.backend, [1, heads, context, dim / heads])));
                c.v.push(keep(new Tensor(this.wte.weight.backend, [1, heads, context, dim / heads])));
              }
              cache = c;
              for (let i = 0; i < window.length - 1; i++) this.step([window[i]], c);
            }
            return lastRow(this.step([window[window.length - 1]], cache!));
          }),
        );
        const next = sampleLogits(last, temperature, topK, rng);
        seq.push(next);
        out.push(next);
      }
    } finally {
      freeCache();
      this.train(wasTraining);
    }
    return out;
  }

  override describe(): string {
    const c = this.config;
    return `GPT(vocab ${c.vocab}, context ${c.context}, dim ${c.dim}, heads ${c.heads}, layers ${c.layers})`;
  }
}

/** The last position's logits of [1, T, vocab], as a plain array. */
function lastRow(logits: Tensor): Float32Array {
  const V = logits.shape[2];
  const all = logits.toArray();
  return all.slice(all.length - V);
}

/**
 * A token drawn from softmax(logits/temperature) over the topK largest logits.
 *
 * @example const id = models.sampleLogits([2, 1, 0.5], 0.8, 2, new Random(1)); // from softmax(logits / 0.8) over the top 2
 */
export function sampleLogits(logits: ArrayLike<number>, temperature: number, topK: number, rng: Random): number {
  const order = Array.from(logits, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  const kept = order.slice(0, Math.min(topK, order.length));
  const m = logits[kept[0]] / temperature;
  const p = kept.map((i) => Math.exp(logits[i] / temperature - m));
  let u = rng.next() * p.reduce((a, b) => a + b, 0);
  for (let j = 0; j < kept.length - 1; j++) if ((u -= p[j]) <= 0) return kept[j];
  return kept[kept.length - 1];
}

/**
 * Mean bits per token of `ids` under the model, read with overlapping windows: windows of
 * `context` tokens, `stride` apart; the first scores all its predictions, each later one only the
 * tokens past the previous window, so each prediction after the first window sees at least
 * context − stride tokens before it. maxChars: score only the first maxChars predictions.
 * @example
 * const { bits } = models.windowedBits(model, heldOut, 32); // bits/char of a character model
 *
 * @property bits Mean bits per character, −log₂ p(next) averaged.
 * @property chars Characters scored.
 */
export function windowedBits(model: GPT, ids: Int32Array, stride: number, maxChars = Infinity, batch = 16): { bits: number; chars: number } {
  const C = model.config.context;
  const end = Math.min(ids.length, maxChars + 1);
  // Window w covers ids [s, s + C) predicting ids[s + 1 … s + C]; it scores positions ≥ from.
  const windows: { s: number; from: number; len: number }[] = [];
  for (let s = 0, from = 0; from < end - 1; s += stride) {
    const len = Math.min(C, end - 1 - s);
    windows.push({ s, from: from - s, len });
    from = s + len;
  }
  let total = 0;
  let count = 0;
  for (let w0 = 0; w0 < windows.length; w0 += batch) {
    const group = windows.slice(w0, w0 + batch);
    const T = Math.max(...group.map((w) => w.len));
    const x = new Float32Array(group.length * T);
    group.forEach((w, b) => {
      for (let t = 0; t < T; t++) x[b * T + t] = ids[w.s + Math.min(t, w.len - 1)];
    });
    const lp = scope(() => noGrad(() => logSoftmax(model.logits(x, group.length, T)).toArray()));
    const V = model.config.vocab;
    group.forEach((w, b) => {
      for (let t = w.from; t < w.len; t++) {
        total -= lp[(b * T + t) * V + ids[w.s + t + 1]];
        count++;
      }
    });
  }
  return { bits: total / count / Math.LN2, chars: count };
}

const GPT_KEYS: OptionKeys<GptOptions> = {
  vocab: "required", context: "required", dim: "required", heads: "required", layers: "required",
  dropout: "optional", tieWeights: "optional", dimFeedforward: "optional",
};

/**
 * A GPT-style character or token model: decoder-only, pre-norm, causal.
 * @example
 * const model = models.gpt({ vocab: 89, context: 128, dim: 128, heads: 4, layers: 4 });
 * const logits = model.logits(ids, batch, 128); // [batch, 128, 89]
 */
export function gpt(options: GptOptions): GPT {
  checkModelOptions("gpt", options, GPT_KEYS);
  return freeOnFailure(() => new GPT(options));
}
