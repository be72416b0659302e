// The fused row softmax of scaled dot-product attention, reference implementation:
// P = softmax(scale·S + M) per row, masked entries exactly 0, fully masked rows all 0.

export function attentionSoftmax(
  s: Float32Array, mask: Float32Array | null, p: Float32Array, batch: number, rows: number, cols: number, scale: number,
  causal: boolean, maskGroup: number, maskBatchStride: number, maskRowStride: number,
): void {
  const z = new Float64Array(cols);
  for (let i = 0; i < batch; i++) {
    for (let r = 0; r < rows; r++) {
      const o = (i * rows + r) * cols;
      const mo = mask ? Math.floor(i / maskGroup) * maskBatchStride + r * maskRowStride : 0;
      let m = -Infinity;
      for (let j = 0; j < cols; j++) {
        z[j] = causal && j > r ? -Infinity : s[o + j] * scale + (mask ? mask[mo + j] : 0);
        m = Math.max(m, z[j]);
      }
      if (m === -Infinity) {
        p.fill(0, o, o + cols);
        continue;
      }
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += (z[j] = Math.exp(z[j] - m));
      for (let j = 0; j < cols; j++) p[o + j] = z[j] / sum;
    }
  }
}

/** dS = scale·P ⊙ (dP − Σ dP·P) per row. */
export function attentionSoftmaxBackward(p: Float32Array, dp: Float32Array, ds: Float32Array, rows: number, cols: number, scale: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += dp[o + j] * p[o + j];
    for (let j = 0; j < cols; j++) ds[o + j] = scale * p[o + j] * (dp[o + j] - dot);
  }
}
