// MLP training throughput: 784-128-10, batch 32, Adam, on each backend. One measured call is a
// whole training step as fit runs it: upload the batch, forward, cross-entropy, backward, Adam
// update, all inside a memory scope.
import { fileURLToPath } from "node:url";
import { losses, manualSeed, models, optim, ready, scope, setBackend, tensor, type BackendName } from "../src/index.js";
import { formatTable, timeBothClocks, trainingRows, type Row } from "./harness.js";
import type { BenchOptions } from "./index.js";

/** One training step of the MLP on the current backend, and the disposal of its optimizer. */
export function mlpStep(batch: number): { step: () => void; dispose: () => void } {
  manualSeed(0);
  const model = models.mlp({ inputs: 784, hidden: [128], outputs: 10 });
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = new Float32Array(batch * 784).map((_, i) => ((i * 2654435761) % 1000) / 1000);
  const y = Array.from({ length: batch }, (_, i) => i % 10);
  const step = () =>
    scope(() => {
      const loss = losses.crossEntropy(model.forward(tensor(x, [batch, 784])), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
  return { step, dispose: () => opt.dispose() };
}

/** Training steps per second, by the wall clock and by this process's CPU time. */
export function stepsPerSecond(name: BackendName, quick: boolean, batch = 32): { wall: number; cpu: number } {
  setBackend(name);
  const { step, dispose } = mlpStep(batch);
  // Warm up for a second first: V8 keeps optimizing the JS of the step for the first few hundred steps.
  const t0 = performance.now();
  while (performance.now() - t0 < (quick ? 300 : 1000)) step();
  const seconds = timeBothClocks(step, quick ? 3 : 9, quick ? 30 : 100);
  dispose();
  return { wall: 1 / seconds.wall, cpu: 1 / seconds.cpu };
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  await ready();
  const rows = trainingRows("MLP 784-128-10", 32, (name) => stepsPerSecond(name, o.quick ?? false));
  setBackend("wasm");
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bench({ quick: process.argv.includes("--quick") }).then((rows) => console.log(formatTable(rows)));
}
