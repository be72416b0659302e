// `npm run bench -- --peers`: wasmnn beside TensorFlow.js (CPU and Wasm backends), brain.js,
// ConvNetJS and, where a python3 with torch is found, PyTorch, on the tasks of wasmnn's own rows.
// Every measurement is a child process on one thread; each peer's child alternates with children
// of wasmnn (bench/peers/wasmnn.ts) on its plain core and, where this Node runs relaxed SIMD
// (Node 20 with its flag), on its relaxed one, for a few rounds, so each ratio comes from one
// sitting. Medians of rounds of medians. Where a peer cannot do a task its child says why.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ready } from "../../src/index.js";
import { wasmPeak } from "../gemm.js";
import { FLAG as RELAXED_FLAG } from "../relaxed.js";
import { median, type Row } from "../harness.js";
import type { BenchOptions } from "../index.js";
import { BATCH, GEMM_N, parseMeasured, TASKS, type Measured, type Seconds, type Task } from "./protocol.js";

const TASK_ROWS: Record<Task, { label: string; unit: string; perCall: number }> = {
  mlp: { label: "MLP 784-128-10 train (b32, Adam)", unit: "samples/s", perCall: BATCH },
  lenet: { label: "CNN LeNet train (b32, Adam)", unit: "samples/s", perCall: BATCH },
  lstm: { label: "LSTM train H64 T50 B32", unit: "sequences/s", perCall: BATCH },
  gemm: { label: `gemm NN ${GEMM_N}³`, unit: "GFLOP/s", perCall: (2 * GEMM_N ** 3) / 1e9 },
};

/** A command that runs a task, given its args; or why the peer cannot run at all. */
type Launch = ((args: string[]) => [string, string[]]) | { absent: string };

/** A bench/peers child beside this file: TypeScript through tsx from the sources, or compiled from dist/. */
function nodeChild(name: string, extra: string[] = [], nodeFlags: string[] = []): Launch {
  const file = fileURLToPath(new URL(`./${name}${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));
  return (args) => [process.execPath, [...nodeFlags, ...(file.endsWith(".ts") ? ["--import", "tsx"] : []), file, ...extra, ...args]];
}

/** The PyTorch child, run by the first of /usr/bin/python3 and python3 that imports torch. */
function pytorchChild(): Launch {
  const tried = ["/usr/bin/python3", "python3"];
  const python = tried.find((p) => spawnSync(p, ["-c", "import torch"], { stdio: "ignore" }).status === 0);
  if (python === undefined) return { absent: `no python3 with torch (tried ${tried.join(", ")})` };
  // The script is not compiled: from dist/bench/peers it is found in the source tree.
  const script = [new URL("./pytorch.py", import.meta.url), new URL("../../../bench/peers/pytorch.py", import.meta.url)].map((u) => fileURLToPath(u)).find(existsSync);
  if (script === undefined) return { absent: "bench/peers/pytorch.py not found" };
  return (args) => [python, [script, ...args]];
}

function run(launch: Launch, args: string[]): Measured {
  if ("absent" in launch) return { na: launch.absent };
  const [command, argv] = launch(args);
  const child = spawnSync(command, argv, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (child.status !== 0) return { na: `its child failed (status ${child.status}): ${(child.stderr ?? "").trim().split("\n").at(-1) ?? ""}` };
  return parseMeasured(child.stdout);
}

/**
 * The rows of one task and one peer: its rate and wasmnn's, by the wall clock and by CPU time,
 * wasmnn's rows naming the peer they were measured beside (those of the relaxed-SIMD core, when
 * there are runs of it, as backend "wasmnn-relaxed"); or one row saying why there is none.
 */
export function pairRows(task: Task, peer: string, peerRuns: Measured[], wasmnnRuns: Seconds[], relaxedRuns: Seconds[] = []): Row[] {
  const { label, unit, perCall } = TASK_ROWS[task];
  const na = peerRuns.find((m) => "na" in m);
  if (na !== undefined && "na" in na) return [{ name: label, backend: peer, value: NaN, unit, note: na.na }];
  const seconds = peerRuns.flatMap((m) => ("seconds" in m ? [m.seconds] : []));
  const note = peerRuns.flatMap((m) => ("note" in m && m.note !== undefined ? [m.note] : []))[0];
  const rate = (runs: Seconds[], clock: keyof Seconds) => perCall / median(runs.map((s) => s[clock]));
  return [
    { name: label, backend: peer, value: rate(seconds, "wall"), unit, ...(note !== undefined ? { note } : {}) },
    { name: label, backend: "wasmnn", peer, value: rate(wasmnnRuns, "wall"), unit },
    { name: `${label}, CPU time`, backend: peer, value: rate(seconds, "cpu"), unit },
    { name: `${label}, CPU time`, backend: "wasmnn", peer, value: rate(wasmnnRuns, "cpu"), unit },
    ...(relaxedRuns.length === 0 ? [] : [
      { name: label, backend: "wasmnn-relaxed", peer, value: rate(relaxedRuns, "wall"), unit },
      { name: `${label}, CPU time`, backend: "wasmnn-relaxed", peer, value: rate(relaxedRuns, "cpu"), unit },
    ]),
  ];
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  await ready();
  const rounds = o.quick ? 1 : 3;
  const peers: [string, Launch][] = [
    ["tfjs-cpu", nodeChild("tfjs", ["--backend", "cpu"])],
    ["tfjs-wasm", nodeChild("tfjs", ["--backend", "wasm"])],
    ["brain.js", nodeChild("brainjs")],
    ["ConvNetJS", nodeChild("convnet")],
    ["PyTorch", pytorchChild()],
  ];
  const wasmnn = nodeChild("wasmnn", ["--simd", "plain"]);
  const relaxed = nodeChild("wasmnn", ["--simd", "relaxed"], [RELAXED_FLAG]);
  const rows: Row[] = [{ name: "gemm peak (kernel arithmetic)", backend: "wasm", value: wasmPeak(o.quick ? 3 : 7), unit: "GFLOP/s" }];
  // Whether this Node runs the relaxed core: one short child says.
  const probe = run(relaxed, ["--task", "gemm", "--quick"]);
  if ("na" in probe) rows.push({ name: "relaxed-SIMD core", backend: "wasmnn-relaxed", value: NaN, unit: "", note: `not measured: ${probe.na}` });
  const cores: Launch[] = "na" in probe ? [wasmnn] : [wasmnn, relaxed];
  for (const task of TASKS) {
    for (const [peer, launch] of peers) {
      const args = ["--task", task, ...(o.quick ? ["--quick"] : [])];
      const peerRuns: Measured[] = [];
      const ownRuns: Seconds[][] = cores.map(() => []);
      for (let r = 0; r < rounds; r++) {
        // Alternate which child goes first, so that a drift in the machine's load falls on both.
        const own = () => cores.forEach((core, i) => {
          const m = run(core, args);
          if ("na" in m) throw new Error(`bench peers: wasmnn's ${task} child: ${m.na}`);
          ownRuns[i].push(m.seconds);
        });
        if (r % 2 === 1) own();
        const m = run(launch, args);
        peerRuns.push(m);
        if ("na" in m) break;
        if (r % 2 === 0) own();
      }
      rows.push(...pairRows(task, peer, peerRuns, ownRuns[0], ownRuns[1]));
    }
  }
  return rows;
}

