// `wasmnn train autoencoder`: a dense or convolutional (`--kind conv`), optionally denoising,
// autoencoder on the MNIST split, with its test reconstruction error and pictures: originals /
// noisy inputs / reconstructions, and, for a 2-D code, the test digits plotted in code space
// coloured by class.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { evaluate, fit, loadMnist, manualSeed, models, nn, noGrad, optim, predict, scope, tensor } from "../index.js";
import { Canvas, imageGrid, PALETTE } from "../viz/png.js";
import { choice, num, type Options } from "./args.js";

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
  await fit(ae, models.autoencoderData(train), { epochs, batchSize, optimizer: opt, loss: ae.loss, seed });
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

/** 16 test digits: originals, (noisy inputs,) reconstructions, one row each. */
export function reconstructionGrid(ae: models.Autoencoder, x: Float32Array, noise: number, seed: number, n = 16): Canvas {
  const originals = x.slice(0, n * 784);
  const inputs = noise > 0 ? models.corrupt(originals, noise, seed + 1000) : originals;
  const recon = scope(() => noGrad(() => ae.reconstruct(tensor(inputs, [n, ...ae.inputShape])).toArray()));
  const rows = noise > 0 ? [originals, inputs, recon] : [originals, recon];
  const all = new Float32Array(rows.length * n * 784);
  rows.forEach((r, i) => all.set(r, i * n * 784));
  return imageGrid(all, rows.length * n, 28, 28, { cols: n, scale: 2 });
}

/** The codes of a 2-D autoencoder as a scatter plot, one dot per digit in its class colour, with a legend. */
export function codeScatter(ae: models.Autoencoder, x: Float32Array, labels: Float32Array, size = 600): Canvas {
  if (ae.code !== 2) throw new Error(`codeScatter: the autoencoder has a ${ae.code}-dimensional code, expected 2`);
  const z = scope(() => noGrad(() => predict(ae.encoder, x, { sampleShape: [...ae.inputShape] }).toArray()));
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < z.length; i += 2) {
    [x0, x1] = [Math.min(x0, z[i]), Math.max(x1, z[i])];
    [y0, y1] = [Math.min(y0, z[i + 1]), Math.max(y1, z[i + 1])];
  }
  const margin = 20;
  const legend = 56;
  const c = new Canvas(size + legend, size);
  const sx = (v: number) => margin + ((v - x0) / (x1 - x0 || 1)) * (size - 2 * margin);
  const sy = (v: number) => size - margin - ((v - y0) / (y1 - y0 || 1)) * (size - 2 * margin);
  for (let i = 0; i < labels.length; i++) c.dot(sx(z[2 * i]), sy(z[2 * i + 1]), 2, PALETTE[labels[i]]);
  // Legend (the canvas has no text): per class, top to bottom 0..9, its colour beside its mean digit.
  const means = Array.from({ length: 10 }, () => new Float32Array(784));
  const counts = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) {
    counts[labels[i]]++;
    for (let p = 0; p < 784; p++) means[labels[i]][p] += x[i * 784 + p];
  }
  for (let k = 0; k < 10; k++) {
    const top = margin + k * 32;
    c.fillRect(size + 4, top + 7, 14, 14, PALETTE[k]);
    c.gray(means[k].map((v) => v / Math.max(1, counts[k])), 28, 28, size + 22, top, 1, 1, 0);
  }
  return c;
}
