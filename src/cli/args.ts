// Shared option handling for the CLI tasks.
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type Options = Record<string, string | boolean | undefined>;

/** A decimal number as people type one: "3", "-0.5", ".5", "1e-3". Not "", " 5", "0x10", "5abc", "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Options that count things, with their least value: a fraction, or less than that, is refused.
 * "1e3" is accepted where it is a whole number (1000), as a number is written in code.
 */
const COUNTS: Record<string, number> = {
  "batch-size": 1, centers: 1, chars: 0, code: 1, context: 1, conv: 1, dim: 1, embed: 1, epochs: 1, every: 1, experts: 1,
  heads: 1, hidden: 1, layers: 1, length: 1, primary: 1, routing: 1, "seq-len": 1, "spiral-centers": 1, steps: 1, "top-k": 1, warmup: 0,
};

/** The seeds the generator takes: 32-bit unsigned integers. */
export const SEED_MAX = 2 ** 32 - 1;

/** A numeric option, or `fallback` when absent. */
export function num(o: Options, name: string, fallback: number): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== "string" || !DECIMAL.test(v)) throw new Error(`--${name}: expected a number, got ${typeof v === "string" ? JSON.stringify(v) : "no value"}`);
  const n = Number(v);
  if (name === "seed" && (!Number.isInteger(n) || n < 0 || n > SEED_MAX)) throw new Error(`--seed: expected an integer from 0 to ${SEED_MAX}, got "${v}"`);
  const least = COUNTS[name];
  if (least !== undefined && (!Number.isInteger(n) || n < least)) throw new Error(`--${name}: expected an integer ≥ ${least}, got "${v}"`);
  return n;
}

/** A string option, checked against its allowed values. */
export function choice<T extends string>(o: Options, name: string, allowed: readonly T[], fallback: T): T {
  const v = o[name] ?? fallback;
  if (!allowed.includes(v as T)) throw new Error(`--${name}: expected one of ${allowed.join(", ")}, got "${String(v)}"`);
  return v as T;
}

/**
 * Make sure a path an option names can be written before any training starts: a directory
 * (`--out`, `--save`) is created, and so is the directory a file (`--filters`, `--attention`)
 * goes in, as the task itself would; then it must be writable.
 */
export function checkWritable(flag: string, path: string | boolean | undefined, kind: "directory" | "file"): void {
  if (path === undefined) return;
  if (typeof path !== "string" || path === "") throw new Error(`--${flag}: expected a ${kind} path, got ${typeof path === "string" ? '""' : "no value"}`);
  const dir = kind === "directory" ? path : dirname(path);
  try {
    // One level at a time from the deepest existing ancestor: a recursive mkdir under /proc never returns.
    const missing: string[] = [];
    for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
    for (const d of missing) mkdirSync(d);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new Error(`--${flag} ${path}: cannot create or write the directory ${JSON.stringify(dir)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
