// A seeded fuzzer of the public API. Random shapes (empty axes included), values (NaN, ±Infinity,
// −0, 1e38, 1e-45) and arguments of the wrong kind (strings, null, undefined, objects, arrays,
// bigints, disposed tensors, tensors of the other backend) go into every op, tensor constructor,
// layer constructor and forward, loss, optimizer and dataset(), on both backends. Each call must
// either return tensors that are alive (finite where its inputs were moderate and the op keeps
// finite values finite; for a few ops equal to a JS formula), or throw a wasmnn Error naming the
// op or layer: never a TypeError or RangeError from the internals, a Wasm trap, or a hang. After
// the case frees what it made, liveTensors() and both heaps' bytesInUse are what they were.
//
// A failure prints the target, backend, case number and arguments; the cases of a target depend
// only on the seed and the target's name, so a failing case replays by itself (vitest -t with the
// target's name). FUZZ_REPORT=file writes every failure of the run to that file, one a line;
// FUZZ_SEED=n runs the same targets on another seed.
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backend, type Backend, dataset, full, liveTensors, losses, nn, ones, ops, optim, rand, randn, ready, setBackend, tensor, Tensor, zeros,
} from "../../src/index.js";
import { sizeClass } from "../../src/memory/heap.js";
import { Ctx, seedFor, show, tensorsIn, Xorshift } from "./gen.js";

/** The suite's seed; FUZZ_SEED explores others (the counts stay the same). */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

/** What a generator gives for one case. */
interface Attempt {
  /** The arguments, for the report and for the finite-values rule. */
  args: unknown[];
  call: () => unknown;
  /** Extra checks of a returned value: a problem, or null. */
  check?: (out: unknown) => string | null;
  /** Other names an error may carry (a container's children). */
  names?: string[];
  /** The same call on other arguments: run on copies of the tensors on the other backend, to compare. */
  rerun?: (args: unknown[]) => unknown;
  /** The call updates tensors among its arguments in place (running statistics, optimizer steps). */
  mutates?: boolean;
  /** Objects the case made besides tensors (modules, optimizers), freed with their tensors. */
  owned?: unknown[];
}

interface Target {
  name: string;
  cases: number;
  /** The result keeps finite values finite when every input is moderate (|x| ≤ 100). */
  finite?: boolean;
  make: (c: Ctx) => Attempt;
}

const failures: string[] = [];
const counts: Record<string, number> = {};
let slowest = { ms: 0, what: "" };

/** Whether every number in the arguments (tensor values included) is finite and at most 100 in magnitude. */
function moderate(args: unknown): boolean {
  const seen = new Set<unknown>();
  const todo = [args];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v === "number" && !(Number.isFinite(v) && Math.abs(v) <= 100)) return false;
    if (v === null || typeof v !== "object" || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Tensor) {
      // An empty input is not moderate: a mean over no values is NaN, as in PyTorch.
      if (v.disposed || v.size === 0 || !v.toArray().every((x) => Math.abs(x) <= 100)) return false;
    } else if (ArrayBuffer.isView(v)) {
      if (!Array.from(v as unknown as ArrayLike<number>).every((x) => Math.abs(x) <= 100)) return false;
    } else todo.push(...Object.values(v));
  }
  return true;
}

/**
 * Bytes the wasm backend holds on purpose between calls: its GEMM packing and conv2d scratch
 * blocks (one per thread), which grow to the largest call so far and are reused (private fields, read here only).
 */
function scratchBytes(be: Backend): number {
  const w = be as unknown as { packs?: ({ bytes: number } | undefined)[]; convScratches?: ({ bytes: number } | undefined)[] };
  const held = [...(w.packs ?? []), ...(w.convScratches ?? [])].map((p) => p?.bytes ?? 0);
  return held.reduce((a, b) => a + (b > 0 ? sizeClass(b) : 0), 0);
}

const bits = (t: Tensor) => Array.from(new Uint32Array(t.toArray().buffer));

/**
 * Backend parity: the same call on copies of the arguments on the other backend must give the
 * same shapes and values (within 1e-4 relative: the Wasm kernels may fuse a multiply-add). Skipped
 * when an argument already lives on the other backend.
 */
function parity(c: Ctx, args: unknown[], out: unknown, rerun: (args: unknown[]) => unknown): string | null {
  let mixed = false;
  const copy = (v: unknown, depth: number): unknown => {
    if (v instanceof Tensor) {
      if (v.backend !== c.be) mixed = true;
      return c.t(v.shape, { values: (i) => v.toArray()[i], requiresGrad: v.requiresGrad, be: c.other });
    }
    if (Array.isArray(v) && depth < 3) return v.map((x) => copy(x, depth + 1));
    if (v !== null && typeof v === "object" && v.constructor === Object && depth < 3) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x, depth + 1)]));
    return v;
  };
  const moved = args.map((v) => copy(v, 0));
  if (mixed) return null;
  let out2: unknown;
  try {
    out2 = rerun(moved);
  } catch (e) {
    return `the ${c.other.name} backend threw where ${c.be.name} returned: ${(e as Error).message}`;
  }
  const [xs, ys] = [[...tensorsIn(out)], [...tensorsIn(out2)]];
  for (const y of ys) c.made.push(y);
  if (xs.length !== ys.length) return `${xs.length} tensors on ${c.be.name}, ${ys.length} on ${c.other.name}`;
  for (let k = 0; k < xs.length; k++) {
    if (xs[k].shape.join() !== ys[k].shape.join()) return `output ${k} has shape [${xs[k].shape.join(", ")}] on ${c.be.name}, [${ys[k].shape.join(", ")}] on ${c.other.name}`;
    const [a, b] = [xs[k].toArray(), ys[k].toArray()];
    for (let i = 0; i < a.length; i++) {
      const same = Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i])) || Math.abs(a[i] - b[i]) <= 1e-4 * (1 + Math.abs(a[i]) + Math.abs(b[i]));
      if (!same) return `output ${k} value ${i} is ${a[i]} on ${c.be.name}, ${b[i]} on ${c.other.name}`;
    }
  }
  return null;
}

