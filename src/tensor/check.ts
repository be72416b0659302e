// Checks shared by the API boundaries (optimizers, state dicts): how to name a bad value in an
// error message, and whether values survive the conversion to f32 that storing them implies.
import { fmt } from "./shape.js";
import { Tensor } from "./tensor.js";

/** A short description of a value that is not what was expected, for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return v.length <= 8 ? `[${v.map(describe).join(", ")}]` : `an array of ${v.length}`;
  if (typeof v === "object") {
    if (v instanceof Tensor) return `Tensor${fmt(v.shape)}`;
    const name = v.constructor?.name ?? "object";
    return `${/^[AEIOU]/i.test(name) ? "an" : "a"} ${name}`;
  }
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  return typeof v === "function" ? "a function" : String(v);
}

/**
 * Values that are finite as f32, which is how they will be stored: a Float64Array's 1e39 is
 * finite as a double but becomes Infinity in a Float32Array, so it is checked after the rounding.
 */
export function checkF32(where: string, values: ArrayLike<number>): void {
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (typeof v !== "number") throw new Error(`${where} holds ${describe(v)} at index ${j}, expected a number`);
    if (!Number.isFinite(v)) throw new Error(`${where} holds a non-finite value (${v}) at index ${j}`);
    if (!Number.isFinite(Math.fround(v))) throw new Error(`${where} holds ${v} at index ${j}, which is ${Math.fround(v)} as f32 (|x| ≤ 3.4028235e38 expected)`);
  }
}

/** Plain numbers as f32 values; any other entry (a bigint, a string) is named with its index. */
export function numbersOf(where: string, values: ArrayLike<unknown>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") throw new Error(`${where} holds ${describe(v)} at index ${i}, expected a number`);
    out[i] = v;
  }
  return out;
}
