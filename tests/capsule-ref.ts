// Float64 definitions of the capsule ops, written independently of wasmnn, for tests.

/** squash in float64 over rows of `dim`. */
export function squashRef(s: ArrayLike<number>, dim: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < s.length / dim; r++) {
    let n2 = 0;
    for (let k = 0; k < dim; k++) n2 += s[r * dim + k] ** 2;
    for (let k = 0; k < dim; k++) out.push(n2 === 0 ? 0 : ((n2 / (1 + n2)) * s[r * dim + k]) / Math.sqrt(n2));
  }
  return out;
}

/** The routing loop of Sabour et al. in float64: uHat [B, I, J, D] → v [B, J, D] and the last c [B, I, J]. */
export function routingRef(uHat: ArrayLike<number>, [B, I, J, D]: number[], iterations: number): { v: number[]; c: number[] } {
  const logits = new Float64Array(B * I * J);
  let v: number[] = [];
  let c: number[] = [];
  for (let t = 0; t < iterations; t++) {
    c = [];
    for (let r = 0; r < B * I; r++) {
      const row = Array.from(logits.subarray(r * J, r * J + J));
      const m = Math.max(...row);
      const e = row.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      c.push(...e.map((x) => x / z));
    }
    const s = new Array(B * J * D).fill(0);
    for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) for (let d = 0; d < D; d++) {
      s[(b * J + j) * D + d] += c[(b * I + i) * J + j] * uHat[((b * I + i) * J + j) * D + d];
    }
    v = squashRef(s, D);
    if (t < iterations - 1) {
      for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) {
        let a = 0;
        for (let d = 0; d < D; d++) a += uHat[((b * I + i) * J + j) * D + d] * v[(b * J + j) * D + d];
        logits[(b * I + i) * J + j] += a;
      }
    }
  }
  return { v, c };
}
