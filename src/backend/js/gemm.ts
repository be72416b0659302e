// Matrix multiply, reference implementation: C (m×n) = op(A)·op(B) (+ C).
//
// Element (i, p) of op(A) is A[i·k + p], or A[p·m + i] when transA; element (p, j) of op(B) is
// B[p·n + j], or B[j·k + p] when transB. The i-p-j loop order walks B and C along rows.

export function gemm(
  A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number,
  transA: boolean, transB: boolean, accumulate: boolean,
): void {
  if (!accumulate) C.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const c = i * n;
    for (let p = 0; p < k; p++) {
      const a = transA ? A[p * m + i] : A[i * k + p];
      if (transB) {
        for (let j = 0; j < n; j++) C[c + j] += a * B[j * k + p];
      } else {
        const b = p * n;
        for (let j = 0; j < n; j++) C[c + j] += a * B[b + j];
      }
    }
  }
}
