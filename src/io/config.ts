// config.json: the architecture of a model, so that a file can rebuild it with no user code.
//
// A model is a tree of modules; its config is the same tree with one JSON object per module,
// `{ "type": "Linear", "inFeatures": 784, "outFeatures": 128, "bias": true }`, containers holding
// their children's configs (`{ "type": "Sequential", "layers": [...] }`). Each module type is one
// entry of a registry: how to describe an instance, and how to build one from its description.
// Field names are the constructor's (camelCase, as everywhere in wasmnn); the weights themselves
// are in model.safetensors under PyTorch's names.
//
// Reading is strict: an unknown type, a missing or mistyped field, or a field the type does not
// have is an error naming the place in the file ("config.json: model.layers[2] (Conv2d): ...").
import type { AnyModule, Module } from "../nn/module.js";
import type { Random } from "../tensor/random.js";

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/**
 * One module in config.json: its registered `type` name and its constructor options.
 *
 * @property type The name the module's class is registered under ("Linear", "Sequential", …).
 */
export type ModuleConfig = { type: string } & { [key: string]: Json };

/**
 * Typed, checked access to one module's config object; records which fields were read.
 *
 * @example const c = new ConfigReader({ type: "Dropout", p: 0.5 }, "model.layers[1]");
 * c.number("p");   // 0.5
 * c.int("size");   // throws: model.layers[1]: "size" must be an integer ≥ 1, got nothing
 */
export class ConfigReader {
  private readonly used = new Set<string>(["type"]);

  /**
   * @param raw The module's config object as parsed.
   * @param where Where it sits in the file ("model.layers[2]"), for error messages.
   */
  constructor(readonly raw: Record<string, unknown>, readonly where: string) {}

  /** Throw: `where: "field" must be expected, got …`. */
  fail(field: string, expected: string): never {
    const got = this.raw[field];
    throw new Error(`${this.where}: "${field}" must be ${expected}, got ${got === undefined ? "nothing" : JSON.stringify(got)}`);
  }

  /** Whether the config has `field`. */
  has(field: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.raw, field);
  }

  /** The raw value of `field` (undefined when absent), marked as read. */
  value(field: string): unknown {
    this.used.add(field);
    return this.has(field) ? this.raw[field] : undefined;
  }

  /** An integer ≥ min (default 1). */
  int(field: string, min = 1): number {
    const v = this.value(field);
    if (!Number.isSafeInteger(v) || (v as number) < min) this.fail(field, `an integer ≥ ${min}`);
    return v as number;
  }

  /** An integer ≥ min (default 1), or `fallback` when the field is absent. */
  optInt(field: string, fallback: number, min = 1): number {
    return this.has(field) ? this.int(field, min) : (this.value(field), fallback);
  }

  /** A finite number, or an error naming the field. */
  number(field: string): number {
    const v = this.value(field);
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(field, "a finite number");
    return v;
  }

  /** A number, or `fallback` when the field is absent. */
  optNumber(field: string, fallback: number): number {
    return this.has(field) ? this.number(field) : (this.value(field), fallback);
  }

  /** true or false; `fallback` when absent, if given. */
  bool(field: string, fallback?: boolean): boolean {
    const v = this.value(field);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== "boolean") this.fail(field, "true or false");
    return v;
  }

  /** One of the `allowed` strings; `fallback` when absent, if given. */
  choice<T extends string>(field: string, allowed: readonly T[], fallback?: T): T {
    const v = this.value(field);
    if (v === undefined && fallback !== undefined) return fallback;
    if (!allowed.includes(v as T)) this.fail(field, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
    return v as T;
  }

  /** A list (of child configs). */
  list(field: string, what: string): unknown[] {
    const v = this.value(field);
    if (!Array.isArray(v)) this.fail(field, `a list of ${what}`);
    return v;
  }

  /** A list of integers ≥ min (default 1). */
  ints(field: string, min = 1, length?: number): number[] {
    const v = this.value(field);
    const ok = Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && d >= min) && (length === undefined || v.length === length);
    if (!ok) this.fail(field, `a list of ${length ?? ""}${length ? " " : ""}integers ≥ ${min}`);
    return [...(v as number[])];
  }

  /** A number or [h, w] pair of integers ≥ min, as the layers take them. */
  pair(field: string, min: number): number | [number, number] {
    const v = this.value(field);
    if (Number.isSafeInteger(v) && (v as number) >= min) return v as number;
    if (Array.isArray(v) && v.length === 2 && v.every((d) => Number.isSafeInteger(d) && d >= min)) return [v[0], v[1]];
    this.fail(field, `an integer ≥ ${min} or a pair of them`);
  }

  /** An optional pair: undefined when the field is absent. */
  optPair(field: string, min: number): number | [number, number] | undefined {
    return this.has(field) ? this.pair(field, min) : (this.value(field), undefined);
  }

  /** Fields present in the file that the type did not read. */
  unused(): string[] {
    return Object.keys(this.raw).filter((k) => !this.used.has(k));
  }
}

