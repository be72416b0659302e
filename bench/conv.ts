// Convolution throughput on the two LeNet-5 shapes at batch 32, on both backends.
//
// conv1: 1→8 channels, 5×5, on 28×28 (→ 24×24); conv2: 8→16 channels, 5×5, on 12×12 (→ 8×8).
// A pass costs 2·N·O·OH·OW·C·KH·KW flops; a training step runs three (forward, input gradient,
// weight gradient), and the "fwd+bwd" row times all three together. The per-pass rows show where
// the time goes. LeNet's first convolution needs no input gradient in training: its "fwd+dW" row
// (the training passes) times the forward and the weight gradient alone, and the "LeNet step"
// rows time both layers' training passes in one call: their share of the peak, and the time they
// would take at the peak, a floor no kernel can take a LeNet step under.
// The "gemm peak" row is the Wasm GEMM micro-kernel's arithmetic alone (bench/gemm.ts), and each
// "/ peak" row the fraction of it a convolution reaches. This machine's speed swings by a third
// from one second to the next, so those fractions come from rounds that time the peak, the
// convolution and the peak again, and report the median of the per-round ratios.
// Run alone: `npx tsx bench/conv.ts [--quick]` (release build of the core).
import { pathToFileURL } from "node:url";
import { backend, ready } from "../src/index.js";
import type { Backend } from "../src/index.js";
import type { BenchOptions } from "./index.js";
import { wasmPeak } from "./gemm.js";
import { formatTable, median, timePerCall, type Row } from "./harness.js";

interface Shape {
  name: string;
  /** The name without the kernel size and batch, for the "/ peak" rows. */
  short: string;
  n: number; c: number; h: number; w: number; o: number; k: number;
}

const SHAPES: Shape[] = [
  { name: "1→8 5×5 28×28 b32", short: "1→8 28×28", n: 32, c: 1, h: 28, w: 28, o: 8, k: 5 },
  { name: "8→16 5×5 12×12 b32", short: "8→16 12×12", n: 32, c: 8, h: 12, w: 12, o: 16, k: 5 },
];

type Pass = "fwd" | "dx" | "dW";

/** Some passes on one shape; a measured call runs every work of a list, in order. */
type Work = [Shape, Pass[]];

/** Flops of the passes: 2·N·O·OH·OW·C·KH·KW each. */
function flopsOf([s, passes]: Work): number {
  return 2 * s.n * s.o * (s.h - s.k + 1) * (s.w - s.k + 1) * s.c * s.k * s.k * passes.length;
}

/** GFLOP/s of one call running every work of the list. */
function measure(b: Backend, works: Work[], samples: number, sampleMs = 60): number {
  const blocks: [number, number][] = [];
  const ptr = (n: number): number => {
    const p = b.heap.alloc(n * 4);
    blocks.push([p, n * 4]);
    const v = b.heap.f32(p, n);
    for (let i = 0; i < n; i++) v[i] = Math.sin(i * 12.9898) * 0.5;
    return p;
  };
  const calls = works.map(([s, passes]) => {
    const oh = s.h - s.k + 1;
    const ow = s.w - s.k + 1;
    const sizes = { x: s.n * s.c * s.h * s.w, w: s.o * s.c * s.k * s.k, y: s.n * s.o * oh * ow };
    const [x, wt, bias, y, dy, dx, dW, db] = [sizes.x, sizes.w, s.o, sizes.y, sizes.y, sizes.x, sizes.w, s.o].map(ptr);
    const g = [s.n, s.c, s.h, s.w, s.o, s.k, s.k, oh, ow, 1, 1, 0, 0, 1, 1] as const;
    return () => {
      if (passes.includes("fwd")) b.conv2d(x, wt, bias, y, ...g);
      if (passes.includes("dx")) b.conv2dBackwardInput(dy, wt, dx, ...g);
      if (passes.includes("dW")) b.conv2dBackwardWeight(x, dy, dW, db, ...g);
    };
  });
  const seconds = timePerCall(() => calls.forEach((call) => call()), samples, sampleMs);
  for (const [p, bytes] of blocks) b.heap.release(p, bytes);
  return works.reduce((sum, w) => sum + flopsOf(w), 0) / seconds / 1e9;
}

const ALL: Pass[] = ["fwd", "dx", "dW"];
const TRAINING: Pass[] = ["fwd", "dW"];
/** The convolution work of one LeNet training step: its first layer needs no input gradient. */
const LENET_STEP: Work[] = [[SHAPES[0], TRAINING], [SHAPES[1], ALL]];

/** Median over rounds of (conv rate) / (mean of the peaks timed just before and after it). */
function fractionOfPeak(works: Work[], rounds: number): number {
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const before = wasmPeak(3);
    const conv = measure(backend("wasm"), works, 3, 30);
    ratios.push(conv / ((before + wasmPeak(3)) / 2));
  }
  return median(ratios);
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  await ready();
  const rows: Row[] = [{ name: "gemm peak (kernel arithmetic)", backend: "wasm", value: wasmPeak(o.quick ? 3 : 7), unit: "GFLOP/s" }];
  const variants: [string, Pass[]][] = o.quick
    ? [["fwd+bwd", ALL]]
    : [["fwd+bwd", ALL], ["fwd", ["fwd"]], ["dx", ["dx"]], ["dW", ["dW"]]];
  for (const s of SHAPES) {
    for (const [label, passes] of variants) {
      for (const name of ["wasm", "js"] as const) {
        const value = measure(backend(name), [[s, passes]], o.quick ? 3 : 7);
        rows.push({ name: `conv ${label} ${s.name}`, backend: name, value, unit: "GFLOP/s" });
      }
    }
  }
  const rounds = o.quick ? 3 : 9;
  const first = SHAPES[0];
  rows.push({ name: `conv fwd+dW ${first.name}`, backend: "wasm", value: measure(backend("wasm"), [[first, TRAINING]], o.quick ? 3 : 7), unit: "GFLOP/s" });
  for (const s of SHAPES) rows.push({ name: `conv fwd+bwd ${s.short} / peak`, backend: "wasm", value: fractionOfPeak([[s, ALL]], rounds), unit: "× peak" });
  rows.push({ name: `conv fwd+dW ${first.short} / peak`, backend: "wasm", value: fractionOfPeak([[first, TRAINING]], rounds), unit: "× peak" });
  // A LeNet step's convolutions as one figure: their share of the peak, and the time they would
  // take at the peak itself, a floor under the training step whatever the kernels do.
  rows.push({ name: "conv LeNet step / peak", backend: "wasm", value: fractionOfPeak(LENET_STEP, rounds), unit: "× peak" });
  const stepFlops = LENET_STEP.reduce((sum, w) => sum + flopsOf(w), 0);
  rows.push({ name: "conv LeNet step at the peak", backend: "wasm", value: (stepFlops / (rows[0].value * 1e9)) * 1e6, unit: "µs" });
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await bench({ quick: process.argv.includes("--quick") });
  console.log(formatTable(rows));
}
