// Splitting features into attention heads and merging them back: pure data movement, so each
// backward is the inverse copy.
//
// Multi-head attention runs H attentions side by side, each on its own D = E/H slice of the
// features. The projections produce [B, T, E] (or time-major [T, B, E]); the batched GEMMs of
// attention want each head's [T, D] block contiguous, [B, H, T, D]. splitHeads gathers those
// blocks (one strided block copy per batch entry and head), mergeHeads scatters them back.
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Backend } from "../backend/types.js";
import { record } from "./engine.js";
import { backendOf, empty } from "./util.js";

interface Layout {
  B: number;
  T: number;
  /** Features per row of the [B, T, C] / [T, B, C] side. */
  C: number;
  batchFirst: boolean;
}

/** Copy head blocks between the row layout and [parts, B, H, T, D]; toHeads picks the direction. */
function moveHeads(be: Backend, rowsPtr: number, headsPtr: number, l: Layout, parts: number, H: number, D: number, toHeads: boolean): void {
  const rowStride = l.batchFirst ? l.C : l.B * l.C;
  for (let p = 0; p < parts; p++) {
    for (let b = 0; b < l.B; b++) {
      const rowStart = l.batchFirst ? b * l.T * l.C : b * l.C;
      for (let h = 0; h < H; h++) {
        const r = rowsPtr + 4 * (rowStart + (p * H + h) * D);
        const c = headsPtr + 4 * ((p * l.B + b) * H + h) * l.T * D;
        if (toHeads) be.copyBlocks(r, c, l.T, D, rowStride, D);
        else be.copyBlocks(c, r, l.T, D, D, rowStride);
      }
    }
  }
}

function layoutOf(op: string, x: Tensor, batchFirst: boolean): Layout {
  if (x.rank !== 3) throw new Error(`${op}: input has shape ${fmt(x.shape)}, expected ${batchFirst ? "[batch, T, features]" : "[T, batch, features]"}`);
  const [d0, d1, C] = x.shape;
  return batchFirst ? { B: d0, T: d1, C, batchFirst } : { B: d1, T: d0, C, batchFirst };
}

/**
 * x [B, T, parts·H·D] (batchFirst) or [T, B, parts·H·D] → [parts, B, H, T, D]; with parts = 1
 * the leading axis is dropped ([B, H, T, D]). parts = 3 splits a packed q|k|v projection.
 *
 * @example const q = ops.splitHeads(randn([2, 5, 8]), 4); // [B=2, T=5, 4·2] → [2, 4, 5, 2]
 */
export function splitHeads(x: Tensor, heads: number, parts = 1, batchFirst = true): Tensor {
  const be = backendOf("splitHeads", x);
  for (const [k, v] of [["heads", heads], ["parts", parts]] as const) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new Error(`splitHeads: ${k} must be an integer ≥ 1, got ${describe(v)}`);
  }
  const l = layoutOf("splitHeads", x, batchFirst);
  const D = l.C / (parts * heads);
  if (!Number.isInteger(D) || D < 1) throw new Error(`splitHeads: ${l.C} features do not split into ${parts} × ${heads} heads`);
  const shape = parts === 1 ? [l.B, heads, l.T, D] : [parts, l.B, heads, l.T, D];
  const y = empty(be, shape);
  moveHeads(be, x.ptr, y.ptr, l, parts, heads, D, true);
  return record(y, "splitHeads", [x], (g) => {
    const dx = empty(be, x.shape);
    moveHeads(be, dx.ptr, g.ptr, l, parts, heads, D, false);
    return [dx];
  });
}

/**
 * x [B, H, T, D] → [B, T, H·D] (batchFirst) or [T, B, H·D]: the inverse of splitHeads.
 *
 * @example const y = ops.mergeHeads(randn([2, 4, 5, 2])); // [2, 4, 5, 2] → [2, 5, 8]
 */
export function mergeHeads(x: Tensor, batchFirst = true): Tensor {
  const be = backendOf("mergeHeads", x);
  if (x.rank !== 4) throw new Error(`mergeHeads: input has shape ${fmt(x.shape)}, expected [batch, heads, T, headDim]`);
  const [B, H, T, D] = x.shape;
  const l: Layout = { B, T, C: H * D, batchFirst };
  const y = empty(be, batchFirst ? [B, T, H * D] : [T, B, H * D]);
  moveHeads(be, y.ptr, x.ptr, l, 1, H, D, false);
  return record(y, "mergeHeads", [x], (g) => {
    const dx = empty(be, x.shape);
    moveHeads(be, g.ptr, dx.ptr, l, 1, H, D, true);
    return [dx];
  });
}
