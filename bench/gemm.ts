// GEMM throughput, GFLOP/s = 2·m·n·k / seconds per call, on both backends.
//
// Square sizes in the three forms training uses, NN (A·B), NT (A·Bᵀ) and TN (Aᵀ·B), and the
// layer shape of an MLP on MNIST, Linear(784→128) at batch 32 with its weight stored in×out:
// forward NN m=32 n=128 k=784, input gradient NT m=32 n=784 k=128, weight gradient TN m=784 n=128
// k=32. Those three rows are all named "32×784×128".
// First comes each backend's ceiling on this machine at this moment: its GEMM kernel's arithmetic
// with the operands in registers ("gemm peak"); a GEMM rate over that peak is the kernel's
// efficiency, whatever else the machine is running. Each Wasm row has a "/ gemm peak" row beside
// it, the two measured in alternating rounds.
// Run alone: `npx tsx bench/gemm.ts [--quick]` (release build of the core).
import { pathToFileURL } from "node:url";
import { backend, ready } from "../src/index.js";
import type { Backend } from "../src/index.js";
import type { WasmBackend } from "../src/backend/wasm/index.js";
import type { BenchOptions } from "./index.js";
import { formatTable, median, timePerCall, wallClock, type Row } from "./harness.js";

export type Form = "NN" | "NT" | "TN";
const FORMS: Form[] = ["NN", "NT", "TN"];

interface Shape {
  name: string;
  /** (m, n, k) for each form. */
  dims(form: Form): [number, number, number];
}

const square = (s: number): Shape => ({ name: `${s}³`, dims: () => [s, s, s] });
const mlp: Shape = {
  name: "32×784×128",
  dims: (form) => (form === "NN" ? [32, 128, 784] : form === "NT" ? [32, 784, 128] : [784, 128, 32]),
};

export function measure(b: Backend, form: Form, m: number, n: number, k: number, samples: number): number {
  const { call, release } = gemmCall(b, form, m, n, k);
  const seconds = timePerCall(call, samples);
  release();
  return (2 * m * n * k) / seconds / 1e9;
}

/** One GEMM of `form` on operands allocated on `b`'s heap, and the release of them. */
export function gemmCall(b: Backend, form: Form, m: number, n: number, k: number): { call: () => void; release: () => void } {
  const aPtr = b.heap.alloc(m * k * 4);
  const bPtr = b.heap.alloc(k * n * 4);
  const cPtr = b.heap.alloc(m * n * 4);
  fillRandom(b, aPtr, m * k);
  fillRandom(b, bPtr, k * n);
  const transA = form === "TN", transB = form === "NT";
  return {
    call: () => b.gemm(aPtr, bPtr, cPtr, m, n, k, transA, transB, false),
    release: () => {
      b.heap.release(aPtr, m * k * 4);
      b.heap.release(bPtr, k * n * 4);
      b.heap.release(cPtr, m * n * 4);
    },
  };
}

/** GFLOP/s of the Wasm micro-kernel's arithmetic alone (gemmPeak: 64 flops per step). */
export function wasmPeak(samples: number, clock: () => number = wallClock, core = backend("wasm") as WasmBackend): number {
  const steps = 1 << 20;
  return (64 * steps) / timePerCall(() => core.gemmPeak(steps), samples, 60, clock) / 1e9;
}

/**
 * GFLOP/s of the JS kernel's arithmetic alone: its 4×4 tile of 16 multiply-adds per step, fed by
 * eight loads that always hit the same eight floats.
 */
export function jsPeak(samples: number, clock: () => number = wallClock): number {
  const ab = Float32Array.of(0.5, 0.25, 0.125, 0.0625, 0.5, 0.25, 0.125, 0.0625);
  const steps = 1 << 20;
  let sink = 0;
  const seconds = timePerCall(() => {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (let p = 0; p < steps; p++) {
      const a0 = ab[0], a1 = ab[1], a2 = ab[2], a3 = ab[3];
      const b0 = ab[4], b1 = ab[5], b2 = ab[6], b3 = ab[7];
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    }
    sink += c00 + c01 + c02 + c03 + c10 + c11 + c12 + c13 + c20 + c21 + c22 + c23 + c30 + c31 + c32 + c33;
  }, samples, 60, clock);
  if (!Number.isFinite(sink)) throw new Error("gemm peak: the sums overflowed");
  return (32 * steps) / seconds / 1e9;
}

function fillRandom(b: Backend, ptr: number, n: number): void {
  const v = b.heap.f32(ptr, n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 12.9898) * 0.5;
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  await ready();
  const shapes = o.quick ? [square(128), mlp] : [square(128), square(256), square(512), square(1024), mlp];
  const rows: Row[] = [
    { name: "gemm peak (kernel arithmetic)", backend: "wasm", value: wasmPeak(o.quick ? 3 : 7), unit: "GFLOP/s" },
    { name: "gemm peak (kernel arithmetic)", backend: "js", value: jsPeak(o.quick ? 3 : 7), unit: "GFLOP/s" },
  ];
  for (const shape of shapes) {
    for (const form of FORMS) {
      const [m, n, k] = shape.dims(form);
      for (const name of ["wasm", "js"] as const) {
        // A 1024³ product takes most of a second in JS: three samples are enough there.
        const samples = o.quick ? 3 : name === "js" && m * n * k >= 1 << 30 ? 3 : 7;
        const value = measure(backend(name), form, m, n, k, samples);
        rows.push({ name: `gemm ${form} ${shape.name}`, backend: name, value, unit: "GFLOP/s" });
      }
      rows.push(ofPeak(`gemm ${form} ${shape.name}`, o.quick ? 2 : 5, () => measure(backend("wasm"), form, m, n, k, 3)));
    }
  }
  return rows;
}

/**
 * A Wasm kernel's GFLOP/s over the `gemm peak` row, as a row: the two measured in alternating
 * rounds and the median of the rounds' ratios, so that both see the same moment of a machine whose
 * speed drifts by a third within a minute.
 */
export function ofPeak(name: string, rounds: number, gflops: () => number): Row {
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const peak = wasmPeak(3);
    ratios.push(gflops() / peak);
  }
  return { name: `${name} / gemm peak`, backend: "wasm", value: median(ratios), unit: "×" };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await bench({ quick: process.argv.includes("--quick") });
  console.log(formatTable(rows));
}
