// The thread pool against one thread, in one process: GEMM and the elementwise kernels on the
// pooled shared-memory core and on the plain core, measured in alternating rounds, and their ratio;
// then training, in child processes. The machine's CPU count bounds
// what the pool can give; on a machine shared with other work the ratio says what this run got.
// Run alone: `npx tsx bench/threads.ts [--quick] [--threads N]`.
import { pathToFileURL } from "node:url";
import { WasmBackend } from "../src/backend/wasm/index.js";
import { instantiateCore } from "../src/backend/wasm/load.js";
import type { CoreExports } from "../src/backend/wasm/exports.js";
import { hardwareThreads, instantiateThreaded, type Job, type ThreadPool } from "../src/backend/wasm/pool.js";
import type { BenchOptions } from "./index.js";
import { measure, wasmPeak } from "./gemm.js";
import { ready } from "../src/index.js";
import { alternating, formatTable, runChild, timePerCall, type Row } from "./harness.js";
import { Activation } from "../src/backend/opcodes.js";
import { stepsPerSecond as mlpSteps } from "./mlp.js";
import { stepsPerSecond as lenetSteps } from "./cnn.js";

export async function bench(o: BenchOptions & { threads?: number } = {}): Promise<Row[]> {
  const n = o.threads ?? Math.max(2, hardwareThreads());
  const threaded = await instantiateThreaded(n);
  if (threaded === null) throw new Error("bench threads: the thread pool needs Node's worker_threads and SharedArrayBuffer");
  const pooled = new WasmBackend(threaded.core, threaded.pool);
  const single = new WasmBackend(await instantiateCore(undefined, false, "plain"));
  const rounds = o.quick ? 2 : 5;
  const rows: Row[] = [{ name: "gemm peak (kernel arithmetic)", backend: "plain", value: wasmPeak(o.quick ? 3 : 7, undefined, single), unit: "GFLOP/s" }];
  // What n threads can give at all at this moment: n copies of one product, each on its own
  // operands, against one of them alone. A machine whose cores slow down when all are busy (a
  // clock that boosts one busy core higher, a host sharing the cores) shows it here, below n.
  rows.push(...alternating("ceiling: gemm TN 128×392×256 copies", "GFLOP/s", rounds, [`${n} at once`, () => copiesRate(pooled, threaded.core, threaded.pool, n)], ["1 alone", () => copiesRate(pooled, threaded.core, threaded.pool, 1)]));
  for (const s of o.quick ? [512] : [512, 1024]) {
    rows.push(...alternating(`gemm NN ${s}³`, "GFLOP/s", rounds, [`${n} thr`, () => measure(pooled, "NN", s, s, s, 3)], ["1 thr", () => measure(single, "NN", s, s, s, 3)]));
  }
  // The MLP's forward product at batch 32, cut by columns.
  rows.push(...alternating("gemm NT 32×128×784", "GFLOP/s", rounds, [`${n} thr`, () => measure(pooled, "NT", 32, 128, 784, 3)], ["1 thr", () => measure(single, "NT", 32, 128, 784, 3)]));
  // The elementwise threshold (ELEMENTWISE_MIN = 2¹⁶ floats): ReLU and Adam just above it and far above.
  for (const floats of o.quick ? [1 << 16] : [1 << 16, 1 << 20]) {
    for (const kernel of ["ReLU", "Adam"] as const) {
      const rate = (b: WasmBackend) => () => floatsPerSecond(b, kernel, floats);
      rows.push(...alternating(`${kernel} 2^${Math.log2(floats)} floats`, "Gfloat/s", rounds, [`${n} thr`, rate(pooled)], ["1 thr", rate(single)]));
    }
  }
  threaded.pool.close();
  // Training uses the pool only through ready({ threads }), once per process: a child per
  // measurement, alternating thread counts.
  const mlp = (threads: number, batch: number) => () =>
    runChild<{ wall: number }>(import.meta.url, [], ["--mlp", String(threads), String(batch), ...(o.quick ? ["--quick"] : [])]).wall * batch;
  for (const batch of o.quick ? [256] : [32, 256]) {
    rows.push(...alternating(`MLP 784-128-10 train (b${batch}, Adam)`, "samples/s", o.quick ? 1 : 5, [`${n} thr`, mlp(n, batch)], ["1 thr", mlp(1, batch)]));
  }
  // LeNet (models.lenet(), batch 32, Adam): its convolutions split by images and output channels.
  const lenet = (threads: number) => () =>
    runChild<{ wall: number }>(import.meta.url, [], ["--lenet", String(threads), "32", ...(o.quick ? ["--quick"] : [])]).wall * 32;
  rows.push(...alternating("CNN LeNet train (b32, Adam)", "samples/s", o.quick ? 1 : 5, [`${n} thr`, lenet(n)], ["1 thr", lenet(1)]));
  return rows;
}

