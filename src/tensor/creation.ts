// Making tensors: from JS data, constants, and seeded random values.
import { getBackend } from "../backend/index.js";
import type { Backend } from "../backend/types.js";
import { Heap } from "../memory/heap.js";
import { describe } from "./check.js";
import { Random, rng } from "./random.js";
import { checkShape, fmt, sizeOf, type Shape } from "./shape.js";
import { Tensor } from "./tensor.js";

/** Options of the tensor constructors. */
export interface CreateOptions {
  /** Track gradients: backward() fills this tensor's grad (default false). */
  requiresGrad?: boolean;
  /** Default: the current backend (see setBackend). */
  backend?: Backend;
}

/** Nested arrays of numbers (typed arrays allowed at any level) whose nesting is the shape: [[1, 2], [3, 4]] is [2, 2]. */
export type Nested = number | readonly Nested[] | ArrayLike<number>;

/** Arrays and typed arrays are sequences; anything else in nested data is refused by name. */
function isSequence(d: unknown): d is ArrayLike<unknown> {
  return Array.isArray(d) || (ArrayBuffer.isView(d) && !(d instanceof DataView));
}

function flatten(data: unknown, shape: number[], out: number[], path: number[]): void {
  const depth = path.length;
  const where = () => `element ${path.map((i) => `[${i}]`).join("")}`;
  if (typeof data === "number") {
    if (depth !== shape.length) throw new Error(`tensor: ragged nested array, ${where()} is a number where the shape has ${shape.length} levels`);
    out.push(data);
    return;
  }
  if (!isSequence(data)) throw new Error(`tensor: ${where()} is ${describeValue(data)}, expected a number or an array of numbers`);
  if (depth > 0 && depth === shape.length && out.length > 0) throw new Error(`tensor: ragged nested array, ${where()} is an array where numbers were expected`);
  if (shape.length === depth) shape.push(data.length);
  else if (shape[depth] !== data.length) throw new Error(`tensor: ragged nested array, ${where()} has ${data.length} elements, expected ${shape[depth]}`);
  for (let i = 0; i < data.length; i++) flatten(data[i], shape, out, [...path, i]);
}