/** The problem with an error thrown by `target`, or null when it is the clear error expected. */
function badError(e: unknown, names: string[]): string | null {
  if (!(e instanceof Error)) return `threw a non-Error: ${show(e)}`;
  if (e instanceof TypeError || e instanceof RangeError || e instanceof WebAssembly.RuntimeError) return `${e.constructor.name}: ${e.message}`;
  if (e.message.length === 0) return "an Error without a message";
  // An internal TypeError caught and re-thrown under the op's name is still not a clear message.
  if (/Cannot read propert|is not a function|is not iterable|Cannot convert|Cannot mix BigInt|Invalid typed array/.test(e.message)) return `a wrapped internal error: ${e.message}`;
  // Case-insensitive: nn.Softmax's bad axis is reported by the op it calls, softmax.
  if (!names.some((n) => e.message.toLowerCase().includes(n.toLowerCase()))) return `the message does not name ${names.join(" or ")}: ${e.message}`;
  return null;
}

function runTarget(t: Target): void {
  const r = new Xorshift(seedFor(SEED, t.name));
  for (let i = 0; i < t.cases; i++) {
    const name = i % 2 === 0 ? "wasm" : "js";
    setBackend(name);
    const heaps = [backend("js").heap, backend("wasm").heap];
    const live0 = liveTensors();
    const bytes0 = heaps.map((h, k) => h.bytesInUse - scratchBytes(k === 0 ? backend("js") : backend("wasm")));
    const c = new Ctx(r, backend(name), backend(name === "js" ? "wasm" : "js"));
    const problems: string[] = [];
    let a: Attempt | null = null;
    let out: unknown = undefined;
    try {
      a = t.make(c);
    } catch (e) {
      problems.push(`the generator threw ${String(e)}`);
    }
    if (a !== null) {
      const inputs = [...tensorsIn(a.args)].filter((x) => !x.disposed);
      const before = inputs.map(bits);
      const moderateIn = t.finite === true && moderate(a.args);
      const t0 = performance.now();
      let threw = false;
      try {
        out = a.call();
      } catch (e) {
        threw = true;
        const p = badError(e, [t.name.replace(/^.*\./, "").replace(/ .*$/, ""), ...(a.names ?? [])]);
        if (p !== null) problems.push(p);
      }
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { ms, what: `${t.name} #${i}` };
      if (ms > 5000) problems.push(`took ${ms.toFixed(0)} ms`);
      if (!threw) {
        const outs = tensorsIn(out);
        for (const o of outs) {
          if (o.disposed) problems.push(`returned a disposed Tensor[${o.shape.join(", ")}]`);
          else if (moderateIn && !o.toArray().every(Number.isFinite)) problems.push(`moderate inputs gave non-finite values: ${show(o)}`);
        }
        const p = a.check?.(out) ?? null;
        if (p !== null) problems.push(p);
        if (a.rerun !== undefined && moderate(a.args)) {
          const p2 = parity(c, a.args, out, a.rerun);
          if (p2 !== null) problems.push(p2);
        }
        if (!a.mutates) {
          inputs.forEach((x, k) => {
            if (!x.disposed && bits(x).join() !== before[k].join()) problems.push(`changed its input ${k} (${show(x)})`);
          });
        }
        // Through the graph it recorded, once in two cases: backward must work and free its temporaries.
        const y = out instanceof Tensor ? out : null;
        if (y !== null && !y.disposed && y.requiresGrad && r.chance(0.5)) {
          try {
            const loss = ops.sum(y);
            c.made.push(loss);
            loss.backward();
            if (moderateIn) {
              for (const x of inputs) {
                if (x.grad !== null && !x.grad.toArray().every(Number.isFinite)) problems.push(`moderate inputs gave a non-finite gradient: ${show(x.grad)} for ${show(x)}`);
              }
            }
          } catch (e) {
            // A custom rule given to record() may be wrong; backward must then say so clearly.
            const clear = t.name === "ops.record" && badError(e, ["backward of custom"]) === null;
            if (!clear) problems.push(`backward threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : show(e)}`);
          }
        }
      }
      for (const x of tensorsIn([out, a.args, a.owned, c.made])) x.dispose();
    }
    for (const x of c.made) x.dispose();
    if (liveTensors() !== live0) problems.push(`left ${liveTensors() - live0} live tensors`);
    heaps.forEach((h, k) => {
      const used = h.bytesInUse - scratchBytes(k === 0 ? backend("js") : backend("wasm"));
      if (used !== bytes0[k]) problems.push(`left ${used - bytes0[k]} bytes in use on the ${k === 0 ? "js" : "wasm"} heap`);
    });
    if (problems.length > 0) failures.push(`${t.name} #${i} (${name}) ${show(a?.args ?? [])}: ${problems.join("; ")}`);
    counts[t.name] = (counts[t.name] ?? 0) + 1;
  }
}

// ---- ops ---------------------------------------------------------------------------------

type OpGen = (c: Ctx) => unknown[];

/** A shape that broadcasts against s: the same, a suffix, ones in some places, or a scalar. */
function broadcastable(c: Ctx, s: readonly number[]): number[] {
  const k = c.r.int(0, 3);
  if (k === 0) return [...s];
  if (k === 1) return s.slice(c.r.int(0, s.length));
  if (k === 2) return s.map((d) => (c.r.chance(0.4) ? 1 : d));
  return [];
}

const unary: OpGen = (c) => [c.t(c.shape())];
const binary: OpGen = (c) => {
  const s = c.shape();
  const t = broadcastable(c, s);
  return c.r.chance(0.5) ? [c.t(s), c.t(t)] : [c.t(t), c.t(s)];
};
const withScalar: OpGen = (c) => [c.t(c.shape()), c.r.chance(0.8) ? c.r.normal() * 3 : c.r.int(-3, 3)];
/** An axis of a tensor of rank n, sometimes negative. */
const axis = (c: Ctx, n: number) => (n === 0 ? 0 : c.r.chance(0.5) ? c.r.int(0, n - 1) : c.r.int(-n, -1));
const lastAxis = (c: Ctx, n: number) => (c.r.chance(0.5) ? -1 : n - 1);
const pair = (c: Ctx, lo: number, hi: number) => (c.r.chance(0.5) ? c.r.int(lo, hi) : [c.r.int(lo, hi), c.r.int(lo, hi)]);
const image = (c: Ctx, channels = c.r.int(1, 3)) => [c.r.int(1, 2), channels, c.r.int(1, 6), c.r.int(1, 6)];

