// A data set: N samples x (each of shape sampleShape) with targets y (each of shape
// targetShape; [] for a class label), held as flat Float32Arrays in JS memory. Batches are
// copied into the backend heap one at a time, so a data set never fills the Wasm heap.
import { fmt, sizeOf, type Shape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * N samples with their targets, as flat Float32Arrays in JS memory (fit copies one batch at a time
 * into the backend's heap).
 *
 * @example
 * ```ts
 * const d = dataset([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]]); // XOR: sampleShape [2], targetShape [1]
 * ```
 */
export interface Dataset {
  /** The samples, row-major: N·prod(sampleShape) values. */
  readonly x: Float32Array;
  /** The targets, row-major: N·prod(targetShape) values (class labels as numbers). */
  readonly y: Float32Array;
  /** The shape of one sample, e.g. [784] or [1, 28, 28]. */
  readonly sampleShape: readonly number[];
  /** The shape of one target; [] for a class label. */
  readonly targetShape: readonly number[];
  /** N, the number of samples. */
  readonly length: number;
}

/** What dataset() takes for x or y: a tensor, a flat array (one value per sample), or rows. */
export type Source = Tensor | Float32Array | number[] | number[][];

function flat(name: string, s: Source): { data: Float32Array; shape: number[] } {
  if (s instanceof Tensor) return { data: s.toArray(), shape: [...s.shape] };
  if (s instanceof Float32Array) return { data: s, shape: [s.length] };
  if (Array.isArray(s) && s.length > 0 && Array.isArray(s[0])) {
    const rows = s as number[][];
    const w = rows[0].length;
    const data = new Float32Array(rows.length * w);
    rows.forEach((r, i) => {
      if (r.length !== w) throw new Error(`dataset: ${name} row ${i} has ${r.length} values, expected ${w}`);
      data.set(r, i * w);
    });
    return { data, shape: [rows.length, w] };
  }
  return { data: Float32Array.from(s as number[]), shape: [(s as number[]).length] };
}

/**
 * A data set from tensors or arrays whose first axis is the sample axis. Checks that x and y
 * hold the same number of samples and that every input value is finite.
 * @example const xor = dataset([[0,0],[0,1],[1,0],[1,1]], [[0],[1],[1],[0]]);
 */
export function dataset(x: Source, y: Source, shapes?: { sampleShape?: Shape; targetShape?: Shape }): Dataset {
  const fx = flat("x", x);
  const fy = flat("y", y);
  const n = fx.shape[0];
  const sampleShape = shapes?.sampleShape ?? fx.shape.slice(1);
  const targetShape = shapes?.targetShape ?? fy.shape.slice(1);
  const ny = fy.data.length / Math.max(1, sizeOf(targetShape));
  if (fx.data.length !== n * sizeOf(sampleShape)) throw new Error(`dataset: x has ${fx.data.length} values, not a whole number of samples of shape ${fmt(sampleShape)}`);
  if (ny !== n) throw new Error(`dataset: x has ${n} samples but y has ${ny}; they must match`);
  checkFinite("dataset", "x", fx.data, sizeOf(sampleShape));
  checkFinite("dataset", "y", fy.data, Math.max(1, sizeOf(targetShape)));
  return { x: fx.data, y: fy.data, sampleShape, targetShape, length: n };
}

/** Throw if any value is NaN or ±Infinity, naming the sample. */
export function checkFinite(op: string, what: string, data: Float32Array, perSample: number): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(`${op}: ${what} holds ${data[i]} at sample ${Math.floor(i / perSample)} (value index ${i}); inputs must be finite`);
    }
  }
}

/** Check a Dataset made by hand (not through dataset()). */
export function validateDataset(op: string, d: Dataset): void {
  const sx = sizeOf(d.sampleShape);
  const sy = Math.max(1, sizeOf(d.targetShape));
  if (d.x.length !== d.length * sx || d.y.length !== d.length * sy) {
    throw new Error(`${op}: x holds ${d.x.length / sx} samples and y holds ${d.y.length / sy}, data set claims ${d.length}; they must match`);
  }
  if (d.length === 0) throw new Error(`${op}: the data set is empty`);
  checkFinite(op, "x", d.x, sx);
  checkFinite(op, "y", d.y, sy);
}

/** Samples idx[from..to) copied back to back into x and y (e.g. views over a batch's tensors). */
export function gather(d: Dataset, idx: ArrayLike<number>, from: number, to: number, x: Float32Array, y: Float32Array): void {
  const sx = sizeOf(d.sampleShape);
  const sy = Math.max(1, sizeOf(d.targetShape));
  for (let i = from; i < to; i++) {
    const s = idx[i];
    x.set(d.x.subarray(s * sx, s * sx + sx), (i - from) * sx);
    y.set(d.y.subarray(s * sy, s * sy + sy), (i - from) * sy);
  }
}

/**
 * The first `at` samples and the rest, as two data sets (no copy).
 *
 * @example const [train, test] = splitAt(twoSpirals(), 320); // the first 320 of the 400 samples, and the other 80
 */
export function splitAt(d: Dataset, at: number): [Dataset, Dataset] {
  const sx = sizeOf(d.sampleShape);
  const sy = Math.max(1, sizeOf(d.targetShape));
  const part = (from: number, to: number): Dataset => ({
    x: d.x.subarray(from * sx, to * sx),
    y: d.y.subarray(from * sy, to * sy),
    sampleShape: d.sampleShape,
    targetShape: d.targetShape,
    length: to - from,
  });
  return [part(0, at), part(at, d.length)];
}
