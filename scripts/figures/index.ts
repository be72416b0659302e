// npm run docs:figures [-- name …]: every picture of the guide (docs/guide/), written to
// docs/figures/*.png by wasmnn itself: each trains what it shows with a small budget and a fixed
// seed, so a run gives the same PNGs every time. A name (e.g. `activations`, `spirals`) runs one
// group; the CPU seconds each group takes are printed.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { manualSeed, ready } from "../../src/index.js";
import type { Canvas } from "../../src/viz/png.js";
import { activations, graph, lossFunctions, neuron, weightsAndBiases } from "./basics.js";
import { optimizers } from "./optimizers.js";
import { learningCurves, spiralFigures } from "./training.js";
import { autoencoderCode, cnn } from "./vision.js";
import { recurrentFigures } from "./sequences.js";
import { ganEpochs, moeGate, rbfBumps } from "./others.js";
import { capsuleFigures } from "./capsules.js";
import { attentionFigures, causalFigure, positionalFigure } from "./transformers.js";

/** A group's figures by file name: canvases are written as `name.png`, strings (SVG documents) under their name as given. */
type Group = () => Record<string, Canvas | string> | Promise<Record<string, Canvas | string>>;

const GROUPS: Record<string, Group> = {
  neuron: () => ({ neuron: neuron() }),
  weights: () => ({ "weights-biases": weightsAndBiases() }),
  activations: () => ({ activations: activations() }),
  losses: () => ({ losses: lossFunctions() }),
  graph: graph,
  optimizers: () => ({ optimizers: optimizers() }),
  spirals: spiralFigures,
  curves: async () => ({ "learning-curves": await learningCurves() }),
  cnn: async () => {
    const r = await cnn();
    console.log(`  LeNet, 3 epochs: ${(100 * r.accuracy).toFixed(2)} % on the 2,000 held-out digits`);
    return { "cnn-filters": r.canvas };
  },
  autoencoder: async () => {
    const r = await autoencoderCode();
    console.log(`  autoencoder with a 2-number code, 10 epochs: test MSE ${r.mse.toFixed(4)} per pixel`);
    return { "autoencoder-code": r.canvas };
  },
  recurrent: recurrentFigures,
  attention: () => {
    const r = attentionFigures();
    for (const t of r.scores) {
      console.log(`  ${t.task}: ${(100 * t.sequences).toFixed(1)} % of 1,000 held-out sequences exactly right; last layer's weight on the keys holding the answer ${t.onAnswer.toFixed(3)}`);
    }
    return { "attention-reverse": r.reverse, "attention-sort": r.sort };
  },
  positional: () => ({ "positional-encoding": positionalFigure(), "causal-mask": causalFigure() }),
  rbf: () => ({ "rbf-bumps": rbfBumps() }),
  moe: async () => {
    const r = await moeGate();
    console.log(`  mixture of experts, 100 epochs: each quadrant's share routed to its top expert ${r.routed.map((f) => `${(100 * f).toFixed(1)} %`).join(", ")}`);
    return { "moe-gate": r.canvas };
  },
  gan: async () => {
    const r = await ganEpochs();
    console.log(`  GAN, 130 epochs: ${r.covered} of 8 modes covered`);
    return { "gan-epochs": r.canvas };
  },
  capsules: async () => {
    const r = await capsuleFigures();
    console.log(`  CapsNet, 3 epochs: ${(100 * r.accuracy).toFixed(2)} % on the 2,000 held-out digits`);
    return { "capsnet-reconstructions": r.reconstructions, "capsnet-dimensions": r.dimensions };
  },
};

const OUT = "docs/figures";
const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in GROUPS)) throw new Error(`docs:figures: no group "${name}"; the groups are ${Object.keys(GROUPS).join(", ")}`);
await ready();
mkdirSync(OUT, { recursive: true });
let total = 0;
for (const [name, group] of Object.entries(GROUPS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  manualSeed(1);
  const t0 = process.cpuUsage();
  const figures = await group();
  const cpu = process.cpuUsage(t0);
  const seconds = (cpu.user + cpu.system) / 1e6;
  total += seconds;
  const written = Object.entries(figures).map(([file, figure]) => {
    const path = join(OUT, typeof figure === "string" ? file : `${file}.png`);
    if (typeof figure === "string") writeFileSync(path, figure + "\n");
    else figure.save(path);
    return path;
  });
  console.log(`${name.padEnd(12)} ${seconds.toFixed(1).padStart(6)} s CPU  → ${written.join(", ")}`);
}
console.log(`${"total".padEnd(12)} ${total.toFixed(1).padStart(6)} s CPU`);
