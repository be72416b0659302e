// The soak: long training runs on the wasm backend that prove training does not leak. The MLP on
// MNIST (10,000 steps), an LSTM on the adding problem and LeNet on MNIST (1,000 steps each), each
// once through fit and once through a hand-written loop (forward, loss, backward, step, zeroGrad,
// inside scope()). Every step records the live tensors, the heap's bytes in use and the Wasm
// memory size; after a warm-up of one epoch (the first epoch sizes the memory, its validation
// pass included), all three must stay exactly flat, or the run is a leak. The JS heap is printed
// too, measured after a forced collection (run with --expose-gc, as `npm run soak` does), for a
// look: it holds compiled code and caches, so it is reported, not judged.
//
//   npx tsx --expose-gc scripts/soak.ts [--steps-mlp 10000] [--steps 1000] [--rows 10 (rows printed per run)] [--only mlp,lstm,lenet]
import { parseArgs } from "node:util";
import {
  addingProblem, backend, fit, liveTensors, loadMnist, losses, manualSeed, models, nn, ops, optim, ready, scope, setBackend, tensor,
  type Dataset, type Tensor,
} from "../src/index.js";
import { bytesText } from "../src/memory/heap.js";

const { values: args } = parseArgs({
  options: {
    "steps-mlp": { type: "string", default: "10000" },
    steps: { type: "string", default: "1000" },
    rows: { type: "string", default: "10" },
    only: { type: "string", default: "mlp,lstm,lenet" },
  },
});
const count = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`soak: --${name} expects a positive integer, got "${v}"`);
  return n;
};
const STEPS_MLP = count("steps-mlp", args["steps-mlp"]!);
const STEPS = count("steps", args.steps!);
const ROWS = count("rows", args.rows!);
const ONLY = new Set(args.only!.split(","));
for (const name of ONLY) if (!["mlp", "lstm", "lenet"].includes(name)) throw new Error(`soak: --only expects names from mlp, lstm, lenet, got "${name}"`);
const BATCH = 32;

/** One step's record, taken after the step's scope has closed; jsHeap only on printed rows. */
interface Sample { step: number; live: number; inUse: number; memory: number; loss: number; jsHeap?: number }

/**
 * The records of one run, in columns allocated before it starts: a growing array of objects
 * would itself add ≈ 130 bytes of JS heap per step and hide what wasmnn does.
 */
class Samples {
  length = 0;
  private readonly cols: Float64Array[];
  constructor(readonly steps: number, readonly warmup: number) {
    this.cols = Array.from({ length: 5 }, () => new Float64Array(steps).fill(NaN));
  }

  add(loss: number): void {
    const heap = backend("wasm").heap;
    const [live, inUse, memory, losses, js] = this.cols;
    const i = this.length++;
    live[i] = liveTensors();
    inUse[i] = heap.bytesInUse;
    memory[i] = heap.byteLength;
    losses[i] = loss;
    if (gc !== undefined && printed(i + 1, this.steps, this.warmup)) {
      gc();
      js[i] = process.memoryUsage().heapUsed;
    }
  }

  at(i: number): Sample {
    const [live, inUse, memory, loss, js] = this.cols.map((c) => c[i]);
    return { step: i + 1, live, inUse, memory, loss, ...(Number.isNaN(js) ? {} : { jsHeap: js }) };
  }

  all(): Sample[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }
}

