// Positional encodings. Attention by itself is blind to order: permuting the inputs permutes
// the outputs the same way. Adding a vector that depends on each position to its features
// tells the model where every token sits.
import { add, addScalar } from "../autograd/arithmetic.js";
import { slice, transpose } from "../autograd/shape.js";
import { getBackend } from "../backend/index.js";
import { bytesText } from "../memory/heap.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { Embedding } from "./embedding.js";
import { buffer, checkInput, checkOptions, Module } from "./module.js";

/** Check x [B, T, E] / [T, B, E] against a table of maxLen positions from `offset`; returns T. */
function positions(who: string, x: Tensor, dim: number, maxLen: number, offset: number, batchFirst: boolean): number {
  const want = batchFirst ? `[batch, T, ${dim}]` : `[T, batch, ${dim}]`;
  checkInput(who, x);
  if (x.rank !== 3 || x.shape[2] !== dim) throw new Error(`${who}: input has shape ${fmt(x.shape)}, expected ${want}`);
  const T = batchFirst ? x.shape[1] : x.shape[0];
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`${who}: offset must be a non-negative integer, got ${offset}`);
  if (offset + T > maxLen) throw new Error(`${who}: positions ${offset}…${offset + T - 1} of input ${fmt(x.shape)} go past the ${maxLen} this encoding holds`);
  return T;
}

/** Throw unless every size is a positive integer, naming the layer and the size. */
function positiveInts(who: string, sizes: Record<string, number>): void {
  for (const [k, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${who}: ${k} must be a positive integer, got ${describe(v)}`);
  }
}

/**
 * x + the rows [offset, offset + T) of a [maxLen, E] table, broadcast over the batch. Broadcasting
 * runs over leading axes, so a [T, batch, E] input is added to in the [batch, T, E] layout.
 */
function addRows(x: Tensor, table: Tensor, offset: number, T: number, batchFirst: boolean): Tensor {
  // An empty sequence has no position to add (and slice refuses an empty range): a copy of x.
  if (T === 0) return addScalar(x, 0);
  const rows = slice(table, 0, offset, offset + T);
  return batchFirst ? add(x, rows) : transpose(add(transpose(x, 0, 1), rows), 0, 1);
}

/**
 * The fixed encoding of Vaswani et al. (2017): PE[p, 2i] = sin(p/10000^(2i/E)),
 * PE[p, 2i+1] = cos(p/10000^(2i/E)), a buffer `pe` [maxLen, E]. Each pair of features turns at
 * its own frequency, so PE[p + k] is a fixed rotation of PE[p]: relative offsets are easy to read.
 * forward(x, offset) adds PE[offset …] to x [batch, T, E] (batchFirst, the default) or [T, batch, E].
 * @example
 * const pe = new nn.SinusoidalPositionalEncoding(64, 512);
 * const h = pe.forward(embedded); // [8, 20, 64] + PE[0…19]
 */
export class SinusoidalPositionalEncoding extends Module<[Tensor, number?], Tensor> {
  /** The table [maxLen, dim]: PE(pos, 2i) = sin(pos / 10000^(2i/dim)), PE(pos, 2i+1) = cos(…). */
  readonly pe: Tensor;
  /** [batch, T, dim] (true) or [T, batch, dim] (false). */
  readonly batchFirst: boolean;

  /**
   * @param dim Features of each position (even).
   * @param maxLen The longest sequence encoded (default 5000).
   * @param options batchFirst: [batch, T, dim] inputs.
   */
  constructor(readonly dim: number, readonly maxLen = 5000, options: { batchFirst?: boolean } = {}) {
    super();
    checkOptions(this.constructor.name, options);
    positiveInts("SinusoidalPositionalEncoding", { dim, maxLen });
    // The table is computed in JS first: a size past the heap would be a RangeError there.
    const limit = getBackend().heap.maxBytes;
    if (maxLen * dim * 4 > limit) throw new Error(`SinusoidalPositionalEncoding: a table of ${maxLen} × ${dim} values is more than the ${bytesText(limit)} heap holds`);
    this.batchFirst = options.batchFirst ?? true;
    const data = new Float32Array(maxLen * dim);
    for (let p = 0; p < maxLen; p++) {
      for (let i = 0; i < dim; i += 2) {
        const angle = p / Math.pow(10000, i / dim);
        data[p * dim + i] = Math.sin(angle);
        if (i + 1 < dim) data[p * dim + i + 1] = Math.cos(angle);
      }
    }
    this.pe = this.buffer("pe", buffer([maxLen, dim]).set(data));
  }

  forward(x: Tensor, offset = 0): Tensor {
    checkInput(this.describe(), x);
    const T = positions(this.describe(), x, this.dim, this.maxLen, offset, this.batchFirst);
    return addRows(x, this.pe, offset, T, this.batchFirst);
  }

  override describe(): string {
    return `SinusoidalPositionalEncoding(${this.dim}, maxLen=${this.maxLen})`;
  }
}

/**
 * A learned vector per position: an nn.Embedding of maxLen positions (key embedding.weight), as
 * GPT-2. Cannot reach past maxLen, the model's context.
 * @example
 * const pos = new nn.LearnedPositionalEncoding(128, 64);
 * const h = pos.forward(embedded); // [8, 20, 64] + W[0…19]
 */
export class LearnedPositionalEncoding extends Module<[Tensor, number?], Tensor> {
  /** The learned table [maxLen, dim] (embedding.weight). */
  readonly embedding: Embedding;
  /** [batch, T, dim] (true) or [T, batch, dim] (false). */
  readonly batchFirst: boolean;

  /**
   * @param maxLen The longest sequence encoded.
   * @param dim Features of each position.
   * @param options batchFirst: [batch, T, dim] inputs.
   */
  constructor(readonly maxLen: number, readonly dim: number, options: { batchFirst?: boolean } = {}) {
    super();
    checkOptions(this.constructor.name, options);
    positiveInts("LearnedPositionalEncoding", { maxLen, dim });
    let table: Embedding;
    try {
      table = new Embedding(maxLen, dim);
    } catch (e) {
      throw new Error(`LearnedPositionalEncoding: ${(e as Error).message}`);
    }
    this.embedding = this.child("embedding", table);
    this.batchFirst = options.batchFirst ?? true;
  }

  forward(x: Tensor, offset = 0): Tensor {
    checkInput(this.describe(), x);
    const T = positions(this.describe(), x, this.dim, this.maxLen, offset, this.batchFirst);
    return addRows(x, this.embedding.weight, offset, T, this.batchFirst);
  }

  override describe(): string {
    return `LearnedPositionalEncoding(${this.maxLen}, ${this.dim})`;
  }
}