/**
 * GFLOP/s of `copies` independent GEMMs (TN 128×392×256, the MLP's batch-256 weight gradient cut
 * in two) run at once, one per thread of the pool, each on its own operands and scratch.
 */
function copiesRate(b: WasmBackend, core: CoreExports, pool: ThreadPool, copies: number): number {
  const [m, n, k] = [128, 392, 256];
  const sizes = [m * k, k * n, m * n, core.gemmPackBytes(n, k) / 4];
  const sets = Array.from({ length: copies }, () => sizes.map((floats) => b.heap.alloc(floats * 4)));
  for (const [a, bb] of sets) {
    b.fill(a, m * k, 0.5);
    b.fill(bb, k * n, 0.25);
  }
  const jobs: Job[] = sets.map(([a, bb, c, pack]) => ({ fn: "gemmStrided", args: [a, bb, c, m, n, k, m, n, n, 1, 0, 0, pack] }));
  const seconds = timePerCall(() => pool.run(core, jobs), 5, 30);
  for (const set of sets) set.forEach((ptr, i) => b.heap.release(ptr, sizes[i] * 4));
  return (copies * 2 * m * n * k) / seconds / 1e9;
}

/** Floats per second (in 10⁹) through a ReLU, or an Adam step, over `n` floats. */
function floatsPerSecond(b: WasmBackend, kernel: "ReLU" | "Adam", n: number): number {
  const [p, g, m, v] = [0, 1, 2, 3].map(() => b.heap.alloc(n * 4));
  b.fill(p, n, 0.5);
  b.fill(g, n, -0.25);
  b.fill(m, n, 0);
  b.fill(v, n, 0);
  const call = kernel === "ReLU" ? () => b.activation(Activation.ReLU, p, g, n, 0) : () => b.adamStep(p, g, m, v, n, 1e-3, 0.9, 0.999, 1e-8, 0, 1, false);
  const seconds = timePerCall(call, 5, 30);
  for (const ptr of [p, g, m, v]) b.heap.release(ptr, n * 4);
  return n / seconds / 1e9;
}

/** The child of the training rows: steps per second of the MLP at `batch`, or of LeNet at 32, on `threads` threads. */
async function trainingChild(model: "--mlp" | "--lenet", threads: number, batch: number, quick: boolean): Promise<{ wall: number }> {
  await ready({ threads });
  return { wall: model === "--mlp" ? mlpSteps("wasm", quick, batch).wall : lenetSteps("wasm", quick).wall };
}

const child = (["--mlp", "--lenet"] as const).find((flag) => process.argv.includes(flag));
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href && child !== undefined) {
  const i = process.argv.indexOf(child);
  console.log(JSON.stringify(await trainingChild(child, Number(process.argv[i + 1]), Number(process.argv[i + 2]), process.argv.includes("--quick"))));
} else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t = process.argv.indexOf("--threads");
  console.log(formatTable(await bench({ quick: process.argv.includes("--quick"), threads: t > 0 ? Number(process.argv[t + 1]) : undefined })));
}
