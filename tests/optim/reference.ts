// Float64 re-implementations of the optimizers' updates, shared by the optimizer tests.

export interface Cfg { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number }

/**
 * PyTorch's Adam (decoupled = false) or AdamW, from p0 through one update per gradient; the
 * bias correction of update k uses steps[k] (default k + 1, the parameter's own count).
 */
export function adamRef(p0: ArrayLike<number>, grads: ArrayLike<number>[], c: Cfg, decoupled: boolean, steps?: number[]): { params: Float64Array[]; m: Float64Array; v: Float64Array } {
  const lr = c.lr ?? 1e-3;
  const [b1, b2] = c.betas ?? [0.9, 0.999];
  const eps = c.eps ?? 1e-8;
  const wd = c.weightDecay ?? (decoupled ? 0.01 : 0);
  const p = Float64Array.from(p0);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  const params = grads.map((g, k) => {
    const t = steps?.[k] ?? k + 1;
    for (let i = 0; i < p.length; i++) {
      let d = g[i];
      if (decoupled) p[i] *= 1 - lr * wd;
      else d += wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * d;
      v[i] = b2 * v[i] + (1 - b2) * d * d;
      const mh = m[i] / (1 - b1 ** t);
      const vh = v[i] / (1 - b2 ** t);
      p[i] -= (lr * mh) / (Math.sqrt(vh) + eps);
    }
    return Float64Array.from(p);
  });
  return { params, m, v };
}
