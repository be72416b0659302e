// The check every model factory makes of its options object: an object, no key it does not know
// (a misspelt `hiden` would otherwise be ignored and the default silently used), and the keys it
// cannot do without.

/** Every key of an options type, so that the compiler insists the list is complete. */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: "required" | "optional" };

/**
 * Throw unless `options` is an object whose keys are all in `keys` and which has every key marked
 * "required", naming the model, the key and the keys it takes.
 */
export function checkModelOptions<T>(model: string, options: unknown, keys: OptionKeys<T>): void {
  const all = Object.keys(keys);
  const takes = `${model} takes ${all.join(", ")}`;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new Error(`${model}: options must be an object, got ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options}; ${takes}`);
  }
  for (const k of Object.keys(options)) {
    if (!Object.hasOwn(keys, k)) throw new Error(`${model}: unknown option "${k}"; ${takes}`);
  }
  for (const k of all) {
    if ((keys as Record<string, string>)[k] === "required" && (options as Record<string, unknown>)[k] === undefined) {
      throw new Error(`${model}: option "${k}" is required; ${takes}`);
    }
  }
}
