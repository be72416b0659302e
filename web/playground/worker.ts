// The playground's training worker: it owns the data, the network and the optimizer, trains
// epoch after epoch while playing, and posts a frame (losses, samples/s, the decision boundary,
// every neuron's output over the plane, the weights) about 20 times a second. The page only draws.
import { evaluate, fit, getBackend, manualSeed, models, nn, noGrad, optim, predict, ready, scope, setBackend, tensor, type Dataset } from "wasmnn";
import { EXTENT, generate, split } from "./data.js";
import { featurize, grid } from "./features.js";
import { BOUNDARY_GRID, NEURON_GRID, type Config, type FromWorker, type LayerWeights, type ToWorker } from "./protocol.js";

// A module worker's global scope, typed by what is used here (the DOM library types `self` as a Window).
const port = self as unknown as { postMessage(m: FromWorker, transfer?: ArrayBuffer[]): void; onmessage: ((e: { data: ToWorker }) => void) | null };

let config: Config;
let model: nn.Sequential;
let optimizer: optim.Optimizer;
let train: Dataset;
let test: Dataset;
let epoch = 0;
let playing = false;
const boundaryGrid = grid(BOUNDARY_GRID, EXTENT);
const neuronGrid = grid(NEURON_GRID, EXTENT);
/** Recent epochs as [samples, milliseconds], for a samples/s over about the last second. */
let recent: [number, number][] = [];

function makeOptimizer(): optim.Optimizer {
  const params = model.parameters();
  const weightDecay = config.regularization === "l2" ? config.regRate : 0;
  if (config.optimizer === "sgd") return new optim.SGD(params, { lr: config.lr, weightDecay });
  if (config.optimizer === "rmsprop") return new optim.RMSprop(params, { lr: config.lr, weightDecay });
  return new optim.Adam(params, { lr: config.lr, weightDecay });
}

function makeModel(): nn.Sequential {
  return models.mlp({
    inputs: config.features.length,
    hidden: config.hidden,
    outputs: 1,
    activation: config.activation,
    dropout: config.regularization === "dropout" ? config.regRate : 0,
  });
}

function reset(next: Config): void {
  config = next;
  setBackend(config.backend);
  manualSeed(config.seed);
  const points = split(generate(config.dataset, config.points, config.noise, config.seed), config.trainRatio, config.seed);
  const asDataset = (p: typeof points.train): Dataset => ({ x: featurize(p.xy, config.features), y: p.label, sampleShape: [config.features.length], targetShape: [1], length: p.label.length });
  train = asDataset(points.train);
  test = asDataset(points.test);
  model = makeModel();
  optimizer = makeOptimizer();
  epoch = 0;
  recent = [];
  port.postMessage({ type: "data", train: points.train, test: points.test });
  postFrame();
}

/** Move the network to another backend, keeping its weights (the optimizer starts afresh). */
function switchBackend(name: Config["backend"]): void {
  const weights = model.stateDict();
  dispose();
  config = { ...config, backend: name };
  setBackend(name);
  model = makeModel();
  model.loadStateDict(weights);
  optimizer = makeOptimizer();
  recent = [];
}

async function trainEpoch(): Promise<void> {
  const t0 = performance.now();
  await fit(model, train, { epochs: 1, batchSize: config.batchSize, optimizer, loss: "binaryCrossEntropy", verbose: false, seed: epoch });
  recent.push([train.length, performance.now() - t0]);
  let ms = 0;
  let keep = recent.length;
  while (keep > 0 && ms < 1000) ms += recent[--keep][1];
  recent = recent.slice(keep);
  epoch++;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Every hidden layer's activations over the neuron grid, layer by layer through the Sequential. */
function neuronMaps(): Float32Array[] {
  return scope(() => noGrad(() => {
    model.eval();
    const maps: Float32Array[] = [];
    const n = NEURON_GRID * NEURON_GRID;
    let x = tensor(featurize(neuronGrid, config.features), [n, config.features.length]);
    const layers = model.layers;
    for (let i = 0; i < layers.length - 1; i++) {
      x = layers[i].forward(x);
      // After each activation (the layer after a Linear): [n, units] → [units, n].
      if (layers[i - 1] instanceof nn.Linear) {
        const [, units] = x.shape;
        const values = x.toArray();
        const map = new Float32Array(units * n);
        for (let p = 0; p < n; p++) for (let u = 0; u < units; u++) map[u * n + p] = values[p * units + u];
        maps.push(map);
      }
    }
    model.train();
    return maps;
  }));
}

function postFrame(): void {
  const boundary = Float32Array.from(predict(model, featurize(boundaryGrid, config.features), { sampleShape: [config.features.length] }).toArray(), sigmoid);
  const weights: LayerWeights[] = model.layers.filter((l): l is nn.Linear => l instanceof nn.Linear).map((l) => ({
    inputs: l.weight.shape[1], outputs: l.weight.shape[0], weight: l.weight.toArray(), bias: l.bias!.toArray(),
  }));
  const neurons = neuronMaps();
  const [samples, ms] = recent.reduce(([s, t], [a, b]) => [s + a, t + b], [0, 0]);
  const frame: FromWorker = {
    type: "frame",
    epoch,
    trainLoss: evaluate(model, train, { loss: "binaryCrossEntropy" }).loss,
    testLoss: evaluate(model, test, { loss: "binaryCrossEntropy" }).loss,
    samplesPerSecond: ms > 0 ? (1000 * samples) / ms : 0,
    backend: getBackend().name as Config["backend"],
    boundary,
    neurons,
    weights,
  };
  port.postMessage(frame, [boundary.buffer, ...neurons.map((m) => m.buffer), ...weights.flatMap((w) => [w.weight.buffer, w.bias.buffer])] as ArrayBuffer[]);
}

/** While playing: train for about 50 ms, post a frame, let messages in, again. */
async function loop(): Promise<void> {
  while (playing) {
    const t0 = performance.now();
    do await trainEpoch();
    while (playing && performance.now() - t0 < 50);
    postFrame();
    await new Promise((r) => setTimeout(r, 0));
  }
}

function fail(err: unknown): void {
  playing = false;
  port.postMessage({ type: "error", message: (err as Error).message ?? String(err) });
}

function dispose(): void {
  if (model === undefined) return;
  optimizer.dispose();
  for (const p of model.parameters()) p.dispose();
}

// Messages are handled one after another, each once the epoch in progress has ended, so that a
// reset or a change of backend never lands in the middle of one. A change of settings while
// playing pauses the loop, applies, and plays on.
let queue: Promise<unknown> = ready();
let running: Promise<void> = Promise.resolve();
port.onmessage = (e) => {
  const m = e.data;
  if (m.type !== "play" && m.type !== "set") playing = false; // at once, not after the queue
  queue = queue.then(async () => {
    const resume = m.type === "play" || (m.type === "set" && playing);
    playing = false;
    await running;
    if (m.type === "pause") port.postMessage({ type: "paused", epoch });
    else if (m.type === "reset") {
      dispose();
      reset(m.config);
    } else if (m.type === "step") {
      await trainEpoch();
      postFrame();
    } else if (m.type === "set") {
      if (m.lr !== undefined) optimizer.lr = config.lr = m.lr;
      if (m.batchSize !== undefined) config.batchSize = m.batchSize;
      if (m.backend !== undefined && m.backend !== config.backend) switchBackend(m.backend);
    }
    if (resume) {
      playing = true;
      running = loop().catch(fail);
    }
  }).catch(fail);
};
