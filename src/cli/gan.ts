// `wasmnn train gan`: a GAN on the ring of 8 Gaussians (mode coverage, a scatter PNG) or on the
// MNIST digits (a 64-sample PNG grid, and the samples judged by an MLP classifier trained on the
// real digits: how confidently it recognizes them, and whether all ten classes appear).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { evaluate, fit, fitGan, gaussianRing, loadMnist, manualSeed, modeCoverage, models, nn, optim, predict, Random, ringModes, scope } from "../index.js";
import { imageGrid, type Canvas } from "../viz/png.js";
import { axesOn, figure, labelled, legend } from "../viz/plot.js";
import { choice, num, type Options } from "./args.js";
import { loopCheckpoints } from "./checkpoint.js";

export async function trainGan(o: Options): Promise<void> {
  const data = choice(o, "data", ["ring", "mnist"], "ring");
  const out = typeof o.out === "string" ? o.out : "out";
  mkdirSync(out, { recursive: true });
  if (data === "ring") await ring(o, out);
  else await mnist(o, out);
}

/**
 * The two Adam optimizers of a GAN (β₁ = 0.5, as in DCGAN: less momentum for a moving target),
 * and a step schedule: lr for the first 70 % of the epochs, lr/5 after. At a constant lr the
 * generator keeps hopping between modes as D chases it; the smaller steps let it settle.
 */
export function optimizers(g: models.GAN, lr: number, epochs: number) {
  const generatorOptimizer = new optim.Adam(g.generator.parameters(), { lr, betas: [0.5, 0.999] });
  const discriminatorOptimizer = new optim.Adam(g.discriminator.parameters(), { lr, betas: [0.5, 0.999] });
  const onEpochEnd = (l: { epoch: number }) => {
    if (l.epoch === Math.round(0.7 * epochs)) generatorOptimizer.lr = discriminatorOptimizer.lr = lr / 5;
  };
  return { generatorOptimizer, discriminatorOptimizer, onEpochEnd };
}

/** --resume and --save for both optimizers; fitGan draws its noise from its own generator, so a resume is a warm start. */
function ganCheckpoints(o: Options, g: models.GAN, opts: ReturnType<typeof optimizers>) {
  return loopCheckpoints(o, g, { generator: opts.generatorOptimizer, discriminator: opts.discriminatorOptimizer }, [1, g.latent]);
}

