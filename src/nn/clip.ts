// Gradient clipping. Backpropagation through a long unroll multiplies the gradient by W_hh once
// per step, so besides vanishing it can explode: one step with a huge gradient throws the weights
// far away. Clipping bounds the step (Pascanu et al., 2013): rescale all gradients together when
// their joint norm exceeds a limit (keeps the direction), or clamp each value.
import { noGrad } from "../autograd/engine.js";
import { Unary } from "../backend/opcodes.js";
import type { Tensor } from "../tensor/tensor.js";

function withGrads(op: string, params: Iterable<Tensor>): Tensor[] {
  const out: Tensor[] = [];
  for (const p of params) {
    if (p.disposed) throw new Error(`${op}: a parameter was disposed`);
    if (p.grad !== null) out.push(p);
  }
  return out;
}

/**
 * Scale the gradients of `params` in place so that their joint p-norm (over all values of all
 * gradients together; normType 2 by default, Infinity for the max-norm) is at most maxNorm, as
 * PyTorch's clip_grad_norm_: each gradient is multiplied by maxNorm / (total + 1e-6) when total >
 * maxNorm. Returns the total norm before clipping. A non-finite total throws unless
 * errorIfNonfinite is false (then the gradients are left untouched).
 * @example
 * loss.backward();
 * const norm = nn.clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2, options: { errorIfNonfinite?: boolean } = {}): number {
  if (!(maxNorm >= 0) || !Number.isFinite(maxNorm)) throw new Error(`clipGradNorm: maxNorm must be a finite number ≥ 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new Error(`clipGradNorm: normType must be > 0 (or Infinity), got ${normType}`);
  const ps = withGrads("clipGradNorm", params);
  let total = 0;
  for (const p of ps) {
    const g = p.grad!;
    if (normType === 2) {
      total += g.backend.sumSquares(g.ptr, g.size);
      continue;
    }
    const v = g.backend.heap.f32(g.ptr, g.size);
    if (normType === Infinity) for (let i = 0; i < v.length; i++) total = Math.max(total, Math.abs(v[i]));
    else for (let i = 0; i < v.length; i++) total += Math.abs(v[i]) ** normType;
  }
  if (normType !== Infinity) total = total ** (1 / normType);
  if (!Number.isFinite(total)) {
    if (options.errorIfNonfinite ?? true) throw new Error(`clipGradNorm: the total gradient norm is ${total}; gradients hold NaN or Infinity`);
    return total;
  }
  const scale = maxNorm / (total + 1e-6);
  if (scale < 1) {
    noGrad(() => {
      for (const p of ps) p.grad!.backend.unary(Unary.MulScalar, p.grad!.ptr, p.grad!.ptr, p.grad!.size, scale);
    });
  }
  return total;
}

/**
 * Clamp every gradient value of `params` into [−clipValue, clipValue] in place, as PyTorch's
 * clip_grad_value_.
 *
 * @example nn.clipGradValue(model.parameters(), 1); // each gradient value into [−1, 1], after backward()
 */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0) || !Number.isFinite(clipValue)) throw new Error(`clipGradValue: clipValue must be a finite number ≥ 0, got ${clipValue}`);
  for (const p of withGrads("clipGradValue", params)) {
    const g = p.grad!;
    const v = g.backend.heap.f32(g.ptr, g.size);
    for (let i = 0; i < v.length; i++) v[i] = Math.min(clipValue, Math.max(-clipValue, v[i]));
  }
}
