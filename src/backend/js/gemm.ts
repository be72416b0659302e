// Matrix multiply, reference implementation: C (m×n) = op(A)·op(B) (+ C).
//
// Element (i, p) of op(A) is A[i·k + p], or A[p·m + i] when transA; element (p, j) of op(B) is
// B[p·n + j], or B[j·k + p] when transB. C never aliases A or B.
//
// C[i, j] is the dot product of row i of op(A) and column j of op(B). Two tricks make this about
// three times faster than the textbook triple loop, and both are the ones the Wasm kernel uses too:
// 1. Make each column of op(B) contiguous. With transB it already is (row j of B); otherwise op(B) is
//    transposed once into `bt`, a scratch array kept between calls (packB; gemmPacked takes a `bt`
//    made once for many products). The O(k·n) copy is paid back by the O(m·n·k) loop reading
//    memory in order.
// 2. Block the registers: compute a 4×4 tile of C at once, in 16 local variables. Each step of p
//    loads 4 values of A and 4 of B and does 16 multiply-adds with them, where the plain loop does
//    one load of B and one load and store of C per multiply-add. Rows and columns left over after
//    the 4×4 tiles go through the same dot product one entry at a time.
// Sums run in float64 (JS numbers) and are rounded to float32 once, when stored.

let scratch = new Float32Array(0);

/** op(B) with each column contiguous, the packed form of `gemmPacked`: bt[j·k + p] = op(B)(p, j). */
export function packB(B: Float32Array, bt: Float32Array, n: number, k: number, transB: boolean): void {
  if (transB) {
    bt.set(B.subarray(0, n * k));
    return;
  }
  for (let p = 0; p < k; p++) {
    for (let j = 0; j < n; j++) bt[j * k + p] = B[p * n + j];
  }
}

export function gemm(
  A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number,
  transA: boolean, transB: boolean, accumulate: boolean,
): void {
  let bt = B;
  if (!transB) {
    if (scratch.length < k * n) scratch = new Float32Array(k * n);
    bt = scratch;
    packB(B, bt, n, k, false);
  }
  gemmPacked(A, bt, C, m, n, k, transA, accumulate);
}

/** C (m×n) (+)= op(A)·op(B), with op(B) given by its columns, bt (see packB). */
export function gemmPacked(
  A: Float32Array, bt: Float32Array, C: Float32Array, m: number, n: number, k: number,
  transA: boolean, accumulate: boolean,
): void {
  // op(A)(i, p) = A[i·ri + p·rp]: transA only swaps the strides.
  const ri = transA ? 1 : k;
  const rp = transA ? m : 1;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);

  for (let i = 0; i < m4; i += 4) {
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let a = i * ri;
      const b = j * k;
      for (let p = 0; p < k; p++, a += rp) {
        const a0 = A[a], a1 = A[a + ri], a2 = A[a + 2 * ri], a3 = A[a + 3 * ri];
        const b0 = bt[b + p], b1 = bt[b + k + p], b2 = bt[b + 2 * k + p], b3 = bt[b + 3 * k + p];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      put4(C, i * n + j, c00, c01, c02, c03, accumulate);
      put4(C, (i + 1) * n + j, c10, c11, c12, c13, accumulate);
      put4(C, (i + 2) * n + j, c20, c21, c22, c23, accumulate);
      put4(C, (i + 3) * n + j, c30, c31, c32, c33, accumulate);
    }
    for (let j = n4; j < n; j++) {
      for (let r = i; r < i + 4; r++) C[r * n + j] = dot(A, bt, r, j, k, ri, rp) + (accumulate ? C[r * n + j] : 0);
    }
  }
  for (let i = m4; i < m; i++) {
    for (let j = 0; j < n; j++) C[i * n + j] = dot(A, bt, i, j, k, ri, rp) + (accumulate ? C[i * n + j] : 0);
  }
}

/** Row i of op(A) · column j of op(B). */
function dot(A: Float32Array, bt: Float32Array, i: number, j: number, k: number, ri: number, rp: number): number {
  let s = 0;
  for (let p = 0, a = i * ri, b = j * k; p < k; p++, a += rp, b++) s += A[a] * bt[b];
  return s;
}

function put4(C: Float32Array, at: number, v0: number, v1: number, v2: number, v3: number, accumulate: boolean): void {
  if (accumulate) {
    C[at] += v0; C[at + 1] += v1; C[at + 2] += v2; C[at + 3] += v3;
  } else {
    C[at] = v0; C[at + 1] = v1; C[at + 2] = v2; C[at + 3] = v3;
  }
}
