// Optimizer updates, reference implementation. Each updates a parameter p in place from its
// gradient g and the optimizer's state for it; the formulas are in src/backend/types.ts. State
// values below the smallest normal f32 are stored as 0 (see flush).

/** The smallest normal f32, 2⁻¹²⁶. */
const MIN_NORMAL = 2 ** -126;

/**
 * 0 for |x| < 2⁻¹²⁶, else x: the optimizer state never holds a subnormal (assembly/optim.ts says
 * why: x86 computes on them ~50× slower, and a parameter whose gradient stays 0 decays its state
 * into them).
 */
function flush(x: number): number {
  return Math.abs(x) < MIN_NORMAL ? 0 : x;
}

export function sgdStep(p: Float32Array, g: Float32Array, buf: Float32Array | null, n: number, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, first: boolean): void {
  for (let i = 0; i < n; i++) {
    let d = g[i] + weightDecay * p[i];
    if (momentum !== 0 && buf !== null) {
      buf[i] = flush(first ? d : momentum * buf[i] + (1 - dampening) * d);
      d = nesterov ? d + momentum * buf[i] : buf[i];
    }
    p[i] -= lr * d;
  }
}

export function rmspropStep(p: Float32Array, g: Float32Array, v: Float32Array, buf: Float32Array | null, n: number, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number): void {
  for (let i = 0; i < n; i++) {
    const d = g[i] + weightDecay * p[i];
    v[i] = flush(alpha * v[i] + (1 - alpha) * d * d);
    const step = d / (Math.sqrt(v[i]) + eps);
    if (momentum > 0 && buf !== null) {
      buf[i] = flush(momentum * buf[i] + step);
      p[i] -= lr * buf[i];
    } else {
      p[i] -= lr * step;
    }
  }
}

export function adamStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, decoupled: boolean): void {
  const c1 = 1 - Math.pow(beta1, step);
  const c2 = 1 - Math.pow(beta2, step);
  for (let i = 0; i < n; i++) {
    let d = g[i];
    if (decoupled) p[i] *= 1 - lr * weightDecay;
    else d += weightDecay * p[i];
    m[i] = flush(beta1 * m[i] + (1 - beta1) * d);
    v[i] = flush(beta2 * v[i] + (1 - beta2) * d * d);
    p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
  }
}