async function ring(o: Options, out: string): Promise<void> {
  const seed = num(o, "seed", 1);
  const epochs = num(o, "epochs", 130);
  const std = 0.02;
  manualSeed(seed);
  const data = gaussianRing({ n: 10_000, std, seed });
  const g = models.gan({ latent: 8, features: 2, generatorHidden: [128, 128], discriminatorHidden: [128, 128] });
  console.log(`GAN on a ring of 8 Gaussians (radius 2, σ = ${std}), ${data.length} samples; backend ${o.backend ?? "wasm"}, seed ${seed}`);
  const t0 = performance.now();
  const opts = optimizers(g, num(o, "lr", 1e-3), epochs);
  const files = await ganCheckpoints(o, g, opts);
  await fitGan(g, data, { epochs, batchSize: num(o, "batch-size", 128), labelSmoothing: num(o, "label-smoothing", 0.1), seed, ...opts });
  await files.save();
  const samples = g.sample(2000, new Random(seed + 1));
  const c = modeCoverage(samples, { std });
  console.log(`2,000 samples: ${c.covered} of 8 modes covered (≥ 2 % of the samples within 3σ), ${(100 * c.highQuality).toFixed(1)} % of the samples within 3σ of a mode; trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`per mode: ${c.perMode.map((f) => `${(100 * f).toFixed(1)}%`).join("  ")}`);
  const path = join(out, "gan-ring.png");
  ringPlot(data.x.subarray(0, 4000), samples).save(path);
  console.log(`wrote ${path} (grey: data, blue: generated, red circles: 3σ around each mode)`);
}

/** Data (grey) and generated samples (blue) in the square [−3, 3]², with the 3σ circles of the modes. */
export function ringPlot(real: ArrayLike<number>, generated: ArrayLike<number>, std = 0.02, size = 500, title = "GAN on 8 Gaussians: data and generated samples"): Canvas {
  const c = figure(size + 90, size + 70, title);
  const ax = axesOn(c, { lo: -3, hi: 3 }, { lo: -3, hi: 3 });
  ax.frame("x1", "x2");
  const grey = [180, 180, 180];
  const blue = [31, 119, 180];
  const red = [214, 39, 40];
  for (let i = 0; i < real.length; i += 2) ax.scatter([real[i]], [real[i + 1]], grey, 1);
  for (let i = 0; i < generated.length; i += 2) ax.scatter([generated[i]], [generated[i + 1]], blue, 1);
  for (const [mx, my] of ringModes()) {
    const a = Array.from({ length: 65 }, (_, k) => (k * Math.PI) / 32);
    ax.line(a.map((t) => mx + 3 * std * Math.cos(t)), a.map((t) => my + 3 * std * Math.sin(t)), red, 1);
  }
  legend(c, ax.box, [{ name: "data", color: grey }, { name: "generated", color: blue }, { name: "3σ around each mode", color: red }]);
  return c;
}

async function mnist(o: Options, out: string): Promise<void> {
  const seed = num(o, "seed", 1);
  const epochs = num(o, "epochs", 40);
  manualSeed(seed);
  const { train, test } = await loadMnist();
  console.log(`GAN on ${train.length} MNIST digits; backend ${o.backend ?? "wasm"}, seed ${seed}`);

  // The judge: the MLP classifier of `wasmnn train mnist`, trained on the real digits.
  const judge = models.mlp({ inputs: 784, hidden: [128], outputs: 10 });
  await fit(judge, train, { epochs: 10, batchSize: 32, optimizer: new optim.Adam(judge.parameters(), { lr: 1e-3 }), loss: "crossEntropy", seed, verbose: false });
  console.log(`judge: MLP 784-128-10, test accuracy ${(100 * evaluate(judge, test, { loss: "crossEntropy" }).accuracy!).toFixed(2)} %`);

  // G: 64 noise numbers → 256 → 512 → 784, BatchNorm and LeakyReLU(0.2) in the hidden layers, tanh
  // out, so the digits are scaled to [−1, 1] (a zero-centred output that saturates at the
  // background value −1). D: 784 (+ the minibatch standard deviation) → 256 → 128 → 1, LeakyReLU(0.2).
  // Measured at seed 1 (judge confidence on 1,000 samples): the former G (32 → 128 → 256, ReLU, no
  // BatchNorm, sigmoid) with D dropout 0.3 drew speckled, broken strokes (0.812 after 60 epochs);
  // this G at lr 2e-4 was still speckled after 15 epochs (0.80); at lr 1e-3, dropout 0.3 in D gave
  // 0.842 after 30 epochs and no dropout 0.851 (0.866 after 40), visibly cleaner: D needs all its
  // units to punish isolated stray pixels. A wider D (512 → 256) was slower and no better.
  const g = models.gan({
    latent: 64, features: 784, generatorHidden: [256, 512], discriminatorHidden: [256, 128],
    generatorActivation: "leakyRelu", generatorBatchNorm: true, generatorOutput: "tanh", minibatchStdDev: true,
  });
  const data = { ...train, x: train.x.map((v) => 2 * v - 1) };
  const t0 = performance.now();
  const opts = optimizers(g, num(o, "lr", 1e-3), epochs);
  const files = await ganCheckpoints(o, g, opts);
  await fitGan(g, data, { epochs, batchSize: num(o, "batch-size", 64), labelSmoothing: num(o, "label-smoothing", 0.1), seed, ...opts });
  await files.save();
  const seconds = (performance.now() - t0) / 1000;
  const samples = g.sample(1000, new Random(seed + 1)).map((v) => (v + 1) / 2);
  const { confidence, counts } = judgeSamples(judge, samples);
  console.log(`1,000 samples: mean max-softmax confidence ${confidence.toFixed(3)}; classes ${counts.map((n, k) => `${k}:${n}`).join(" ")}; trained in ${seconds.toFixed(1)} s`);
  const path = join(out, "gan-mnist.png");
  labelled(imageGrid(samples.subarray(0, 64 * 784), 64, 28, 28, { cols: 8, scale: 2 }), {
    title: `GAN: 64 generated digits after ${epochs} epochs`,
    caption: `judge confidence ${confidence.toFixed(3)} over 1,000 samples`,
  }).save(path);
  console.log(`wrote ${path} (64 samples)`);
}

/** Mean max-softmax probability of the classifier over generated digits, and how many fall in each class. */
export function judgeSamples(classifier: nn.Module, samples: Float32Array): { confidence: number; counts: number[] } {
  const logits = scope(() => predict(classifier, samples, { sampleShape: [784] }).toArray());
  const n = logits.length / 10;
  const counts = new Array<number>(10).fill(0);
  let confidence = 0;
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * 10, i * 10 + 10);
    const max = Math.max(...row);
    const z = row.reduce((s, v) => s + Math.exp(v - max), 0);
    confidence += 1 / z;
    counts[row.indexOf(max)]++;
  }
  return { confidence: confidence / n, counts };
}
