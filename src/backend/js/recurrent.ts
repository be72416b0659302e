// Recurrent cells, the readable reference: the gate math of one LSTM or GRU step and its
// backward (contracts in src/backend/types.ts), and the embedding lookup.

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** LSTM step: gates (pre-activations i, f, g, o) → activations in place; c, h, tanh(c). */
export function lstmCell(gates: Float32Array, cPrev: Float32Array, c: Float32Array, h: Float32Array, tc: Float32Array, batch: number, hidden: number): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const row = b * 4 * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gates[row + j]);
      const f = sigmoid(gates[row + H + j]);
      const g = Math.tanh(gates[row + 2 * H + j]);
      const o = sigmoid(gates[row + 3 * H + j]);
      gates[row + j] = i;
      gates[row + H + j] = f;
      gates[row + 2 * H + j] = g;
      gates[row + 3 * H + j] = o;
      const s = b * H + j;
      const cv = Math.fround(f * cPrev[s] + i * g);
      c[s] = cv;
      tc[s] = Math.tanh(cv);
      h[s] = o * tc[s];
    }
  }
}

/** Backward of lstmCell; dc is d/d(c_t) on entry and d/d(c_{t−1}) on exit. */
export function lstmCellBackward(
  act: Float32Array, cPrev: Float32Array, tc: Float32Array, dh: Float32Array, dc: Float32Array, dGates: Float32Array, batch: number, hidden: number,
): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const row = b * 4 * H;
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const i = act[row + j], f = act[row + H + j], g = act[row + 2 * H + j], o = act[row + 3 * H + j];
      const t = tc[s];
      const dct = dc[s] + dh[s] * o * (1 - t * t);
      dGates[row + j] = dct * g * i * (1 - i);
      dGates[row + H + j] = dct * cPrev[s] * f * (1 - f);
      dGates[row + 2 * H + j] = dct * i * (1 - g * g);
      dGates[row + 3 * H + j] = dh[s] * t * o * (1 - o);
      dc[s] = dct * f;
    }
  }
}

/** GRU step: gi (x part, r z n) → activations in place; gh (hidden part) read; h written. */
export function gruCell(gi: Float32Array, gh: Float32Array, hPrev: Float32Array, h: Float32Array, batch: number, hidden: number): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const row = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gi[row + j] + gh[row + j]);
      const z = sigmoid(gi[row + H + j] + gh[row + H + j]);
      const n = Math.tanh(gi[row + 2 * H + j] + r * gh[row + 2 * H + j]);
      gi[row + j] = r;
      gi[row + H + j] = z;
      gi[row + 2 * H + j] = n;
      const s = b * H + j;
      h[s] = (1 - z) * n + z * hPrev[s];
    }
  }
}

/** Backward of gruCell: dGi, dGh and the direct part dh ⊙ z of dhPrev. */
export function gruCellBackward(
  act: Float32Array, gh: Float32Array, hPrev: Float32Array, dh: Float32Array, dGi: Float32Array, dGh: Float32Array, dhPrev: Float32Array, batch: number, hidden: number,
): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const row = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const r = act[row + j], z = act[row + H + j], n = act[row + 2 * H + j];
      const d = dh[s];
      const dn = d * (1 - z) * (1 - n * n);
      const dz = d * (hPrev[s] - n) * z * (1 - z);
      const dr = dn * gh[row + 2 * H + j] * r * (1 - r);
      dGi[row + j] = dr;
      dGi[row + H + j] = dz;
      dGi[row + 2 * H + j] = dn;
      dGh[row + j] = dr;
      dGh[row + H + j] = dz;
      dGh[row + 2 * H + j] = dn * r;
      dhPrev[s] = d * z;
    }
  }
}

/** out[i, :] = weight[idx[i], :]. */
export function embedding(weight: Float32Array, idx: Float32Array, out: Float32Array, n: number, dim: number): void {
  for (let i = 0; i < n; i++) out.set(weight.subarray(idx[i] * dim, idx[i] * dim + dim), i * dim);
}

/** dw[idx[i], :] += dy[i, :]. */
export function embeddingBackward(dy: Float32Array, idx: Float32Array, dw: Float32Array, n: number, dim: number): void {
  for (let i = 0; i < n; i++) {
    const r = idx[i] * dim;
    for (let j = 0; j < dim; j++) dw[r + j] += dy[i * dim + j];
  }
}
