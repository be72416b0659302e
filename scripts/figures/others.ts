// Figures of the other architectures: an RBF network's bumps and their sum, the regions a mixture
// of experts' gate hands to each expert, and a GAN's samples as training goes on.
import { fitGan, gaussianRing, manualSeed, models, modeCoverage, optim, piecewise4, predict, Random, sinCos, fit } from "../../src/index.js";
import { optimizers, ringPlot } from "../../src/cli/gan.js";
import { gateMap } from "../../src/cli/moe.js";
import { PALETTE, type Canvas } from "../../src/viz/png.js";
import { axesOn, figure, legend, panels } from "../../src/viz/plot.js";

export function rbfBumps(): Canvas {
  const train = sinCos({ n: 500, seed: 1 });
  const test = sinCos({ n: 400, seed: 2, grid: true });
  const k = 12;
  const net = models.rbfNetwork({ inputs: 1, centers: k, outputs: 1, data: train.x, seed: 1 });
  const { mse } = net.solveReadout(train.x, train.y);
  const phiT = predict(net.rbf, test.x, { sampleShape: [1] });
  const phi = phiT.toArray();
  phiT.dispose();
  const w = net.readout.weight.toArray();
  const bias = net.readout.bias!.item();
  const c = figure(820, 440, `An RBF network: ${k} Gaussian bumps add up to sin(x)·cos(2x)`);
  const ax = axesOn(c, { lo: -Math.PI, hi: Math.PI }, { lo: -1.6, hi: 1.6 }, 210);
  ax.frame("x", "y");
  const xs = Array.from(test.x);
  const sum = xs.map((_, i) => bias + Array.from({ length: k }, (_, j) => w[j] * phi[i * k + j]).reduce((a, b) => a + b, 0));
  ax.line(xs, Array.from(test.y), [200, 200, 200], 6);
  for (let j = 0; j < k; j++) ax.line(xs, xs.map((_, i) => w[j] * phi[i * k + j]), PALETTE[j % PALETTE.length].map((v) => Math.round(255 - 0.6 * (255 - v))), 1);
  ax.line(xs, sum, [0, 0, 0], 2);
  const centres = net.rbf.centers.toArray();
  const red = PALETTE[3];
  for (const x of centres) ax.line([x, x], [-1.6, -1.4], red, 2);
  legend(c, { ...ax.box, w: ax.box.w + 200 }, [
    { name: "target sin(x)·cos(2x)", color: [200, 200, 200] },
    { name: "one bump wⱼ·φⱼ(x) per centre", color: PALETTE[0] },
    { name: "their sum + bias", color: [0, 0, 0] },
    { name: "centres (k-means)", color: red },
  ]);
  c.text(ax.box.x + ax.box.w + 14, ax.box.y + 80, `readout by least squares`, { color: [90, 90, 90] });
  c.text(ax.box.x + ax.box.w + 14, ax.box.y + 93, `train MSE ${mse.toExponential(1)}`.replace("-", "−"), { color: [90, 90, 90] });
  return c;
}

export async function moeGate(): Promise<{ canvas: Canvas; routed: number[] }> {
  const train = piecewise4({ n: 2000, seed: 1 });
  const test = piecewise4({ n: 2000, seed: 2 });
  const moe = models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 4, expertHidden: [8] });
  await fit(moe, train, { epochs: 100, batchSize: 32, optimizer: new optim.Adam(moe.parameters(), { lr: 0.01 }), loss: models.competitiveLoss(moe, 0.5, 0.1), verbose: false, seed: 1 });
  const routed = models.regionRouting(moe, test.x, test.regions, 4).dominant.map((d) => d.fraction);
  return { canvas: gateMap(moe), routed };
}

export async function ganEpochs(): Promise<{ canvas: Canvas; covered: number }> {
  const epochs = 130;
  const shown = [1, 10, 30, 60, 90, 130];
  const data = gaussianRing({ n: 10_000, std: 0.02, seed: 1 });
  manualSeed(1);
  const gan = models.gan({ latent: 8, features: 2, generatorHidden: [128, 128], discriminatorHidden: [128, 128] });
  // `wasmnn train gan`'s optimizers: Adam with β₁ = 0.5 for both players, lr/5 for the last 30 %.
  const { generatorOptimizer, discriminatorOptimizer, onEpochEnd } = optimizers(gan, 1e-3, epochs);
  const parts: Canvas[] = [];
  let covered = 0;
  await fitGan(gan, data, {
    epochs, batchSize: 128, generatorOptimizer, discriminatorOptimizer, labelSmoothing: 0.1, seed: 1, verbose: false,
    onEpochEnd: (l) => {
      if (shown.includes(l.epoch)) {
        const samples = gan.sample(1000, new Random(2));
        const c = modeCoverage(samples);
        covered = c.covered;
        parts.push(ringPlot(data.x.subarray(0, 2000), samples, 0.02, 300, `epoch ${l.epoch}: ${c.covered}/8 modes, ${(100 * c.highQuality).toFixed(0)} %`));
      }
      onEpochEnd(l);
    },
  });
  return { canvas: panels(parts, 3, "A GAN learning 8 Gaussians on a ring: modes covered, and % of 1,000 samples within 3σ of one"), covered };
}
