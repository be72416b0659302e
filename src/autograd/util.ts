// Small helpers shared by the differentiable ops.
import type { Backend } from "../backend/types.js";
import { describe } from "../tensor/check.js";
import { fmt, type Shape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** A fresh, uninitialized tensor on b. */
export function empty(b: Backend, shape: Shape): Tensor {
  return new Tensor(b, shape);
}

/** A fresh output of `op`: a size the heap cannot hold (a padding of 2^31, say) is reported naming the op. */
export function output(op: string, b: Backend, shape: Shape): Tensor {
  try {
    return new Tensor(b, shape);
  } catch (e) {
    throw new Error(`${op}: ${(e as Error).message}`);
  }
}

/** The backend all inputs share; tensors of two backends cannot meet in one op. */
export function backendOf(op: string, ...ts: Tensor[]): Backend {
  // Ops are called from plain JS too: anything but a Tensor is named here, before a field of it is read.
  ts.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${op}: ${ts.length === 1 ? "input" : `input ${i}`} is ${describe(t)}, expected a Tensor`);
  });
  const b = ts[0].backend;
  for (const t of ts) {
    if (t.backend !== b) {
      const early = b.name === "js" || t.backend.name === "js" ? " (a tensor made before `await ready()` lives on js)" : "";
      throw new Error(`${op}: inputs live on different backends (${b.name} and ${t.backend.name}); create them under one backend${early}`);
    }
    if (t.disposed) throw new Error(`${op}: input Tensor${fmt(t.shape)} was disposed`);
  }
  return b;
}

/** Throw unless v is a number (NaN and ±Infinity are numbers, as in PyTorch), naming the op and the argument. */
export function checkNumber(op: string, what: string, v: unknown): asserts v is number {
  if (typeof v !== "number") throw new Error(`${op}: ${what} is ${describe(v)}, expected a number`);
}

/** An op's options: an object (defaults when left out), else an error naming the op. */
export function checkOpOptions(op: string, options: unknown): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new Error(`${op}: options must be an object, got ${describe(options)}`);
}

/** A copy of t with another shape of the same size (no graph). */
export function copyAs(t: Tensor, shape: Shape): Tensor {
  const out = empty(t.backend, shape);
  t.backend.copy(t.ptr, out.ptr, t.size);
  return out;
}
