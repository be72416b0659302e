// Which Wasm backend ready() starts: the pooled shared-memory core when more than one thread is
// asked for and the host can run the pool, else the single-thread core that the simd option picks.
import type { ReadyOptions } from "../index.js";
import { WasmBackend } from "./index.js";
import { instantiateCore } from "./load.js";
import { hardwareThreads, instantiateThreaded } from "./pool.js";

/** The backend for ready(options); envDebug: the debug default from the environment. */
export async function loadCore(options: ReadyOptions, envDebug: boolean): Promise<WasmBackend> {
  const n = threadCount(options.threads);
  if (n > 1 && options.simd === "relaxed") throw new Error('ready: simd "relaxed" with threads > 1 is not available: the shared-memory core is plain SIMD');
  const threaded = n > 1 && options.wasm === undefined ? await instantiateThreaded(n) : null;
  if (threaded !== null) return new WasmBackend(threaded.core, threaded.pool);
  if (n > 1) console.warn(`wasmnn: ready({ threads: ${n} }) runs on one thread here: the thread pool needs Node's worker_threads and the default core location`);
  return new WasmBackend(await instantiateCore(options.wasm, options.debug ?? envDebug, options.simd));
}

function threadCount(threads: number | "auto" | undefined): number {
  if (threads === undefined) return 1;
  if (threads === "auto") return hardwareThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new Error(`ready: threads is ${JSON.stringify(threads)}, expected "auto" or an integer from 1 to 256`);
  }
  return threads;
}
