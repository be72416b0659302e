// Figures of training a feed-forward network: a decision boundary taking shape over the epochs,
// what the hidden neurons of each layer respond to, what the architecture allows, and learning
// curves (training and validation loss and accuracy) with little and with more data.
import { fit, loadMnist, manualSeed, models, noGrad, optim, scope, splitAt, tensor, twoSpirals, type EpochLogs, type nn } from "../../src/index.js";
import { imageGrid, PALETTE, type Canvas } from "../../src/viz/png.js";
import { labelled, linePlot, panels } from "../../src/viz/plot.js";
import { accuracyOf, decisionPanel, planeGrid } from "./common.js";

const RANGE = { lo: -1.1, hi: 1.1 };
const spirals = () => twoSpirals({ pointsPerClass: 200, noise: 0.02, seed: 1 });

/** Train an MLP on the spirals with Adam 0.01, calling `at(epoch)` after each epoch. */
async function trainSpirals(hidden: number[], epochs: number, seed = 1, at: (epoch: number, model: nn.Module) => void = () => {}): Promise<nn.Sequential> {
  const data = spirals();
  manualSeed(seed); // the initial weights
  const model = models.mlp({ inputs: 2, hidden, outputs: 2, activation: "tanh" });
  at(0, model);
  await fit(model, data, {
    epochs,
    batchSize: 32,
    optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }),
    loss: "crossEntropy",
    seed: 1,
    verbose: false,
    callbacks: [{ onEpochEnd: (l: EpochLogs) => at(l.epoch, model) }],
  });
  return model;
}

/** Each hidden neuron's output over the plane, one small map per neuron, a row per layer. */
function hiddenUnits(model: nn.Sequential, perLayer: number): Canvas {
  const n = 48;
  const maps = new Float32Array(2 * perLayer * n * n);
  scope(() =>
    noGrad(() => {
      let h = tensor(planeGrid(RANGE.lo, RANGE.hi, n), [n * n, 2]);
      let row = 0;
      model.layers.forEach((layer) => {
        h = layer.forward(h);
        // After each activation (the layers alternate Linear, Tanh), keep the first units' maps.
        if (row < 2 && layer.describe().startsWith("Tanh")) {
          const v = h.toArray();
          const width = h.shape[1];
          for (let u = 0; u < perLayer; u++) for (let q = 0; q < n * n; q++) maps[(row * perLayer + u) * n * n + q] = (v[q * width + u] + 1) / 2;
          row++;
        }
      });
    }),
  );
  const scale = 2;
  return labelled(imageGrid(maps, 2 * perLayer, n, n, { cols: perLayer, scale, normalize: "fixed" }), {
    title: "What the hidden neurons compute, over the input square",
    rowLabels: ["layer 1", "layer 2"],
    colLabels: Array.from({ length: perLayer }, (_, k) => `unit ${k}`),
    cellW: n * scale + 2,
    cellH: n * scale + 2,
    caption: "tanh outputs: black −1, white +1. Layer 1: one straight edge each. Layer 2: curved pieces built from them.",
  });
}

export async function spiralFigures(): Promise<Record<string, Canvas>> {
  const data = spirals();
  const snapshots = [0, 10, 30, 50, 100, 200];
  const boundary: Canvas[] = [];
  const model = await trainSpirals([64, 64], 200, 1, (epoch, m) => {
    if (snapshots.includes(epoch)) boundary.push(decisionPanel(m, data, `epoch ${epoch}: ${(100 * accuracyOf(m, data)).toFixed(1)} %`, RANGE, 220));
  });
  // The same data, budget and optimizer; only the layers differ. The panels show seed 1; below
  // each, the range over five seeds of the initial weights, since a net that can represent the
  // spirals does not always find them in 200 epochs.
  const architectures: Canvas[] = [];
  for (const hidden of [[], [256], [16, 16], [64, 64]]) {
    const accuracies: number[] = [];
    let panel: Canvas | null = null;
    for (let seed = 1; seed <= 5; seed++) {
      const m = await trainSpirals(hidden, 200, seed);
      accuracies.push(100 * accuracyOf(m, data));
      panel ??= decisionPanel(m, data, `${[2, ...hidden, 2].join("-")}: ${accuracies[0].toFixed(1)} %`, RANGE, 220);
    }
    panel!.text(panel!.width / 2 + 30, panel!.height - 10, `seeds 1–5: ${Math.min(...accuracies).toFixed(1)}–${Math.max(...accuracies).toFixed(1)} %`, { align: "center", color: [90, 90, 90] });
    architectures.push(panel!);
  }
  return {
    "decision-boundary": panels(boundary, 3, "A 2-64-64-2 tanh network learning two spirals: decision regions and training accuracy"),
    layers: hiddenUnits(model, 8),
    architecture: panels(architectures, 4, "The architecture decides what can be learned: two spirals, 200 epochs of Adam each (layer sizes)"),
  };
}

export async function learningCurves(): Promise<Canvas> {
  const { train, test } = await loadMnist();
  const epochs = 20;
  const runs: { name: string; logs: EpochLogs[] }[] = [];
  for (const size of [1000, 8000]) {
    const [part] = size < train.length ? splitAt(train, size) : [train];
    const model = models.mlp({ inputs: 784, hidden: [128], outputs: 10 });
    const logs = await fit(model, part, { epochs, batchSize: 32, optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), loss: "crossEntropy", validation: test, seed: 1, verbose: false });
    runs.push({ name: `${size.toLocaleString("en")} digits`, logs });
  }
  const series = (train: (l: EpochLogs) => number, valid: (l: EpochLogs) => number) =>
    runs.flatMap((r, k) => [
      { name: `${r.name}, training`, x: r.logs.map((l) => l.epoch), y: r.logs.map(train), color: PALETTE[2 * k] },
      { name: `${r.name}, validation`, x: r.logs.map((l) => l.epoch), y: r.logs.map(valid), color: PALETTE[2 * k + 1] },
    ]);
  const common = { xLabel: "epoch", width: 520, height: 400, x: { lo: 1, hi: epochs } };
  return panels(
    [
      linePlot({ ...common, title: "Loss (cross-entropy)", yLabel: "loss", series: series((l) => l.loss, (l) => l.valLoss!) }),
      linePlot({ ...common, title: "Accuracy", yLabel: "accuracy (%)", series: series((l) => 100 * l.accuracy!, (l) => 100 * l.valAccuracy!), legend: "bottom-right" }),
    ],
    2,
    "Learning curves: MLP 784-128-10 on MNIST, validated on 2,000 held-out digits",
  );
}
