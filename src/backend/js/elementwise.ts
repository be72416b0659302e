// Elementwise kernels, reference implementation.
import { Binary, Unary } from "../opcodes.js";

/** out[i] = a[i] op b[⌊i / inner⌋ mod bn] */
export function binary(op: Binary, a: Float32Array, b: Float32Array, out: Float32Array, n: number, bn: number, inner: number): void {
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[Math.floor(i / inner) % bn];
    switch (op) {
      case Binary.Add: out[i] = x + y; break;
      case Binary.Sub: out[i] = x - y; break;
      case Binary.Mul: out[i] = x * y; break;
      case Binary.Div: out[i] = x / y; break;
    }
  }
}

export function unary(op: Unary, x: Float32Array, out: Float32Array, n: number, p: number): void {
  // The Wasm kernel takes p as an f32, as PyTorch casts a scalar to a float tensor's dtype:
  // x·1.1049172017468358 must round the same on both backends.
  p = Math.fround(p);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    switch (op) {
      case Unary.Neg: out[i] = -v; break;
      case Unary.Exp: out[i] = Math.exp(v); break;
      case Unary.Log: out[i] = Math.log(v); break;
      case Unary.Sqrt: out[i] = Math.sqrt(v); break;
      case Unary.Square: out[i] = v * v; break;
      case Unary.Abs: out[i] = Math.abs(v); break;
      case Unary.Reciprocal: out[i] = 1 / v; break;
      case Unary.AddScalar: out[i] = v + p; break;
      case Unary.MulScalar: out[i] = v * p; break;
      case Unary.PowScalar: out[i] = Math.pow(v, p); break;
    }
  }
}