/** The table: per task and peer, the peer's rate, wasmnn's beside it, and their ratio by each clock. */
export function format(rows: Row[]): string {
  const f = (v: number) => (v >= 100 ? Math.round(v).toLocaleString("en-US") : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const lines = [
    `${"benchmark".padEnd(34)} ${"peer".padEnd(10)} ${"peer".padStart(9)} ${"wasmnn".padStart(9)}  ${"unit".padEnd(11)} ${"wasmnn/peer".padStart(11)} ${"CPU time".padStart(9)} ${"relaxed".padStart(9)} ${"relaxed/peer".padStart(12)}  note`,
  ];
  for (const r of rows) {
    if (r.name.endsWith(", CPU time") || r.peer !== undefined) continue;
    if (r.backend === "wasm") {
      lines.push(`${r.name.padEnd(34)} ${"wasmnn".padEnd(10)} ${"".padStart(9)} ${f(r.value).padStart(9)}  ${r.unit}`);
      continue;
    }
    if (r.backend === "wasmnn-relaxed") {
      lines.push(`${r.name.padEnd(34)} ${"".padEnd(10)} ${"".padStart(9)} ${"".padStart(9)}  ${"".padEnd(11)} ${"".padStart(11)} ${"".padStart(9)} ${"n/a".padStart(9)} ${"".padStart(12)}  ${r.note ?? ""}`);
      continue;
    }
    const mine = (backend: string) => rows.find((o) => o.name === r.name && o.peer === r.backend && o.backend === backend);
    const own = mine("wasmnn");
    const relaxed = mine("wasmnn-relaxed");
    const cpu = rows.find((o) => o.name === `${r.name}, CPU time` && o.backend === r.backend);
    const ownCpu = rows.find((o) => o.name === `${r.name}, CPU time` && o.peer === r.backend && o.backend === "wasmnn");
    // Two decimals below 10×, where a target such as 1.5× is read.
    const ratio = (a?: Row, b?: Row) => (a && b ? `${(a.value / b.value).toFixed(a.value / b.value < 10 ? 2 : 1)}×` : "");
    const value = Number.isNaN(r.value) ? "n/a" : f(r.value);
    const rate = (o?: Row) => (o ? f(o.value) : "");
    lines.push(
      `${r.name.padEnd(34)} ${r.backend.padEnd(10)} ${value.padStart(9)} ${rate(own).padStart(9)}  ${r.unit.padEnd(11)} ${ratio(own, r).padStart(11)} ${ratio(ownCpu, cpu).padStart(9)} ${rate(relaxed).padStart(9)} ${ratio(relaxed, r).padStart(12)}  ${r.note ?? ""}`,
    );
  }
  return lines.join("\n");
}
