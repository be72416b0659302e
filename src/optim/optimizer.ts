// Optimizer: the rule that turns gradients into weight updates. Gradient descent moves each
// parameter a small step against its gradient, the direction in which the loss grows fastest;
// the optimizers differ in how they shape that step (momentum, per-parameter scaling).
//
// An optimizer holds its state per parameter (momentum buffers, running averages) as
// persistent tensors, and each step calls one fused update kernel per parameter.
import { keep } from "../memory/scope.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

export abstract class Optimizer {
  readonly params: readonly Tensor[];
  /** Learning rate: the size of each step. May be changed between steps (schedules). */
  lr: number;
  /** Number of step() calls so far. */
  stepCount = 0;
  protected readonly state = new Map<Tensor, Tensor[]>();

  constructor(params: Iterable<Tensor>, lr: number) {
    this.params = [...params];
    const name = this.constructor.name;
    if (this.params.length === 0) throw new Error(`${name}: got an empty parameter list`);
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`${name}: lr must be a positive number, got ${lr}`);
    for (const p of this.params) {
      if (!p.requiresGrad) throw new Error(`${name}: parameter Tensor${fmt(p.shape)} does not require grad`);
    }
    this.lr = lr;
  }

  /** Clear every parameter's gradient (set to none, as PyTorch does by default). */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Apply one update to every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    for (const p of this.params) {
      if (p.grad === null) continue;
      this.update(p, p.grad);
    }
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

  /** Free the state tensors. */
  dispose(): void {
    for (const s of this.state.values()) s.forEach((t) => t.dispose());
    this.state.clear();
  }

  protected abstract update(p: Tensor, g: Tensor): void;
}

export function checkRange(opt: string, name: string, v: number, lo: number, hi: number, hiOpen = false): void {
  if (!(v >= lo && (hiOpen ? v < hi : v <= hi))) throw new Error(`${opt}: ${name} must be in [${lo}, ${hi}${hiOpen ? ")" : "]"}, got ${v}`);
}
