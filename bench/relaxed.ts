// The relaxed-SIMD core against the plain one, in one process: the same GEMMs on two instances,
// measured in alternating rounds so that both see the same machine load, and their ratio.
// Node 20 runs relaxed SIMD only with --experimental-wasm-relaxed-simd: without it, this suite
// reruns itself in a child process with the flag and reads its rows back.
// Run alone: `node --experimental-wasm-relaxed-simd --import tsx bench/relaxed.ts [--quick]`.
import { pathToFileURL } from "node:url";
import { WasmBackend } from "../src/backend/wasm/index.js";
import { instantiateCore, relaxedSimdSupported } from "../src/backend/wasm/load.js";
import type { BenchOptions } from "./index.js";
import { measure, wasmPeak, type Form } from "./gemm.js";
import { alternating, formatTable, runChild, type Row } from "./harness.js";

/** The Node 20 flag that turns relaxed SIMD on (Node ≥ 22 and Chrome ≥ 114 have it without). */
export const FLAG = "--experimental-wasm-relaxed-simd";

const CASES: { name: string; form: Form; dims: [number, number, number] }[] = [
  { name: "512³", form: "NN", dims: [512, 512, 512] },
  { name: "1024³", form: "NN", dims: [1024, 1024, 1024] },
  { name: "32×784×128", form: "NN", dims: [32, 128, 784] },
];

async function inProcess(o: BenchOptions): Promise<Row[]> {
  const cores = {
    plain: new WasmBackend(await instantiateCore(undefined, false, "plain")),
    relaxed: new WasmBackend(await instantiateCore(undefined, false, "relaxed")),
  };
  const rounds = o.quick ? 2 : 5;
  const rows: Row[] = [];
  const pair = (name: string, run: (core: WasmBackend) => number): void => {
    rows.push(...alternating(name, "GFLOP/s", rounds, ["relaxed", () => run(cores.relaxed)], ["plain", () => run(cores.plain)]));
  };
  pair("gemm peak (kernel arithmetic)", (core) => wasmPeak(3, undefined, core));
  for (const c of o.quick ? CASES.slice(0, 1) : CASES) {
    pair(`gemm ${c.form} ${c.name}`, (core) => measure(core, c.form, ...c.dims, 3));
  }
  return rows;
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  if (relaxedSimdSupported()) return inProcess(o);
  return runChild<{ rows: Row[] }>(import.meta.url, [FLAG], ["--json", ...(o.quick ? ["--quick"] : [])]).rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await bench({ quick: process.argv.includes("--quick") });
  console.log(process.argv.includes("--json") ? JSON.stringify({ rows }) : formatTable(rows));
}
