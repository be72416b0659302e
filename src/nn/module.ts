// Module: the base of every layer and model. A module owns parameters (tensors that training
// adjusts), buffers (state that is saved but not trained, like batch norm's running mean) and
// child modules, each under a name. Names compose into PyTorch's state_dict keys ("0.weight",
// "encoder.fc1.bias", "weight_ih_l0"), so weights can be compared with PyTorch one to one.
import { getBackend } from "../backend/index.js";
import { noGrad } from "../autograd/engine.js";
import { keep, owning } from "../memory/scope.js";
import { checkF32, describe } from "../tensor/check.js";
import { fmt, sameShape, type Shape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * While a model is built from a file: how many values its parameters and buffers may still take
 * (the weights file holds exactly that many, so more means the config claims sizes the file does
 * not have), and the tensors made so far, freed if the build fails.
 */
let allocationGuard: { remaining: number; made: Tensor[]; what: string } | null = null;

/**
 * Run `build` with at most `limit` values of parameters and buffers allocated; past the limit,
 * an error before the allocation. If `build` throws, everything it allocated is freed.
 */
export function withAllocationLimit<T>(limit: number, what: string, build: () => T): T {
  const outer = allocationGuard;
  allocationGuard = { remaining: limit, made: [], what };
  try {
    return build();
  } catch (e) {
    for (const t of allocationGuard.made) t.dispose();
    throw e;
  } finally {
    allocationGuard = outer;
  }
}

/**
 * Build a template that the module under construction copies and then frees (the layer that a
 * TransformerEncoder clones numLayers times). While a model is built from a file, the template
 * may take at most what is left but is not charged for it: its copies are, and the file holds
 * exactly those. Outside such a build this is build(). The caller disposes the template.
 */
export function buildTemplate<T>(build: () => T): T {
  const outer = allocationGuard;
  return outer === null ? build() : withAllocationLimit(outer.remaining, outer.what, build);
}

/**
 * Run `build` (a model factory); if it throws, free every parameter and buffer it made, so a
 * model that fails half-way (a layer too large for the heap) leaks none of the layers before it.
 * Inside withAllocationLimit, the outer guard already does that and keeps its limit.
 */
export function freeOnFailure<T>(build: () => T): T {
  return allocationGuard !== null ? build() : withAllocationLimit(Infinity, "the heap", build);
}

function persistent(shape: Shape, who?: string): Tensor {
  if (allocationGuard !== null) {
    const size = shape.reduce((a, d) => a * d, 1);
    if (size > allocationGuard.remaining) throw new Error(`a tensor of shape ${fmt(shape)} (${size} values) is more than ${allocationGuard.what} holds (${allocationGuard.remaining} values left)`);
    allocationGuard.remaining -= size;
  }
  let t: Tensor;
  try {
    t = keep(new Tensor(getBackend(), shape));
  } catch (e) {
    // A layer's sizes past the heap: the error names the layer as well as the tensor.
    throw who === undefined ? e : new Error(`${who}: ${(e as Error).message}`);
  }
  allocationGuard?.made.push(t);
  return t;
}

/** Throw unless a layer's options are an object (or left out): null, a number or an array are named. */
export function checkOptions<T>(who: string, options: T): T {
  if (options === null || typeof options !== "object" || Array.isArray(options) || options instanceof Tensor) throw new Error(`${who}: options must be an object, got ${describe(options)}`);
  return options;
}

/**
 * A trainable tensor: requiresGrad, and exempt from scopes (it lives as long as its module).
 * `who`, the layer making it, is named when the heap cannot hold it.
 *
 * @example const w = nn.parameter([2, 3], nn.init.normal(0.1)); // requiresGrad, kept out of scopes
 */
export function parameter(shape: Shape, init?: (view: Float32Array) => void, who?: string): Tensor {
  if (init !== undefined && typeof init !== "function") throw new Error(`parameter: init must be a function (view: Float32Array) => void, got ${describe(init)}`);
  const t = persistent(shape, who);
  const v = t.backend.heap.f32(t.ptr, t.size);
  if (init) init(v);
  else v.fill(0);
  t.requiresGrad = true;
  return t;
}

/**
 * A persistent, untrained tensor (running statistics and the like).
 *
 * @example const runningMean = nn.buffer([16]); // zeros, saved in stateDict, never trained
 */
export function buffer(shape: Shape, value = 0, who?: string): Tensor {
  const t = persistent(shape, who);
  t.backend.fill(t.ptr, t.size, value);
  return t;
}

/**
 * A stateDict entry. JSON.stringify would turn its Float32Array into an object of numbered keys,
 * so toJSON gives the values as a list instead: each f32 prints as the shortest decimal that
 * reads back to the same f32, so a JSON round trip is bit-exact. NaN and ±Infinity have no JSON
 * form (they would become null): they throw.
 */
function stateEntry(key: string, shape: number[], data: Float32Array): { shape: number[]; data: Float32Array } {
  const toJSON = () => {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new Error(`stateDict: "${key}" holds ${data[i]} at index ${i}, which JSON cannot represent (it would become null); save with toSafetensors instead`);
    }
    return { shape, data: Array.from(data) };
  };
  return Object.defineProperty({ shape, data }, "toJSON", { value: toJSON, enumerable: false });
}

