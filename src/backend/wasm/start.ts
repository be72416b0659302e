// Which Wasm backend ready() starts: the pooled shared-memory core when more than one thread is
// asked for and the host can run the pool, else the single-thread core that the simd option picks.
// The shared-memory core comes from ready({ threadsWasm }), else (Node) from its default file; a
// browser must name it, since only the plain single-thread core is inlined.
import type { ReadyOptions } from "../index.js";
import { WasmBackend } from "./index.js";
import { compileThreadsCore, importsMemory, instantiateCore } from "./load.js";
import { hardwareThreads, instantiateThreaded, threadsUnavailable } from "./pool.js";

/** The backend for ready(options); envDebug: the debug default from the environment. */
export async function loadCore(options: ReadyOptions, envDebug: boolean): Promise<WasmBackend> {
  const n = threadCount(options.threads);
  if (n > 1 && options.simd === "relaxed") throw new Error('ready: simd "relaxed" with threads > 1 is not available: the shared-memory core is plain SIMD');
  if (n > 1) {
    const pooled = await pooledCore(n, options);
    if (pooled instanceof WasmBackend) return pooled;
    console.warn(`wasmnn: ready({ threads: ${n} }) runs on one thread here: ${pooled}`);
  }
  return new WasmBackend(await instantiateCore(options.wasm, options.debug ?? envDebug, options.simd));
}

/** The shared-memory core on a pool of n threads, or why this host cannot have it. */
async function pooledCore(n: number, options: ReadyOptions): Promise<WasmBackend | string> {
  const unavailable = threadsUnavailable();
  if (unavailable !== null) return unavailable;
  if (options.threadsWasm === undefined && options.wasm !== undefined) {
    return "ready({ wasm }) names a single-thread core; pass the pool's, wasmnn.threads.wasm, as ready({ threadsWasm })";
  }
  const module = await compileThreadsCore(options.threadsWasm);
  if (module === null) return "the shared-memory core is not inlined; pass the location of wasmnn.threads.wasm as ready({ threadsWasm })";
  if (!importsMemory(module)) throw new Error("ready: threadsWasm is a single-thread core; expected wasmnn.threads.wasm, which imports a shared memory");
  const threaded = await instantiateThreaded(n, module);
  return threaded === null ? "the thread pool did not start" : new WasmBackend(threaded.core, threaded.pool);
}

function threadCount(threads: number | "auto" | undefined): number {
  if (threads === undefined) return 1;
  if (threads === "auto") return hardwareThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new Error(`ready: threads is ${JSON.stringify(threads)}, expected "auto" or an integer from 1 to 256`);
  }
  return threads;
}
