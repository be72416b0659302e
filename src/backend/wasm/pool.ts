// A pool of threads over one shared Wasm memory, in the spirit of XNNPACK's pthreadpool: each
// worker instantiates the shared-memory core on the same memory and sleeps in Atomics.wait on its
// own slot of a control block; the caller writes a job into the slots, bumps each slot's
// generation, notifies, runs its own share, then waits for every slot to report that generation
// done. Nothing is posted per job, so a job costs two futex round trips, not a message.
//
// Workers are worker_threads in Node (unref'ed, so an idle pool never keeps Node from exiting) and
// Web Workers in browsers (a page that is cross-origin isolated, or a worker of one). A browser's
// main thread may not block in Atomics.wait, so there the caller spins on the done words instead
// (a job is a large GEMM: microseconds of spinning against milliseconds of work). An exception in
// a worker (a trap) is written as text into its slot, read by the caller and thrown as an Error.
import { hasNodeBuiltins, nodeBuiltin } from "../../platform.js";
import type { CoreExports } from "./exports.js";
import { compileThreadsCore } from "./load.js";

type WorkerThreads = typeof import("node:worker_threads");

/**
 * Int32 words per slot: generation, done generation, failed flag, the job's export and argument
 * count, a failure's length; from ARGS the arguments as f64 (an i32 pointer or size and an f32 or
 * f64 scalar all survive the round trip exactly); from TEXT a failure's text.
 */
const SLOT = 256;
const GEN = 0, DONE = 1, FAILED = 2, FN = 3, ARGC = 4, TEXT_LENGTH = 5, ARGS = 8, MAX_ARGS = 28, TEXT = ARGS + 2 * MAX_ARGS;
/**
 * Milliseconds a thread spins on its word before it sleeps in Atomics.wait: waking a sleeping
 * thread costs ≈ 0.1 ms on this project's 2-core VM (a ReLU over 2¹⁸ floats takes 0.04), so a
 * worker stays awake across the bursts of jobs of a training step, and the caller across a job.
 */
const SPIN_MS = 1;
/** UTF-16 code units of a worker's failure message that its slot keeps. */
const TEXT_MAX = SLOT - TEXT;

/**
 * The core exports a job may run: every kernel the backend partitions across threads. A job names
 * one and gives its arguments; the worker calls it on its own instance over the shared memory.
 */
export const JOBS = [
  "gemmStrided", "gemmPackedLda",
  "unary", "binary", "activation", "activationBackward",
  "sumAxis", "maxAxis", "sumToBroadcast", "softmax", "softmaxBackward", "logSoftmax", "logSoftmaxBackward",
  "sgdStep", "rmspropStep", "adamStep",
] as const satisfies readonly (keyof CoreExports)[];
export type JobName = (typeof JOBS)[number];
export interface Job {
  fn: JobName;
  args: number[];
}

// The worker, evaluated from this string so that no file has to be found next to the module
// (bundlers and tsx alike): CommonJS under worker_threads, a classic script in a Web Worker. It
// mirrors run() below.
const WORKER = `
function serve(data, say) {
  const { module, memory, control, slot } = data;
  const c = new Int32Array(control, slot * ${SLOT} * 4, ${SLOT});
  const args = new Float64Array(control, (slot * ${SLOT} + ${ARGS}) * 4, ${MAX_ARGS});
  let x = null, fns = null;
  try {
    x = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasmnn core: assertion failed in a worker"); } } }).exports;
    fns = ${JSON.stringify(JOBS)}.map((name) => x[name]);
    say("ready");
  } catch (err) { say(String(err && err.message || err)); }
  let seen = 0;
  for (;;) {
    let gen = Atomics.load(c, ${GEN});
    for (const until = performance.now() + ${SPIN_MS}; gen === seen && performance.now() < until;) gen = Atomics.load(c, ${GEN});
    if (gen === seen) {
      Atomics.wait(c, ${GEN}, seen);
      gen = Atomics.load(c, ${GEN});
    }
    seen = gen;
    if (seen < 0) break;
    try {
      if (x === null) throw new Error("the shared-memory core did not instantiate");
      fns[c[${FN}]](...args.subarray(0, c[${ARGC}]));
    } catch (err) {
      const text = String(err && err.message || err).slice(0, ${TEXT_MAX});
      for (let i = 0; i < text.length; i++) c[${TEXT} + i] = text.charCodeAt(i);
      c[${TEXT_LENGTH}] = text.length;
      Atomics.store(c, ${FAILED}, 1);
    }
    Atomics.store(c, ${DONE}, seen);
    Atomics.notify(c, ${DONE});
  }
}
if (typeof require === "function") {
  const { workerData } = require("node:worker_threads");
  serve(workerData, (m) => workerData.port.postMessage(m));
} else {
  self.onmessage = (e) => serve(e.data, (m) => self.postMessage(m));
}
`;