/**
 * Throw unless a layer's forward got a live Tensor: null, a plain array or a number would fail
 * deep inside with a TypeError that names nothing.
 */
export function checkInput(who: string, x: unknown, what = "input"): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${who}: ${what} is ${describe(x)}, expected a Tensor`);
  if (x.disposed) throw new Error(`${who}: ${what} Tensor${fmt(x.shape)} was disposed`);
}

/**
 * A module whatever its forward's signature: what containers hold and walk (children, summary).
 * `any[]` because parameter lists are contravariant: a module taking (query, key, value, options)
 * must still fit where "some module" is expected.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any[], unknown>;

/** The forward each module installs in its constructor (see there). */
const ownForwards = new WeakSet<object>();

/**
 * Whether m is exactly an instance of `cls` (not of a subclass) and runs the forward its
 * constructor installed, not one put in its place to watch it (nn.layerTable): what
 * nn.Sequential checks before it runs two layers as one fused op.
 */
export function runsOwnForward(m: AnyModule, cls: abstract new (...args: never[]) => AnyModule): boolean {
  return m.constructor === cls && ownForwards.has(m.forward);
}

/**
 * The base of every layer and model: parameters, buffers and child modules under PyTorch's
 * names, train/eval mode, stateDict() and loadStateDict(). A layer registers what it owns in its
 * constructor and computes y = forward(x) with autograd ops, so backward() reaches its parameters.
 *
 * In and Out type forward: by default tensors in, one tensor out, which is what almost every
 * layer is and what Sequential, fit and the CLI call. A layer with another calling convention
 * says so in its type (MultiheadAttention: query, key, value and options in, [output, weights]
 * out) rather than widening the default for everyone.
 *
 * @example class Affine extends nn.Module { w = this.param("w", nn.parameter([1], (v) => v.fill(2))); forward(x: Tensor) { return ops.mul(x, this.w); } }
 */
export abstract class Module<In extends unknown[] = Tensor[], Out = Tensor> {
  /** Train mode (dropout active, batch norm uses batch statistics) or eval mode. */
  training = true;
  private readonly _params = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, Tensor>();
  private readonly _children = new Map<string, AnyModule>();

  /** The layer's computation: inputs to output, recorded by autograd when gradients are on. */
  abstract forward(...inputs: In): Out;

  constructor() {
    // Outside any scope, what a forward makes and does not return (dropout masks, reshaped
    // copies, a child's intermediates) is freed with its outputs, as PyTorch frees a graph with
    // its output; inside a scope it joins the scope. Without this a layer called outside a scope
    // left its intermediates alive for good (Dropout: its mask, 1 tensor per call).
    const self = this as unknown as { forward: (...inputs: unknown[]) => unknown };
    const forward = self.forward;
    self.forward = (...inputs: unknown[]) => {
      if (typeof forward !== "function") throw new Error(`${this.constructor.name}: has no forward(); it is an abstract base class, use one of its subclasses`);
      return owning(() => forward.apply(this, inputs));
    };
    ownForwards.add(self.forward);
  }

  /** Register a parameter under `name` (its stateDict key within this module). */
  protected param(name: string, t: Tensor): Tensor {
    this._params.set(name, t);
    return t;
  }

  /** Register a buffer under `name`: saved in stateDict, never trained (e.g. batch norm's running mean). */
  protected buffer(name: string, t: Tensor): Tensor {
    this._buffers.set(name, t);
    return t;
  }

  /** Register a child module under `name`. */
  protected child<M extends AnyModule>(name: string, m: M): M {
    this._children.set(name, m);
    return m;
  }

  /** Direct children with their names. */
  namedChildren(): [string, AnyModule][] {
    return [...this._children];
  }

  /** Every parameter of this module and its descendants, with its dotted name, in registration order. */
  namedParameters(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this._params) out.push([prefix + n, p]);
    for (const [n, c] of this._children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /** Every buffer of this module and its descendants, with its dotted name, in registration order. */
  namedBuffers(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, b] of this._buffers) out.push([prefix + n, b]);
    for (const [n, c] of this._children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  /**
   * Every trainable tensor of this module and its descendants, in registration order: what an
   * optimizer takes.
   *
   * @example
   * ```ts
   * const model = new nn.Linear(3, 2);
   * const opt = new optim.SGD(model.parameters(), { lr: 0.1 }); // weight [2, 3] and bias [2]
   * ```
   */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Total number of trainable values. */
  parameterCount(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /** Set train (true) or eval (false) mode here and in every descendant. */
  train(mode = true): this {
    this.training = mode;
    for (const c of this._children.values()) c.train(mode);
    return this;
  }

  /** Eval mode here and in every descendant: the same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clear the gradients of every parameter (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Parameters and buffers by PyTorch-style key, as {shape, data} copies. JSON.stringify writes
   * each as {shape, data: [numbers]}, exactly (see stateEntry), and loadStateDict reads that back.
   *
   * @property shape The tensor's shape.
   * @property data A copy of its values, row-major.
   */
  stateDict(): Record<string, { shape: number[]; data: Float32Array }> {
    const out: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [k, t] of [...this.namedParameters(), ...this.namedBuffers()]) out[k] = stateEntry(k, [...t.shape], t.toArray());
    return out;
  }

  /**
   * Load values saved by stateDict() (or converted from PyTorch). Every key must be present with
   * the right shape and finite values; nothing is changed unless all of them are.
   */
  loadStateDict(state: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>, options: { strict?: boolean } = {}): void {
    const name = this.constructor.name;
    const strict = options?.strict ?? true;
    if (typeof strict !== "boolean") throw new Error(`${name}.loadStateDict: strict must be true or false, got ${describe(strict)}`);
    if (state === null || typeof state !== "object") throw new Error(`${name}.loadStateDict: got ${describe(state)}, expected an object of {shape, data} by key`);
    const targets = [...this.namedParameters(), ...this.namedBuffers()];
    const keys = new Set(targets.map(([k]) => k));
    if (strict) {
      const unexpected = Object.keys(state).filter((k) => !keys.has(k));
      if (unexpected.length > 0) throw new Error(`${name}.loadStateDict: unexpected keys ${unexpected.join(", ")}`);
    }
    // Own keys only: a key inherited from a prototype (a polluted Object.prototype, a class
    // instance's getter) is not in the file that was read.
    const entry = (k: string) => (Object.hasOwn(state, k) ? state[k] : undefined);
    for (const [k, t] of targets) {
      const s = entry(k);
      if (s === undefined) {
        if (strict) throw new Error(`${name}.loadStateDict: missing key "${k}" (shape ${fmt(t.shape)})`);
        continue;
      }
      if (s === null || typeof s !== "object" || !Array.isArray(s.shape) || s.data === null || typeof s.data !== "object" || typeof s.data.length !== "number") {
        throw new Error(`${name}.loadStateDict: "${k}" is ${describe(s)}, expected {shape: ${fmt(t.shape)}, data: ${t.size} numbers}`);
      }
      if (!sameShape(s.shape, t.shape) || s.data.length !== t.size) {
        throw new Error(`${name}.loadStateDict: "${k}" has shape ${fmt(s.shape)} with ${s.data.length} values, expected ${fmt(t.shape)}`);
      }
      checkF32(`${name}.loadStateDict: "${k}"`, s.data);
    }
    noGrad(() => {
      for (const [k, t] of targets) {
        const s = entry(k);
        if (s !== undefined) t.set(s.data);
      }
    });
  }

  /** A one-line description for summary(); layers override it with their hyperparameters. */
  describe(): string {
    return this.constructor.name;
  }
}
