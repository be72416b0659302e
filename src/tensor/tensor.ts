// The Tensor: a shape and a handle (pointer, length) to f32 values in a backend's heap.
//
// A tensor never holds a JS array of its values: those live in linear memory where the kernels
// read them. `toArray()` copies them out. Tensors that take part in training also carry the
// autograd fields: `requiresGrad`, the accumulated `grad`, and `node`, the op that produced it.
import type { Backend } from "../backend/types.js";
import { track, untrackDisposed } from "../memory/scope.js";
import { checkShape, fmt, sizeOf, type Shape } from "./shape.js";

/** The op that produced a tensor: its inputs and how to send a gradient back to them. */
export interface Node {
  /** The op's name ("matmul", "relu", …). */
  readonly op: string;
  /** The tensors the op read, in argument order. */
  readonly inputs: readonly Tensor[];
  /** Given d(loss)/d(output), return d(loss)/d(input) for each input (null where none is needed). */
  readonly backward: (grad: Tensor) => (Tensor | null)[];
  /** Frees state saved for backward; called once the node can no longer be used. */
  readonly release?: () => void;
}

type BackwardFn = (t: Tensor, grad?: Tensor, options?: { retainGraph?: boolean }) => void;
let backwardImpl: BackwardFn | null = null;
/** Installed by autograd/engine.ts (kept as a hook so tensor/ does not import the layer above it). */
export function installBackward(fn: BackwardFn): void {
  backwardImpl = fn;
}