/** How one module type is described in config.json and rebuilt from it. */
export interface LayerEntry<M extends AnyModule = Module> {
  /** The "type" string in config.json (the class name). */
  type: string;
  /** The class; only exact instances use this entry (a subclass needs its own). */
  cls: abstract new (...args: never[]) => M;
  /** The fields of an instance (without "type"); `child` describes a nested module found at field `at`. */
  toConfig(m: M, child: (m: AnyModule, at: string) => ModuleConfig): Record<string, Json>;
  /** Build an instance; `child` builds a nested module from its config, `where` naming it. */
  fromConfig(c: ConfigReader, child: (raw: unknown, where: string) => Module): M;
  /** Random generators the module owns (checkpoints save and restore their state). */
  generators?(m: M): Random[];
}

const byType = new Map<string, LayerEntry<AnyModule>>();
const byClass = new Map<unknown, LayerEntry<AnyModule>>();

/**
 * Add a module type to config.json (and to load()). One entry per type.
 *
 * @example // A custom layer that save() can describe and load() can rebuild
 * class Scale extends nn.Module {
 *   constructor(readonly factor: number) { super(); }
 *   forward(x: Tensor): Tensor { return ops.mulScalar(x, this.factor); }
 * }
 * registerLayer({ type: "Scale", cls: Scale, toConfig: (m) => ({ factor: m.factor }), fromConfig: (c) => new Scale(c.number("factor")) });
 */
export function registerLayer<M extends AnyModule>(entry: LayerEntry<M>): void {
  if (byType.has(entry.type)) throw new Error(`registerLayer: "${entry.type}" is already registered`);
  byType.set(entry.type, entry as unknown as LayerEntry<AnyModule>);
  byClass.set(entry.cls, entry as unknown as LayerEntry<AnyModule>);
}

/** The entry for m's exact class, or undefined. */
export function entryOf(m: AnyModule): LayerEntry<AnyModule> | undefined {
  return byClass.get(m.constructor);
}

/**
 * The config of a model; an error names the first module without an entry and where it is.
 *
 * @example const c = io.moduleConfig(new nn.Linear(2, 3)); // { type: "Linear", inFeatures: 2, outFeatures: 3, bias: true }
 */
export function moduleConfig(m: AnyModule, where = "model"): ModuleConfig {
  const entry = entryOf(m);
  if (entry === undefined) {
    throw new Error(`config: ${where} is a ${m.constructor.name}, which has no config.json entry (built-in layers and models.* have one; save the weights with toSafetensors and rebuild the model in code, or registerLayer it)`);
  }
  const fields = entry.toConfig(m, (c, at) => moduleConfig(c, `${where}.${at}`));
  return { type: entry.type, ...fields };
}

const MAX_DEPTH = 64;

/**
 * Build a model from its config (the "model" object of config.json).
 *
 * @example const m = io.buildModule({ type: "Linear", inFeatures: 2, outFeatures: 3 }); // a fresh nn.Linear(2, 3)
 */
export function buildModule(raw: unknown, where = "model", file = "config.json", depth = 0): Module {
  if (depth > MAX_DEPTH) throw new Error(`${file}: ${where} is nested more than ${MAX_DEPTH} modules deep`);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${file}: ${where} must be an object with a "type", got ${JSON.stringify(raw)}`);
  const type = (raw as Record<string, unknown>).type;
  const entry = typeof type === "string" ? byType.get(type) : undefined;
  if (entry === undefined) throw new Error(`${file}: ${where} has unknown layer type ${JSON.stringify(type)} (known: ${[...byType.keys()].join(", ")})`);
  const reader = new ConfigReader(raw as Record<string, unknown>, `${file}: ${where} (${entry.type})`);
  let m: Module;
  try {
    // A layer with its own forward signature (MultiheadAttention) is handed back as a Module too.
    m = entry.fromConfig(reader, (child, at) => buildModule(child, `${where}.${at}`, file, depth + 1)) as Module;
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith(file) ? msg : `${reader.where}: ${msg}`);
  }
  const extra = reader.unused();
  if (extra.length > 0) throw new Error(`${reader.where}: unknown field${extra.length > 1 ? "s" : ""} ${extra.map((k) => JSON.stringify(k)).join(", ")}`);
  return m;
}

/** Every random generator owned by m's modules, by module path (for checkpoints). */
export function moduleGenerators(m: AnyModule, prefix = ""): [string, Random][] {
  const own = (entryOf(m)?.generators?.(m as Module) ?? []).map((g, i): [string, Random] => [`${prefix}${i}`, g]);
  return [...own, ...m.namedChildren().flatMap(([n, c]) => moduleGenerators(c, `${prefix}${n}.`))];
}
