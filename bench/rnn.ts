// Recurrent training throughput, sequences/s: one training step (forward, loss, BPTT backward, Adam)
// of a 1-layer RNN, LSTM or GRU with hidden 64 over T = 50 steps of 2 features, batch 32, followed
// by Linear(64→1) on the last output and an MSE loss (the adding-problem model), on wasm and js.
// Each rate is given twice: per second of wall time, and per second of CPU time of this process
// (what a loaded, shared machine does not take away).
// Run alone: `npx tsx bench/rnn.ts [--quick]` (release build of the core).
import { pathToFileURL } from "node:url";
import { losses, manualSeed, nn, ops, optim, ready, scope, setBackend, tensor, type Tensor } from "../src/index.js";
import type { BenchOptions } from "./index.js";
import { formatTable, timeBothClocks, type Row } from "./harness.js";

const HIDDEN = 64, T = 50, BATCH = 32, INPUT = 2;

/** One training step of the adding-problem model with `cell`, on the current backend. */
export function trainStep(cell: "lstm" | "gru" | "rnn"): () => void {
  manualSeed(1);
  const rnn = cell === "lstm" ? new nn.LSTM(INPUT, HIDDEN) : cell === "gru" ? new nn.GRU(INPUT, HIDDEN) : new nn.RNN(INPUT, HIDDEN);
  const head = new nn.Linear(HIDDEN, 1);
  const params = [...rnn.parameters(), ...head.parameters()];
  const opt = new optim.Adam(params, { lr: 1e-3 });
  const xs = Float32Array.from({ length: T * BATCH * INPUT }, (_, i) => (i % 2 === 0 ? Math.sin(i) * 0.5 + 0.5 : i % 7 === 1 ? 1 : 0));
  const ys = Float32Array.from({ length: BATCH }, (_, i) => Math.cos(i) + 1);
  return () => {
    scope(() => {
      const x = tensor(xs, [T, BATCH, INPUT]);
      const y = tensor(ys, [BATCH, 1]);
      const { h } = rnn.forwardWithState(x);
      const pred = head.forward(ops.reshape(h, [BATCH, HIDDEN]) as Tensor);
      const loss = losses.mse(pred, y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
  };
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  await ready();
  const rows: Row[] = [];
  const samples = o.quick ? 3 : 7;
  const sampleMs = o.quick ? 60 : 200;
  for (const cell of ["lstm", "gru", "rnn"] as const) {
    for (const name of ["wasm", "js"] as const) {
      setBackend(name);
      const step = trainStep(cell);
      const seconds = timeBothClocks(step, samples, sampleMs);
      rows.push({ name: `${cell.toUpperCase()} train H64 T50 B32`, backend: name, value: BATCH / seconds.wall, unit: "sequences/s" });
      rows.push({ name: `${cell.toUpperCase()} train H64 T50 B32 (CPU)`, backend: name, value: BATCH / seconds.cpu, unit: "seq/CPU s" });
    }
  }
  setBackend("wasm");
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await bench({ quick: process.argv.includes("--quick") });
  console.log(formatTable(rows));
}
