// Shared option handling for the CLI tasks.
export type Options = Record<string, string | boolean | undefined>;

/** A numeric option, or `fallback` when absent. */
export function num(o: Options, name: string, fallback: number): number {
  const v = o[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== "string" || !Number.isFinite(n)) throw new Error(`--${name}: expected a number, got "${String(v)}"`);
  return n;
}

/** A string option, checked against its allowed values. */
export function choice<T extends string>(o: Options, name: string, allowed: readonly T[], fallback: T): T {
  const v = o[name] ?? fallback;
  if (!allowed.includes(v as T)) throw new Error(`--${name}: expected one of ${allowed.join(", ")}, got "${String(v)}"`);
  return v as T;
}
