// CNN training throughput on each backend: conv(1→8, 5×5) → ReLU → maxpool 2 → conv(8→16, 5×5)
// → ReLU → maxpool 2 → linear(256→10) (models.lenet()), batch 32, Adam. One measured call is a
// whole training step as fit runs it: upload the batch, forward, cross-entropy, backward, Adam
// update, all inside a memory scope. The same net in other libraries: `npm run bench -- --peers`
// (bench/peers).
// Run alone: `npx tsx bench/cnn.ts [--quick]` (release build of the core).
import { fileURLToPath } from "node:url";
import { losses, manualSeed, models, optim, ready, scope, setBackend, tensor, type BackendName } from "../src/index.js";
import { formatTable, timeBothClocks, trainingRows, type Row } from "./harness.js";
import type { BenchOptions } from "./index.js";

const BATCH = 32;

/** One training step of LeNet on the current backend, and the disposal of its optimizer. */
export function lenetStep(): { step: () => void; dispose: () => void } {
  manualSeed(0);
  const model = models.lenet();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  // Digit-like inputs in [0, 1] (the values do not change the work done).
  const x = new Float32Array(BATCH * 784).map((_, i) => ((i * 2654435761) % 1000) / 1000);
  const y = Array.from({ length: BATCH }, (_, i) => i % 10);
  const step = () =>
    scope(() => {
      const loss = losses.crossEntropy(model.forward(tensor(x, [BATCH, 1, 28, 28])), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
  return { step, dispose: () => opt.dispose() };
}

/** Training steps per second, by the wall clock and by this process's CPU time. */
export function stepsPerSecond(name: BackendName, quick: boolean): { wall: number; cpu: number } {
  setBackend(name);
  const { step, dispose } = lenetStep();
  // The JS backend takes ≈ 0.3 s per step: fewer, longer samples there.
  const seconds = name === "js" ? timeBothClocks(step, quick ? 3 : 5, 300) : timeBothClocks(step, quick ? 3 : 9, quick ? 60 : 200);
  dispose();
  return { wall: 1 / seconds.wall, cpu: 1 / seconds.cpu };
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  await ready();
  const rows = trainingRows("CNN LeNet", BATCH, (name) => stepsPerSecond(name, o.quick ?? false));
  setBackend("wasm");
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bench({ quick: process.argv.includes("--quick") }).then((rows) => console.log(formatTable(rows)));
}
