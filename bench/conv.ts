// Convolution throughput on the two LeNet-5 shapes at batch 32, on both backends.
//
// conv1: 1→8 channels, 5×5, on 28×28 (→ 24×24); conv2: 8→16 channels, 5×5, on 12×12 (→ 8×8).
// A pass costs 2·N·O·OH·OW·C·KH·KW flops; a training step runs three (forward, input gradient,
// weight gradient), and the "fwd+bwd" row times all three together. The per-pass rows show where
// the time goes.
// Run alone: `npx tsx bench/conv.ts [--quick]` (release build of the core).
import { pathToFileURL } from "node:url";
import { backend, ready } from "../src/index.js";
import type { Backend } from "../src/index.js";
import type { BenchOptions } from "./index.js";
import { formatTable, timePerCall, type Row } from "./harness.js";

interface Shape {
  name: string;
  n: number; c: number; h: number; w: number; o: number; k: number;
}

const SHAPES: Shape[] = [
  { name: "1→8 5×5 28×28 b32", n: 32, c: 1, h: 28, w: 28, o: 8, k: 5 },
  { name: "8→16 5×5 12×12 b32", n: 32, c: 8, h: 12, w: 12, o: 16, k: 5 },
];

type Pass = "fwd" | "dx" | "dW";

function measure(b: Backend, s: Shape, passes: Pass[], samples: number): number {
  const oh = s.h - s.k + 1;
  const ow = s.w - s.k + 1;
  const sizes = { x: s.n * s.c * s.h * s.w, w: s.o * s.c * s.k * s.k, y: s.n * s.o * oh * ow };
  const blocks: [number, number][] = [];
  const ptr = (n: number): number => {
    const p = b.heap.alloc(n * 4);
    blocks.push([p, n * 4]);
    const v = b.heap.f32(p, n);
    for (let i = 0; i < n; i++) v[i] = Math.sin(i * 12.9898) * 0.5;
    return p;
  };
  const [x, wt, bias, y, dy, dx, dW, db] = [sizes.x, sizes.w, s.o, sizes.y, sizes.y, sizes.x, sizes.w, s.o].map(ptr);
  const g = [s.n, s.c, s.h, s.w, s.o, s.k, s.k, oh, ow, 1, 1, 0, 0, 1, 1] as const;
  const seconds = timePerCall(() => {
    if (passes.includes("fwd")) b.conv2d(x, wt, bias, y, ...g);
    if (passes.includes("dx")) b.conv2dBackwardInput(dy, wt, dx, ...g);
    if (passes.includes("dW")) b.conv2dBackwardWeight(x, dy, dW, db, ...g);
  }, samples);
  for (const [p, bytes] of blocks) b.heap.release(p, bytes);
  const flops = 2 * s.n * s.o * oh * ow * s.c * s.k * s.k * passes.length;
  return flops / seconds / 1e9;
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  await ready();
  const rows: Row[] = [];
  const variants: [string, Pass[]][] = o.quick
    ? [["fwd+bwd", ["fwd", "dx", "dW"]]]
    : [["fwd+bwd", ["fwd", "dx", "dW"]], ["fwd", ["fwd"]], ["dx", ["dx"]], ["dW", ["dW"]]];
  for (const s of SHAPES) {
    for (const [label, passes] of variants) {
      for (const name of ["wasm", "js"] as const) {
        const value = measure(backend(name), s, passes, o.quick ? 3 : 7);
        rows.push({ name: `conv ${label} ${s.name}`, backend: name, value, unit: "GFLOP/s" });
      }
    }
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await bench({ quick: process.argv.includes("--quick") });
  console.log(formatTable(rows));
}
