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

/** What to free with a tensor: the intermediates of the layer call that returned it (see owning). */
const owners = new WeakMap<Tensor, () => void>();

/** Called by Tensor.dispose(). */
export function untrackDisposed(t: Tensor): void {
  live--;
  registry.unregister(t);
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i].delete(t)) break;
  const free = owners.get(t);
  if (free !== undefined) {
    owners.delete(t);
    free();
  }
}

/** Run fn with a fresh innermost scope and return what it made; if fn throws, that is freed. */
function collecting<T>(fn: () => T): { result: T; mine: Set<Tensor> } {
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
  return { result, mine };
}

/**
 * Run fn, a layer's forward that records a graph; the tensors it makes and does not return (saved
 * inputs of its ops, states it cuts its outputs from) belong to what it returns. Inside a scope they
 * join the scope, as any tensor does. Outside one they are freed when the last returned tensor is
 * disposed, as PyTorch's reference counting frees a graph with its output: disposing the output
 * already cuts it from the graph (its node is released), so nothing can reach them afterwards.
 */
export function owning<T>(fn: () => T): T {
  if (stack.length > 0) return fn();
  const { result, mine } = collecting(fn);
  const returned = new Set<Tensor>();
  collect(result, returned);
  const outputs = [...returned].filter((t) => mine.has(t));
  const internal = [...mine].filter((t) => !returned.has(t) && !t.disposed);
  if (internal.length === 0) return result;
  if (outputs.length === 0) {
    for (const t of internal) t.dispose();
    return result;
  }
  let remaining = outputs.length;
  const release = () => {
    if (--remaining === 0) for (const t of internal) t.dispose();
  };
  for (const t of outputs) owners.set(t, release);
  return result;
}

/**
 * Exempt t from the enclosing scopes: it lives until disposed. Returns t.
 *
 * @example const w = scope(() => keep(randn([3]))); // w outlives the scope; w.dispose() frees it
 */
export function keep<T extends Tensor>(t: T): T {
  if (t === null || typeof t !== "object" || (t as { isTensor?: boolean }).isTensor !== true) throw new Error(`keep: expected a Tensor, got ${t === null ? "null" : typeof t}`);
  for (const s of stack) s.delete(t);
  return t;
}

/**
 * Number of tensors allocated and not yet disposed (tests use it to prove loops do not leak).
 *
 * @example const before = liveTensors(); scope(() => void ops.relu(randn([10]))); const leaked = liveTensors() - before; // 0
 */
export function liveTensors(): number {
  return live;
}

/**
 * Tensors found in a return value, at any depth: a Tensor, or arrays, plain objects, Maps (keys
 * and values), Sets and class instances (their own properties) holding them. A value met twice
 * (or a cycle) is walked once; typed arrays hold numbers only and are skipped. Fields a class
 * hides in #private slots cannot be seen: keep() what lives there.
 */
function collect(value: unknown, out: Set<Tensor>): void {
  const seen = new Set<object>();
  const todo: unknown[] = [value];
  while (todo.length > 0) {
    const v = todo.pop();
    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v)) continue;
    seen.add(v);
    if ((v as { isTensor?: boolean }).isTensor === true) {
      out.add(v as Tensor);
      continue;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (v instanceof Map) {
      for (const [k, x] of v) todo.push(k, x);
    } else if (v instanceof Set) {
      for (const x of v) todo.push(x);
    } else if (typeof v === "object") {
      for (const x of Object.values(v)) todo.push(x);
    }
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function";
}

const asyncError = (what: string) =>
  new Error(`scope: got ${what}; a scope cannot wait: its tensors would be freed at the first await and those made after it would leak. Run the async work outside and scope() each synchronous step`);

/**
 * Run fn and dispose every tensor it created, except the ones it returns (in any arrays, objects,
 * Maps, Sets or class instances, at any depth) and the ones `keep()`-ed. Returned tensors join the
 * enclosing scope. fn must be synchronous: as tfjs's tidy() does, an async function or a returned
 * Promise is refused (PyTorch frees by reference counting and has no scope to follow here).
 *
 * @example const loss = scope(() => keep(ops.mean(ops.square(randn([1000]))))); // the temporaries are freed, loss is kept
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new Error(`scope: expected a function, got ${fn === null ? "null" : typeof fn}`);
  if (fn.constructor?.name === "AsyncFunction" || fn.constructor?.name === "AsyncGeneratorFunction") throw asyncError("an async function");
  const { result, mine } = collecting(fn);
  if (isThenable(result)) {
    for (const t of mine) t.dispose();
    // The work goes on without its tensors; its own failure would only repeat this error.
    Promise.resolve(result).catch(() => {});
    throw asyncError("a function that returned a Promise");
  }
  const returned = new Set<Tensor>();
  collect(result, returned);
  const parent = stack.length > 0 ? stack[stack.length - 1] : null;
  for (const t of mine) {
    if (returned.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}
