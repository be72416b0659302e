// Instantiating the Wasm core, in Node and in browsers.
//
// Where the core comes from when ready() is given no location:
// - Node: the file dist/wasmnn.wasm of the package (or build/ in a source checkout), read with
//   fs, reached through src/platform.ts so that no bundler meets a Node module in this graph.
// - Everywhere else: the copy inlined as base64 in wasm-inline.js, loaded by a relative dynamic
//   import. That is the one kind of reference every bundler follows with no configuration:
//   esbuild and Rollup leave `new URL("./wasmnn.wasm", import.meta.url)` as it is and do not copy
//   the file, so a page built by them would fetch a .wasm that is not there. Bundlers that split
//   code put the inlined core in a chunk of its own, loaded only when no location is given.
// A location given to ready() is fetched (streaming compilation) or, in Node, read from disk.
//
// The core takes only numbers and pointers, so instantiating it needs no glue beyond the `abort`
// import through which the debug build's assertions report, read here as an AssemblyScript string.
import type { CoreExports } from "./exports.js";
import { hasNodeBuiltins, nodeBuiltin, type UrlLike } from "../../platform.js";

/** The parts of a fetch `Response` that wasmnn reads. */
export interface ResponseLike {
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** The HTTP status. */
  readonly status: number;
  /** The HTTP status text. */
  readonly statusText: string;
  /** The URL fetched, for error messages. */
  readonly url: string;
  /**
   * The response headers (content-type decides whether compileStreaming can be used).
   *
   * @property get A header's value, or null.
   */
  readonly headers: { get(name: string): string | null };
  /** The body's bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * Where to find the core: a URL or path, its bytes, a fetch `Response` (or its promise), or an
 * already compiled `WebAssembly.Module` (typed as `object`, so that the declarations need no DOM
 * library).
 */
export type WasmSource = string | UrlLike | ArrayBuffer | Uint8Array | ResponseLike | Promise<ResponseLike> | object;

type NodeFs = typeof import("node:fs");

function nodeFs(): NodeFs | null {
  return hasNodeBuiltins() ? nodeBuiltin<NodeFs>("fs", "ready") : null;
}

/** Node: the core file in dist/ of the package, else in build/ of a source checkout. */
function nodeDefault(fs: NodeFs, file: string): URL {
  const debug = file === "wasmnn.debug.wasm";
  // Through a variable: bundlers turn `new URL(…, import.meta.url)` into assets, and this path is
  // for Node only (Vite would otherwise emit every file of dist/ into a page's build).
  const here = import.meta.url;
  const candidates = [new URL(`../../../${file}`, here), new URL(`../../../build/${file}`, here)];
  const found = candidates.find((u) => fs.existsSync(u));
  if (found === undefined) {
    throw new Error(`the Wasm core ${file} is in none of ${candidates.map((u) => u.pathname).join(", ")}${debug ? " (the debug core ships only in a source checkout: run `npm run build` there)" : ""}; pass its location to ready({ wasm })`);
  }
  return found;
}

function isResponse(x: unknown): x is ResponseLike {
  return typeof x === "object" && x !== null && typeof (x as ResponseLike).arrayBuffer === "function" && "ok" in x;
}

function describe(source: WasmSource): string {
  if (typeof source === "string") return source;
  if (typeof source === "object" && source !== null && "href" in source) return source.href;
  return "the given source";
}

async function fromResponse(response: ResponseLike): Promise<WebAssembly.Module> {
  if (!response.ok) throw new Error(`HTTP status ${response.status} for ${response.url}`);
  // Streaming compilation needs the application/wasm type; a server without it still works.
  if (typeof WebAssembly.compileStreaming === "function" && response.headers.get("content-type")?.startsWith("application/wasm")) {
    return WebAssembly.compileStreaming(response as unknown as Response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

async function compile(source: WasmSource | undefined, debug: boolean, relaxed: boolean): Promise<WebAssembly.Module> {
  if (source === undefined) {
    const fs = nodeFs();
    if (fs !== null) return WebAssembly.compile(fs.readFileSync(nodeDefault(fs, debug ? "wasmnn.debug.wasm" : relaxed ? "wasmnn.relaxed.wasm" : "wasmnn.wasm")));
    if (debug) throw new Error("the debug core is not inlined; pass its location to ready({ wasm, debug: true })");
    if (relaxed) throw new Error('the relaxed-SIMD core is not inlined (only the plain one is, to keep the page small); pass the location of wasmnn.relaxed.wasm to ready({ wasm, simd: "relaxed" })');
    const { wasmBase64 } = await import("../../wasm-inline.js");
    return WebAssembly.compile(decodeBase64(wasmBase64) as Uint8Array<ArrayBuffer>);
  }
  if (typeof source === "string" || (typeof source === "object" && source !== null && "href" in source && !isResponse(source))) {
    const href = typeof source === "string" ? source : source.href;
    const fs = nodeFs();
    const isUrl = /^[a-z][a-z0-9+.-]*:/i.test(href);
    if (fs !== null && (!isUrl || href.startsWith("file:"))) return WebAssembly.compile(fs.readFileSync(isUrl ? new URL(href) : href));
    const base = (globalThis as { location?: UrlLike }).location?.href;
    return fromResponse(await fetch(base === undefined ? href : new URL(href, base)));
  }
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) return WebAssembly.compile(source as Uint8Array<ArrayBuffer>);
  const awaited = await source;
  if (isResponse(awaited)) return fromResponse(awaited);
  throw new Error("expected a URL or path, bytes, a Response or a WebAssembly.Module");
}

/**
 * The core for the thread pool, compiled: from `source` when given (the caller names
 * wasmnn.threads.wasm, the only way in a browser), else Node's default file; null in a browser
 * without a source. Whether it is the shared-memory core is for importsMemory to say.
 */
// A WebAssembly.Module, typed as object so that the declarations need no DOM library.
export async function compileThreadsCore(source?: WasmSource): Promise<object | null> {
  if (source !== undefined) {
    try {
      return await compile(source, false, false);
    } catch (err) {
      throw new Error(`wasmnn: could not compile the Wasm core from ${describe(source)}: ${(err as Error).message}`);
    }
  }
  const fs = nodeFs();
  return fs === null ? null : WebAssembly.compile(fs.readFileSync(nodeDefault(fs, "wasmnn.threads.wasm")));
}

/** Whether a compiled core imports its memory: the shared-memory core (wasmnn.threads.wasm) does. */
export function importsMemory(module: object): boolean {
  return WebAssembly.Module.imports(module as WebAssembly.Module).some((i) => i.kind === "memory");
}

/** The bytes of a base64 string (atob exists in browsers, workers and Node ≥ 16). */
export function decodeBase64(base64: string): Uint8Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** An AssemblyScript string: UTF-16 code units, its byte length stored just before it. */
function readString(memory: WebAssembly.Memory | undefined, ptr: number): string {
  if (memory === undefined || ptr === 0) return "?";
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
}

/**
 * Which core to load: "relaxed" (fused multiply-adds through f32x4.relaxed_madd), "plain" (the
 * SIMD core every host with Wasm SIMD runs), or "auto": relaxed where the host validates it.
 */
export type SimdMode = "auto" | "relaxed" | "plain";

// The smallest module that uses relaxed SIMD: one function returning
// f32x4.relaxed_madd(v128.const 0, v128.const 0, v128.const 0). Chrome ≥ 114 and Node ≥ 22 accept
// it; Node 20 only with --experimental-wasm-relaxed-simd.
const RELAXED_PROBE = "AGFzbQEAAAABBQFgAAF7AwIBAAo9ATsA/QwAAAAAAAAAAAAAAAAAAAAA/QwAAAAAAAAAAAAAAAAAAAAA/QwAAAAAAAAAAAAAAAAAAAAA/YUCCw==";

/** Whether this host runs relaxed-SIMD Wasm. */
export function relaxedSimdSupported(): boolean {
  return WebAssembly.validate(decodeBase64(RELAXED_PROBE) as Uint8Array<ArrayBuffer>);
}

/**
 * Whether to load the relaxed core from the default location. "auto" takes it only where the host
 * supports it and a core file can be read (Node); browsers get the inlined plain core.
 */
function wantRelaxed(simd: SimdMode, source: WasmSource | undefined, debug: boolean): boolean {
  if (simd !== "auto" && simd !== "relaxed" && simd !== "plain") {
    throw new Error(`ready: simd is ${JSON.stringify(simd)}, expected "auto", "relaxed" or "plain"`);
  }
  if (simd === "relaxed" && !relaxedSimdSupported()) {
    throw new Error('ready: simd "relaxed" asked for, but this host does not support relaxed SIMD (Chrome ≥ 114, Node ≥ 22, or Node 20 with --experimental-wasm-relaxed-simd); use simd "auto" or "plain"');
  }
  if (source !== undefined || debug) return false;
  return simd === "relaxed" || (simd === "auto" && nodeFs() !== null && relaxedSimdSupported());
}

/** Compile and instantiate the core; errors name the location tried. */
export async function instantiateCore(source?: WasmSource, debug = false, simd: SimdMode = "auto"): Promise<CoreExports> {
  const relaxed = wantRelaxed(simd, source, debug);
  let memory: WebAssembly.Memory | undefined;
  const env = {
    abort(msg: number, file: number, line: number, column: number): never {
      throw new Error(`wasmnn core: assertion failed: ${readString(memory, msg)} at ${readString(memory, file)}:${line}:${column}`);
    },
  };
  try {
    const instance = await WebAssembly.instantiate(await compile(source, debug, relaxed), { env });
    const exports = instance.exports as unknown as CoreExports;
    memory = exports.memory as WebAssembly.Memory;
    if (simd !== "auto" && (exports.relaxedSimd() === 1) !== (simd === "relaxed")) {
      throw new Error(`the given core is the ${exports.relaxedSimd() === 1 ? "relaxed" : "plain"} one, but simd "${simd}" was asked for`);
    }
    return exports;
  } catch (err) {
    const where = source === undefined ? "its default location" : describe(source);
    throw new Error(`wasmnn: could not instantiate the Wasm core from ${where}: ${(err as Error).message}`);
  }
}