/** What a run trains: the model, its optimizer, the data and how a step's loss is computed. */
interface Task {
  name: string;
  model: nn.Module;
  opt: optim.Optimizer;
  train: Dataset;
  validation?: Dataset;
  loss: "crossEntropy" | "mse";
  steps: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** The steps printed: the first, the last of the warm-up, and every steps/ROWS-th. */
const printed = (step: number, steps: number, warmup: number) => step === 1 || step === warmup || step % Math.max(1, Math.floor(steps / ROWS)) === 0;

const row = (s: Sample) =>
  `${String(s.step).padStart(7)}${String(s.live).padStart(8)}${String(s.inUse).padStart(12)}${String(s.memory).padStart(12)}${s.loss.toFixed(4).padStart(10)}` +
  (s.jsHeap === undefined ? "" : (s.jsHeap / 2 ** 20).toFixed(2).padStart(10));

/** Print the chosen rows and the verdict: flat after `warmup` steps, or the growth seen. */
function report(title: string, record: Samples, seconds: number): boolean {
  const samples = record.all(), warmup = record.warmup;
  console.log(`\n${title}: ${samples.length} steps in ${seconds.toFixed(1)} s`);
  console.log(`${"step".padStart(7)}${"live".padStart(8)}${"inUse (B)".padStart(12)}${"memory (B)".padStart(12)}${"loss".padStart(10)}${gc ? "JS MiB".padStart(10) : ""}`);
  for (const s of samples) if (printed(s.step, samples.length, warmup)) console.log(row(s));
  const after = samples.filter((s) => s.step >= warmup);
  const span = (f: (s: Sample) => number) => [Math.min(...after.map(f)), Math.max(...after.map(f))];
  const [l0, l1] = span((s) => s.live), [u0, u1] = span((s) => s.inUse), [m0, m1] = span((s) => s.memory);
  // A run no longer than its warm-up proves nothing: it counts as not flat.
  const flat = after.length > 1 && l0 === l1 && u0 === u1 && m0 === m1;
  const range = (a: number, b: number, f: (n: number) => string = String) => (a === b ? f(a) : `${f(a)} → ${f(b)}`);
  console.log(
    `VERDICT ${title}: ${flat ? "FLAT" : after.length > 1 ? "NOT FLAT (leak)" : "TOO SHORT to judge"} after a warm-up of ${warmup} steps, over steps ${warmup}–${samples.length}: ` +
      `live tensors ${range(l0, l1)}, heap in use ${range(u0, u1, bytesText)}, memory ${range(m0, m1, bytesText)}`,
  );
  // The JS heap keeps growing for a while as the engine compiles and caches: its second half is the telling part.
  const js = samples.filter((s) => s.step >= warmup && s.jsHeap !== undefined).map((s) => s.jsHeap!);
  if (js.length > 1) {
    const half = js.slice(Math.floor(js.length / 2));
    console.log(`  JS heap after a forced collection: ${bytesText(js[0])} after the warm-up, ${bytesText(js[js.length - 1])} at the end; ${bytesText(Math.min(...half))} – ${bytesText(Math.max(...half))} over the second half`);
  }
  return flat;
}

/** fit, stopped after `steps` optimizer steps by a batch callback that also takes the samples. */
async function throughFit(t: Task, warmup: number): Promise<Samples> {
  const samples = new Samples(t.steps, warmup);
  const perEpoch = Math.ceil(t.train.length / BATCH);
  await fit(t.model, t.train, {
    epochs: Math.ceil(t.steps / perEpoch), batchSize: BATCH, optimizer: t.opt, loss: t.loss, validation: t.validation, verbose: false, seed: 1,
    callbacks: [{
      onBatchEnd: (logs, ctx) => {
        samples.add(logs.loss);
        if (samples.length === t.steps) ctx.stop();
      },
    }],
  });
  return samples;
}

/** The hand-written loop: batches in order, cycling over the training set. */
function manual(t: Task, warmup: number): Samples {
  const samples = new Samples(t.steps, warmup);
  const { x, y, sampleShape, targetShape } = t.train;
  const xs = sampleShape.reduce((a, b) => a * b, 1), ys = targetShape.reduce((a, b) => a * b, 1);
  const perEpoch = Math.floor(t.train.length / BATCH);
  t.model.train();
  for (let step = 1; step <= t.steps; step++) {
    const from = ((step - 1) % perEpoch) * BATCH;
    const value = scope(() => {
      const xb = tensor(x.subarray(from * xs, (from + BATCH) * xs), [BATCH, ...sampleShape]);
      const yb = y.subarray(from * ys, (from + BATCH) * ys);
      const pred = t.model.forward(xb);
      const loss = t.loss === "mse" ? losses.mse(pred, tensor(yb, [BATCH, ...targetShape])) : losses.crossEntropy(pred, yb);
      loss.backward();
      t.opt.step();
      t.opt.zeroGrad();
      return loss.item();
    });
    samples.add(value);
  }
  return samples;
}

/** The adding problem's net: an LSTM over the sequence, a linear head on its last hidden state. */
class AddingNet extends nn.Module {
  readonly lstm: nn.LSTM;
  readonly head: nn.Linear;
  constructor(readonly hidden: number) {
    super();
    this.lstm = this.child("lstm", new nn.LSTM(2, hidden, { batchFirst: true }));
    this.head = this.child("head", new nn.Linear(hidden, 1));
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(ops.reshape(this.lstm.forwardWithState(x).h, [x.shape[0], this.hidden]));
  }
}

function dispose(t: Task): void {
  t.opt.dispose();
  for (const p of t.model.parameters()) {
    p.grad?.dispose();
    p.dispose();
  }
  for (const [, b] of t.model.namedBuffers()) b.dispose();
}

async function main(): Promise<void> {
  await ready();
  setBackend("wasm");
  const flat = await loadMnist({ trainSize: 8000, testSize: 2000 });
  const image = await loadMnist({ trainSize: 8000, testSize: 2000, shape: "image" });
  const adding = addingProblem({ length: 50, count: 3200, seed: 1 });
  const addingValid = addingProblem({ length: 50, count: 500, seed: 2 });
  const makers: Record<string, () => Task> = {
    mlp: () => {
      const model = models.mlp({ inputs: 784, hidden: [128], outputs: 10, dropout: 0.1 });
      return { name: "MLP 784-128-10", model, opt: new optim.Adam(model.parameters(), { lr: 1e-3 }), train: flat.train, validation: flat.test, loss: "crossEntropy", steps: STEPS_MLP };
    },
    lstm: () => {
      const model = new AddingNet(32);
      return { name: "LSTM(2→32) adding T=50", model, opt: new optim.Adam(model.parameters(), { lr: 3e-3 }), train: adding, validation: addingValid, loss: "mse", steps: STEPS };
    },
    lenet: () => {
      const model = models.lenet();
      return { name: "LeNet", model, opt: new optim.Adam(model.parameters(), { lr: 1e-3 }), train: image.train, validation: image.test, loss: "crossEntropy", steps: STEPS };
    },
  };
  console.log(`soak on the wasm backend: batch ${BATCH}; a sample per step, after the step's scope closed; ${liveTensors()} live tensors before the runs`);
  if (gc === undefined) console.log("(no JS heap figures: run with --expose-gc, as npm run soak does)");
  const verdicts: string[] = [];
  let allFlat = true;
  for (const [key, make] of Object.entries(makers)) {
    if (!ONLY.has(key)) continue;
    for (const how of ["fit", "manual loop"] as const) {
      manualSeed(1);
      const base = liveTensors();
      const task = make();
      // One epoch of warm-up: the first validation pass (fit's, at the end of epoch 1) sizes the memory for its larger batches.
      const warmup = Math.min(task.steps, Math.ceil(task.train.length / BATCH) + 1);
      const t0 = performance.now();
      const samples = how === "fit" ? await throughFit(task, warmup) : manual(task, warmup);
      const title = `${task.name}, ${how}`;
      const ok = report(title, samples, (performance.now() - t0) / 1000);
      dispose(task);
      const left = liveTensors() - base;
      allFlat &&= ok && left === 0;
      verdicts.push(`${ok ? "FLAT" : samples.length <= warmup ? "TOO SHORT" : "NOT FLAT"}  ${title} (warm-up ${warmup} steps); ${left} tensors left after disposing the model and optimizer`);
    }
  }
  console.log(`\n${verdicts.join("\n")}`);
  process.exitCode = allFlat ? 0 : 1;
}

main().catch((err: Error) => {
  console.error(err);
  process.exitCode = 1;
});
