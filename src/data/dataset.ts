// A data set: N samples x (each of shape sampleShape) with targets y (each of shape
// targetShape; [] for a class label), held as flat Float32Arrays in JS memory. Batches are
// copied into the backend heap one at a time, so a data set never fills the Wasm heap.
import { describe, numbersOf } from "../tensor/check.js";
import { checkShape, fmt, sizeOf, type Shape } from "../tensor/shape.js";
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

/**
 * What dataset() takes for x or y: a tensor, rows (number[][]), or a flat array or typed array
 * (one value per sample, or with `sampleShape`/`targetShape` given, the samples back to back).
 */
export type Source = Tensor | ArrayLike<number> | number[][];

function flat(name: string, s: Source): { data: Float32Array; shape: number[] } {
  if (s instanceof Tensor) {
    if (s.disposed) throw new Error(`dataset: ${name} is a Tensor${fmt(s.shape)} that was disposed`);
    return { data: s.toArray(), shape: [...s.shape] };
  }
  if (s instanceof Float32Array) return { data: s, shape: [s.length] };
  if (Array.isArray(s) && s.length > 0 && Array.isArray(s[0])) {
    const rows = s as unknown[];
    const w = (rows[0] as unknown[]).length;
    const data = new Float32Array(rows.length * w);
    rows.forEach((r, i) => {
      if (!Array.isArray(r) && !(ArrayBuffer.isView(r) && !(r instanceof DataView))) throw new Error(`dataset: ${name} row ${i} is ${describe(r)}, expected an array of ${w} numbers`);
      const row = r as ArrayLike<unknown>;
      if (row.length !== w) throw new Error(`dataset: ${name} row ${i} has ${row.length} values, expected ${w}`);
      data.set(numbersOf(`dataset: ${name} row ${i}`, row), i * w);
    });
    return { data, shape: [rows.length, w] };
  }
  if (s === null || typeof s !== "object" || typeof (s as ArrayLike<number>).length !== "number") {
    throw new Error(`dataset: ${name} is ${s === null ? "null" : typeof s}, expected a Tensor, an array of rows, or a flat array or typed array`);
  }
  const a = s as ArrayLike<number>;
  return { data: numbersOf(`dataset: ${name}`, a), shape: [a.length] };
}

/**
 * The number of samples of `f` and the shape of one: the first axis when no shape is given;
 * with a shape, a flat source is cut into samples of it and a shaped one must match it value for value.
 */
function samplesOf(name: string, f: { data: Float32Array; shape: number[] }, given: Shape | undefined, label: string): { n: number; shape: Shape } {
  if (given === undefined) return { n: f.shape[0], shape: f.shape.slice(1) };
  checkShape(given, `dataset: ${label}`);
  const per = sizeOf(given);
  const n = f.shape.length === 1 ? f.data.length / Math.max(1, per) : f.shape[0];
  if (!Number.isInteger(n) || f.data.length !== n * per) {
    const whole = per > 0 ? ` (${f.data.length} / ${per} = ${+(f.data.length / per).toFixed(4)})` : "";
    throw new Error(`dataset: ${name} has ${f.data.length} values, not a whole number of samples of shape ${fmt(given)}${whole}`);
  }
  return { n, shape: given };
}

/**
 * A data set from tensors or arrays whose first axis is the sample axis. Checks that x and y
 * hold the same number of samples and that every input value is finite.
 * @example const xor = dataset([[0,0],[0,1],[1,0],[1,1]], [[0],[1],[1],[0]]);
 */
export function dataset(x: Source, y: Source, shapes?: { sampleShape?: Shape; targetShape?: Shape }): Dataset {
  const fx = flat("x", x);
  const fy = flat("y", y);
  const { n, shape: sampleShape } = samplesOf("x", fx, shapes?.sampleShape, "sampleShape");
  const { n: ny, shape: targetShape } = samplesOf("y", fy, shapes?.targetShape, "targetShape");
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
  if (d === null || typeof d !== "object" || !(d.x instanceof Float32Array) || !(d.y instanceof Float32Array)) {
    throw new Error(`${op}: the data set must have Float32Array x and y (make one with dataset()), got ${d === null ? "null" : typeof d !== "object" ? typeof d : `x: ${d.x?.constructor?.name ?? d.x}, y: ${d.y?.constructor?.name ?? d.y}`}`);
  }
  checkShape(d.sampleShape, `${op}: sampleShape`);
  checkShape(d.targetShape, `${op}: targetShape`);
  if (!Number.isInteger(d.length) || d.length < 0) throw new Error(`${op}: the data set's length is ${d.length}, expected a whole number of samples`);
  const sx = sizeOf(d.sampleShape);
  const sy = Math.max(1, sizeOf(d.targetShape));
  for (const [what, data, per, shape] of [["x", d.x, sx, d.sampleShape], ["y", d.y, sy, d.targetShape]] as const) {
    if (data.length !== d.length * per) {
      const held = data.length % Math.max(1, per) === 0 ? `${data.length / per} samples` : `${data.length} values, not a whole number of samples`;
      throw new Error(`${op}: ${what} holds ${held} of shape ${fmt(shape)} but the data set's length is ${d.length}; they must match`);
    }
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
  validateDataset("splitAt", d);
  if (!Number.isInteger(at) || at < 0 || at > d.length) throw new Error(`splitAt: at must be an integer in [0, ${d.length}] (the data set's length), got ${at}`);
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
