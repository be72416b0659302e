// Choosing the backend. `ready()` instantiates the Wasm core once; `setBackend` picks which
// backend new tensors are made on. Tensors remember their backend, so two backends can live side
// by side (the parity tests and the benchmarks do exactly that).
import type { Backend, BackendName } from "./types.js";
import { JsBackend } from "./js/index.js";
import type { WasmBackend } from "./wasm/index.js";
import type { SimdMode, WasmSource } from "./wasm/load.js";
import { loadCore } from "./wasm/start.js";

export type { Backend, BackendName } from "./types.js";
export type { SimdMode, WasmSource } from "./wasm/load.js";

/** Options of ready(): where the Wasm core is, the debug build, and the backend to make current. */
export interface ReadyOptions {
  /** Where the Wasm core is: a URL or path, its bytes, or a compiled module. Default: beside the package. */
  wasm?: WasmSource;
  /** Load the debug build (kernel assertions on). Default: the WASMNN_DEBUG environment variable. */
  debug?: boolean;
  /** The backend to make current. Default: "wasm". */
  backend?: BackendName;
  /**
   * Which core: "relaxed" (fused multiply-adds; Chrome ≥ 114, Node ≥ 22), "plain", or "auto" (the
   * relaxed one from the default location where the host runs it). Default "auto"; `simd()` tells.
   */
  simd?: SimdMode;
  /**
   * Threads for the large kernels (GEMM, elementwise, optimizer steps): a number, or "auto" (one
   * per core). Above 1, the shared-memory core (plain SIMD) runs on a pool of worker threads
   * (worker_threads in Node, Web Workers on a cross-origin isolated page); where the host cannot,
   * one thread, with a warning that says why.
   * Default 1; `threads()` tells.
   */
  threads?: number | "auto";
  /**
   * Where the pool's shared-memory core is (wasmnn.threads.wasm, beside wasmnn.wasm): a browser
   * needs it, since only the single-thread core is inlined; Node finds it by itself.
   */
  threadsWasm?: WasmSource;
}

let wasm: WasmBackend | null = null;
let js: JsBackend | null = null;
let current: Backend | null = null;
/** Whether `current` was asked for (setBackend, ready's option) rather than fallen back to. */
let chosen = false;
let loading: Promise<void> | null = null;

const envDebug = typeof process !== "undefined" && process.env?.WASMNN_DEBUG === "1";

/**
 * Instantiate the Wasm core (once; later calls return at once) and make a backend current.
 *
 * @example await ready(); // once, before the first tensor: instantiates the Wasm core
 */
export async function ready(options: ReadyOptions = {}): Promise<void> {
  if (wasm === null) {
    loading ??= loadCore(options, envDebug).then((backend) => {
      wasm = backend;
    });
    try {
      await loading;
    } catch (err) {
      loading = null;
      throw err;
    }
  }
  // A tensor made before ready() falls back to js, but that fallback is not a choice: keeping it
  // would run the whole process ≈ 12× slower without a word. So ready() makes wasm current unless
  // a backend was named (setBackend or the option). PyTorch has no lazily loaded backend to
  // follow; its rule that the default stays what the user set is the one kept here.
  setBackend(options.backend ?? (chosen && current !== null ? current.name : "wasm"));
}

/**
 * Threads the Wasm kernels run on (1 without a pool), or null before `ready()`.
 *
 * @example await ready({ threads: "auto" });
 * console.log(threads()); // 2 on a 2-core Node host; 1 where the pool cannot run
 */
export function threads(): number | null {
  return wasm === null ? null : wasm.threads;
}

/**
 * The core in force: "relaxed" or "plain", or null before `ready()`.
 *
 * @example await ready({ simd: "auto" });
 * console.log(simd()); // "relaxed" where the host has relaxed SIMD (fused multiply-add), else "plain"
 */
export function simd(): "relaxed" | "plain" | null {
  return wasm === null ? null : wasm.simd;
}

/** The backend called by name; the Wasm one needs `await ready()` first. */
export function backend(name: BackendName): Backend {
  if (name === "js") return (js ??= new JsBackend());
  if (name === "wasm") {
    if (wasm === null) throw new Error('backend("wasm"): the Wasm core is not loaded yet; call `await ready()` first');
    return wasm;
  }
  throw new Error(`backend: unknown backend "${String(name)}", expected "wasm" or "js"`);
}

/**
 * Make `name` the backend that new tensors are created on.
 *
 * @example setBackend("js"); // the readable reference kernels, e.g. to compare with "wasm"
 */
export function setBackend(name: BackendName): void {
  current = backend(name);
  chosen = true;
}

/**
 * The current backend: wasm after `ready()`, js when the core was never loaded. Tensors made on
 * that js fallback stay there; `ready()` still switches new ones to wasm (see above).
 *
 * @example const name = getBackend().name; // "wasm" after ready(), or "js"
 */
export function getBackend(): Backend {
  return (current ??= backend("js"));
}
