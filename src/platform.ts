// The one door to Node's built-in modules. wasmnn's entry must load in a page and in every
// bundler, so no file reachable from it imports a Node module: code that needs one in Node asks
// here, through `process.getBuiltinModule` (Node ≥ 20.16), a plain function call that no bundler
// follows. Outside Node the call throws, naming the function that needed it.
//
//   const fs = nodeBuiltin<typeof import("node:fs")>("fs", "saveModel");

/** The parts of a URL that wasmnn reads (the global `URL` has them; declared here so that the types need no DOM library). */
export interface UrlLike {
  /** The URL as a string. */
  readonly href: string;
}

type GetBuiltin = (id: string) => unknown;

function getBuiltin(): GetBuiltin | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process;
  return typeof proc?.getBuiltinModule === "function" ? proc.getBuiltinModule : null;
}

/** True in Node (≥ 20.16), where nodeBuiltin works. */
export function hasNodeBuiltins(): boolean {
  return getBuiltin() !== null;
}

/** Node's built-in module `id` ("fs", "path", "module", …); `caller` names the function in the error elsewhere. */
export function nodeBuiltin<T>(id: string, caller: string): T {
  const get = getBuiltin();
  if (get === null) {
    throw new Error(`${caller}: needs Node's ${id} module (Node ≥ 20.16), which this environment does not have`);
  }
  return get(`node:${id}`) as T;
}
