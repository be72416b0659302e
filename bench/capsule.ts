// Capsule networks on each backend. "digit capsules fwd+bwd": the DigitCapsules layer of
// models.capsNet() alone (288 primary capsules of 8D → 10 digit capsules of 16D, 3 routing
// iterations, gradient through all of them), forward and backward of a batch of 32, as samples/s.
// "CapsNet train": a whole training step of models.capsNet() as fitCapsNet runs it (margin and
// reconstruction losses, backward, Adam), batch 32.
// Run alone: `npx tsx bench/capsule.ts [--quick]` (release build of the core).
import { fileURLToPath } from "node:url";
import { manualSeed, models, nn, optim, ready, scope, setBackend, tensor, type BackendName } from "../src/index.js";
import { cpuClock, formatTable, timePerCall, trainingRows, wallClock, type Row } from "./harness.js";
import type { BenchOptions } from "./index.js";

const BATCH = 32;

function digitCapsulesPerSecond(name: BackendName, quick: boolean, clock: () => number): number {
  setBackend(name);
  manualSeed(0);
  const layer = new nn.DigitCapsules(288, 8, 10, 16);
  const u = new Float32Array(BATCH * 288 * 8).map((_, i) => Math.sin(i) * 0.3);
  const g = new Float32Array(BATCH * 160).map((_, i) => Math.cos(i));
  const step = () =>
    scope(() => {
      const x = tensor(u, [BATCH, 288, 8], { requiresGrad: true });
      const v = layer.forward(x);
      v.backward(tensor(g, v.shape));
      layer.zeroGrad();
    });
  return BATCH / timePerCall(step, quick ? 3 : 7, name === "js" ? 200 : 60, clock);
}

function trainStepsPerSecond(name: BackendName, quick: boolean): { wall: number; cpu: number } {
  setBackend(name);
  manualSeed(0);
  const net = models.capsNet();
  const opt = new optim.Adam(net.parameters(), { lr: 1e-3 });
  const x = new Float32Array(BATCH * 784).map((_, i) => ((i * 2654435761) % 1000) / 1000);
  const y = Array.from({ length: BATCH }, (_, i) => i % 10);
  const step = () =>
    scope(() => {
      const { loss } = net.loss(tensor(x, [BATCH, 1, 28, 28]), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
  // A JS step takes ≈ 3 s: few, long samples there.
  const [samples, ms] = name === "js" ? [quick ? 1 : 3, 1000] : [quick ? 3 : 7, 300];
  const wall = timePerCall(step, samples, ms);
  const cpu = timePerCall(step, samples, ms, cpuClock);
  opt.dispose();
  return { wall: 1 / wall, cpu: 1 / cpu };
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  await ready();
  const quick = o.quick ?? false;
  const rows: Row[] = [];
  for (const [label, clock] of [["DigitCaps fwd+bwd b32 288→10×16", wallClock], ["DigitCaps fwd+bwd, CPU time", cpuClock]] as const) {
    for (const name of ["wasm", "js"] as const) rows.push({ name: label, backend: name, value: digitCapsulesPerSecond(name, quick, clock), unit: "samples/s" });
  }
  rows.push(...trainingRows("CapsNet", BATCH, (name) => trainStepsPerSecond(name, quick)));
  setBackend("wasm");
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bench({ quick: process.argv.includes("--quick") }).then((rows) => console.log(formatTable(rows)));
}