/** The arguments each op takes, valid more often than not; the fuzzer then mutates some of them. */
const signatures: Record<string, OpGen> = {
  noGrad: (c) => [() => ops.relu(c.t(c.shape(), { requiresGrad: true }))],
  isGradEnabled: () => [],
  record: (c) => {
    const x = c.t(c.shape(), { requiresGrad: true });
    return [c.t(x.shape, { requiresGrad: false }), "custom", [x], (g: Tensor) => [ops.mulScalar(g, 1)]];
  },
  add: binary, sub: binary, mul: binary, div: binary,
  neg: unary, exp: unary, log: unary, sqrt: unary, square: unary, abs: unary,
  relu: unary, sigmoid: unary, tanh: unary,
  mulScalar: withScalar, addScalar: withScalar, pow: withScalar, leakyRelu: withScalar,
  gelu: (c) => [c.t(c.shape()), c.r.chance(0.5) ? { approximate: c.r.pick(["none", "tanh"]) } : {}],
  softmax: (c) => { const s = c.shape(c.r.int(1, 4)); return [c.t(s), lastAxis(c, s.length)]; },
  logSoftmax: (c) => { const s = c.shape(c.r.int(1, 4)); return [c.t(s), lastAxis(c, s.length)]; },
  matmul: (c) => {
    const [m, k, n] = [c.dim(), c.dim(), c.dim()];
    if (c.r.chance(0.6)) return [c.t([m, k]), c.t([k, n])];
    const b = c.dim();
    return [c.t([b, m, k]), c.t(c.r.chance(0.5) ? [b, k, n] : [k, n])];
  },
  linear: (c) => {
    const [inF, outF] = [c.r.int(1, 5), c.r.int(1, 5)];
    return [c.t([...c.shape(c.r.int(0, 2)), inF]), c.t([outF, inF]), c.r.chance(0.7) ? c.t([outF]) : null];
  },
  sum: (c) => { const s = c.shape(); return c.r.chance(0.3) ? [c.t(s)] : [c.t(s), axis(c, s.length), c.r.chance(0.5)]; },
  mean: (c) => { const s = c.shape(); return c.r.chance(0.3) ? [c.t(s)] : [c.t(s), axis(c, s.length), c.r.chance(0.5)]; },
  reshape: (c) => {
    const s = c.shape(c.r.int(1, 4));
    const to = [...s].reverse();
    if (to.length > 0 && c.r.chance(0.3)) to[c.r.int(0, to.length - 1)] = -1;
    return [c.t(s), to];
  },
  flatten: (c) => { const s = c.shape(c.r.int(1, 4)); return [c.t(s), axis(c, s.length)]; },
  transpose: (c) => { const s = c.shape(c.r.int(2, 4)); return c.r.chance(0.3) ? [c.t(s)] : [c.t(s), axis(c, s.length), axis(c, s.length)]; },
  slice: (c) => {
    const s = c.shape(c.r.int(1, 4));
    const a = axis(c, s.length);
    const len = s[a < 0 ? a + s.length : a];
    const start = c.r.int(0, Math.max(0, len - 1));
    return [c.t(s), a, start, c.r.int(start + 1, Math.max(start + 1, len))];
  },
  concat: (c) => {
    const s = c.shape(c.r.int(1, 4));
    const a = axis(c, s.length);
    const n = c.r.int(1, 3);
    return [Array.from({ length: n }, () => c.t(s.map((d, i) => (i === (a < 0 ? a + s.length : a) ? c.dim() : d)))), a];
  },
  crossEntropy: (c) => {
    const [n, k] = [c.r.int(1, 5), c.r.int(1, 5)];
    const labels = c.ints(n, k);
    return [c.t([n, k]), c.r.chance(0.5) ? labels : c.t([n], { values: (i) => labels[i], requiresGrad: false })];
  },
  mse: (c) => { const s = c.shape(); return [c.t(s), c.t(s)]; },
  binaryCrossEntropy: (c) => { const s = c.shape(); return [c.t(s), c.t(s, { values: () => c.r.next(), requiresGrad: false })]; },
  embedding: (c) => {
    const [rows, d] = [c.r.int(1, 6), c.r.int(1, 4)];
    const ids = c.ints(c.r.int(0, 5), rows);
    return [c.t([rows, d]), c.r.chance(0.5) ? ids : c.t([ids.length], { values: (i) => ids[i], requiresGrad: false })];
  },
  conv2d: (c) => {
    const x = image(c);
    const k = [c.r.int(1, 3), c.r.int(1, 3)];
    const o = c.r.int(1, 3);
    const options = c.r.pick([{}, { padding: "same" }, { stride: pair(c, 1, 2), padding: pair(c, 0, 1), dilation: pair(c, 1, 2) }, { padding: "valid" }]);
    return [c.t(x), c.t([o, x[1], ...k]), c.r.chance(0.6) ? c.t([o]) : null, options];
  },
  convTranspose2d: (c) => {
    const x = image(c);
    const k = [c.r.int(1, 3), c.r.int(1, 3)];
    const o = c.r.int(1, 3);
    const options = c.r.pick([{}, { stride: 2, outputPadding: 1 }, { stride: pair(c, 1, 2), padding: pair(c, 0, 1), dilation: pair(c, 1, 2) }]);
    return [c.t(x), c.t([x[1], o, ...k]), c.r.chance(0.6) ? c.t([o]) : null, options];
  },
  maxPool2d: (c) => [c.t(image(c)), pair(c, 1, 3), c.r.pick([{}, { stride: pair(c, 1, 2) }, { stride: 1, padding: 1 }])],
  avgPool2d: (c) => [c.t(image(c)), pair(c, 1, 3), c.r.pick([{}, { stride: pair(c, 1, 2) }, { stride: 1, padding: 1, countIncludePad: c.r.chance(0.5) }])],
  batchNorm: (c) => {
    const s = [c.r.int(1, 4), c.r.int(1, 3), ...c.shape(c.r.int(0, 2))];
    const ch = s[1];
    const stat = (v: number) => c.t([ch], { values: () => v + c.r.next(), requiresGrad: false });
    return [c.t(s), {
      training: c.r.chance(0.6),
      runningMean: c.r.chance(0.8) ? stat(0) : null,
      runningVar: c.r.chance(0.8) ? stat(1) : null,
      weight: c.r.chance(0.5) ? c.t([ch]) : null,
      bias: c.r.chance(0.5) ? c.t([ch]) : null,
      momentum: c.r.pick([0.1, 0.5, 1]),
      eps: c.r.pick([1e-5, 1e-3]),
    }];
  },
  squash: (c) => { const s = c.shape(c.r.int(1, 3)); return [c.t(s), axis(c, s.length)]; },
  norm: (c) => { const s = c.shape(c.r.int(1, 3)); return [c.t(s), axis(c, s.length), c.r.chance(0.5)]; },
  capsulePredictions: (c) => {
    const [b, i, o, od, id] = [c.r.int(1, 3), c.r.int(1, 4), c.r.int(1, 3), c.r.int(1, 3), c.r.int(1, 3)];
    return [c.t([b, i, id]), c.t([i, o, od, id])];
  },
  dynamicRouting: (c) => [c.t([c.r.int(1, 2), c.r.int(1, 4), c.r.int(1, 3), c.r.int(1, 3)]), c.r.int(1, 3), c.r.chance(0.5) ? { gradient: c.r.pick(["all", "last"]) } : {}],
  marginLoss: (c) => {
    const [n, k] = [c.r.int(1, 4), c.r.int(1, 4)];
    return [c.t([n, k], { values: () => c.r.next() }), c.ints(n, k), c.r.chance(0.5) ? { mPlus: 0.9, mMinus: 0.1, lambda: 0.5 } : {}];
  },
  layerNorm: (c) => {
    const s = c.shape(c.r.int(1, 4));
    const ns = s.slice(c.r.int(0, s.length - 1));
    return [c.t(s), ns, c.r.chance(0.5) ? c.t(ns) : null, c.r.chance(0.5) ? c.t(ns) : null, c.r.pick([1e-5, 1e-3])];
  },
  scaledDotProductAttention: (c) => {
    const [b, h, tq, tk, d, dv] = [c.r.int(1, 2), c.r.int(1, 2), c.r.int(1, 4), c.r.int(1, 4), c.r.int(1, 4), c.r.int(1, 4)];
    const options = c.r.pick<object>([{}, { isCausal: true }, { scale: 0.5 }, { attnMask: c.t([tq, tk], { requiresGrad: false }) }, { attnMask: { bool: Array.from({ length: tq * tk }, () => c.r.chance(0.7)), shape: [tq, tk] } }]);
    return [c.t([b, h, tq, d]), c.t([b, h, tk, d]), c.t([b, h, tk, dv]), options];
  },
  splitHeads: (c) => {
    const [heads, parts, d] = [c.r.int(1, 3), c.r.pick([1, 3]), c.r.int(1, 3)];
    return [c.t([c.r.int(1, 3), c.r.int(1, 3), heads * parts * d]), heads, parts, c.r.chance(0.5)];
  },
  mergeHeads: (c) => [c.t([c.r.int(1, 3), c.r.int(1, 3), c.r.int(1, 3), c.r.int(1, 3)]), c.r.chance(0.5)],
};

