// Layer normalization as a differentiable op (Ba, Kiros & Hinton, 2016), as PyTorch's
// F.layer_norm: over the trailing axes `normalizedShape`, each slice is standardized with its own
// mean and biased variance, then scaled by γ and shifted by β elementwise:
//
//   y = (x − mean)/√(var + eps) · γ + β
//
// Backward, x̂ the standardized input and g = dy·γ, per slice of N values:
//   dx = (g − mean(g) − x̂·mean(g·x̂)) / √(var + eps),  dγ = Σ dy·x̂,  dβ = Σ dy.
// The kernels save each row's mean and 1/√(var + eps); the release hook frees them.
import { keep } from "../memory/scope.js";
import { describe } from "../tensor/check.js";
import { fmt, sameShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { isGradEnabled, record } from "./engine.js";
import { backendOf, empty } from "./util.js";

/**
 * Normalize x over its trailing axes `normalizedShape`; weight and bias (each of that shape) are
 * optional. eps default 1e−5, as PyTorch.
 * @example
 * const x = tensor([[1, 2, 3], [2, 4, 6]]);
 * ops.layerNorm(x, [3]).toArray(); // each row → [−1.2247, 0, 1.2247]
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const who = "layerNorm";
  const be = backendOf(who, x, ...(weight ? [weight] : []), ...(bias ? [bias] : []));
  if (!Array.isArray(normalizedShape)) throw new Error(`${who}: normalizedShape must be an array of sizes, got ${describe(normalizedShape)}`);
  const k = normalizedShape.length;
  if (k === 0 || x.rank < k || !sameShape(x.shape.slice(x.rank - k), normalizedShape)) {
    throw new Error(`${who}: input has shape ${fmt(x.shape)}, expected [*, ${normalizedShape.join(", ")}] (normalizedShape ${fmt(normalizedShape)})`);
  }
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t && !sameShape(t.shape, normalizedShape)) throw new Error(`${who}: ${name} has shape ${fmt(t.shape)}, expected ${fmt(normalizedShape)}`);
  }
  if (typeof eps !== "number" || !(eps > 0)) throw new Error(`${who}: eps must be a positive number, got ${describe(eps)}`);
  const cols = normalizedShape.reduce((a, d) => a * d, 1);
  // An empty normalized shape holds no values, and 0 / 0 rows is no size: count the leading axes.
  const rows = x.shape.slice(0, x.rank - k).reduce((a, d) => a * d, 1);
  const y = empty(be, x.shape);
  const mean = empty(be, [rows]);
  const rstd = empty(be, [rows]);
  be.layerNorm(x.ptr, weight?.ptr ?? 0, bias?.ptr ?? 0, y.ptr, mean.ptr, rstd.ptr, rows, cols, eps);
  if (isGradEnabled()) {
    keep(mean);
    keep(rstd);
  }
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(
    y, who, inputs,
    (g) => {
      const dx = empty(be, x.shape);
      const dw = weight?.requiresGrad ? empty(be, weight.shape) : null;
      const db = bias?.requiresGrad ? empty(be, bias.shape) : null;
      be.layerNormBackward(g.ptr, x.ptr, mean.ptr, rstd.ptr, weight?.ptr ?? 0, dx.ptr, dw?.ptr ?? 0, db?.ptr ?? 0, rows, cols);
      return [dx, ...(weight ? [dw] : []), ...(bias ? [db] : [])];
    },
    () => {
      mean.dispose();
      rstd.dispose();
    },
  );
}
