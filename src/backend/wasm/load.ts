// Instantiating the Wasm core, in Node and in browsers.
//
// wasmnn uses @assemblyscript/loader: it accepts bytes, a Response or a compiled Module alike
// (streaming compilation in browsers when given a fetch), and it supplies the `abort` import that
// the debug build's assertions call, turning a failed kernel assertion into a readable Error.
import { instantiate } from "@assemblyscript/loader";
import type { CoreExports } from "./exports.js";

/** Where to find the core: a URL or path, its bytes, or an already compiled module. */
export type WasmSource = string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module | Response | Promise<Response>;

const isNode = typeof process !== "undefined" && process.versions?.node !== undefined;

/** The default location: `wasmnn.wasm` at the root of dist/, else the build/ folder of a source checkout. */
async function defaultSource(debug: boolean): Promise<WasmSource> {
  const file = debug ? "wasmnn.debug.wasm" : "wasmnn.wasm";
  const beside = new URL(`../../../${file}`, import.meta.url);
  if (!isNode) return fetch(beside);
  const fs = await import("node:fs");
  const inBuild = new URL(`../../../build/${file}`, import.meta.url);
  return fs.existsSync(beside) ? beside : inBuild;
}

async function toInstantiable(source: WasmSource): Promise<ArrayBuffer | Uint8Array | WebAssembly.Module | Response | Promise<Response>> {
  if (typeof source === "string" || source instanceof URL) {
    const url = source instanceof URL ? source : /^[a-z]+:/i.test(source) ? new URL(source) : null;
    if (isNode && (url === null || url.protocol === "file:")) {
      const fs = await import("node:fs/promises");
      return fs.readFile(url ?? source);
    }
    return fetch(url ?? source);
  }
  return source;
}

export async function instantiateCore(source?: WasmSource, debug = false): Promise<CoreExports> {
  const src = await toInstantiable(source ?? (await defaultSource(debug)));
  try {
    const { exports } = await instantiate<Record<string, unknown>>(src as never, {});
    return exports as unknown as CoreExports;
  } catch (err) {
    const where = typeof source === "string" || source instanceof URL ? String(source) : "the given source";
    throw new Error(`wasmnn: could not instantiate the Wasm core from ${where}: ${(err as Error).message}`);
  }
}
