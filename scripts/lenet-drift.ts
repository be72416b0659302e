// Why LeNet's weights drift apart between the Wasm and JS backends over 200 Adam steps.
//
// (a) One step from identical weights on the same batch: every gradient and every updated weight,
//     Wasm against JS. The kernels agree if the differences are float32 rounding.
// (b) The runs in lockstep on the same batches: max |Δw| over all weights and ‖Δw‖/‖w‖ per step,
//     and the discrete events that rounding can flip: a max-pool window whose winner differs
//     between the backends (two candidates closer than their rounding), a ReLU whose input
//     changes sign.
// (c) The control: JS against JS, the second run's initial weights moved by one ulp, or by a
//     relative 1e-6 or 1e-5 (random signs). If a JS pair started that far apart drifts as Wasm
//     against JS does, the drift is training amplifying a small difference, not a kernel
//     computing another thing.
//
//   npx tsx scripts/lenet-drift.ts [--steps 200] [--lr 1e-3] [--batches 1 (distinct batches taken in turn; 1 over-fits one batch)]
import { parseArgs } from "node:util";
import { loadMnist, losses, manualSeed, models, nn, optim, Random, ready, scope, setBackend, simd, tensor, type BackendName, type Dataset, type Tensor } from "../src/index.js";

const { values: args } = parseArgs({
  options: { steps: { type: "string", default: "200" }, lr: { type: "string", default: "1e-3" }, batches: { type: "string", default: "1" } },
});
const STEPS = Number(args.steps);
const LR = Number(args.lr);
const BATCHES = Number(args.batches);
if (!Number.isInteger(STEPS) || STEPS < 1) throw new Error(`lenet-drift: --steps expects a positive integer, got "${args.steps}"`);
if (!(LR > 0)) throw new Error(`lenet-drift: --lr expects a positive number, got "${args.lr}"`);
if (!Number.isInteger(BATCHES) || BATCHES < 1 || BATCHES > 250) throw new Error(`lenet-drift: --batches expects an integer from 1 to 250, got "${args.batches}"`);
const BATCH = 32;

type State = ReturnType<nn.Module["stateDict"]>;

/** One training run: LeNet and its Adam on one backend. */
interface Run { backend: BackendName; model: nn.Sequential; opt: optim.Adam }

/** A run on `backend` starting from `state` (the weights of another run, copied exactly). */
function makeRun(backend: BackendName, state: State): Run {
  setBackend(backend);
  const model = models.lenet();
  model.loadStateDict(state);
  return { backend, model, opt: new optim.Adam(model.parameters(), { lr: LR }) };
}

/** `state` with every value moved: by one ulp away from zero (+1 in its bit pattern), or by w·(1 ± rel), signs at random. */
function perturbed(state: State, rel: "ulp" | number): State {
  const r = new Random(7);
  const out: State = {};
  for (const [k, { shape, data }] of Object.entries(state)) {
    const moved = new Float32Array(data);
    if (rel === "ulp") {
      const bits = new Int32Array(moved.buffer);
      for (let i = 0; i < bits.length; i++) bits[i] += 1;
    } else {
      for (let i = 0; i < moved.length; i++) moved[i] *= 1 + (r.next() < 0.5 ? -rel : rel);
    }
    out[k] = { shape, data: moved };
  }
  return out;
}

/** The batch of step `step` (from 0): batches 0 … BATCHES − 1 of the training set in turn, the same for every run. */
function batch(train: Dataset, step: number): { x: Float32Array; y: Float32Array } {
  const per = train.sampleShape.reduce((a, b) => a * b, 1);
  const from = (step % BATCHES) * BATCH;
  return { x: train.x.subarray(from * per, (from + BATCH) * per), y: train.y.subarray(from, from + BATCH) };
}

/** What a forward and backward left: the loss, and the inputs of each ReLU (the conv outputs) for the flip counts. */
interface Pass { loss: number; preRelu: Float32Array[] }

/** Forward, loss and backward of one batch on the run's backend, layer by layer as Sequential runs them. Gradients stay in p.grad. */
function gradients(r: Run, train: Dataset, step: number): Pass {
  setBackend(r.backend);
  const { x, y } = batch(train, step);
  return scope(() => {
    r.opt.zeroGrad();
    const preRelu: Float32Array[] = [];
    let h: Tensor = tensor(x, [BATCH, ...train.sampleShape]);
    for (const [, layer] of r.model.namedChildren()) {
      if (layer instanceof nn.ReLU) preRelu.push(h.toArray());
      h = (layer as nn.Module).forward(h);
    }
    const loss = losses.crossEntropy(h, y);
    loss.backward();
    return { loss: loss.item(), preRelu };
  });
}

/** Windows of a 2×2, stride-2 max pool over relu(a) and relu(b) ([planes, size, size]) whose first maximum sits elsewhere; and inputs whose sign differs. */
function flips(a: Float32Array, b: Float32Array, size: number): { pool: number; relu: number } {
  let pool = 0, relu = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > 0 !== b[i] > 0) relu++;
  const argmax = (v: Float32Array, at: number) => {
    let best = -Infinity, arg = -1;
    for (const k of [at, at + 1, at + size, at + size + 1]) {
      const r = Math.max(v[k], 0);
      if (r > best) [best, arg] = [r, k];
    }
    return arg;
  };
  for (let p = 0; p < a.length / (size * size); p++) {
    for (let oy = 0; oy < size; oy += 2) for (let ox = 0; ox < size; ox += 2) {
      const at = p * size * size + oy * size + ox;
      if (argmax(a, at) !== argmax(b, at)) pool++;
    }
  }
  return { pool, relu };
}

