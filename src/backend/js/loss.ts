// Loss functions with their gradients, fused, reference implementation.
//
// A loss is the single number training drives down. Each kernel returns the mean loss and writes
// d(loss)/d(input) in the same pass, since backpropagation always needs both.

export function softmaxCrossEntropy(logits: Float32Array, labels: Float32Array, grad: Float32Array, rows: number, cols: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, logits[o + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(logits[o + j] - max);
    const label = labels[r];
    // −log softmax(x)[label] = log Σ exp(x − max) − (x[label] − max)
    total += Math.log(sum) - (logits[o + label] - max);
    for (let j = 0; j < cols; j++) {
      const p = Math.exp(logits[o + j] - max) / sum;
      grad[o + j] = (p - (j === label ? 1 : 0)) / rows;
    }
  }
  return total / rows;
}

export function mse(pred: Float32Array, target: Float32Array, grad: Float32Array, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i] - target[i];
    total += d * d;
    grad[i] = (2 * d) / n;
  }
  return total / n;
}

export function bceWithLogits(logits: Float32Array, target: Float32Array, grad: Float32Array, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = logits[i];
    const t = target[i];
    // −[t·log σ(x) + (1 − t)·log(1 − σ(x))] = max(x, 0) − x·t + log(1 + e^−|x|), never overflowing
    total += Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
    grad[i] = (1 / (1 + Math.exp(-x)) - t) / n;
  }
  return total / n;
}
