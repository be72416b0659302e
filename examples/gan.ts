// A generative adversarial network learns a ring of 8 Gaussians.
//
//     npx tsx examples/gan.ts [epochs=130]
//
// Two networks play a game. The generator G turns random noise z into points; the discriminator D
// looks at a point and says how likely it came from the real data. D is trained to tell real from
// generated; G is trained, through D's judgement, to make points D takes for real. Neither ever
// sees a formula for the data: G learns the distribution only from D's gradients.
//
// The data: 8 small Gaussian blobs (σ = 0.02) on a circle of radius 2. It is a hard test for a GAN:
// G can fool D well enough by covering just a few blobs ("mode collapse"), and a point must land
// within 0.06 of a centre to count as a good sample. After training we count how many of the 8
// modes G covers, and write the picture to out/gan-ring.png. (The same game on MNIST digits:
// `npx wasmnn train gan --data mnist`.)
import { mkdirSync } from "node:fs";
import { fitGan, gaussianRing, manualSeed, modeCoverage, models, optim, Random, ready } from "../src/index.js";
import { ringPlot } from "../src/cli/gan.js";

const epochs = Number(process.argv[2] ?? 130);
await ready();
manualSeed(1);
const data = gaussianRing({ n: 10_000, std: 0.02, seed: 1 });

// G: 8 noise numbers → 128 → 128 → a point (x, y). D: a point → 128 → 128 → one logit.
const gan = models.gan({ latent: 8, features: 2, generatorHidden: [128, 128], discriminatorHidden: [128, 128] });

// Each network has its own optimizer. β₁ = 0.5 (DCGAN's choice): each network's target moves as
// the other learns, and long momentum would keep pushing in a stale direction.
const lr = 1e-3;
const generatorOptimizer = new optim.Adam(gan.generator.parameters(), { lr, betas: [0.5, 0.999] });
const discriminatorOptimizer = new optim.Adam(gan.discriminator.parameters(), { lr, betas: [0.5, 0.999] });

await fitGan(gan, data, {
  epochs,
  batchSize: 128,
  generatorOptimizer,
  discriminatorOptimizer,
  // One-sided label smoothing: D aims for 0.9 on real points, not 1, so it never becomes so sure
  // that its gradient to G vanishes.
  labelSmoothing: 0.1,
  seed: 1,
  verbose: false,
  onEpochEnd: (logs) => {
    // D's loss near 2·log 2 ≈ 1.39 and D(real) ≈ D(fake) mean D can no longer tell them apart.
    if (logs.epoch % 10 === 0) {
      const c = modeCoverage(gan.sample(2000, new Random(2)));
      console.log(`epoch ${logs.epoch}: D loss ${logs.dLoss.toFixed(3)}, G loss ${logs.gLoss.toFixed(3)}, D(real) ${logs.dReal.toFixed(2)}, D(fake) ${logs.dFake.toFixed(2)}; ${c.covered}/8 modes, ${(100 * c.highQuality).toFixed(0)} % of samples within 3σ`);
    }
    // Smaller steps for the last 30 %: at a constant rate G keeps hopping between modes as D chases it.
    if (logs.epoch === Math.round(0.7 * epochs)) generatorOptimizer.lr = discriminatorOptimizer.lr = lr / 5;
  },
});

const samples = gan.sample(2000, new Random(2));
const c = modeCoverage(samples);
console.log(`2,000 samples: ${c.covered} of 8 modes covered, ${(100 * c.highQuality).toFixed(1)} % within 3σ of a mode`);
console.log(`share of samples per mode: ${c.perMode.map((f) => `${(100 * f).toFixed(1)} %`).join(", ")}`);
mkdirSync("out", { recursive: true });
ringPlot(data.x.subarray(0, 4000), samples).save("out/gan-ring.png");
console.log("wrote out/gan-ring.png (grey: data, blue: generated, red: 3σ circles)");