/** max |a − b|, max |a|, ‖a − b‖₂ and ‖a‖₂ over two lists of same-shaped arrays. */
function compare(a: Float32Array[], b: Float32Array[]): { maxDiff: number; maxAbs: number; normDiff: number; norm: number } {
  let maxDiff = 0, maxAbs = 0, sd = 0, sa = 0;
  for (let k = 0; k < a.length; k++) {
    for (let i = 0; i < a[k].length; i++) {
      const d = Math.abs(a[k][i] - b[k][i]);
      maxDiff = Math.max(maxDiff, d);
      maxAbs = Math.max(maxAbs, Math.abs(a[k][i]));
      sd += d * d;
      sa += a[k][i] * a[k][i];
    }
  }
  return { maxDiff, maxAbs, normDiff: Math.sqrt(sd), norm: Math.sqrt(sa) };
}

const weights = (r: Run) => r.model.parameters().map((p) => p.toArray());
const grads = (r: Run) => r.model.parameters().map((p) => p.grad!.toArray());
const e = (v: number, w = 10) => v.toExponential(2).padStart(w);

async function main(): Promise<void> {
  await ready();
  const { train } = await loadMnist({ trainSize: 8000, testSize: 0, shape: "image" });
  setBackend("wasm");
  manualSeed(1);
  const init = models.lenet().stateDict();
  const names = Object.keys(init);
  console.log(`LeNet on MNIST, batch ${BATCH}, Adam lr ${LR}, ${BATCHES === 1 ? "one batch repeated" : `${BATCHES} batches in turn`}; wasm core: ${simd()} SIMD\n`);

  // (a) one step from identical weights
  const wasm = makeRun("wasm", init), js = makeRun("js", init);
  const pass = [gradients(wasm, train, 0), gradients(js, train, 0)];
  const gw = grads(wasm), gj = grads(js);
  for (const run of [wasm, js]) run.opt.step();
  const ww = weights(wasm), wj = weights(js);
  console.log(`(a) one step from identical weights, wasm against js (loss ${pass[0].loss} / ${pass[1].loss})`);
  console.log(`${"parameter".padEnd(12)}${"max|g|".padStart(10)}${"max|Δg|".padStart(10)}${"rel".padStart(10)}${"max|w|".padStart(10)}${"max|Δw|".padStart(10)}`);
  for (let k = 0; k < names.length; k++) {
    const g = compare([gw[k]], [gj[k]]), w = compare([ww[k]], [wj[k]]);
    console.log(`${names[k].padEnd(12)}${e(g.maxAbs)}${e(g.maxDiff)}${e(g.maxDiff / g.maxAbs)}${e(w.maxAbs)}${e(w.maxDiff)}`);
  }

  // (b) and (c): every run in lockstep; step 1 of wasm and js was (a).
  const controls = (["ulp", 1e-6, 1e-5] as const).map((rel) => ({ rel, run: makeRun("js", perturbed(init, rel)) }));
  for (const c of controls) {
    gradients(c.run, train, 0);
    c.run.opt.step();
  }
  const label = (rel: "ulp" | number) => (rel === "ulp" ? "1 ulp" : `${rel}`);
  console.log(`\n(b) wasm against js from identical weights: max |Δw|, ‖Δw‖/‖w‖, and the max-pool windows / ReLUs that decide differently`);
  console.log(`(c) js against js with the initial weights moved by ${controls.map((c) => label(c.rel)).join(", ")}: max |Δw|`);
  console.log(`${"step".padStart(5)}${"wasm/js".padStart(10)}${"rel".padStart(10)}${"pool".padStart(6)}${"relu".padStart(6)}${controls.map((c) => label(c.rel).padStart(10)).join("")}${"loss".padStart(9)}`);
  const shown = new Set([1, 2, 5, 10, 11, 12, 15, 20, 30, 50, 75, 100, 125, 150, 175, 200, STEPS]);
  const runs = [wasm, js, ...controls.map((c) => c.run)];
  let events = { pool: 0, relu: 0 };
  let firstEvent = 0;
  for (let step = 1; step <= STEPS; step++) {
    if (step > 1) {
      const [pw, pj] = runs.map((r) => gradients(r, train, step - 1));
      for (const r of runs) r.opt.step();
      pass[0] = pw;
      pass[1] = pj;
    }
    const f1 = flips(pass[0].preRelu[0], pass[1].preRelu[0], 24), f2 = flips(pass[0].preRelu[1], pass[1].preRelu[1], 8);
    const now = { pool: f1.pool + f2.pool, relu: f1.relu + f2.relu };
    if (firstEvent === 0 && now.pool + now.relu > 0) firstEvent = step;
    events = { pool: events.pool + now.pool, relu: events.relu + now.relu };
    if (!shown.has(step)) continue;
    const b = compare(weights(wasm), weights(js));
    const cs = controls.map((c) => compare(weights(js), weights(c.run)).maxDiff);
    console.log(`${String(step).padStart(5)}${e(b.maxDiff)}${e(b.normDiff / b.norm)}${String(now.pool).padStart(6)}${String(now.relu).padStart(6)}${cs.map((v) => e(v)).join("")}${pass[0].loss.toFixed(4).padStart(9)}`);
  }
  console.log(`\nwasm/js: the first step whose forward pass decides a max-pool window or a ReLU differently: ${firstEvent || "none"}; over ${STEPS} steps ${events.pool} pool windows and ${events.relu} ReLUs in all`);
  console.log(`after ${STEPS} steps, max |Δw| per parameter: wasm/js, then js/js' for each control`);
  const all = runs.map(weights);
  for (let k = 0; k < names.length; k++) {
    console.log(`${names[k].padEnd(12)}${e(compare([all[0][k]], [all[1][k]]).maxDiff)}${all.slice(2).map((w) => e(compare([all[1][k]], [w[k]]).maxDiff)).join("")}`);
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exitCode = 1;
});
