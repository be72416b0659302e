// Elementwise kernels: a binary operator with broadcasting, and unary maps.
//
// Each exported kernel switches on its op code once and calls an @inline body with that code as
// a constant, so the optimizer folds the per-element `if (op == …)` chains away and every op gets
// its own tight loop.
import { Binary, Unary } from "../src/backend/opcodes";

// @ts-ignore: decorator
@inline
function binV(op: i32, a: v128, b: v128): v128 {
  if (op == Binary.Add) return f32x4.add(a, b);
  if (op == Binary.Sub) return f32x4.sub(a, b);
  if (op == Binary.Mul) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

// @ts-ignore: decorator
@inline
function binS(op: i32, a: f32, b: f32): f32 {
  if (op == Binary.Add) return a + b;
  if (op == Binary.Sub) return a - b;
  if (op == Binary.Mul) return a * b;
  return a / b;
}

/** out[i] = a[i] op bv for i < len, bv one value shared by the whole run. */
// @ts-ignore: decorator
@inline
function binaryRun(op: i32, aPtr: usize, bv: f32, outPtr: usize, len: i32): void {
  const v = f32x4.splat(bv);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(outPtr + o, binV(op, v128.load(aPtr + o), v));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(outPtr + o, binS(op, load<f32>(aPtr + o), bv));
  }
}

/** out[i] = a[i] op b[i] for i < len. */
// @ts-ignore: decorator
@inline
function binaryZip(op: i32, aPtr: usize, bPtr: usize, outPtr: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(outPtr + o, binV(op, v128.load(aPtr + o), v128.load(bPtr + o)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(outPtr + o, binS(op, load<f32>(aPtr + o), load<f32>(bPtr + o)));
  }
}

// @ts-ignore: decorator
@inline
function binaryOp(op: i32, aPtr: usize, bPtr: usize, outPtr: usize, n: i32, bn: i32, inner: i32): void {
  if (bn == 1) {
    binaryRun(op, aPtr, load<f32>(bPtr), outPtr, n);
  } else if (inner == 1 && bn >= n) {
    binaryZip(op, aPtr, bPtr, outPtr, n);
  } else if (inner == 1) {
    // Trailing vector (bias add): each row of bn elements of a meets all of b.
    for (let r = 0; r < n; r += bn) {
      const o = <usize>r << 2;
      binaryZip(op, aPtr + o, bPtr, outPtr + o, min(bn, n - r));
    }
  } else {
    // Middle axis: run k of `inner` elements meets b[k mod bn].
    let c = 0;
    for (let r = 0; r < n; r += inner) {
      const o = <usize>r << 2;
      binaryRun(op, aPtr + o, load<f32>(bPtr + (<usize>c << 2)), outPtr + o, min(inner, n - r));
      if (++c == bn) c = 0;
    }
  }
}

/**
 * out[i] = a[i] op b[⌊i / inner⌋ mod bn], i < n (op a Binary code). bn = 1: b is a scalar;
 * inner = 1, bn ≥ n: plain elementwise; inner = 1, bn < n: b repeats along trailing rows of bn
 * (n need not be a multiple of bn); inner > 1: each run of `inner` elements shares one value of b.
 * out may alias a (never b). Requires n ≥ 0, bn ≥ 1, inner ≥ 1.
 */
export function binary(op: i32, aPtr: usize, bPtr: usize, outPtr: usize, n: i32, bn: i32, inner: i32): void {
  if (n <= 0) return;
  switch (op) {
    case Binary.Add: binaryOp(Binary.Add, aPtr, bPtr, outPtr, n, bn, inner); break;
    case Binary.Sub: binaryOp(Binary.Sub, aPtr, bPtr, outPtr, n, bn, inner); break;
    case Binary.Mul: binaryOp(Binary.Mul, aPtr, bPtr, outPtr, n, bn, inner); break;
    case Binary.Div: binaryOp(Binary.Div, aPtr, bPtr, outPtr, n, bn, inner); break;
    default: assert(false, "binary: unknown op code");
  }
}

// @ts-ignore: decorator
@inline
function unaryV(op: i32, x: v128, p: v128): v128 {
  if (op == Unary.Neg) return f32x4.neg(x);
  if (op == Unary.Sqrt) return f32x4.sqrt(x);
  if (op == Unary.Square) return f32x4.mul(x, x);
  if (op == Unary.Abs) return f32x4.abs(x);
  if (op == Unary.Reciprocal) return f32x4.div(f32x4.splat(1), x);
  if (op == Unary.AddScalar) return f32x4.add(x, p);
  return f32x4.mul(x, p);
}

// @ts-ignore: decorator
@inline
function unaryS(op: i32, x: f32, p: f32): f32 {
  if (op == Unary.Neg) return -x;
  if (op == Unary.Exp) return Mathf.exp(x);
  if (op == Unary.Log) return Mathf.log(x);
  if (op == Unary.Sqrt) return Mathf.sqrt(x);
  if (op == Unary.Square) return x * x;
  if (op == Unary.Abs) return Mathf.abs(x);
  if (op == Unary.Reciprocal) return 1 / x;
  if (op == Unary.AddScalar) return x + p;
  if (op == Unary.MulScalar) return x * p;
  return Mathf.pow(x, p);
}

/** The arithmetic ops: f32x4 body, scalar tail. */
// @ts-ignore: decorator
@inline
function unarySimd(op: i32, xPtr: usize, outPtr: usize, n: i32, p: f32): void {
  const pv = f32x4.splat(p);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(outPtr + o, unaryV(op, v128.load(xPtr + o), pv));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(outPtr + o, unaryS(op, load<f32>(xPtr + o), p));
  }
}

/** exp, log and pow: WebAssembly has no vector transcendental, so one Mathf call per element. */
// @ts-ignore: decorator
@inline
function unaryScalar(op: i32, xPtr: usize, outPtr: usize, n: i32, p: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(outPtr + o, unaryS(op, load<f32>(xPtr + o), p));
  }
}

/**
 * out[i] = f(x[i]; p), i < n (op a Unary code; p is used by AddScalar, MulScalar, PowScalar and
 * arrives rounded to f32, as every scalar of an f32 kernel). out may alias x.
 */
export function unary(op: i32, xPtr: usize, outPtr: usize, n: i32, p: f32): void {
  switch (op) {
    case Unary.Neg: unarySimd(Unary.Neg, xPtr, outPtr, n, p); break;
    case Unary.Exp: unaryScalar(Unary.Exp, xPtr, outPtr, n, p); break;
    case Unary.Log: unaryScalar(Unary.Log, xPtr, outPtr, n, p); break;
    case Unary.Sqrt: unarySimd(Unary.Sqrt, xPtr, outPtr, n, p); break;
    case Unary.Square: unarySimd(Unary.Square, xPtr, outPtr, n, p); break;
    case Unary.Abs: unarySimd(Unary.Abs, xPtr, outPtr, n, p); break;
    case Unary.Reciprocal: unarySimd(Unary.Reciprocal, xPtr, outPtr, n, p); break;
    case Unary.AddScalar: unarySimd(Unary.AddScalar, xPtr, outPtr, n, p); break;
    case Unary.MulScalar: unarySimd(Unary.MulScalar, xPtr, outPtr, n, p); break;
    case Unary.PowScalar: unaryScalar(Unary.PowScalar, xPtr, outPtr, n, p); break;
    default: assert(false, "unary: unknown op code");
  }
}
