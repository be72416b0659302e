// Figures of a capsule network: held-out digits beside what the decoder draws from their winning
// capsule, and what each of the 16 dimensions of that capsule encodes. The default CapsNet
// (models.capsNet()) trained for 3 epochs on the 8,000 training digits, ≈ 45 CPU s per epoch.
import { capsuleAccuracy, fitCapsNet, loadMnist, models, optim } from "../../src/index.js";
import { perturbationFigure, reconstructionFigure } from "../../src/viz/capsules.js";
import type { Canvas } from "../../src/viz/png.js";

/** Classes whose first held-out digit the perturbation figure shows. */
const SHOWN = [5, 7];

export async function capsuleFigures(): Promise<{ reconstructions: Canvas; dimensions: Canvas; accuracy: number }> {
  const { train, test } = await loadMnist({ shape: "image" });
  const net = models.capsNet();
  const optimizer = new optim.Adam(net.parameters(), { lr: 1e-3 });
  await fitCapsNet(net, train, { epochs: 3, optimizer, lrDecay: 0.9, seed: 1, verbose: false });
  const samples = SHOWN.map((k) => Array.from(test.y).indexOf(k));
  return { reconstructions: reconstructionFigure(net, test, 16), dimensions: perturbationFigure(net, test, samples), accuracy: capsuleAccuracy(net, test) };
}
