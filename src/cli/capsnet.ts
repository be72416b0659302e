// `wasmnn train mnist --model capsnet`: a capsule network on the 8,000/2,000 MNIST split, its
// held-out accuracy on the digits as they are and on the same digits shifted by up to ±2 px and
// rotated by up to ±15°, and two pictures: held-out digits beside their reconstructions from the
// winning capsule, and what each of its 16 dimensions encodes. --save DIR writes a checkpoint after
// every epoch and --resume DIR continues one bit for bit (src/cli/checkpoint.ts).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { capsuleAccuracy, fitCapsNet, loadMnist, manualSeed, models, nn, optim, perturbedMnist, type Dataset } from "../index.js";
import { perturbationFigure, reconstructionFigure } from "../viz/capsules.js";
import { num, type Options } from "./args.js";
import { fitCheckpoints } from "./checkpoint.js";

export async function trainCapsNet(o: Options): Promise<models.CapsNet> {
  const epochs = num(o, "epochs", 15);
  const seed = num(o, "seed", 1);
  const batchSize = num(o, "batch-size", 32);
  const lr = num(o, "lr", 1e-3);
  const lrDecay = num(o, "lr-decay", 0.9);
  const out = typeof o.out === "string" ? o.out : "out";
  manualSeed(seed);
  const { train, test } = await loadMnist({ shape: "image" });
  const net = models.capsNet({ convChannels: num(o, "conv", 64), primaryChannels: num(o, "primary", 8), routingIterations: num(o, "routing", 3) });
  console.log(`MNIST: ${train.length} training and ${test.length} test digits; model capsnet, backend ${o.backend ?? "wasm"}, seed ${seed}`);
  console.log(nn.summary(net, [1, 1, 28, 28]));
  console.log(`(the decoder runs on the masked digit capsules [1, ${net.classes * net.digitDim}] → [1, 784] in training and for the figures, not in forward)`);
  const opt = new optim.Adam(net.parameters(), { lr });
  // --resume restores the weights, Adam's state and its decayed learning rate; --save writes a checkpoint after every epoch.
  const checkpoints = await fitCheckpoints(o, net, opt, epochs, [1, 1, 28, 28]);
  const history = await fitCapsNet(net, train, { epochs, batchSize, optimizer: opt, lrDecay, validation: test, seed, ...checkpoints });
  const seconds = history.reduce((s, l) => s + l.seconds, 0);
  const cpu = history.reduce((s, l) => s + l.cpuSeconds, 0);
  report(net, test, seconds, cpu, train.length * history.length);
  mkdirSync(out, { recursive: true });
  const recon = join(out, "capsnet-reconstructions.png");
  reconstructionFigure(net, test, 16).save(recon);
  console.log(`wrote ${recon} (held-out digits above their reconstructions from the winning capsule)`);
  const dims = join(out, "capsnet-dimensions.png");
  perturbationFigure(net, test, [0, 1, 2]).save(dims);
  console.log(`wrote ${dims} (each of the 16 dimensions of the winning capsule moved over [−0.25, 0.25])`);
  return net;
}

function report(net: models.CapsNet, test: Dataset, seconds: number, cpu: number, samples: number): void {
  const acc = capsuleAccuracy(net, test);
  const moved = capsuleAccuracy(net, perturbedMnist(test));
  console.log(`test accuracy ${(100 * acc).toFixed(2)}% on ${test.length} held-out digits; trained in ${seconds.toFixed(1)} s (${cpu.toFixed(1)} CPU s, ${Math.round(samples / cpu)} samples per CPU second)`);
  console.log(`shifted by up to ±2 px and rotated by up to ±15° (seed 1): ${(100 * moved).toFixed(2)}%`);
}
