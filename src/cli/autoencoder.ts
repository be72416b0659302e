// `wasmnn train autoencoder`: a dense or convolutional (`--kind conv`), optionally denoising,
// autoencoder on the MNIST split, with its test reconstruction error and pictures: originals /
// noisy inputs / reconstructions, and, for a 2-D code, the test digits plotted in code space
// coloured by class.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { evaluate, fit, loadMnist, manualSeed, models, nn, noGrad, optim, predict, scope, tensor } from "../index.js";
import { imageGrid, PALETTE, type Canvas } from "../viz/png.js";
import { axesOn, figure, labelled, legend, rangeOf } from "../viz/plot.js";
import { choice, num, type Options } from "./args.js";
import { fitCheckpoints } from "./checkpoint.js";

export async function trainAutoencoder(o: Options): Promise<void> {
  const kind = choice(o, "kind", ["dense", "conv"] as const, "dense");
  // `--code none` (conv only): no dense layer, the encoder's 32×7×7 feature maps are the code.
  const code = kind === "conv" && o.code === "none" ? undefined : num(o, "code", 32);
  const noise = num(o, "noise", 0);
  const epochs = num(o, "epochs", 20);
  const seed = num(o, "seed", 1);
  const batchSize = num(o, "batch-size", 64);
  const lr = num(o, "lr", 1e-3);
  const out = typeof o.out === "string" ? o.out : "out";
  manualSeed(seed);
  const { train, test } = await loadMnist({ shape: kind === "conv" ? "image" : "flat" });
  const ae = kind === "conv" ? models.autoencoder({ kind, code, noise, noiseSeed: seed }) : models.autoencoder({ code: code!, noise, noiseSeed: seed });
  console.log(`MNIST ${kind === "conv" ? "convolutional " : ""}autoencoder: ${train.length} training and ${test.length} test digits, code ${code ?? `[${ae.codeShape.join(", ")}] (feature maps)`}${noise > 0 ? `, denoising σ = ${noise}` : ""}; backend ${o.backend ?? "wasm"}, seed ${seed}`);
  console.log(nn.summary(ae, [1, ...ae.inputShape]));
  const opt = new optim.Adam(ae.parameters(), { lr });
  const t0 = performance.now();
  const checkpoints = await fitCheckpoints(o, ae, opt, epochs, [1, ...ae.inputShape]);
  await fit(ae, models.autoencoderData(train), { epochs, batchSize, optimizer: opt, loss: ae.loss, seed, ...checkpoints });
  const seconds = (performance.now() - t0) / 1000;
  const report = evaluateAutoencoder(ae, test, noise, seed);
  console.log(`test reconstruction MSE ${report.cleanMse.toFixed(5)} per pixel (clean inputs); trained in ${seconds.toFixed(1)} s`);
  if (report.noisy) {
    const r = report.noisy;
    console.log(`noisy test inputs (σ = ${noise}): input MSE ${r.inputMse.toFixed(5)}, reconstruction MSE ${r.reconMse.toFixed(5)}: ${(r.inputMse / r.reconMse).toFixed(2)}× better than the noisy input`);
  }
  mkdirSync(out, { recursive: true });
  const grid = join(out, `autoencoder-${kind === "conv" ? "conv-" : ""}code${code ?? "maps"}${noise > 0 ? "-denoising" : ""}.png`);
  reconstructionGrid(ae, test.x, noise, seed).save(grid);
  console.log(`wrote ${grid} (rows: originals${noise > 0 ? ", noisy inputs" : ""}, reconstructions)`);
  if (code === 2) {
    const path = join(out, `autoencoder-${kind === "conv" ? "conv-" : ""}code2-scatter.png`);
    codeScatter(ae, test.x, test.y).save(path);
    console.log(`wrote ${path} (the ${test.length} test digits in code space, coloured by class)`);
  }
}

export interface AutoencoderReport {
  cleanMse: number;
  noisy?: { inputMse: number; reconMse: number };
}

/** Test MSE per pixel on clean inputs, and, for a denoiser, on inputs corrupted with σ = noise (fixed seed). */
export function evaluateAutoencoder(ae: models.Autoencoder, test: { x: Float32Array; sampleShape: readonly number[]; length: number }, noise: number, seed: number): AutoencoderReport {
  const cleanMse = evaluate(ae, models.autoencoderData(test), { loss: ae.pixelMse }).loss;
  if (noise <= 0) return { cleanMse };
  const noisyX = models.corrupt(test.x, noise, seed + 1000);
  let inputMse = 0;
  for (let i = 0; i < noisyX.length; i++) inputMse += (noisyX[i] - test.x[i]) ** 2;
  inputMse /= noisyX.length;
  const reconMse = evaluate(ae, models.autoencoderData(test, noisyX), { loss: ae.pixelMse }).loss;
  return { cleanMse, noisy: { inputMse, reconMse } };
}

/** 16 test digits: originals, (noisy inputs,) reconstructions, one row each, labelled. */
export function reconstructionGrid(ae: models.Autoencoder, x: Float32Array, noise: number, seed: number, n = 16): Canvas {
  const originals = x.slice(0, n * 784);
  const inputs = noise > 0 ? models.corrupt(originals, noise, seed + 1000) : originals;
  const recon = scope(() => noGrad(() => ae.reconstruct(tensor(inputs, [n, ...ae.inputShape])).toArray()));
  const rows = noise > 0 ? [originals, inputs, recon] : [originals, recon];
  const all = new Float32Array(rows.length * n * 784);
  rows.forEach((r, i) => all.set(r, i * n * 784));
  const scale = 2;
  const pitch = 28 * scale + 2;
  return labelled(imageGrid(all, rows.length * n, 28, 28, { cols: n, scale }), {
    title: `${ae.describe()}: held-out digits and their reconstructions`,
    rowLabels: noise > 0 ? ["original", `noisy (σ = ${noise})`, "reconstruction"] : ["original", "reconstruction"],
    cellH: pitch,
    caption: `the first ${n} of the 2,000 held-out digits; a ${ae.code ?? "feature-map"}-number code`,
  });
}

/** The codes of a 2-D autoencoder as a scatter plot, one dot per digit in its class colour, with a legend. */
export function codeScatter(ae: models.Autoencoder, x: Float32Array, labels: Float32Array, size = 600): Canvas {
  if (ae.code !== 2) throw new Error(`codeScatter: the autoencoder has a ${ae.code}-dimensional code, expected 2`);
  const z = scope(() => noGrad(() => predict(ae.encoder, x, { sampleShape: [...ae.inputShape] }).toArray()));
  const z1 = z.filter((_, i) => i % 2 === 0);
  const z2 = z.filter((_, i) => i % 2 === 1);
  const c = figure(size + 120, size, `Autoencoder code space: ${labels.length} held-out digits`);
  const ax = axesOn(c, rangeOf(z1), rangeOf(z2), 140);
  ax.frame("code z1", "code z2");
  for (let i = 0; i < labels.length; i++) ax.scatter([z1[i]], [z2[i]], PALETTE[labels[i]], 2);
  // The legend sits right of the axes, in the margin kept free for it.
  legend(c, { ...ax.box, w: ax.box.w + 130 }, Array.from({ length: 10 }, (_, k) => ({ name: `digit ${k}`, color: PALETTE[k] })), "top-right");
  return c;
}