/** A value that is not a number, as an error message names it: its type, and its text if short. */
function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + "…" : v)}`;
  if (typeof v === "bigint") return `the bigint ${v}n (convert it with Number())`;
  if (typeof v === "boolean") return `the boolean ${v}`;
  const name = typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v;
  return `${/^[aeiou]/i.test(name) ? "an" : "a"} ${name}`;
}

/** Options checked before anything is allocated: an object whose backend, if given, is one. */
function checkOptions(op: string, options: unknown, numbers: readonly string[] = []): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object") throw new Error(`${op}: options must be an object, got ${describe(options)}`);
  const o = options as Record<string, unknown>;
  if (o.backend !== undefined && !(o.backend !== null && typeof o.backend === "object" && (o.backend as { heap?: unknown }).heap instanceof Heap)) {
    throw new Error(`${op}: options.backend is ${describe(o.backend)}, expected a backend (backend("wasm") or backend("js"))`);
  }
  if (o.rng !== undefined && !(o.rng instanceof Random)) throw new Error(`${op}: options.rng is ${describe(o.rng)}, expected a Random`);
  for (const k of numbers) {
    if (o[k] !== undefined && typeof o[k] !== "number") throw new Error(`${op}: options.${k} is ${describe(o[k])}, expected a number`);
  }
}

function make(shape: Shape, options: CreateOptions | undefined, init: (view: Float32Array) => void, op: string, numbers?: readonly string[]): Tensor {
  checkShape(shape, op);
  checkOptions(op, options, numbers);
  let t: Tensor;
  try {
    t = new Tensor(options?.backend ?? getBackend(), shape);
  } catch (e) {
    throw new Error(`${op}: ${(e as Error).message}`);
  }
  init(t.backend.heap.f32(t.ptr, t.size));
  t.requiresGrad = options?.requiresGrad ?? false;
  return t;
}

/**
 * A tensor from values: a flat array with a shape, or nested arrays whose nesting is the shape.
 * @example tensor([[1, 2], [3, 4]]) // shape [2, 2]
 * @example tensor(new Float32Array(6), [2, 3])
 */
export function tensor(data: Nested | ArrayLike<number>, shape?: Shape, options?: CreateOptions): Tensor {
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (typeof data === "number") {
    flat = [data];
    inferred = [];
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    throw new Error(`tensor: got a ${data.constructor.name}, expected numbers (a Float32Array, Float64Array, integer typed array or Array); convert bigints with Number()`);
  } else if ((isSequence(data) && !Array.isArray(data)) || (Array.isArray(data) && data.every((d) => typeof d === "number"))) {
    flat = data as ArrayLike<number>;
    inferred = [flat.length];
  } else {
    // Nested arrays (whose leaves may be typed arrays). Other array-likes and iterables are refused
    // by name rather than guessed at: Array.from() turns them into an Array first.
    if (!Array.isArray(data)) throw new Error(`tensor: got ${describeValue(data)}, expected a number, an Array of numbers, nested Arrays or a typed array`);
    const out: number[] = [];
    inferred = [];
    flatten(data, inferred, out, []);
    flat = out;
  }
  const s = shape ?? inferred;
  checkShape(s, "tensor");
  if (sizeOf(s) !== flat.length) throw new Error(`tensor: ${flat.length} values do not fill shape ${fmt(s)} (${sizeOf(s)} values)`);
  return make(s, options, (v) => v.set(flat), "tensor");
}

/**
 * A tensor of `shape` with every value `value`.
 *
 * @example
 * ```ts
 * const t = full([2, 3], 0.5); // [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]
 * ```
 */
export function full(shape: Shape, value: number, options?: CreateOptions): Tensor {
  if (typeof value !== "number") throw new Error(`full: fill value is ${describeValue(value)}, expected a number`);
  return make(shape, options, (v) => v.fill(value), "full");
}

/**
 * A tensor of `shape` filled with 0.
 *
 * @example
 * ```ts
 * const h0 = zeros([1, 32, 64]); // an initial hidden state
 * ```
 */
export function zeros(shape: Shape, options?: CreateOptions): Tensor {
  return make(shape, options, (v) => v.fill(0), "zeros");
}

/**
 * A tensor of `shape` filled with 1.
 *
 * @example
 * ```ts
 * const mask = ones([4, 4]);
 * ```
 */
export function ones(shape: Shape, options?: CreateOptions): Tensor {
  return make(shape, options, (v) => v.fill(1), "ones");
}

/**
 * Uniform values in [lo, hi) from the seeded generator (or `options.rng`).
 *
 * @example const u = rand([2, 3], { lo: -1, hi: 1 }); // uniform in [−1, 1)
 */
export function rand(shape: Shape, options?: CreateOptions & { lo?: number; hi?: number; rng?: Random }): Tensor {
  const r = options?.rng ?? rng();
  const lo = options?.lo ?? 0;
  const hi = options?.hi ?? 1;
  return make(shape, options, (v) => {
    for (let i = 0; i < v.length; i++) v[i] = r.uniform(lo, hi);
  }, "rand", ["lo", "hi"]);
}

/**
 * Normal values (mean 0, std 1 unless given) from the seeded generator (or `options.rng`).
 *
 * @example const z = randn([1000], { std: 0.02 }); // N(0, 0.02²)
 */
export function randn(shape: Shape, options?: CreateOptions & { mean?: number; std?: number; rng?: Random }): Tensor {
  const r = options?.rng ?? rng();
  return make(shape, options, (v) => {
    for (let i = 0; i < v.length; i++) v[i] = r.normal(options?.mean ?? 0, options?.std ?? 1);
  }, "randn", ["mean", "std"]);
}
