// Elementwise arithmetic with broadcasting, each op's backward rule beside its forward.
//
// Broadcasting follows NumPy: shapes are aligned on the right and axes of size 1 stretch. The
// gradient of a broadcast operand is the output gradient summed over the axes it was stretched
// along (each of its values influenced every output it was stretched over).
import { Binary, Unary } from "../backend/opcodes.js";
import type { Backend } from "../backend/types.js";
import { broadcastPattern, broadcastShapes, fmt, sameShape, sizeOf, type Shape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { record } from "./engine.js";
import { backendOf, checkNumber, copyAs, empty } from "./util.js";

type Pattern = { bn: number; inner: number };

function pattern(op: string, s: Shape, out: Shape, a: Shape, b: Shape): Pattern {
  const p = broadcastPattern(s, out);
  if (p === null) throw new Error(`${op}: cannot broadcast ${fmt(a)} with ${fmt(b)}: wasmnn broadcasts an operand whose non-1 axes form one contiguous block`);
  return p;
}

/** x stretched to `out` (a materialized broadcast). */
function expand(b: Backend, x: Tensor, out: Shape, p: Pattern): Tensor {
  const y = empty(b, out);
  b.fill(y.ptr, y.size, 0);
  b.binary(Binary.Add, y.ptr, x.ptr, y.ptr, y.size, p.bn, p.inner);
  return y;
}

/** g itself when the operand was not broadcast (the engine then shares it safely), else reduceTo. */
function gradFor(g: Tensor, s: Shape): Tensor {
  return sameShape(g.shape, s) ? g : reduceTo(g, s);
}

/** The gradient g of a broadcast result, summed back onto an operand of shape s (a new tensor). */
export function reduceTo(g: Tensor, s: Shape): Tensor {
  if (sameShape(g.shape, s) || g.size === sizeOf(s)) return copyAs(g, s);
  if (g.size === 0) {
    // An operand stretched along an empty axis influenced no output: its gradient is 0.
    const zero = empty(g.backend, s);
    g.backend.fill(zero.ptr, zero.size, 0);
    return zero;
  }
  const p = broadcastPattern(s, g.shape)!;
  const out = empty(g.backend, s);
  g.backend.sumToBroadcast(g.ptr, out.ptr, g.size / (p.bn * p.inner), p.bn, p.inner);
  return out;
}

/** out = a op b with a broadcast; a or b may be the smaller operand. */
function broadcastBinary(op: Binary, name: string, a: Tensor, b: Tensor): Tensor {
  const be = backendOf(name, a, b);
  const shape = broadcastShapes(a.shape, b.shape);
  if (shape === null) throw new Error(`${name}: shapes ${fmt(a.shape)} and ${fmt(b.shape)} do not broadcast`);
  const size = sizeOf(shape);
  // An empty result has nothing to read ([2, 1, 4] with [0, 4] is [2, 0, 4], as in PyTorch).
  if (size === 0) return empty(be, shape);
  // The patterns are checked before anything is allocated: a refused pair must leave nothing behind.
  const pb = b.size === size ? null : pattern(name, b.shape, shape, a.shape, b.shape);
  const pa = a.size === size ? null : pattern(name, a.shape, shape, a.shape, b.shape);
  const out = empty(be, shape);
  if (pa === null) be.binary(op, a.ptr, b.ptr, out.ptr, out.size, pb?.bn ?? out.size, pb?.inner ?? 1);
  else {
    // a is the stretched one: the kernel broadcasts only its second operand.
    const big = expand(be, a, shape, pa);
    be.binary(op, big.ptr, b.ptr, out.ptr, out.size, pb?.bn ?? out.size, pb?.inner ?? 1);
    big.dispose();
  }
  return out;
}

/** Elementwise a·b without recording (for backward rules). */
function rawMul(a: Tensor, b: Tensor): Tensor {
  return broadcastBinary(Binary.Mul, "mul", a, b);
}

/**
 * a + b, broadcasting.
 *
 * @example const y = ops.add(tensor([[1, 2], [3, 4]]), tensor([10, 20])); // broadcast: [[11, 22], [13, 24]]
 */
export function add(a: Tensor, b: Tensor): Tensor {
  const out = broadcastBinary(Binary.Add, "add", a, b);
  return record(out, "add", [a, b], (g) => [gradFor(g, a.shape), gradFor(g, b.shape)]);
}

/**
 * a − b, broadcasting.
 *
 * @example const y = ops.sub(tensor([5, 7]), tensor([1, 2])); // [4, 5]
 */
export function sub(a: Tensor, b: Tensor): Tensor {
  const out = broadcastBinary(Binary.Sub, "sub", a, b);
  return record(out, "sub", [a, b], (g) => {
    const gb = reduceTo(g, b.shape);
    g.backend.unary(Unary.Neg, gb.ptr, gb.ptr, gb.size, 0);
    return [gradFor(g, a.shape), gb];
  });
}

/**
 * a ⊙ b (elementwise product), broadcasting. d/da = g·b, d/db = g·a.
 *
 * @example const y = ops.mul(tensor([1, 2, 3]), tensor([2, 2, 2])); // [2, 4, 6]
 */
export function mul(a: Tensor, b: Tensor): Tensor {
  const out = broadcastBinary(Binary.Mul, "mul", a, b);
  return record(out, "mul", [a, b], (g) => {
    const ga = a.requiresGrad ? reduceAndFree(rawMul(g, b), a.shape) : null;
    const gb = b.requiresGrad ? reduceAndFree(rawMul(g, a), b.shape) : null;
    return [ga, gb];
  });
}

/**
 * a / b, broadcasting. d/da = g/b, d/db = −g·a/b² = −g·out/b.
 *
 * @example const y = ops.div(tensor([1, 4]), tensor([2, 8])); // [0.5, 0.5]
 */
export function div(a: Tensor, b: Tensor): Tensor {
  const out = broadcastBinary(Binary.Div, "div", a, b);
  return record(out, "div", [a, b], (g) => {
    const ga = a.requiresGrad ? reduceAndFree(broadcastBinary(Binary.Div, "div", g, b), a.shape) : null;
    let gb: Tensor | null = null;
    if (b.requiresGrad) {
      const t = rawMul(g, out);
      const u = broadcastBinary(Binary.Div, "div", t, b);
      t.dispose();
      gb = reduceAndFree(u, b.shape);
      g.backend.unary(Unary.Neg, gb.ptr, gb.ptr, gb.size, 0);
    }
    return [ga, gb];
  });
}

/** reduceTo for a temporary gradient t, which is freed (or returned itself when already of shape s). */
function reduceAndFree(t: Tensor, s: Shape): Tensor {
  if (sameShape(t.shape, s)) return t;
  const r = reduceTo(t, s);
  t.dispose();
  return r;
}

/** Apply a unary kernel; `deriv` gives d(out)/d(x) as a new tensor from x and out. */
function unaryOp(op: Unary, name: string, x: Tensor, p: number, deriv: (x: Tensor, out: Tensor) => Tensor): Tensor {
  const be = backendOf(name, x);
  const out = empty(be, x.shape);
  be.unary(op, x.ptr, out.ptr, x.size, p);
  return record(out, name, [x], (g) => {
    const d = deriv(x, out);
    be.binary(Binary.Mul, d.ptr, g.ptr, d.ptr, d.size, d.size, 1);
    return [d];
  });
}

/** A new tensor f(x) without recording. */
function raw(op: Unary, x: Tensor, p = 0): Tensor {
  const out = empty(x.backend, x.shape);
  x.backend.unary(op, x.ptr, out.ptr, x.size, p);
  return out;
}

/**
 * −x elementwise; backward: ∂L/∂x = −∂L/∂y.
 *
 * @example const y = ops.neg(tensor([1, -2])); // [-1, 2]
 */
export function neg(x: Tensor): Tensor {
  return unaryOp(Unary.Neg, "neg", x, 0, (x) => fullLike(x, -1));
}

/**
 * x·s for a number s.
 *
 * @example const y = ops.mulScalar(tensor([1, 2]), 3); // [3, 6]
 */
export function mulScalar(x: Tensor, s: number): Tensor {
  checkNumber("mulScalar", "the scalar", s);
  return unaryOp(Unary.MulScalar, "mulScalar", x, s, (x) => fullLike(x, s));
}

/**
 * x + s for a number s.
 *
 * @example const y = ops.addScalar(tensor([1, 2]), 0.5); // [1.5, 2.5]
 */
export function addScalar(x: Tensor, s: number): Tensor {
  checkNumber("addScalar", "the scalar", s);
  return unaryOp(Unary.AddScalar, "addScalar", x, s, (x) => fullLike(x, 1));
}

/**
 * eˣ; d/dx = eˣ.
 *
 * @example const y = ops.exp(tensor([0, 1])); // [1, 2.7183]
 */
export function exp(x: Tensor): Tensor {
  return unaryOp(Unary.Exp, "exp", x, 0, (_x, out) => copyAs(out, out.shape));
}

/**
 * Natural log; d/dx = 1/x.
 *
 * @example const y = ops.log(tensor([1, Math.E])); // [0, 1]
 */
export function log(x: Tensor): Tensor {
  return unaryOp(Unary.Log, "log", x, 0, (x) => raw(Unary.Reciprocal, x));
}

/**
 * √x; d/dx = 1/(2√x).
 *
 * @example const y = ops.sqrt(tensor([4, 9])); // [2, 3]
 */
export function sqrt(x: Tensor): Tensor {
  return unaryOp(Unary.Sqrt, "sqrt", x, 0, (_x, out) => {
    const d = raw(Unary.Reciprocal, out);
    out.backend.unary(Unary.MulScalar, d.ptr, d.ptr, d.size, 0.5);
    return d;
  });
}

/**
 * x²; d/dx = 2x.
 *
 * @example const y = ops.square(tensor([-3, 2])); // [9, 4]
 */
export function square(x: Tensor): Tensor {
  return unaryOp(Unary.Square, "square", x, 0, (x) => raw(Unary.MulScalar, x, 2));
}

/**
 * xᵖ for a number p; d/dx = p·xᵖ⁻¹.
 *
 * @example const y = ops.pow(tensor([2, 3]), 3); // [8, 27]
 */
export function pow(x: Tensor, p: number): Tensor {
  checkNumber("pow", "the exponent", p);
  return unaryOp(Unary.PowScalar, "pow", x, p, (x) => {
    const d = raw(Unary.PowScalar, x, p - 1);
    x.backend.unary(Unary.MulScalar, d.ptr, d.ptr, d.size, p);
    return d;
  });
}

/**
 * |x|; d/dx = sign(x) (0 at 0).
 *
 * @example const y = ops.abs(tensor([-3, 2])); // [3, 2]
 */
export function abs(x: Tensor): Tensor {
  return unaryOp(Unary.Abs, "abs", x, 0, (x) => {
    const a = raw(Unary.Abs, x);
    const d = empty(x.backend, x.shape);
    x.backend.binary(Binary.Div, x.ptr, a.ptr, d.ptr, d.size, d.size, 1);
    a.dispose();
    const v = x.backend.heap.f32(d.ptr, d.size);
    for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) v[i] = 0;
    return d;
  });
}

function fullLike(x: Tensor, value: number): Tensor {
  const t = empty(x.backend, x.shape);
  x.backend.fill(t.ptr, t.size, value);
  return t;
}
