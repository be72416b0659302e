// GEMM throughput, GFLOP/s = 2·m·n·k / seconds per call, on both backends.
//
// Square sizes in the three forms training uses, NN (A·B), NT (A·Bᵀ) and TN (Aᵀ·B), and the
// layer shape of an MLP on MNIST, Linear(784→128) at batch 32 with its weight stored in×out:
// forward NN m=32 n=128 k=784, input gradient NT m=32 n=784 k=128, weight gradient TN m=784 n=128
// k=32. Those three rows are all named "32×784×128".
// Run alone: `npx tsx bench/gemm.ts [--quick]` (release build of the core).
import { pathToFileURL } from "node:url";
import { backend, ready } from "../src/index.js";
import type { Backend } from "../src/index.js";
import type { BenchOptions } from "./index.js";
import { formatTable, timePerCall, type Row } from "./harness.js";

type Form = "NN" | "NT" | "TN";
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

function measure(b: Backend, form: Form, m: number, n: number, k: number, samples: number): number {
  const aPtr = b.heap.alloc(m * k * 4);
  const bPtr = b.heap.alloc(k * n * 4);
  const cPtr = b.heap.alloc(m * n * 4);
  fillRandom(b, aPtr, m * k);
  fillRandom(b, bPtr, k * n);
  const transA = form === "TN", transB = form === "NT";
  const seconds = timePerCall(() => b.gemm(aPtr, bPtr, cPtr, m, n, k, transA, transB, false), samples);
  b.heap.release(aPtr, m * k * 4);
  b.heap.release(bPtr, k * n * 4);
  b.heap.release(cPtr, m * n * 4);
  return (2 * m * n * k) / seconds / 1e9;
}

function fillRandom(b: Backend, ptr: number, n: number): void {
  const v = b.heap.f32(ptr, n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 12.9898) * 0.5;
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  await ready();
  const shapes = o.quick ? [square(128), mlp] : [square(128), square(256), square(512), square(1024), mlp];
  const rows: Row[] = [];
  for (const shape of shapes) {
    for (const form of FORMS) {
      const [m, n, k] = shape.dims(form);
      for (const name of ["wasm", "js"] as const) {
        // A 1024³ product takes most of a second in JS: three samples are enough there.
        const samples = o.quick ? 3 : name === "js" && m * n * k >= 1 << 30 ? 3 : 7;
        const value = measure(backend(name), form, m, n, k, samples);
        rows.push({ name: `gemm ${form} ${shape.name}`, backend: name, value, unit: "GFLOP/s" });
      }
    }
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await bench({ quick: process.argv.includes("--quick") });
  console.log(formatTable(rows));
}
