// A pool of threads over one shared Wasm memory, in the spirit of XNNPACK's pthreadpool: each
// worker instantiates the shared-memory core on the same memory and sleeps in Atomics.wait on its
// own slot of a control block; the caller writes a job into the slots, bumps each slot's
// generation, notifies, runs its own share, then waits for every slot to report that generation
// done. Nothing is posted per job, so a job costs two futex round trips, not a message.
//
// Node only (worker_threads); the workers are unref'ed, so an idle pool never keeps Node from
// exiting. An exception in a worker (a trap, a failed instantiation) is sent back through a
// message port and read synchronously by the caller, which throws it as an Error.
import { hasNodeBuiltins, nodeBuiltin } from "../../platform.js";
import type { CoreExports } from "./exports.js";
import { compileThreadsCore } from "./load.js";

type WorkerThreads = typeof import("node:worker_threads");

/** Int32 words per slot: generation, done generation, failed flag, then the job. */
const SLOT = 16;
const GEN = 0, DONE = 1, FAILED = 2, JOB = 3;
/** Job kinds; their arguments follow at JOB + 1. */
export const Kind = { Gemm: 0, GemmPacked: 1 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

// The worker: CommonJS, evaluated from this string so that no file has to be found next to the
// module (bundlers and tsx alike). It mirrors run() below.
const WORKER = `
const { workerData } = require("node:worker_threads");
const { module, memory, control, slot, port } = workerData;
const c = new Int32Array(control, slot * ${SLOT} * 4, ${SLOT});
let x = null;
try {
  x = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasmnn core: assertion failed in a worker"); } } }).exports;
  port.postMessage("ready");
} catch (err) { port.postMessage(String(err && err.message || err)); }
let seen = 0;
for (;;) {
  Atomics.wait(c, ${GEN}, seen);
  seen = Atomics.load(c, ${GEN});
  if (seen < 0) break;
  try {
    if (x === null) throw new Error("the shared-memory core did not instantiate");
    const j = ${JOB};
    if (c[j] === ${Kind.Gemm}) x.gemmLda(c[j + 1], c[j + 2], c[j + 3], c[j + 4], c[j + 5], c[j + 6], c[j + 7], c[j + 8], c[j + 9], c[j + 10], c[j + 11]);
    else x.gemmPackedLda(c[j + 1], c[j + 2], c[j + 3], c[j + 4], c[j + 5], c[j + 6], c[j + 7], c[j + 8], c[j + 9], c[j + 10]);
  } catch (err) {
    Atomics.store(c, ${FAILED}, 1);
    port.postMessage(String(err && err.message || err));
  }
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

export class ThreadPool {
  /** Threads in all, the caller's included. */
  readonly size: number;
  private readonly control: Int32Array;
  private readonly ports: import("node:worker_threads").MessagePort[] = [];
  private readonly workers: import("node:worker_threads").Worker[] = [];
  private readonly wt: WorkerThreads;
  private generation = 0;

  /** module: the compiled threads core; memory: the shared memory it imports (typed as object so
   * that the declarations need no DOM library). */
  constructor(module: object, memory: object, size: number) {
    this.wt = nodeBuiltin<WorkerThreads>("worker_threads", "ready({ threads })");
    this.size = size;
    this.control = new Int32Array(new SharedArrayBuffer((size - 1) * SLOT * 4));
    for (let slot = 0; slot < size - 1; slot++) {
      const { port1, port2 } = new this.wt.MessageChannel();
      const worker = new this.wt.Worker(WORKER, {
        eval: true,
        workerData: { module, memory, control: this.control.buffer, slot, port: port2 },
        transferList: [port2],
        // Not the parent's flags: --input-type=module or a loader would change how this code runs.
        execArgv: [],
      });
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /**
   * Resolves when every worker has instantiated the core; rejects with the first worker's error.
   * The workers and ports are unref'ed after, so that an idle pool never keeps Node alive.
   */
  async started(): Promise<void> {
    try {
      await Promise.all(this.workers.map((worker, w) => new Promise<void>((resolve, reject) => {
        const fail = (why: string) => reject(new Error(`wasmnn thread pool: thread ${w + 1} did not start: ${why}`));
        worker.once("error", (err) => fail(err.message));
        worker.once("exit", (code) => fail(`it exited with code ${code}`));
        this.ports[w].once("message", (msg) => (msg === "ready" ? resolve() : fail(String(msg))));
      })));
    } catch (err) {
      this.close();
      throw err;
    }
    for (let w = 0; w < this.workers.length; w++) {
      this.workers[w].removeAllListeners("error").removeAllListeners("exit");
      this.workers[w].unref();
      this.ports[w].unref();
    }
  }

  /**
   * Runs jobs[0] on the calling thread (through `self`) and jobs[1..] on workers 0.., and returns
   * when all are done. A job is its kind and its integer arguments.
   */
  run(self: CoreExports, jobs: { kind: Kind; args: number[] }[]): void {
    if (jobs.length > this.size) throw new Error(`ThreadPool.run: ${jobs.length} jobs for ${this.size} threads`);
    const gen = ++this.generation;
    const c = this.control;
    for (let w = 0; w < jobs.length - 1; w++) {
      const base = w * SLOT, job = jobs[w + 1];
      c[base + FAILED] = 0;
      c[base + JOB] = job.kind;
      for (let i = 0; i < job.args.length; i++) c[base + JOB + 1 + i] = job.args[i];
      Atomics.store(c, base + GEN, gen);
      Atomics.notify(c, base + GEN);
    }
    let mine: unknown = null;
    try {
      call(self, jobs[0]);
    } catch (err) {
      mine = err;
    }
    const failures: string[] = [];
    for (let w = 0; w < jobs.length - 1; w++) {
      const base = w * SLOT;
      for (let done = Atomics.load(c, base + DONE); done !== gen; done = Atomics.load(c, base + DONE)) {
        Atomics.wait(c, base + DONE, done);
      }
      if (Atomics.load(c, base + FAILED) === 1) {
        const msg = this.wt.receiveMessageOnPort(this.ports[w]);
        failures.push(`thread ${w + 1}: ${msg === undefined ? "failed" : String(msg.message)}`);
      }
    }
    if (mine !== null) throw mine;
    if (failures.length > 0) throw new Error(`wasmnn thread pool: ${failures.join("; ")}`);
  }

  /** Stops the workers (they also stop with the process). */
  close(): void {
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.control, w * SLOT + GEN, -1);
      Atomics.notify(this.control, w * SLOT + GEN);
    }
    for (const p of this.ports) p.close();
    for (const w of this.workers) void w.terminate();
  }
}

function call(x: CoreExports, job: { kind: Kind; args: number[] }): void {
  const a = job.args;
  if (job.kind === Kind.Gemm) x.gemmLda(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
  else x.gemmPackedLda(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
}

/** Pages of the shared memory: as the threads core declares it (asconfig.json, target threads). */
const INITIAL_PAGES = 256, MAXIMUM_PAGES = 32768;
/** The most bytes the shared memory can grow to: 32,768 pages of 64 KiB = 2 GiB. */
export const THREADS_MAX_BYTES = MAXIMUM_PAGES * 65536;

/**
 * The shared-memory core on a fresh shared memory, and a pool of `threads` threads (the caller and
 * threads − 1 workers) over it. Null where the host cannot (see threadsSupported).
 */
export async function instantiateThreaded(threads: number): Promise<{ core: CoreExports; pool: ThreadPool } | null> {
  if (!threadsSupported()) return null;
  const module = await compileThreadsCore();
  if (module === null) return null;
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const env = { memory, abort(): never { throw new Error("wasmnn core: assertion failed"); } };
  const core = (await WebAssembly.instantiate(module as WebAssembly.Module, { env })).exports as unknown as CoreExports;
  // The core imports its memory and does not export it; the heap needs it.
  const pool = new ThreadPool(module, memory, threads);
  await pool.started();
  return { core: { ...core, memory } as CoreExports, pool };
}

/** Whether this host can run the pool: Node's worker_threads and SharedArrayBuffer. */
export function threadsSupported(): boolean {
  return hasNodeBuiltins() && typeof SharedArrayBuffer === "function";
}

/** Cores this process may use (Node's os.availableParallelism), 1 elsewhere. */
export function hardwareThreads(): number {
  if (!hasNodeBuiltins()) return 1;
  return Math.max(1, nodeBuiltin<typeof import("node:os")>("os", "ready({ threads })").availableParallelism());
}
