// A pool of threads over one shared Wasm memory, in the spirit of XNNPACK's pthreadpool: each
// worker instantiates the shared-memory core on the same memory. A job is cut into parts (one per
// thread) written into a shared table; the caller publishes them in one claim word, wakes the
// workers, and then every thread, the caller included, claims the next unrun part until none is
// left. Nothing is posted per job. Because the caller claims too, a worker that is asleep, or
// descheduled on a machine busy with other work, delays nothing: its part is run by whoever gets
// there first, and the caller waits only for parts already under way. The workers spin briefly
// after a job before they sleep, so that the bursts of jobs of a training step find them awake.
//
// Workers are worker_threads in Node (unref'ed, so an idle pool never keeps Node from exiting) and
// Web Workers in browsers (a page that is cross-origin isolated, or a worker of one). A browser's
// main thread may not block in Atomics.wait, so there the caller spins on the count of finished
// parts instead. An exception in a part (a trap) is written as text into the part's entry, and the
// caller throws it as an Error naming the kernel and the part.
import { hasNodeBuiltins, nodeBuiltin } from "../../platform.js";
import type { CoreExports } from "./exports.js";
import { compileThreadsCore } from "./load.js";

type WorkerThreads = typeof import("node:worker_threads");

/**
 * The control block, Int32 words: WAKE counts jobs (a worker sleeps on it), STOP asks the workers
 * to end, CLAIM packs the job's generation, its number of parts and the next unclaimed part (so a
 * claim is one compare-and-swap, and a worker that read a finished job's word cannot claim from
 * the next), DONE counts finished parts. From TABLE, one entry of PART words per part: the export,
 * the argument count, a failed flag and a failure's length; from ARGS the arguments as f64 (an i32
 * pointer or size and an f32 or f64 scalar survive the round trip exactly); from TEXT a failure's
 * text.
 */
const WAKE = 0, STOP = 1, CLAIM = 2, DONE = 3, TABLE = 16;
const PART = 256, FN = 0, ARGC = 1, FAILED = 2, TEXT_LENGTH = 3, ARGS = 4, MAX_ARGS = 28, TEXT = 64;
/** UTF-16 code units of a failure message that a part's entry keeps. */
const TEXT_MAX = PART - TEXT;
/** CLAIM's fields: the next part in bits 0–8, the parts in bits 9–17, the generation above. */
const NEXT_MASK = 0x1ff, PARTS_SHIFT = 9, GEN_SHIFT = 18, GEN_MASK = 0x1fff;
/**
 * Milliseconds a worker spins for the next job before it sleeps in Atomics.wait, and the caller
 * for the parts under way: waking a sleeping thread costs ≈ 0.1 ms on a 2-core VM (a ReLU over
 * 2¹⁸ floats takes 0.04), while a spinning thread takes a core from other work on a busy machine.
 */
const SPIN_MS = 0.2;

/**
 * The core exports a job may run: every kernel the backend partitions across threads. A job names
 * one and gives its arguments; the worker calls it on its own instance over the shared memory.
 */
