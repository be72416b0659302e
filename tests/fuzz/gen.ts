// Random arguments for the API fuzzer: a seeded xorshift generator, random shapes and values
// (NaN, ±Infinity, −0, 1e38, 1e-45, empty axes), and values of the wrong kind.
import { backend, Tensor, tensor, type Backend } from "../../src/index.js";

/** Marsaglia's xorshift32: a few lines, the same sequence on every platform. */
export class Xorshift {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s / 2 ** 32;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }

  /** A standard normal value (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** A seed per target, so that each target's cases do not move when another target changes. */
export function seedFor(base: number, name: string): number {
  let h = base >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export const SPECIAL_VALUES = [NaN, Infinity, -Infinity, -0, 1e38, -1e38, 1e-45, -1e-45, 0] as const;
/** Sizes that a shape must refuse: negative, fractional, NaN, infinite, past any heap. */
export const BAD_DIMS = [-1, -3, 2.5, NaN, Infinity, 2 ** 31, 1e12] as const;
/** Strings that look up keys of Object.prototype where a name is matched against a table. */
export const BAD_STRINGS = ["abc", "", "toString", "__proto__", "constructor"] as const;

/**
 * One fuzz case: the generator, the backend it runs on, and every tensor it made (freed after
 * the call, so that liveTensors() can be compared with what it was before).
 */
export class Ctx {
  readonly made: Tensor[] = [];

  constructor(readonly r: Xorshift, readonly be: Backend, readonly other: Backend) {}

  /** A size 0–7, mostly 1–4. */
  dim(): number {
    return this.r.chance(0.08) ? 0 : this.r.chance(0.85) ? this.r.int(1, 4) : this.r.int(5, 7);
  }

  shape(rank = this.r.int(0, 4)): number[] {
    return Array.from({ length: rank }, () => this.dim());
  }

  /** A shape an op or constructor must refuse (or, for a huge size, fail to allocate, with a message). */
  badShape(): unknown {
    const s: unknown[] = this.shape(this.r.int(1, 4));
    s[this.r.int(0, s.length - 1)] = this.r.chance(0.15) ? this.r.pick(["2", null, 1n, undefined]) : this.r.pick(BAD_DIMS);
    return s;
  }

  /** A value for a tensor: mostly N(0, 1), sometimes a special one. */
  value(specials: boolean): number {
    return specials && this.r.chance(0.25) ? this.r.pick(SPECIAL_VALUES) : Math.fround(this.r.normal() * 2);
  }

  /** A tensor of `shape` on this case's backend. */
  t(shape: readonly number[], options: { requiresGrad?: boolean; values?: (i: number) => number; be?: Backend } = {}): Tensor {
    const n = shape.reduce((a, d) => a * d, 1);
    const specials = this.r.chance(0.15);
    const data = Float32Array.from({ length: n }, (_, i) => (options.values ? options.values(i) : this.value(specials)));
    const x = tensor(data, shape, { backend: options.be ?? this.be, requiresGrad: options.requiresGrad ?? this.r.chance(0.3) });
    this.made.push(x);
    return x;
  }

  /** Integers in [0, n) (class labels, ids), as a plain array. */
  ints(count: number, n: number): number[] {
    return Array.from({ length: count }, () => this.r.int(0, Math.max(0, n - 1)));
  }

  /** A value of the wrong kind, for any argument. */
  wrong(): unknown {
    switch (this.r.int(0, 11)) {
      case 0: return this.r.pick(BAD_STRINGS);
      case 1: return null;
      case 2: return undefined;
      case 3: return { shape: [2], data: [1, 2] };
      case 4: return [1, 2];
      case 5: return 1n;
      case 6: return this.r.pick(SPECIAL_VALUES);
      case 7: return () => 0;
      case 8: return true;
      case 9: {
        const x = this.t(this.shape(), { requiresGrad: false });
        x.dispose();
        return x;
      }
      case 10: return this.t(this.shape(), { be: this.other });
      default: return this.r.pick(BAD_DIMS);
    }
  }

  /** A tensor argument changed into one an op may refuse: another shape, empty, or of the wrong kind. */
  mutateTensor(x: Tensor): unknown {
    const k = this.r.int(0, 3);
    if (k === 0) return this.t(this.shape(), { requiresGrad: x.requiresGrad });
    if (k === 1) return this.t(x.shape.map((d) => (this.r.chance(0.5) ? 0 : d)), { requiresGrad: x.requiresGrad });
    if (k === 2) return this.t(x.shape, { values: () => this.r.pick(SPECIAL_VALUES), requiresGrad: x.requiresGrad });
    return this.wrong();
  }

  /** One argument changed to something else, recursing into arrays and option objects. */
  mutate(v: unknown, depth = 0): unknown {
    if (v instanceof Tensor) return this.mutateTensor(v);
    if (Array.isArray(v) && v.length > 0 && depth < 2 && this.r.chance(0.6)) {
      const out = [...v];
      const i = this.r.int(0, out.length - 1);
      out[i] = this.mutate(out[i], depth + 1);
      return out;
    }
    if (v !== null && typeof v === "object" && !Array.isArray(v) && depth < 2 && this.r.chance(0.7)) {
      const keys = Object.keys(v);
      if (keys.length > 0) {
        const k = this.r.pick(keys);
        return { ...v, [k]: this.mutate((v as Record<string, unknown>)[k], depth + 1) };
      }
    }
    if (typeof v === "number") {
      const k = this.r.int(0, 3);
      if (k === 0) return this.r.pick(SPECIAL_VALUES);
      if (k === 1) return this.r.pick(BAD_DIMS);
      if (k === 2) return v + this.r.pick([-1, 1, -7, 7]);
    }
    return this.wrong();
  }

  /** The arguments, unchanged (about a third of the cases) or with one or two arguments mutated. */
  mutateArgs(args: unknown[]): unknown[] {
    if (args.length === 0 || this.r.chance(0.35)) return args;
    const out = [...args];
    const times = this.r.chance(0.8) ? 1 : 2;
    for (let n = 0; n < times; n++) {
      const i = this.r.int(0, out.length - 1);
      out[i] = this.mutate(out[i]);
    }
    return out;
  }
}

/** Both backends, the case's one first. */
export function backends(name: "js" | "wasm"): [Backend, Backend] {
  return name === "js" ? [backend("js"), backend("wasm")] : [backend("wasm"), backend("js")];
}

/** Every Tensor reachable from v (arrays, plain objects, class instances, Maps, Sets). */
export function tensorsIn(v: unknown, out = new Set<Tensor>()): Set<Tensor> {
  const seen = new Set<object>();
  const todo: unknown[] = [v];
  while (todo.length > 0) {
    const x = todo.pop();
    if (x === null || typeof x !== "object" || seen.has(x)) continue;
    seen.add(x);
    if (x instanceof Tensor) {
      out.add(x);
      if (x.grad !== null) todo.push(x.grad);
      continue;
    }
    if (ArrayBuffer.isView(x) || x instanceof ArrayBuffer) continue;
    if (x instanceof Map) for (const [k, y] of x) todo.push(k, y);
    else if (x instanceof Set) for (const y of x) todo.push(y);
    else for (const y of Object.values(x)) todo.push(y);
  }
  return out;
}

/** A short description of an argument list, to reproduce a failing case by hand. */
export function show(v: unknown, depth = 0): string {
  if (v instanceof Tensor) {
    if (v.disposed) return `disposed Tensor[${v.shape.join(", ")}]`;
    const vals = Array.from(v.toArray().slice(0, 4), (x) => (Object.is(x, -0) ? "-0" : String(x)));
    return `Tensor[${v.shape.join(", ")}]${v.backend.name}${v.requiresGrad ? " grad" : ""}(${vals.join(", ")}${v.size > 4 ? ", …" : ""})`;
  }
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "a function";
  if (Object.is(v, -0)) return "-0";
  if (Array.isArray(v)) return depth > 2 ? "[…]" : `[${v.map((x) => show(x, depth + 1)).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    if (depth > 2) return "{…}";
    const name = v.constructor?.name;
    if (name !== undefined && name !== "Object") return name;
    return `{${Object.entries(v).map(([k, x]) => `${k}: ${show(x, depth + 1)}`).join(", ")}}`;
  }
  return String(v);
}
