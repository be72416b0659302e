// Log-softmax, reference implementation: x − max − log Σ exp(x − max), never log(softmax(x)),
// which would give −∞ wherever a probability underflows.

export function logSoftmax(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[o + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[o + j] - m);
    const shift = m + Math.log(s);
    for (let j = 0; j < cols; j++) y[o + j] = x[o + j] - shift;
  }
}

/** dx = dy − softmax·Σdy, softmax = exp(y). */
export function logSoftmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += dy[o + j];
    for (let j = 0; j < cols; j++) dx[o + j] = dy[o + j] - Math.exp(y[o + j]) * s;
  }
}
