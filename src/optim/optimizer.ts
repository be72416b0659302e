// Optimizer: the rule that turns gradients into weight updates. Gradient descent moves each
// parameter a small step against its gradient, the direction in which the loss grows fastest;
// the optimizers differ in how they shape that step (momentum, per-parameter scaling).
//
// An optimizer holds its state per parameter (momentum buffers, running averages) as
// persistent tensors, and each step calls one fused update kernel per parameter.
import { keep } from "../memory/scope.js";
import { fmt, sameShape } from "../tensor/shape.js";
import { checkF32, describe } from "../tensor/check.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * The base of every optimizer: holds the parameters, the learning rate and per-parameter state, and
 * turns gradients into updates, one fused kernel per parameter. Gradient descent, at its simplest:
 *
 *     p ← p − lr · ∂L/∂p
 *
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export abstract class Optimizer {
  /** The parameters this optimizer updates, in the order given. */
  readonly params: readonly Tensor[];
  private _lr = 0;
  /** Number of step() calls so far. */
  stepCount = 0;
  /** @internal Each parameter's state tensors (momentum buffer, running averages), made on its first update. */
  protected readonly state = new Map<Tensor, Tensor[]>();
  /**
   * Steps taken by each parameter: the step() calls in which it had a gradient (PyTorch's
   * state["step"]). A parameter that first gets a gradient at the 4th step() is at its own step 1,
   * so Adam's bias correction 1/(1 − βᵗ) starts over for it instead of using t = 4.
   */
  protected readonly steps = new Map<Tensor, number>();
  /** Set by dispose(): a step now would silently start the state over (momentum, Adam's t). */
  private freed = false;

  constructor(params: Iterable<Tensor>, lr: number) {
    const name = this.constructor.name;
    if (params === null || typeof params !== "object" || typeof (params as Partial<Iterable<Tensor>>)[Symbol.iterator] !== "function") {
      throw new Error(`${name}: params must be an iterable of tensors (model.parameters()), got ${describe(params)}`);
    }
    this.params = [...params];
    if (this.params.length === 0) throw new Error(`${name}: got an empty parameter list`);
    const seen = new Map<Tensor, number>();
    this.params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`${name}: parameter ${i} is ${describe(p)}, expected a Tensor`);
      if (p.disposed) throw new Error(`${name}: parameter ${i} (Tensor${fmt(p.shape)}) was disposed`);
      if (!p.requiresGrad) throw new Error(`${name}: parameter Tensor${fmt(p.shape)} does not require grad`);
      // PyTorch warns "duplicate parameters; in future, this will cause an error" and then
      // updates the tensor twice per step; wasmnn takes that future now and refuses.
      const first = seen.get(p);
      if (first !== undefined) throw new Error(`${name}: parameter ${i} (Tensor${fmt(p.shape)}) is the same tensor as parameter ${first}; each parameter may appear once, else it is updated twice per step`);
      seen.set(p, i);
    });
    this.lr = lr;
  }

  /**
   * Learning rate: the size of each step. May be changed between steps (schedules); a value that
   * is not a finite number ≥ 0 is refused at once, before a step can turn the weights to NaN
   * (a negative one would climb the loss). 0 is accepted, as in PyTorch: a schedule may decay to it.
   */
  get lr(): number {
    return this._lr;
  }

  /** Sets the learning rate for the next steps (checked as above). */
  set lr(v: number) {
    // PyTorch accepts 0 (a schedule may decay to it) and refuses negative rates.
    if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new Error(`${this.constructor.name}: lr must be a finite number ≥ 0, got ${describe(v)}`);
    this._lr = v;
  }

  /** Clear every parameter's gradient (set to none, as PyTorch does by default). */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Apply one update to every parameter that has a gradient. Every parameter and gradient is
   * checked first, so a bad one leaves all parameters and all state as they were (the `grad`
   * setter has already refused non-tensors, other backends and other sizes).
   */
  step(): void {
    const name = this.constructor.name;
    if (this.freed) throw new Error(`${name}.step: the optimizer was disposed and its state freed; make a new one or loadStateDict() first`);
    this.params.forEach((p, i) => {
      // Built only when a check fails: step runs every training step.
      const where = () => `${name}.step: parameter ${i} (Tensor${fmt(p.shape)})`;
      if (p.disposed) throw new Error(`${where()} was disposed`);
      const g = p.grad;
      if (g === null) return;
      if (g.disposed) throw new Error(`${where()}: its grad was disposed`);
      if (!sameShape(g.shape, p.shape)) throw new Error(`${where()}: grad has shape ${fmt(g.shape)}, expected ${fmt(p.shape)}`);
    });
    this.stepCount++;
    for (const p of this.params) {
      if (p.grad === null) continue;
      this.steps.set(p, this.stepOf(p) + 1);
      this.update(p, p.grad);
    }
  }

  /** How many updates p has had (0 before its first gradient). */
  stepOf(p: Tensor): number {
    return this.steps.get(p) ?? 0;
  }

  /** The state tensors of p (created zero-filled on first use, persistent). */
  protected slots(p: Tensor, count: number): Tensor[] {
    let s = this.state.get(p);
    if (s === undefined) {
      s = Array.from({ length: count }, () => {
        const t = keep(new Tensor(p.backend, p.shape));
        p.backend.fill(t.ptr, t.size, 0);
        return t;
      });
      this.state.set(p, s);
    }
    return s;
  }

  /** State of every parameter as copies, by parameter index (for inspection and tests). */
  stateSnapshot(): Float32Array[][] {
    return this.params.map((p) => (this.state.get(p) ?? []).map((t) => t.toArray()));
  }

  /** Free the state tensors. step() is refused afterwards (until a loadStateDict()). */
  dispose(): void {
    this.freeState();
    this.freed = true;
  }

  private freeState(): void {
    for (const s of this.state.values()) s.forEach((t) => t.dispose());
    this.state.clear();
    this.steps.clear();
  }

  /** @internal The update rule: move p given its gradient g (one fused kernel). */
  protected abstract update(p: Tensor, g: Tensor): void;

  /** The names of the state tensors each parameter gets, in slot order (PyTorch's: "exp_avg", ...). */
  protected abstract slotNames(): readonly string[];

  /** The hyperparameters under PyTorch's param_groups names (lr, betas, weight_decay, ...). */
  abstract hyperparameters(): Record<string, number | boolean | number[]>;

  /**
   * PyTorch's optimizer.state_dict(): per parameter (by index in `params`) its step count and
   * state tensors (copies), or null before its first update; and the hyperparameters.
   */
  stateDict(): OptimizerState {
    const names = this.slotNames();
    return {
      type: this.constructor.name,
      hyperparameters: this.hyperparameters(),
      stepCount: this.stepCount,
      state: this.params.map((p) => {
        const step = this.stepOf(p);
        if (step === 0) return null;
        const slots = this.state.get(p) ?? [];
        return { step, buffers: Object.fromEntries(slots.map((t, i) => [names[i], t.toArray()])) };
      }),
    };
  }

  /**
   * Restore a stateDict(): the step counts and state tensors, and the learning rate. The other
   * hyperparameters must match this optimizer's. Everything is checked before anything changes.
   */
  loadStateDict(s: OptimizerState): void {
    const name = this.constructor.name;
    if (s === null || typeof s !== "object" || !Array.isArray(s.state) || s.hyperparameters === null || typeof s.hyperparameters !== "object") {
      throw new Error(`${name}.loadStateDict: got ${describe(s)}, expected an optimizer stateDict() ({type, hyperparameters, stepCount, state})`);
    }
    if (s.type !== name) throw new Error(`${name}.loadStateDict: the state was saved by ${describe(s.type)}, expected "${name}"`);
    if (s.state.length !== this.params.length) throw new Error(`${name}.loadStateDict: the state has ${s.state.length} parameters, this optimizer ${this.params.length}`);
    const mine = this.hyperparameters();
    for (const [k, v] of Object.entries(mine)) {
      if (k !== "lr" && JSON.stringify(s.hyperparameters[k]) !== JSON.stringify(v)) {
        throw new Error(`${name}.loadStateDict: the state has ${k} = ${JSON.stringify(s.hyperparameters[k])}, this optimizer ${JSON.stringify(v)}`);
      }
    }
    const lr = s.hyperparameters.lr;
    if (typeof lr !== "number" || !(lr >= 0) || !Number.isFinite(lr)) throw new Error(`${name}.loadStateDict: lr must be a finite number ≥ 0, got ${String(lr)}`);
    if (!Number.isSafeInteger(s.stepCount) || s.stepCount < 0) throw new Error(`${name}.loadStateDict: stepCount must be an integer ≥ 0, got ${s.stepCount}`);
    const names = this.slotNames();
    s.state.forEach((e, i) => {
      if (e === null) return;
      const p = this.params[i];
      const where = `${name}.loadStateDict: parameter ${i} (Tensor${fmt(p.shape)})`;
      if (!Number.isSafeInteger(e.step) || e.step < 1) throw new Error(`${where}: step must be an integer ≥ 1, got ${e.step}`);
      const got = e.buffers !== null && typeof e.buffers === "object" ? Object.keys(e.buffers) : [];
      if (got.length !== names.length || !names.every((n) => got.includes(n))) throw new Error(`${where}: state holds [${got.join(", ")}], expected [${names.join(", ")}]`);
      for (const n of names) {
        const b = e.buffers[n];
        if (b === null || typeof b !== "object" || typeof b.length !== "number") throw new Error(`${where}: ${n} is ${describe(b)}, expected ${p.size} numbers`);
        if (b.length !== p.size) throw new Error(`${where}: ${n} has ${b.length} values, expected ${p.size}`);
        checkF32(where + ": " + n, b);
      }
    });
    this.freeState();
    this.freed = false;
    this.lr = lr;
    this.stepCount = s.stepCount;
    s.state.forEach((e, i) => {
      if (e === null) return;
      const p = this.params[i];
      this.steps.set(p, e.step);
      if (names.length > 0) this.slots(p, names.length).forEach((t, j) => t.set(e.buffers[names[j]]));
    });
  }
}

/** An optimizer's state as stateDict() gives it and loadStateDict() takes it. */
export interface OptimizerState {
  /** The optimizer's class name. */
  type: string;
  /** lr, momentum, betas, … as hyperparameters() gives them. */
  hyperparameters: Record<string, number | boolean | number[]>;
  /** step() calls so far. */
  stepCount: number;
  /**
   * Per parameter, by index: its step count and state tensors, or null before its first update.
   *
   * @property step The parameter's own step count.
   * @property buffers Its state tensors by name (momentum_buffer, exp_avg, exp_avg_sq, …).
   */
  state: ({ step: number; buffers: Record<string, ArrayLike<number>> } | null)[];
}

export function checkRange(opt: string, name: string, v: number, lo: number, hi: number, hiOpen = false): void {
  if (typeof v !== "number" || !(v >= lo && (hiOpen ? v < hi : v <= hi))) throw new Error(`${opt}: ${name} must be in [${lo}, ${hi}${hiOpen ? ")" : "]"}, got ${describe(v)}`);
}

/** The options of an optimizer's constructor: an object (or left out), else an error naming the optimizer. */
export function optionsOf<T>(opt: string, options: T | undefined): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new Error(`${opt}: options must be an object, got ${describe(options)}`);
  return options;
}
