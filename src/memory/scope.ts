// Tensor lifetimes.
//
// A tensor's values live in a backend heap, which JavaScript's garbage collector cannot see. So
// wasmnn counts live tensors and frees them explicitly: `scope(fn)` frees every tensor created in
// fn except what fn returns; `fit` runs each training step in a scope, so the temporaries of a
// step (activations, gradients of intermediates) are gone when the step ends. Parameters,
// their gradients and optimizer state are made outside any scope, or `keep()`-ed, and persist.
//
// A FinalizationRegistry frees tensors that were dropped without dispose() once the GC collects
// them. It is a safety net for interactive use, not a memory strategy: it runs late or never.
import type { Tensor } from "../tensor/tensor.js";
import type { Heap } from "./heap.js";

type Held = { heap: Heap; ptr: number; bytes: number };

let live = 0;
const stack: Set<Tensor>[] = [];

const registry = new FinalizationRegistry<Held>((h) => {
  h.heap.release(h.ptr, h.bytes);
  live--;
});

/** Called by the Tensor constructor. */
export function track(t: Tensor, heap: Heap, ptr: number, bytes: number): void {
  live++;
  registry.register(t, { heap, ptr, bytes }, t);
  if (stack.length > 0) stack[stack.length - 1].add(t);
}

/** Called by Tensor.dispose(). */
export function untrackDisposed(t: Tensor): void {
  live--;
  registry.unregister(t);
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i].delete(t)) break;
}

/** Exempt t from the enclosing scopes: it lives until disposed. Returns t. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of stack) s.delete(t);
  return t;
}

/** Number of tensors allocated and not yet disposed (tests use it to prove loops do not leak). */
export function liveTensors(): number {
  return live;
}

/** Tensors found in a return value: a Tensor, or arrays and plain objects holding them. */
function collect(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (value === null || typeof value !== "object" || depth > 4) return;
  if ((value as { isTensor?: boolean }).isTensor === true) {
    out.add(value as Tensor);
    return;
  }
  const items = Array.isArray(value) ? value : value.constructor === Object ? Object.values(value) : [];
  for (const v of items) collect(v, out, depth + 1);
}

/**
 * Run fn and dispose every tensor it created, except the ones it returns (as a tensor, an array
 * or a plain object of them) and the ones `keep()`-ed. Returned tensors join the enclosing scope.
 */
export function scope<T>(fn: () => T): T {
  const mine = new Set<Tensor>();
  stack.push(mine);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    stack.pop();
    for (const t of mine) t.dispose();
    throw err;
  }
  stack.pop();
  const returned = new Set<Tensor>();
  collect(result, returned);
  const parent = stack.length > 0 ? stack[stack.length - 1] : null;
  for (const t of mine) {
    if (returned.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}