/** What the pool needs of a Web Worker (declared here so that the types need no DOM library). */
interface WebWorker {
  postMessage(message: unknown): void;
  addEventListener(type: "message" | "error", listener: (e: { data?: unknown; message?: string }) => void): void;
  terminate(): void;
}
type WebWorkerClass = new (url: string) => WebWorker;

/** One worker of either host: how it reports its start, and how it is stopped. */
interface Thread {
  /** Resolves on "ready", rejects with the worker's own words. */
  started: Promise<void>;
  /** After the start: let the host exit while the worker sleeps (Node). */
  detach(): void;
  stop(): void;
}

function nodeThread(wt: WorkerThreads, data: Record<string, unknown>): Thread {
  const { port1, port2 } = new wt.MessageChannel();
  const worker = new wt.Worker(WORKER, {
    eval: true,
    workerData: { ...data, port: port2 },
    transferList: [port2],
    // Not the parent's flags: --input-type=module or a loader would change how this code runs.
    execArgv: [],
  });
  const started = new Promise<void>((resolve, reject) => {
    worker.once("error", (err) => reject(err.message));
    worker.once("exit", (code) => reject(`it exited with code ${code}`));
    port1.once("message", (msg) => (msg === "ready" ? resolve() : reject(String(msg))));
  });
  return {
    started,
    detach() {
      worker.removeAllListeners("error").removeAllListeners("exit");
      worker.unref();
      port1.unref();
    },
    stop() {
      port1.close();
      void worker.terminate();
    },
  };
}

function webThread(url: string, data: Record<string, unknown>): Thread {
  const worker = new ((globalThis as { Worker?: WebWorkerClass }).Worker as WebWorkerClass)(url);
  const started = new Promise<void>((resolve, reject) => {
    worker.addEventListener("error", (e) => reject(e.message ?? "the worker failed to load"));
    worker.addEventListener("message", (e) => (e.data === "ready" ? resolve() : reject(String(e.data))));
  });
  worker.postMessage(data);
  return { started, detach() {}, stop: () => worker.terminate() };
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  /** Threads in all, the caller's included. */
  readonly size: number;
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private readonly threads: Thread[] = [];
  private readonly blocking = canBlock();
  private generation = 0;

  /** module: the compiled threads core; memory: the shared memory it imports (typed as object so
   * that the declarations need no DOM library). */
  constructor(module: object, memory: object, size: number) {
    this.size = size;
    this.control = new Int32Array(new SharedArrayBuffer((size - 1) * SLOT * 4));
    this.args = new Float64Array(this.control.buffer);
    const wt = hasNodeBuiltins() ? nodeBuiltin<WorkerThreads>("worker_threads", "ready({ threads })") : null;
    const url = wt === null ? URL.createObjectURL(new Blob([WORKER], { type: "text/javascript" })) : "";
    for (let slot = 0; slot < size - 1; slot++) {
      const data = { module, memory, control: this.control.buffer, slot };
      this.threads.push(wt === null ? webThread(url, data) : nodeThread(wt, data));
    }
  }

  /**
   * Resolves when every worker has instantiated the core; rejects with the first worker's error.
   * The workers are detached after (Node), so that an idle pool never keeps the process alive.
   */
  async started(): Promise<void> {
    try {
      await Promise.all(this.threads.map((t, w) => t.started.catch((why: unknown) => {
        throw new Error(`wasmnn thread pool: thread ${w + 1} did not start: ${String(why)}`);
      })));
    } catch (err) {
      this.close();
      throw err;
    }
    for (const t of this.threads) t.detach();
  }

  /**
   * Runs jobs[0] on the calling thread (through `self`) and jobs[1..] on workers 0.., and returns
   * when all are done.
   */
  run(self: CoreExports, jobs: Job[]): void {
    if (jobs.length > this.size) throw new Error(`ThreadPool.run: ${jobs.length} jobs for ${this.size} threads`);
    const gen = ++this.generation;
    const c = this.control;
    for (let w = 0; w < jobs.length - 1; w++) {
      const base = w * SLOT, job = jobs[w + 1];
      if (job.args.length > MAX_ARGS) throw new Error(`ThreadPool.run: ${job.fn} has ${job.args.length} arguments, the most a slot holds is ${MAX_ARGS}`);
      c[base + FAILED] = 0;
      c[base + FN] = JOBS.indexOf(job.fn);
      c[base + ARGC] = job.args.length;
      this.args.set(job.args, (base + ARGS) / 2);
      Atomics.store(c, base + GEN, gen);
      Atomics.notify(c, base + GEN);
    }
    let mine: unknown = null;
    try {
      (self[jobs[0].fn] as (...args: number[]) => void)(...jobs[0].args);
    } catch (err) {
      mine = err;
    }
    const failures: string[] = [];
    for (let w = 0; w < jobs.length - 1; w++) {
      const base = w * SLOT;
      let done = Atomics.load(c, base + DONE);
      for (const until = performance.now() + SPIN_MS; done !== gen && performance.now() < until;) done = Atomics.load(c, base + DONE);
      for (; done !== gen; done = Atomics.load(c, base + DONE)) {
        if (this.blocking) Atomics.wait(c, base + DONE, done);
      }
      if (Atomics.load(c, base + FAILED) === 1) {
        const text = String.fromCharCode(...c.subarray(base + TEXT, base + TEXT + c[base + TEXT_LENGTH]));
        failures.push(`thread ${w + 1}: ${text}`);
      }
    }
    if (mine !== null) throw mine;
    if (failures.length > 0) throw new Error(`wasmnn thread pool: ${failures.join("; ")}`);
  }

  /** Stops the workers (they also stop with the process, or the page). */
  close(): void {
    for (let w = 0; w < this.threads.length; w++) {
      Atomics.store(this.control, w * SLOT + GEN, -1);
      Atomics.notify(this.control, w * SLOT + GEN);
    }
    for (const t of this.threads) t.stop();
  }
}

