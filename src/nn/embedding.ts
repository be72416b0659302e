// Embedding: a lookup table from token ids to learned vectors.
//
// A character or word id is a category, not a quantity: id 7 is not "more" than id 6. Feeding it as
// a one-hot vector to a Linear layer would work, but the product with a one-hot vector just
// selects one column of the weight; an embedding does that selection directly, as a row lookup.
// Backward scatters each output row's gradient back onto the row it came from, adding when an id
// occurs more than once in the batch (a sequence repeats characters all the time); the lookup is
// the op ops.embedding.
import { embeddingLookup } from "../autograd/embedding.js";
import { describe } from "../tensor/check.js";
import { Tensor } from "../tensor/tensor.js";
import { normal } from "./init.js";
import { Module, parameter } from "./module.js";

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim`, PyTorch's nn.Embedding (weight
 * [numEmbeddings, embeddingDim], initialized N(0, 1)). forward(ids) maps ids of any shape S to
 * vectors of shape [...S, embeddingDim]; ids are integers in [0, numEmbeddings), given as a
 * tensor or a plain array.
 * @example
 * const emb = new nn.Embedding(65, 16);
 * const v = emb.forward(tensor([[3, 1, 4], [1, 5, 9]])); // → [2, 3, 16]
 */
export class Embedding extends Module {
  /** The table [numEmbeddings, embeddingDim]; row i is the vector of id i. */
  readonly weight: Tensor;

  /**
   * @param numEmbeddings Rows of the table: ids run over 0 … numEmbeddings − 1.
   * @param embeddingDim Features of each vector.
   */
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number) {
    super();
    for (const [k, v] of [["numEmbeddings", numEmbeddings], ["embeddingDim", embeddingDim]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Embedding: ${k} must be a positive integer, got ${v}`);
    }
    this.weight = this.param("weight", parameter([numEmbeddings, embeddingDim], normal(1), "Embedding"));
  }

  forward(ids: Tensor | ArrayLike<number>): Tensor {
    if (!(ids instanceof Tensor) && (ids === null || typeof ids !== "object" || typeof ids.length !== "number")) {
      throw new Error(`${this.describe()}: ids are ${describe(ids)}, expected a Tensor or an array of integers in [0, ${this.numEmbeddings - 1}]`);
    }
    return embeddingLookup(this.weight, ids, this.describe());
  }

  override describe(): string {
    return `Embedding(${this.numEmbeddings}, ${this.embeddingDim})`;
  }
}
