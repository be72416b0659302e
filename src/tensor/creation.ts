// Making tensors: from JS data, constants, and seeded random values.
import { getBackend } from "../backend/index.js";
import type { Backend } from "../backend/types.js";
import { rng, type Random } from "./random.js";
import { fmt, sizeOf, type Shape } from "./shape.js";
import { Tensor } from "./tensor.js";

/** Options of the tensor constructors. */
export interface CreateOptions {
  /** Track gradients: backward() fills this tensor's grad (default false). */
  requiresGrad?: boolean;
  /** Default: the current backend (see setBackend). */
  backend?: Backend;
}

/** Nested arrays of numbers whose nesting is the shape: [[1, 2], [3, 4]] is [2, 2]. */
export type Nested = number | readonly Nested[];

function flatten(data: Nested, shape: number[], out: number[], depth: number): void {
  if (typeof data === "number") {
    if (depth !== shape.length) throw new Error(`tensor: ragged nested array, found a number at depth ${depth} where the shape has ${shape.length} levels`);
    out.push(data);
    return;
  }
  if (depth > 0 && depth === shape.length && out.length > 0) throw new Error(`tensor: ragged nested array, found an array at depth ${depth} where numbers were expected`);
  if (shape.length === depth) shape.push(data.length);
  else if (shape[depth] !== data.length) throw new Error(`tensor: ragged nested array, expected ${shape[depth]} elements at depth ${depth}, got ${data.length}`);
  for (const d of data) flatten(d, shape, out, depth + 1);
}

function checkShape(shape: Shape, op: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: shape ${fmt(shape)} must hold non-negative integers`);
  }
}

function make(shape: Shape, options: CreateOptions | undefined, init: (view: Float32Array) => void): Tensor {
  const t = new Tensor(options?.backend ?? getBackend(), shape);
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
  } else if (ArrayBuffer.isView(data) || (Array.isArray(data) && data.every((d) => typeof d === "number"))) {
    flat = data as ArrayLike<number>;
    inferred = [flat.length];
  } else {
    const out: number[] = [];
    inferred = [];
    flatten(data as Nested, inferred, out, 0);
    flat = out;
  }
  const s = shape ?? inferred;
  checkShape(s, "tensor");
  if (sizeOf(s) !== flat.length) throw new Error(`tensor: ${flat.length} values do not fill shape ${fmt(s)} (${sizeOf(s)} values)`);
  return make(s, options, (v) => v.set(flat));
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
  checkShape(shape, "full");
  return make(shape, options, (v) => v.fill(value));
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
  return full(shape, 0, options);
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
  return full(shape, 1, options);
}

/**
 * Uniform values in [lo, hi) from the seeded generator (or `options.rng`).
 *
 * @example const u = rand([2, 3], { lo: -1, hi: 1 }); // uniform in [−1, 1)
 */
export function rand(shape: Shape, options?: CreateOptions & { lo?: number; hi?: number; rng?: Random }): Tensor {
  checkShape(shape, "rand");
  const r = options?.rng ?? rng();
  const lo = options?.lo ?? 0;
  const hi = options?.hi ?? 1;
  return make(shape, options, (v) => {
    for (let i = 0; i < v.length; i++) v[i] = r.uniform(lo, hi);
  });
}

/**
 * Normal values (mean 0, std 1 unless given) from the seeded generator (or `options.rng`).
 *
 * @example const z = randn([1000], { std: 0.02 }); // N(0, 0.02²)
 */
export function randn(shape: Shape, options?: CreateOptions & { mean?: number; std?: number; rng?: Random }): Tensor {
  checkShape(shape, "randn");
  const r = options?.rng ?? rng();
  return make(shape, options, (v) => {
    for (let i = 0; i < v.length; i++) v[i] = r.normal(options?.mean ?? 0, options?.std ?? 1);
  });
}
