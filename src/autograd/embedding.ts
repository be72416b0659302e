// Row lookup, differentiable in the table: y[..., :] = weight[id, :]. The gather behind
// nn.Embedding, and behind any table of per-token vectors (a recurrent layer's input projection
// computed once per vocabulary entry, for one). Backward scatters each output row's gradient back
// onto the row it came from, adding when an id occurs more than once.
import { describe, numbersOf } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { record } from "./engine.js";
import { backendOf, empty } from "./util.js";

/**
 * weight [rows, D] and ids of any shape S (integers in [0, rows), as a tensor or a plain array)
 * → [...S, D]. `who` names the caller in errors.
 */
export function embeddingLookup(weight: Tensor, ids: Tensor | ArrayLike<number>, who: string): Tensor {
  const be = backendOf(who, weight);
  if (weight.rank !== 2) throw new Error(`${who}: table has shape ${fmt(weight.shape)}, expected [rows, dim]`);
  const [rows, D] = weight.shape;
  if (ids instanceof Tensor ? ids.disposed : ids === null || typeof ids !== "object" || typeof ids.length !== "number") {
    throw new Error(`${who}: ids are ${ids instanceof Tensor ? `a disposed Tensor${fmt(ids.shape)}` : describe(ids)}, expected a Tensor or an array of row indices`);
  }
  const values = ids instanceof Tensor ? ids.toArray() : numbersOf(`${who}: ids`, ids);
  const shape = ids instanceof Tensor ? ids.shape : [values.length];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= rows) {
      throw new Error(`${who}: index ${v} at position ${i} of ids ${fmt(shape)} is not an integer in [0, ${rows - 1}]`);
    }
  }
  const n = values.length;
  const idx = empty(be, [n]);
  be.heap.f32(idx.ptr, n).set(values);
  const out = empty(be, [...shape, D]);
  be.embedding(weight.ptr, idx.ptr, out.ptr, n, D, rows);
  record(out, "embedding", [weight], (g) => {
    const dw = empty(be, weight.shape);
    be.fill(dw.ptr, dw.size, 0);
    be.embeddingBackward(g.ptr, idx.ptr, dw.ptr, n, D, rows);
    return [dw];
  }, () => idx.dispose()); // the ids live as long as the node: freed with the output or after backward
  return out;
}

/**
 * Rows of `weight` [rows, D] picked by `ids` (any shape S) → [...S, D]; the gradient reaches
 * weight, summed over repeated ids.
 * @example ops.embedding(table, tensor([[3, 1], [4, 1]])) // → [2, 2, D]
 */
export function embedding(weight: Tensor, ids: Tensor | ArrayLike<number>): Tensor {
  return embeddingLookup(weight, ids, "embedding");
}
