// What a peer's child process does: one task on one library, timed as wasmnn's own rows are timed
// (a warm-up, then medians of samples by the wall clock and by CPU time), printed as the last line
// of its output in JSON. Every peer trains on the same inputs, built here.
import { timeBothClocks } from "../harness.js";

export const TASKS = ["mlp", "lenet", "lstm", "gemm"] as const;
export type Task = (typeof TASKS)[number];

/** Samples (or sequences) per training step, as in bench/mlp.ts, bench/cnn.ts and bench/rnn.ts. */
export const BATCH = 32;
/** The LSTM of bench/rnn.ts: hidden 64 over T = 50 steps of 2 features. */
export const HIDDEN = 64, T = 50, INPUT = 2;
/** The GEMM is N×N by N×N, no transpose. */
export const GEMM_N = 512;

/** Seconds of one call (one training step of BATCH, or one GEMM) by each clock. */
export interface Seconds {
  wall: number;
  cpu: number;
}

/** A child's report: the seconds per call, or why this peer cannot do the task. */
export type Measured = { seconds: Seconds; note?: string } | { na: string };

/** The args a child takes: `--task NAME [--quick]`, and whatever else the peer reads. */
export function childTask(argv: string[]): { task: Task; quick: boolean } {
  const task = argv[argv.indexOf("--task") + 1] as Task;
  if (!argv.includes("--task") || !TASKS.includes(task)) throw new Error(`peers: expected --task ${TASKS.join("|")}, got ${argv.join(" ") || "no arguments"}`);
  return { task, quick: argv.includes("--quick") };
}

/** Seconds per call of `step` after a warm-up (V8 and the peers' own caches settle in the first second). */
export function timeStep(step: () => void, quick: boolean): Seconds {
  const t0 = performance.now();
  let calls = 0;
  do {
    step();
    calls++;
  } while (performance.now() - t0 < (quick ? 300 : 1000));
  // A step of a second or more (tfjs's CPU backend on LeNet): fewer samples, or one run takes minutes.
  const slow = (performance.now() - t0) / calls > 500;
  return timeBothClocks(step, quick || slow ? 3 : 7, quick ? 60 : 150);
}

/** Prints the report as the child's last line; a peer that throws on a task reports the error as the reason. */
export function report(measure: () => Measured): void {
  let m: Measured;
  try {
    m = measure();
  } catch (e) {
    m = { na: `fails: ${String((e as Error).message ?? e).split("\n")[0]}` };
  }
  console.log(JSON.stringify(m));
}

/** The report in the last line of a child's output (the libraries print their own lines before it). */
export function parseMeasured(stdout: string): Measured {
  const last = stdout.trim().split("\n").at(-1) ?? "";
  let m: unknown;
  try {
    m = JSON.parse(last);
  } catch {
    throw new Error(`peers: expected a line of JSON last, got "${last.slice(0, 200)}"`);
  }
  if (typeof m === "object" && m !== null) {
    if ("na" in m && typeof m.na === "string") return { na: m.na };
    if ("seconds" in m && typeof m.seconds === "object" && m.seconds !== null) {
      const s = m.seconds as Record<string, unknown>;
      const note = "note" in m && typeof m.note === "string" ? { note: m.note } : {};
      if (typeof s.wall === "number" && typeof s.cpu === "number" && s.wall > 0 && s.cpu > 0) return { seconds: { wall: s.wall, cpu: s.cpu }, ...note };
    }
  }
  throw new Error(`peers: expected {"seconds":{"wall":s,"cpu":s}} or {"na":"why"}, got ${last.slice(0, 200)}`);
}

/** BATCH digit-like images of 784 pixels in [0, 1], one after another (the values do not change the work done). */
export function images(): Float32Array {
  return new Float32Array(BATCH * 784).map((_, i) => ((i * 2654435761) % 1000) / 1000);
}

/** The class of each image. */
export function labels(): number[] {
  return Array.from({ length: BATCH }, (_, i) => i % 10);
}

/** BATCH sequences of the adding problem, [T, BATCH, INPUT] time-major, as bench/rnn.ts builds them. */
export function sequences(): Float32Array {
  return Float32Array.from({ length: T * BATCH * INPUT }, (_, i) => (i % 2 === 0 ? Math.sin(i) * 0.5 + 0.5 : i % 7 === 1 ? 1 : 0));
}

/** The target of each sequence. */
export function targets(): Float32Array {
  return Float32Array.from({ length: BATCH }, (_, i) => Math.cos(i) + 1);
}