export const JOBS = [
  "gemmStrided", "gemmPackedLda",
  "unary", "binary", "activation", "activationBackward",
  "sumAxis", "maxAxis", "softmax", "softmaxBackward", "logSoftmax", "logSoftmaxBackward",
  "sgdStep", "rmspropStep", "adamStep",
  "conv2d", "conv2dBackwardInput", "conv2dBackwardWeight",
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
  const { module, memory, control } = data;
  const c = new Int32Array(control);
  const f = new Float64Array(control);
  let x = null, fns = null;
  try {
    x = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasmnn core: assertion failed in a worker"); } } }).exports;
    fns = ${JSON.stringify(JOBS)}.map((name) => x[name]);
    say("ready");
  } catch (err) { say(String(err && err.message || err)); }
  let seen = 0;
  for (;;) {
    let wake = Atomics.load(c, ${WAKE});
    for (const until = performance.now() + ${SPIN_MS}; wake === seen && performance.now() < until;) wake = Atomics.load(c, ${WAKE});
    if (wake === seen) {
      Atomics.wait(c, ${WAKE}, seen);
      wake = Atomics.load(c, ${WAKE});
    }
    seen = wake;
    if (Atomics.load(c, ${STOP}) === 1) break;
    for (;;) {
      const word = Atomics.load(c, ${CLAIM});
      const part = word & ${NEXT_MASK};
      if (part >= ((word >>> ${PARTS_SHIFT}) & ${NEXT_MASK})) break;
      if (Atomics.compareExchange(c, ${CLAIM}, word, word + 1) !== word) continue;
      const e = ${TABLE} + part * ${PART};
      try {
        if (x === null) throw new Error("the shared-memory core did not instantiate");
        fns[c[e + ${FN}]](...f.subarray((e + ${ARGS}) / 2, (e + ${ARGS}) / 2 + c[e + ${ARGC}]));
      } catch (err) {
        const text = String(err && err.message || err).slice(0, ${TEXT_MAX});
        for (let i = 0; i < text.length; i++) c[e + ${TEXT} + i] = text.charCodeAt(i);
        c[e + ${TEXT_LENGTH}] = text.length;
        c[e + ${FAILED}] = 1;
      }
      Atomics.add(c, ${DONE}, 1);
      Atomics.notify(c, ${DONE});
    }
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
    this.control = new Int32Array(new SharedArrayBuffer((TABLE + size * PART) * 4));
    this.args = new Float64Array(this.control.buffer);
    const wt = hasNodeBuiltins() ? nodeBuiltin<WorkerThreads>("worker_threads", "ready({ threads })") : null;
    const url = wt === null ? URL.createObjectURL(new Blob([WORKER], { type: "text/javascript" })) : "";
    for (let w = 0; w < size - 1; w++) {
      const data = { module, memory, control: this.control.buffer };
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
   * Runs the jobs (at most one per thread), the calling thread (through `self`) and the workers
   * claiming them in turn, and returns when all are done.
   */
  run(self: CoreExports, jobs: Job[]): void {
    if (jobs.length > this.size) throw new Error(`ThreadPool.run: ${jobs.length} jobs for ${this.size} threads`);
    const c = this.control;
    jobs.forEach((job, part) => {
      if (job.args.length > MAX_ARGS) throw new Error(`ThreadPool.run: ${job.fn} has ${job.args.length} arguments, the most a part holds is ${MAX_ARGS}`);
      const e = TABLE + part * PART;
      c[e + FN] = JOBS.indexOf(job.fn);
      c[e + ARGC] = job.args.length;
      c[e + FAILED] = 0;
      this.args.set(job.args, (e + ARGS) / 2);
    });
    Atomics.store(c, DONE, 0);
    this.generation = (this.generation + 1) & GEN_MASK;
    Atomics.store(c, CLAIM, (this.generation << GEN_SHIFT) | (jobs.length << PARTS_SHIFT));
    Atomics.add(c, WAKE, 1);
    Atomics.notify(c, WAKE);
    for (;;) {
      const word = Atomics.load(c, CLAIM);
      const part = word & NEXT_MASK;
      if (part >= jobs.length) break;
      if (Atomics.compareExchange(c, CLAIM, word, word + 1) !== word) continue;
      try {
        (self[jobs[part].fn] as (...args: number[]) => void)(...jobs[part].args);
      } catch (err) {
        const text = String((err as Error)?.message ?? err).slice(0, TEXT_MAX);
        for (let i = 0; i < text.length; i++) c[TABLE + part * PART + TEXT + i] = text.charCodeAt(i);
        c[TABLE + part * PART + TEXT_LENGTH] = text.length;
        c[TABLE + part * PART + FAILED] = 1;
      }
      Atomics.add(c, DONE, 1);
    }
    let done = Atomics.load(c, DONE);
    for (const until = performance.now() + SPIN_MS; done < jobs.length && performance.now() < until;) done = Atomics.load(c, DONE);
    for (; done < jobs.length; done = Atomics.load(c, DONE)) {
      if (this.blocking) Atomics.wait(c, DONE, done);
    }
    const failures: string[] = [];
    for (let part = 0; part < jobs.length; part++) {
      const e = TABLE + part * PART;
      if (c[e + FAILED] === 1) failures.push(`${jobs[part].fn}, part ${part + 1} of ${jobs.length}: ${String.fromCharCode(...c.subarray(e + TEXT, e + TEXT + c[e + TEXT_LENGTH]))}`);
    }
    if (failures.length > 0) throw new Error(`wasmnn thread pool: ${failures.join("; ")}`);
  }

  /** Stops the workers (they also stop with the process, or the page). */
  close(): void {
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, WAKE, 1);
    Atomics.notify(this.control, WAKE);
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