/** Pages of the shared memory: as the threads core declares it (asconfig.json, target threads). */
const INITIAL_PAGES = 256, MAXIMUM_PAGES = 32768;
/** The most bytes the shared memory can grow to: 32,768 pages of 64 KiB = 2 GiB. */
export const THREADS_MAX_BYTES = MAXIMUM_PAGES * 65536;

/**
 * The shared-memory core on a fresh shared memory, and a pool of `threads` threads (the caller and
 * threads − 1 workers) over it: `module` when given (compiled wasmnn.threads.wasm), else Node's
 * default file. Null where the host cannot (see threadsUnavailable) or no core is at hand.
 */
export async function instantiateThreaded(threads: number, module?: object): Promise<{ core: CoreExports; pool: ThreadPool } | null> {
  if (threadsUnavailable() !== null) return null;
  module ??= (await compileThreadsCore()) ?? undefined;
  if (module === undefined) return null;
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const env = { memory, abort(): never { throw new Error("wasmnn core: assertion failed"); } };
  const core = (await WebAssembly.instantiate(module as WebAssembly.Module, { env })).exports as unknown as CoreExports;
  // The core imports its memory and does not export it; the heap needs it.
  const pool = new ThreadPool(module, memory, threads);
  await pool.started();
  return { core: { ...core, memory } as CoreExports, pool };
}

/**
 * Why this host cannot run the pool, or null if it can: Node's worker_threads, or Web Workers,
 * with SharedArrayBuffer, which a browser exposes only to a cross-origin isolated page.
 */
export function threadsUnavailable(): string | null {
  const g = globalThis as { Worker?: unknown; crossOriginIsolated?: boolean };
  if (!hasNodeBuiltins() && typeof g.Worker !== "function") return "this host has neither Node's worker_threads nor Web Workers";
  if (typeof SharedArrayBuffer !== "function" || g.crossOriginIsolated === false) {
    return "SharedArrayBuffer needs a cross-origin isolated page: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp";
  }
  return null;
}

/** Cores this process may use (Node's os.availableParallelism, a browser's hardwareConcurrency), else 1. */
export function hardwareThreads(): number {
  if (hasNodeBuiltins()) return Math.max(1, nodeBuiltin<typeof import("node:os")>("os", "ready({ threads })").availableParallelism());
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Number.isInteger(cores) && cores! > 0 ? cores! : 1;
}