/** Ops whose outputs are finite whenever their inputs are moderate. */
const FINITE = new Set([
  "add", "sub", "mul", "neg", "square", "abs", "relu", "leakyRelu", "sigmoid", "tanh", "gelu", "softmax", "logSoftmax",
  "mulScalar", "addScalar", "matmul", "linear", "sum", "reshape", "flatten", "transpose", "slice", "concat", "crossEntropy",
  "mse", "binaryCrossEntropy", "embedding", "conv2d", "convTranspose2d", "maxPool2d", "squash", "norm", "capsulePredictions",
  "dynamicRouting", "marginLoss", "layerNorm", "scaledDotProductAttention", "splitHeads", "mergeHeads",
]);

/** Ops whose result depends on their arguments only (no random draws, no user functions): compared across backends. */
const DETERMINISTIC = new Set(Object.keys(signatures).filter((n) => !["noGrad", "record", "isGradEnabled", "batchNorm", "scaledDotProductAttention"].includes(n)));

const f32 = Math.fround;
const close = (a: number, b: number, tol: number) => (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** Values of an elementwise result against a JS formula, for inputs of one shape. */
function formula(fn: (...xs: number[]) => number, tol = 0): (out: unknown, args: unknown[]) => string | null {
  return (out, args) => {
    const ins = args.filter((a): a is Tensor => a instanceof Tensor);
    const scalars = args.filter((a): a is number => typeof a === "number");
    if (!(out instanceof Tensor) || ins.some((x) => x.shape.join() !== out.shape.join())) return null;
    const vs = ins.map((x) => x.toArray());
    const got = out.toArray();
    for (let i = 0; i < got.length; i++) {
      const want = f32(fn(...vs.map((v) => v[i]), ...scalars));
      if (!close(got[i], want, tol)) return `value ${i} is ${got[i]}, the formula gives ${want} (from ${vs.map((v) => v[i]).join(", ")})`;
    }
    return null;
  };
}

const FORMULAS: Record<string, (out: unknown, args: unknown[]) => string | null> = {
  add: formula((a, b) => a + b),
  sub: formula((a, b) => a - b),
  mul: formula((a, b) => a * b),
  neg: formula((a) => -a),
  abs: formula((a) => Math.abs(a)),
  square: formula((a) => a * a, 1e-7),
  relu: formula((a) => (a > 0 ? a : 0)),
  mulScalar: formula((a, s) => a * f32(s), 1e-7),
  sigmoid: formula((a) => 1 / (1 + Math.exp(-a)), 1e-5),
  tanh: formula((a) => Math.tanh(a), 1e-5),
  sum: (out, args) => {
    const x = args[0];
    if (args.length !== 1 || !(x instanceof Tensor) || !(out instanceof Tensor) || out.size !== 1) return null;
    const want = x.toArray().reduce((s, v) => s + v, 0);
    const got = out.item();
    const scale = x.toArray().reduce((s, v) => s + Math.abs(v), 0);
    return Number.isFinite(want) && !(Math.abs(got - want) <= 1e-5 * Math.max(1, scale)) ? `sum is ${got}, the formula gives ${want}` : null;
  },
};

function opTarget(name: string): Target {
  const fn = (ops as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
  return {
    name: `ops.${name}`,
    cases: 32,
    finite: FINITE.has(name),
    make: (c) => {
      const args = c.mutateArgs(signatures[name](c));
      const formulaCheck = FORMULAS[name];
      return {
        args,
        call: () => fn(...args),
        check: formulaCheck && ((out) => formulaCheck(out, args)),
        mutates: name === "batchNorm",
        rerun: DETERMINISTIC.has(name) ? (moved) => fn(...moved) : undefined,
      };
    },
  };
}

function lossTarget(name: string): Target {
  const fn = (losses as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
  return {
    name: `losses.${name}`,
    cases: 20,
    finite: true,
    make: (c) => {
      const args = c.mutateArgs(signatures[name](c));
      return {
        args,
        call: () => fn(...args),
        check: (out) => (out instanceof Tensor && out.rank === 0 ? null : `returned ${show(out)}, expected a scalar Tensor`),
      };
    },
  };
}

// ---- tensor creation ----------------------------------------------------------------------

function creation(name: string, make: (c: Ctx) => { args: unknown[]; want?: (t: Tensor) => string | null }): Target {
  return {
    name,
    cases: 40,
    make: (c) => {
      const fns: Record<string, (...a: unknown[]) => Tensor> = { tensor, zeros, ones, full, rand, randn } as never;
      const { args, want } = make(c);
      return {
        args,
        call: () => fns[name](...args),
        check: (out) => (out instanceof Tensor ? (want?.(out) ?? null) : `returned ${show(out)}, expected a Tensor`),
      };
    },
  };
}

/** The shape argument: mostly valid, sometimes bad or of the wrong kind. */
function shapeArg(c: Ctx): unknown {
  return c.r.chance(0.7) ? c.shape() : c.r.chance(0.7) ? c.badShape() : c.wrong();
}

/** Options of a constructor: none, the case's backend, or something odd. */
function createOptions(c: Ctx, extra: Record<string, unknown> = {}): unknown {
  const k = c.r.int(0, 4);
  if (k === 0) return undefined;
  if (k <= 2) return { backend: c.be, requiresGrad: c.r.chance(0.3), ...extra };
  return c.r.chance(0.5) ? { ...extra, backend: c.wrong() } : c.wrong();
}

const sameShape = (t: Tensor, s: unknown) => (Array.isArray(s) && t.shape.join() === s.join() ? null : `shape ${show(t.shape)}, expected ${show(s)}`);
const allEqual = (t: Tensor, v: number) => t.toArray().every((x) => Object.is(x, f32(v)) || (Number.isNaN(x) && Number.isNaN(v))) ? null : `values ${show(t)}, expected all ${v}`;

const creationTargets: Target[] = [
  creation("tensor", (c) => {
    const s = c.shape();
    const n = s.reduce((a, d) => a * d, 1);
    const flat = Array.from({ length: n }, () => c.value(true));
    const k = c.r.int(0, 5);
    if (k === 0) return { args: [flat, s, createOptions(c)], want: (t) => sameShape(t, s) ?? (t.toArray().every((x, i) => Object.is(x, f32(flat[i]))) ? null : `values ${show(t)}, expected ${show(flat)}`) };
    if (k === 1) return { args: [Float64Array.from(flat), s, createOptions(c)], want: (t) => sameShape(t, s) };
    if (k === 2) return { args: [c.r.chance(0.5) ? [[1, 2], [3]] : [[1, [2]], [3, 4]], undefined, createOptions(c)] };
    if (k === 3) return { args: [flat, c.r.chance(0.5) ? c.badShape() : [n + 1]] };
    if (k === 4) return { args: [c.r.pick<unknown>([new BigInt64Array(2), "12", { length: 2 }, new Set([1]), [1, "2"], [null], [[1n]], new DataView(new ArrayBuffer(4))])] };
    return { args: [c.wrong(), c.r.chance(0.5) ? undefined : c.wrong()] };
  }),
  creation("zeros", (c) => { const s = shapeArg(c); return { args: [s, createOptions(c)], want: (t) => sameShape(t, s) ?? allEqual(t, 0) }; }),
  creation("ones", (c) => { const s = shapeArg(c); return { args: [s, createOptions(c)], want: (t) => sameShape(t, s) ?? allEqual(t, 1) }; }),
  creation("full", (c) => {
    const s = shapeArg(c);
    const v = c.r.chance(0.7) ? c.value(true) : c.wrong();
    return { args: [s, v, createOptions(c)], want: (t) => sameShape(t, s) ?? (typeof v === "number" ? allEqual(t, v) : `accepted the fill value ${show(v)}`) };
  }),
  creation("rand", (c) => {
    const s = shapeArg(c);
    const options = createOptions(c, { lo: c.r.chance(0.7) ? -1 : c.mutate(0), hi: c.r.chance(0.7) ? 2 : c.mutate(1) });
    // The bounds in force: those given, or [0, 1) when the options leave them out.
    const { lo = 0, hi = 1 } = (options ?? {}) as { lo?: unknown; hi?: unknown };
    return {
      args: [s, options],
      want: (t) => sameShape(t, s) ?? (typeof lo === "number" && typeof hi === "number" && lo < hi && Number.isFinite(hi - lo) && !t.toArray().every((x) => x >= f32(lo) && x <= f32(hi)) ? `values ${show(t)} outside [${lo}, ${hi})` : null),
    };
  }),
  creation("randn", (c) => {
    const s = shapeArg(c);
    return { args: [s, createOptions(c, c.r.chance(0.5) ? { mean: c.mutate(0), std: c.mutate(1) } : {})], want: (t) => sameShape(t, s) };
  }),
];

// ---- layers --------------------------------------------------------------------------------

/** How to build a layer and what to feed it: constructor arguments, then the forward arguments for the built layer. */
interface LayerSig {
  args: (c: Ctx) => unknown[];
  input: (c: Ctx, m: nn.Module, args: unknown[]) => unknown[];
  /** Names an error may carry besides the class's: the layers inside a container. */
  names?: string[];
  /** false: not compared across backends (its constructor arguments are modules of one backend). */
  parity?: false;
}

/** Whether m or a layer inside it drops values at random in training mode (then compared in eval mode only). */
function drawsRandom(m: nn.Module): boolean {
  const p = (m as unknown as { p?: unknown; dropout?: unknown });
  if ((m instanceof nn.Dropout || m instanceof nn.Dropout2d) && m.p > 0) return true;
  if (typeof p.dropout === "number" && p.dropout > 0) return true;
  return m.namedChildren().some(([, child]) => drawsRandom(child as nn.Module));
}

const feat = (c: Ctx) => c.r.int(1, 5);
/** [*, n] with up to two leading axes. */
const rows = (c: Ctx, n: number) => c.t([...c.shape(c.r.int(0, 2)), n]);
const anyInput = (c: Ctx) => [c.t(c.shape())];
const seq = (c: Ctx, n: number, batchFirst: boolean) => {
  const [b, t] = [c.r.int(1, 3), c.r.int(1, 4)];
  return c.t(batchFirst ? [b, t, n] : [t, b, n]);
};
const num = (v: unknown, d: number) => (typeof v === "number" ? v : d);
const opt = (a: unknown) => (a !== null && typeof a === "object" ? (a as Record<string, unknown>) : {});

const recurrentOptions = (c: Ctx) => ({ numLayers: c.r.int(1, 2), bidirectional: c.r.chance(0.3), batchFirst: c.r.chance(0.5), bias: c.r.chance(0.8) });
const recurrentInput = (c: Ctx, m: nn.Module, a: unknown[]) => {
  const o = opt(a[a.length === 4 ? 3 : 2]);
  const inputSize = num(a[a.length === 4 ? 1 : 0], 1);
  return [seq(c, inputSize, o.batchFirst === true)];
};
const cellInput = (c: Ctx, m: nn.Module, a: unknown[]) => {
  const [inF, h] = [num(a[a.length === 4 ? 1 : 0], 1), num(a[a.length === 4 ? 2 : 1], 1)];
  const b = c.r.int(1, 3);
  return c.r.chance(0.5) ? [c.t([b, inF])] : [c.t([b, inF]), c.t([b, h])];
};

const layers: Record<string, LayerSig> = {
  Linear: { args: (c) => [feat(c), feat(c), c.r.chance(0.3) ? { bias: false } : {}], input: (c, m, a) => [rows(c, num(a[0], 1))] },
  ReLU: { args: () => [], input: anyInput },
  LeakyReLU: { args: (c) => (c.r.chance(0.5) ? [] : [c.r.normal()]), input: anyInput },
  Sigmoid: { args: () => [], input: anyInput },
  Tanh: { args: () => [], input: anyInput },
  GELU: { args: (c) => (c.r.chance(0.5) ? [] : [{ approximate: c.r.pick(["none", "tanh"]) }]), input: anyInput },
  Softmax: { args: (c) => (c.r.chance(0.5) ? [] : [-1]), input: (c) => [c.t(c.shape(c.r.int(1, 4)))] },
  Dropout: { args: (c) => (c.r.chance(0.3) ? [] : [c.r.pick([0, 0.2, 0.5, 0.9])]), input: anyInput },
  Dropout2d: { args: (c) => (c.r.chance(0.3) ? [] : [c.r.pick([0, 0.2, 0.5])]), input: (c) => [c.t(image(c))] },
  Sequential: {
    parity: false,
    args: (c) => { const n = feat(c); return [new nn.Linear(3, n), new nn.ReLU(), new nn.Linear(n, 2)]; },
    input: (c) => [rows(c, 3)],
    names: ["Linear", "ReLU"],
  },
  RBF: { args: (c) => [feat(c), feat(c), c.r.pick<object>([{}, { basis: c.r.pick(["gaussian", "multiquadric", "inverseMultiquadric"]) }, { width: 0.5, learnableCenters: false }])], input: (c, m, a) => [rows(c, num(a[0], 1))] },
  MixtureOfExperts: {
    parity: false,
    args: (c) => { const e = c.r.int(1, 3); return [Array.from({ length: e }, () => new nn.Linear(2, 1)), new nn.Linear(2, e), c.r.chance(0.5) ? { topK: c.r.int(1, e) } : {}]; },
    input: (c) => [c.t([c.r.int(1, 4), 2])],
    names: ["Linear"],
  },
  RNN: { args: (c) => [feat(c), feat(c), { ...recurrentOptions(c), nonlinearity: c.r.pick(["tanh", "relu"]) }], input: recurrentInput },
  LSTM: { args: (c) => [feat(c), feat(c), recurrentOptions(c)], input: recurrentInput },
  GRU: { args: (c) => [feat(c), feat(c), recurrentOptions(c)], input: recurrentInput },
  RecurrentBase: { args: (c) => [c.r.pick(["rnnTanh", "lstm", "gru"]), feat(c), feat(c), recurrentOptions(c)], input: recurrentInput },
  RNNCell: { args: (c) => [feat(c), feat(c), { bias: c.r.chance(0.8), nonlinearity: c.r.pick(["tanh", "relu"]) }], input: cellInput },
  LSTMCell: { args: (c) => [feat(c), feat(c)], input: cellInput },
  GRUCell: { args: (c) => [feat(c), feat(c)], input: cellInput },
  CellBase: { args: (c) => [c.r.pick(["rnnTanh", "lstm", "gru"]), feat(c), feat(c), true], input: cellInput },
  Embedding: {
    args: (c) => [feat(c), feat(c)],
    input: (c, m, a) => { const ids = c.ints(c.r.int(0, 5), num(a[0], 1)); return [c.r.chance(0.5) ? ids : c.t([ids.length], { values: (i) => ids[i], requiresGrad: false })]; },
  },
  Conv2d: {
    args: (c) => [c.r.int(1, 3), c.r.int(1, 3), pair(c, 1, 3), c.r.pick<object>([{}, { padding: "same" }, { stride: 2, padding: 1 }, { bias: false }])],
    input: (c, m, a) => [c.t(image(c, num(a[0], 1)))],
  },
  ConvTranspose2d: {
    args: (c) => [c.r.int(1, 3), c.r.int(1, 3), pair(c, 1, 3), c.r.pick<object>([{}, { stride: 2, outputPadding: 1 }, { padding: 1 }, { bias: false }])],
    input: (c, m, a) => [c.t(image(c, num(a[0], 1)))],
  },
  MaxPool2d: { args: (c) => [pair(c, 1, 3), c.r.pick<object>([{}, { stride: 1 }, { stride: 1, padding: 1 }])], input: (c) => [c.t(image(c))] },
  AvgPool2d: { args: (c) => [pair(c, 1, 3), c.r.pick<object>([{}, { stride: 1 }, { stride: 1, padding: 1, countIncludePad: false }])], input: (c) => [c.t(image(c))] },
  AdaptiveAvgPool2d: { args: (c) => (c.r.chance(0.3) ? [] : [pair(c, 1, 3)]), input: (c) => [c.t(image(c))] },
  BatchNorm1d: {
    names: ["batchNorm"],
    args: (c) => [feat(c), c.r.pick<object>([{}, { affine: false }, { trackRunningStats: false }, { momentum: null }, { eps: 1e-3, momentum: 0.5 }])],
    input: (c, m, a) => { const f = num(a[0], 1); return [c.t(c.r.chance(0.5) ? [c.r.int(1, 4), f] : [c.r.int(1, 3), f, c.r.int(1, 4)])]; },
  },
  BatchNorm2d: {
    names: ["batchNorm"],
    args: (c) => [feat(c), c.r.pick<object>([{}, { affine: false }, { trackRunningStats: false }])],
    input: (c, m, a) => [c.t(image(c, num(a[0], 1)))],
  },
  Flatten: { args: (c) => (c.r.chance(0.5) ? [] : [c.r.int(0, 1), -1]), input: (c) => [c.t(c.shape(c.r.int(1, 4)))] },
  Unflatten: {
    args: (c) => [c.shape(c.r.int(1, 3)).map((d) => Math.max(d, 1))],
    input: (c, m, a) => {
      const s = Array.isArray(a[0]) ? (a[0] as number[]) : [1];
      const per = s.reduce((p, d) => p * num(d, 1), 1);
      // A shape of 2^31 values is refused by forward; the input then need not hold them.
      return [c.t([c.r.int(1, 3), Number.isInteger(per) && per >= 0 && per <= 4096 ? per : 1])];
    },
  },
  PrimaryCapsules: {
    args: (c) => [c.r.int(1, 3), c.r.int(1, 2), c.r.int(1, 4), pair(c, 1, 3), c.r.pick<object>([{}, { stride: 2 }, { padding: 1 }])],
    input: (c, m, a) => [c.t([c.r.int(1, 2), num(a[0], 1), c.r.int(3, 6), c.r.int(3, 6)])],
    names: ["Conv2d"],
  },
  DigitCapsules: {
    names: ["capsulePredictions"],
    args: (c) => [c.r.int(1, 4), c.r.int(1, 3), c.r.int(1, 3), c.r.int(1, 3), c.r.pick<object>([{}, { routingIterations: c.r.int(1, 3) }, { routingGradient: "last" }])],
    input: (c, m, a) => [c.t([c.r.int(1, 2), num(a[0], 1), num(a[1], 1)])],
  },
  LayerNorm: {
    args: (c) => [c.r.chance(0.5) ? feat(c) : [c.r.int(1, 3), c.r.int(1, 3)], c.r.pick<object>([{}, { eps: 1e-3 }, { elementwiseAffine: false }, { bias: false }])],
    input: (c, m, a) => {
      const s = typeof a[0] === "number" ? [a[0]] : Array.isArray(a[0]) ? (a[0] as number[]) : [1];
      // A normalized shape of 10^12 values is refused by the constructor; the input then need not hold them.
      const small = s.every((d) => Number.isInteger(d) && d >= 0) && s.reduce((p, d) => p * d, 1) <= 4096;
      return [c.t([...c.shape(c.r.int(0, 2)), ...(small ? s : [1])])];
    },
  },
  MultiheadAttention: {
    args: (c) => { const h = c.r.int(1, 3); return [h * c.r.int(1, 3), h, c.r.pick<object>([{}, { batchFirst: true }, { bias: false }, { kdim: 3, vdim: 2 }])]; },
    input: (c, m, a) => {
      const [e, o] = [num(a[0], 1), opt(a[2])];
      const [b, tq, tk] = [c.r.int(1, 2), c.r.int(1, 4), c.r.int(1, 4)];
      const s = (t: number, f: number) => (o.batchFirst === true ? [b, t, f] : [t, b, f]);
      return [c.t(s(tq, e)), c.t(s(tk, num(o.kdim, e))), c.t(s(tk, num(o.vdim, e))), c.r.pick<object>([{}, { needWeights: false }, { isCausal: true, attnMask: c.t([tq, tk], { requiresGrad: false }) }, { attnMask: c.t([tq, tk], { requiresGrad: false }) }])];
    },
  },
  TransformerEncoderLayer: {
    args: (c) => { const h = c.r.int(1, 2); return [h * c.r.int(1, 3), h, { dimFeedforward: c.r.int(1, 8), dropout: 0, batchFirst: c.r.chance(0.5), normFirst: c.r.chance(0.5), activation: c.r.pick(["relu", "gelu"]) }]; },
    input: (c, m, a) => [seq(c, num(a[0], 1), opt(a[2]).batchFirst === true), c.r.chance(0.5) ? {} : { isCausal: true }],
    names: ["MultiheadAttention", "LayerNorm", "Linear"],
  },
  TransformerDecoderLayer: {
    args: (c) => { const h = c.r.int(1, 2); return [h * c.r.int(1, 3), h, { dimFeedforward: c.r.int(1, 8), dropout: 0, batchFirst: c.r.chance(0.5) }]; },
    input: (c, m, a) => {
      const [e, bf] = [num(a[0], 1), opt(a[2]).batchFirst === true];
      const [b, t1, t2] = [c.r.int(1, 2), c.r.int(1, 3), c.r.int(1, 3)];
      const s = (t: number) => (bf ? [b, t, e] : [t, b, e]);
      return [c.t(s(t1)), c.t(s(t2)), c.r.chance(0.5) ? {} : { tgtIsCausal: true }];
    },
    names: ["MultiheadAttention", "LayerNorm", "Linear"],
  },
  TransformerEncoder: {
    parity: false,
    args: (c) => [new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 4, dropout: 0, batchFirst: true }), c.r.int(1, 2)],
    input: (c) => [seq(c, 4, true)],
    names: ["TransformerEncoderLayer", "MultiheadAttention", "LayerNorm", "Linear"],
  },
  SinusoidalPositionalEncoding: {
    args: (c) => [c.r.int(1, 3) * 2, c.r.int(4, 16), { batchFirst: c.r.chance(0.5) }],
    input: (c, m, a) => [seq(c, num(a[0], 1), opt(a[2]).batchFirst === true), c.r.chance(0.5) ? 0 : c.r.int(0, 3)],
  },
  LearnedPositionalEncoding: {
    args: (c) => [c.r.int(4, 16), c.r.int(1, 5), { batchFirst: c.r.chance(0.5) }],
    input: (c, m, a) => [seq(c, num(a[1], 1), opt(a[2]).batchFirst === true), c.r.chance(0.5) ? 0 : c.r.int(0, 3)],
  },
};

function layerTarget(name: string): Target {
  const Layer = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[name];
  return {
    name: `nn.${name}`,
    cases: 20,
    make: (c) => {
      const sig = layers[name];
      const owned: unknown[] = [];
      const raw = sig.args(c);
      owned.push(raw);
      const args = c.r.chance(0.6) ? raw : c.mutateArgs(raw);
      let problem: string | null = null;
      return {
        args,
        owned,
        names: sig.names,
        mutates: true,
        call: () => {
          const m = new Layer(...args);
          owned.push(m);
          if (c.r.chance(0.3)) m.eval();
          const input = sig.input(c, m, args);
          const fwd = c.r.chance(0.6) ? input : c.mutateArgs(input);
          owned.push(fwd);
          const out = (m.forward as (...a: unknown[]) => unknown)(...fwd);
          if (tensorsIn(out).size === 0) problem = `forward returned ${show(out)}, no tensor`;
          else if (sig.parity !== false && (!m.training || !drawsRandom(m)) && moderate(fwd)) {
            // The same layer on the other backend, with these weights, must compute the same.
            setBackend(c.other.name);
            let twin: nn.Module;
            try {
              twin = new Layer(...args);
            } finally {
              setBackend(c.be.name);
            }
            owned.push(twin);
            twin.loadStateDict(m.stateDict());
            twin.train(m.training);
            problem = parity(c, fwd, out, (moved) => (twin.forward as (...a: unknown[]) => unknown)(...moved));
          }
          return out;
        },
        check: () => problem,
      };
    },
  };
}

// ---- optimizers ------------------------------------------------------------------------------

function optimizerTarget(name: "SGD" | "Adam" | "AdamW" | "RMSprop"): Target {
  const Opt = optim[name] as unknown as new (ps: unknown, o?: unknown) => optim.Optimizer;
  return {
    name: `optim.${name}`,
    cases: 40,
    finite: true,
    make: (c) => {
      const params = Array.from({ length: c.r.int(1, 3) }, () => c.t(c.shape(), { requiresGrad: true }));
      const good: Record<string, unknown> =
        name === "SGD" ? { lr: 0.1, ...c.r.pick([{}, { momentum: 0.9 }, { momentum: 0.9, nesterov: true }, { weightDecay: 0.01, momentum: 0.5, dampening: 0.1 }]) }
        : name === "RMSprop" ? c.r.pick([{}, { lr: 0.01, momentum: 0.5 }, { alpha: 0.9, centered: true }])
        : c.r.pick([{}, { lr: 0.01, betas: [0.8, 0.9] }, { weightDecay: 0.1, amsgrad: true }]);
      const [ps, options] = c.mutateArgs([params, good]);
      // Gradients are made before the call, so that the finite-values rule sees them.
      const grads = params.map((p) => (c.r.chance(0.8) ? c.t(p.shape, { requiresGrad: false }) : null));
      const owned: unknown[] = [params];
      return {
        args: [ps, options, grads],
        owned,
        mutates: true,
        call: () => {
          const o = new Opt(ps, options);
          owned.push(o);
          params.forEach((p, k) => (p.grad = grads[k]));
          if (c.r.chance(0.2)) {
            const p = c.r.pick(params);
            const g = c.t(c.shape(), { requiresGrad: false });
            try {
              p.grad = g;
            } catch (e) {
              const bad = badError(e, ["grad"]);
              if (bad !== null) throw new Error(`grad setter: ${bad}`);
            }
          }
          o.step();
          if (c.r.chance(0.5)) o.step();
          o.zeroGrad();
          o.dispose();
          return ps;
        },
      };
    },
  };
}

// ---- dataset -------------------------------------------------------------------------------------

const datasetTarget: Target = {
  name: "dataset",
  cases: 140,
  make: (c) => {
    const n = c.r.int(0, 5);
    const f = c.r.int(1, 3);
    const rowsOf = (w: number) => Array.from({ length: n }, () => Array.from({ length: w }, () => c.value(c.r.chance(0.2))));
    const k = c.r.int(0, 3);
    const x = k === 0 ? rowsOf(f) : k === 1 ? c.t([n, f], { requiresGrad: false }) : k === 2 ? Float32Array.from(rowsOf(f).flat()) : rowsOf(f).flat();
    const y = c.r.chance(0.5) ? c.ints(n, 3) : rowsOf(1);
    const shapes = c.r.pick<unknown>([undefined, { sampleShape: [f] }, { sampleShape: [f], targetShape: [] }, { targetShape: [1] }]);
    const args = c.mutateArgs([x, y, shapes]);
    return {
      args,
      call: () => (dataset as (...a: unknown[]) => unknown)(...args),
      check: (d) => {
        const ds = d as { x: Float32Array; y: Float32Array; length: number };
        return ds.x instanceof Float32Array && ds.y instanceof Float32Array && Number.isInteger(ds.length) && ds.x.every(Number.isFinite) ? null : `returned ${show(d)}`;
      },
    };
  },
};

// ---- the suite -------------------------------------------------------------------------------------

const opNames = Object.keys(ops).sort();
const layerNames = Object.entries(nn).filter(([, v]) => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof nn.Module).map(([k]) => k).sort();

beforeAll(async () => {
  await ready();
});

afterAll(() => setBackend("wasm"));

describe("fuzz: the public API on random and hostile arguments (seed 20261202)", () => {
  it("every op, layer and loss has a signature (an op added without one fails here)", () => {
    expect(opNames.filter((n) => signatures[n] === undefined)).toEqual([]);
    expect(Object.keys(signatures).filter((n) => !opNames.includes(n))).toEqual([]);
    expect(layerNames.filter((n) => layers[n] === undefined)).toEqual([]);
    expect(Object.keys(losses).filter((n) => signatures[n] === undefined)).toEqual([]);
    expect(opNames.length).toBe(50);
    expect(layerNames.length).toBe(39);
  });

  const groups: [string, Target[]][] = [
    ["ops", opNames.map(opTarget)],
    ["tensor creation", creationTargets],
    ["nn layers: constructor and forward", layerNames.map(layerTarget)],
    ["losses", Object.keys(losses).sort().map(lossTarget)],
    ["optimizers: constructor and step", (["SGD", "Adam", "AdamW", "RMSprop"] as const).map(optimizerTarget)],
    ["dataset", [datasetTarget]],
  ];
  for (const [group, targets] of groups) {
    it.each(targets.map((t) => [t.name, t] as const))(`${group}: %s`, (_, t) => {
      const start = failures.length;
      runTarget(t);
      expect(failures.slice(start)).toEqual([]);
    });
  }

  it("ran every case it generated", () => {
    const total = Object.values(counts).reduce((a, n) => a + n, 0);
    if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, failures.join("\n"));
    const planned = groups.flatMap(([, ts]) => ts).reduce((a, t) => a + t.cases, 0);
    console.log(`fuzz: ${total} cases (${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(", ")}); slowest ${slowest.what} ${slowest.ms.toFixed(0)} ms`);
    expect(total).toBe(planned);
    expect(total).toBe(3000);
  });
});