/**
 * An n-dimensional array of f32 values in a backend's heap: a shape and a handle (pointer,
 * length), never a cached JS array. Ops (in `ops`) take and return tensors; with `requiresGrad`
 * they record the graph that `backward()` walks to fill every leaf's `grad` = ∂loss/∂leaf.
 *
 * @example
 * ```ts
 * const w = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
 * const loss = ops.sum(ops.mul(w, w)); // Σ w²
 * loss.backward();                     // w.grad = 2w = [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  /** Always true: marks a tensor for duck-typed checks. */
  readonly isTensor = true;
  /** The size of each axis, frozen. */
  readonly shape: readonly number[];
  /** The number of values: the product of the shape. */
  readonly size: number;
  /** The backend whose heap holds the values and whose kernels the ops call. */
  readonly backend: Backend;
  private _ptr: number;
  /** When true, ops record this tensor in the graph and backward() fills `grad`. */
  requiresGrad = false;
  private _grad: Tensor | null = null;
  /** The op that produced this tensor, while the graph is alive; null for leaves. */
  node: Node | null = null;
  /** backward() keeps this non-leaf tensor's gradient in `grad` too (set by retainGrad()). */
  retainsGrad = false;

  /** Use tensor(), zeros() and friends; this wraps a block already allocated on `backend`. */
  constructor(backend: Backend, shape: Shape, ptr?: number) {
    checkShape(shape, "Tensor");
    this.backend = backend;
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this._ptr = ptr ?? Tensor.alloc(backend, this.shape, this.size);
    track(this, backend.heap, this._ptr, this.size * 4);
  }

  private static alloc(backend: Backend, shape: Shape, size: number): number {
    try {
      return backend.heap.alloc(size * 4);
    } catch (e) {
      throw new Error(`Tensor${fmt(shape)} on the ${backend.name} backend: ${(e as Error).message.replace(/^heap: /, "")}`);
    }
  }

  /**
   * d(loss)/d(this), accumulated by backward() for leaf tensors (parameters). Assigning one checks
   * it as PyTorch's `.grad` setter does: a Tensor or null, on this tensor's backend, of its size
   * (a pointer into another heap, or a shorter block, would be read as this gradient by step()).
   */
  get grad(): Tensor | null {
    return this._grad;
  }

  /** Sets or clears the gradient (checked as above). */
  set grad(g: Tensor | null) {
    if (g !== null) {
      // The message's prefix, built only when a check fails (the setter runs for every gradient).
      const to = () => `grad: assigned to Tensor${fmt(this.shape)}`;
      if (!(g instanceof Tensor)) throw new Error(`${to()}, got ${g === undefined ? "undefined" : Array.isArray(g) ? "an array" : typeof g}; expected a Tensor of shape ${fmt(this.shape)} or null`);
      if (g.backend !== this.backend) throw new Error(`${to()}, got a gradient on the ${g.backend.name} backend; expected ${this.backend.name}`);
      if (g.size !== this.size) throw new Error(`${to()}, got Tensor${fmt(g.shape)}; expected shape ${fmt(this.shape)}`);
      if (g.disposed) throw new Error(`${to()}, got a disposed Tensor${fmt(g.shape)}`);
    }
    this._grad = g;
  }

  /** Byte offset of the values in the backend heap. */
  get ptr(): number {
    if (this._ptr < 0) throw new Error(`Tensor${fmt(this.shape)} was disposed and cannot be used`);
    return this._ptr;
  }

  /** Whether dispose() has freed the values. */
  get disposed(): boolean {
    return this._ptr < 0;
  }

  /** The number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** The pointer, or an error naming `op` when the tensor was disposed (use after free). */
  private live(op: string): number {
    if (this._ptr < 0) throw new Error(`${op}: Tensor${fmt(this.shape)} was disposed and cannot be used`);
    return this._ptr;
  }

  /** A copy of the values. */
  toArray(): Float32Array {
    return this.backend.heap.f32(this.live("toArray"), this.size).slice();
  }

  /** Nested JS arrays, for printing and tests. */
  toNested(): unknown {
    const a = Array.from(this.toArray());
    const build = (dims: readonly number[], off: number): unknown => {
      if (dims.length === 0) return a[off];
      const [d, ...rest] = dims;
      const step = sizeOf(rest);
      return Array.from({ length: d }, (_, i) => build(rest, off + i * step));
    };
    return build(this.shape, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    this.live("item");
    if (this.size !== 1) throw new Error(`item: tensor has shape ${fmt(this.shape)}, expected a single element`);
    return this.backend.heap.f32(this.ptr, 1)[0];
  }

  /** Overwrite the values from a JS array of the same length. */
  set(values: ArrayLike<number>): this {
    this.live("set");
    if (values === null || typeof values !== "object" || typeof values.length !== "number") throw new Error(`set: got ${values === null ? "null" : typeof values}, expected ${this.size} numbers for a tensor of shape ${fmt(this.shape)}`);
    if (values.length !== this.size) throw new Error(`set: got ${values.length} values for a tensor of shape ${fmt(this.shape)} (${this.size} values)`);
    this.backend.heap.f32(this.ptr, this.size).set(values);
    return this;
  }

  /**
   * Backpropagation: accumulate d(this)/d(leaf) into `.grad` of every leaf that requires a grad.
   * `this` must be a single value (a loss) unless `grad`, d(loss)/d(this), is given.
   */
  backward(grad?: Tensor, options?: { retainGraph?: boolean }): void {
    if (backwardImpl === null) throw new Error("backward: autograd is not loaded");
    backwardImpl(this, grad, options);
  }

  /**
   * Keep d(loss)/d(this) in `grad` although this tensor is not a leaf, PyTorch's retain_grad():
   * backward() otherwise frees an intermediate gradient as soon as it has been passed on. The
   * kept gradient accumulates over backward() calls, as a leaf's does, and is freed with the tensor.
   * @example
   * const h = ops.relu(ops.matmul(x, w)).retainGrad();
   * ops.sum(h).backward();
   * h.grad; // d(sum)/d(h): ones of h's shape
   */
  retainGrad(): this {
    this.live("retainGrad");
    if (!this.requiresGrad) throw new Error(`retainGrad: Tensor${fmt(this.shape)} does not require grad, so backward() never reaches it`);
    this.retainsGrad = true;
    return this;
  }

  /** Free the values now. Further use throws. Safe to call twice. */
  dispose(): void {
    if (this._ptr < 0) return;
    this.backend.heap.release(this._ptr, this.size * 4);
    this._ptr = -1;
    // A retained intermediate gradient has no other owner (a parameter's belongs to its optimizer).
    if (this.retainsGrad) {
      this.grad?.dispose();
      this.grad = null;
    }
    this.node?.release?.();
    this.node = null;
    untrackDisposed(this);
  }

  /** `Tensor[2, 3](v0, v1, …)`: the shape and the first 8 values. */
  toString(): string {
    const vals = this.disposed ? "disposed" : Array.from(this.toArray().slice(0, 8), (v) => +v.toFixed(4)).join(", ") + (this.size > 8 ? ", …" : "");
    return `Tensor${fmt(this.shape)}(${vals})`;
  }
}
