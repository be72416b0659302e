// Measuring on a shared, noisy machine: repeat, take the median, report rates.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface Row {
  /** What is measured, e.g. "gemm NN 512×512×512". */
  name: string;
  backend: string;
  /** The median rate. */
  value: number;
  unit: string;
  /** A wasmnn row measured beside another library's: that library (bench/peers). */
  peer?: string;
  /** What differs from wasmnn's task, or why the value is NaN (the library cannot do it). */
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Milliseconds of wall-clock time. */
export const wallClock = (): number => performance.now();

/**
 * Milliseconds of this process's own CPU time (user + system). On a shared machine the wall clock
 * also counts the time other processes hold the core; CPU time does not, so the two together say
 * what the code costs and what a run got (cache and core sharing still slow CPU time a little).
 */
export const cpuClock = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Median seconds per call of `fn`: calls are grouped into samples of at least `sampleMs` each, and
 * `samples` samples are taken after one warm-up sample, all timed by `clock`.
 */
export function timePerCall(fn: () => void, samples = 7, sampleMs = 60, clock: () => number = wallClock): number {
  const calls = callsPerSample(fn, sampleMs, clock);
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = clock();
    for (let i = 0; i < calls; i++) fn();
    times.push((clock() - t0) / 1000 / calls);
  }
  return median(times);
}

/**
 * Median seconds per call of `fn` by the wall clock and by CPU time, both read around the same
 * samples (as `timePerCall` groups them), for calls too slow to time twice.
 */
export function timeBothClocks(fn: () => void, samples = 7, sampleMs = 60): { wall: number; cpu: number } {
  const calls = callsPerSample(fn, sampleMs, wallClock);
  const wall: number[] = [], cpu: number[] = [];
  for (let s = 0; s < samples; s++) {
    const w0 = wallClock(), c0 = cpuClock();
    for (let i = 0; i < calls; i++) fn();
    wall.push((wallClock() - w0) / 1000 / calls);
    cpu.push((cpuClock() - c0) / 1000 / calls);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** How many calls of `fn` last at least `sampleMs` by `clock`; the calls that find out are the warm-up. */
function callsPerSample(fn: () => void, sampleMs: number, clock: () => number): number {
  let calls = 1;
  for (;;) {
    const t0 = clock();
    for (let i = 0; i < calls; i++) fn();
    const dt = clock() - t0;
    if (dt >= sampleMs) return calls;
    calls = Math.max(calls * 2, Math.ceil((calls * sampleMs) / Math.max(dt, 0.01)));
  }
}

/**
 * The rows of a training benchmark of `batch` samples per step: samples/s on each backend by the
 * wall clock, then the same by this process's CPU time.
 */
export function trainingRows(label: string, batch: number, stepsPerSecond: (name: "wasm" | "js") => { wall: number; cpu: number }): Row[] {
  const wall: Row[] = [];
  const cpu: Row[] = [];
  for (const name of ["wasm", "js"] as const) {
    const r = stepsPerSecond(name);
    wall.push({ name: `${label} train (b${batch}, Adam)`, backend: name, value: batch * r.wall, unit: "samples/s" });
    cpu.push({ name: `${label} train, CPU time`, backend: name, value: batch * r.cpu, unit: "samples/s" });
  }
  return [...wall, ...cpu];
}

/**
 * Two variants of one measurement in alternating rounds (so that both see the same machine load),
 * as a row each (their medians) and a row of their ratio, a over b: the median of the rounds'
 * ratios, since a round's two measurements share the machine's speed of that moment, which drifts
 * by half over minutes on a shared VM.
 */
export function alternating(name: string, unit: string, rounds: number, a: [string, () => number], b: [string, () => number]): Row[] {
  const got: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    got[0].push(a[1]());
    got[1].push(b[1]());
  }
  return [
    { name, backend: a[0], value: median(got[0]), unit },
    { name, backend: b[0], value: median(got[1]), unit },
    { name: `${name}, ${a[0]}/${b[0]}`, backend: "wasm", value: median(got[0].map((v, r) => v / got[1][r])), unit: "×" },
  ];
}

/** A fixed-width table of rows, with the Wasm/JS ratio where both backends measured a name. */
export function formatTable(rows: Row[]): string {
  const lines = [`${"benchmark".padEnd(34)} ${"backend".padEnd(8)} ${"median".padStart(12)}  unit          wasm/js`];
  for (const r of rows) {
    const js = rows.find((o) => o.name === r.name && o.backend === "js");
    const ratio = r.backend === "wasm" && js ? `${(r.value / js.value).toFixed(1)}×` : "";
    lines.push(`${r.name.padEnd(34)} ${r.backend.padEnd(8)} ${fmt(r.value).padStart(12)}  ${r.unit.padEnd(12)}  ${ratio}`);
  }
  return lines.join("\n");
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/**
 * Runs a bench file in a child Node process with extra Node flags and arguments, and returns the
 * JSON of its last line of output. The file runs as TypeScript through tsx from the sources, or
 * compiled from dist/.
 */
export function runChild<T>(fileUrl: string, nodeFlags: string[], args: string[]): T {
  const file = fileURLToPath(fileUrl);
  const run = spawnSync(process.execPath, [...nodeFlags, ...(file.endsWith(".ts") ? ["--import", "tsx"] : []), file, ...args], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`bench: ${file} ${args.join(" ")} with ${nodeFlags.join(" ") || "no flags"} failed (status ${run.status}): ${run.stderr.trim()}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!) as T;
}
