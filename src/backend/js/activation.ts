// Activation functions and their derivatives, reference implementation.
//
// An activation is the nonlinearity a neuron applies to its weighted sum. Without one, a stack
// of layers collapses into a single linear map.
import { Activation } from "../opcodes.js";

const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * erfc(z) for z ≥ 0 by the Chebyshev fit of Numerical Recipes (erfcc), relative error below
 * 1.2e−7: JavaScript has no erf. The exact GELU is x·Φ(x), Φ(x) = ½erfc(−x/√2); taking ½erfc(|x|/√2)
 * in the left tail keeps Φ's relative accuracy where 1 + erf(x/√2) would cancel.
 */
function erfcPos(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  const p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(p - z * z);
}

/** Φ(v), the standard normal CDF. */
function normalCdf(v: number): number {
  const half = 0.5 * erfcPos(Math.abs(v) / Math.SQRT2);
  return v < 0 ? half : 1 - half;
}

export function activation(kind: Activation, x: Float32Array, y: Float32Array, n: number, alpha: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    switch (kind) {
      case Activation.ReLU: y[i] = v > 0 ? v : 0; break;
      case Activation.LeakyReLU: y[i] = v > 0 ? v : alpha * v; break;
      case Activation.Sigmoid: y[i] = 1 / (1 + Math.exp(-v)); break;
      case Activation.Tanh: y[i] = Math.tanh(v); break;
      case Activation.GELU: y[i] = v * normalCdf(v); break;
      case Activation.GELUTanh: y[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v))); break;
    }
  }
}

export function activationBackward(kind: Activation, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, n: number, alpha: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    let d = 0;
    switch (kind) {
      case Activation.ReLU: d = v > 0 ? 1 : 0; break;
      case Activation.LeakyReLU: d = v > 0 ? 1 : alpha; break;
      case Activation.Sigmoid: d = y[i] * (1 - y[i]); break;
      case Activation.Tanh: d = 1 - y[i] * y[i]; break;
      case Activation.GELU: d = normalCdf(v) + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI); break;
      case Activation.GELUTanh: {
        const u = GELU_C * (v + 0.044715 * v * v * v);
        const t = Math.tanh(u);
        d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v);
        break;
      }
    }
    dx[i] = dy[i] * d;
  }
}

export function softmax(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[o + j] - max);
      y[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) y[o + j] /= sum;
  }
}

export function softmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += dy[o + j] * y[o + j];
    for (let j = 0; j < cols; j++) dx[o + j] = y[o + j] * (dy[o + j] - dot);
  }
}
