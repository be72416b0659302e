// Autoencoders on MNIST: compression, denoising, and a map of the digits.
//
//     npx tsx examples/autoencoder.ts [epochs=30]
//
// An autoencoder is two networks back to back. The encoder squeezes a 784-pixel digit into a
// short code z; the decoder rebuilds the 784 pixels from z alone. Training asks for nothing but
// "output = input", yet because z is narrow, the network must discover what digits have in common
// (strokes, loops, slant) to rebuild them well: no labels are used anywhere.
//
// Three experiments, each writing a PNG into out/:
//   1. a 32-number code: how well can 784 pixels be rebuilt from 32 numbers? (test MSE per pixel)
//   2. the denoising autoencoder: the same network fed digits buried in Gaussian noise (σ = 0.5)
//      but asked to output the clean digit; it learns to remove the noise.
//   3. a 2-number code: every digit becomes a point in the plane; coloured by its label (which the
//      network never saw), the digits sort themselves into regions.
//   4. the convolutional autoencoder: the same 32-number code, but the digit stays an image on its
//      way in and out (convolutions down, transposed convolutions up), plain and denoising.
import { mkdirSync } from "node:fs";
import { evaluate, fit, loadMnist, manualSeed, models, noGrad, optim, predict, ready, scope, tensor } from "../src/index.js";
import { Canvas, imageGrid, PALETTE } from "../src/viz/png.js";

const epochs = Number(process.argv[2] ?? 30);
await ready();
mkdirSync("out", { recursive: true });
const { train, test } = await loadMnist(); // 8,000 training and 2,000 test digits, pixels in [0, 1]

/** Train an autoencoder to reproduce its (clean) training digits. */
async function trainAutoencoder(options: models.AutoencoderOptions, data = train): Promise<models.Autoencoder> {
  manualSeed(1);
  const ae = models.autoencoder(options);
  // The data set's targets are its inputs. For a denoiser, the noise is added inside the model
  // (fresh noise for every batch, training mode only), so the targets stay clean.
  await fit(ae, models.autoencoderData(data), { epochs, batchSize: 64, optimizer: new optim.Adam(ae.parameters(), { lr: 1e-3 }), loss: ae.loss, seed: 1 });
  return ae;
}

const mse = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length;
const reconstruct = (ae: models.Autoencoder, x: Float32Array) => scope(() => noGrad(() => ae.reconstruct(tensor(x, [x.length / 784, ...ae.inputShape])).toArray()));

// 1. Compression: 784 → 256 → 128 → 32 → 128 → 256 → 784.
const ae = await trainAutoencoder({ code: 32 });
const testMse = evaluate(ae, models.autoencoderData(test), { loss: ae.pixelMse }).loss;
console.log(`32-number code: test reconstruction MSE ${testMse.toFixed(4)} per pixel`);

// 2. Denoising: σ = 0.5 noise on inputs whose pixels lie in [0, 1] is heavy; the noisy digit itself
// is off by σ² = 0.25 per pixel on average.
const dae = await trainAutoencoder({ code: 32, noise: 0.5 });
const noisy = models.corrupt(test.x, 0.5, 123); // a fixed noisy copy of the test set
const cleaned = reconstruct(dae, noisy);
console.log(`denoising: noisy input MSE ${mse(noisy, test.x).toFixed(4)}, reconstruction MSE ${mse(cleaned, test.x).toFixed(4)} (${(mse(noisy, test.x) / mse(cleaned, test.x)).toFixed(1)}× better)`);

// Rows: originals, noisy inputs, the denoiser's reconstructions, the plain autoencoder's reconstructions.
const n = 16;
const rows = [test.x.slice(0, n * 784), noisy.slice(0, n * 784), cleaned.slice(0, n * 784), reconstruct(ae, test.x.slice(0, n * 784))];
const grid = new Float32Array(4 * n * 784);
rows.forEach((r, i) => grid.set(r, i * n * 784));
imageGrid(grid, 4 * n, 28, 28, { cols: n }).save("out/autoencoder-reconstructions.png");

// 3. A 2-D code: the whole test set as points in the plane, coloured by class.
const ae2 = await trainAutoencoder({ code: 2 });
const z = scope(() => noGrad(() => predict(ae2.encoder, test.x, { sampleShape: [784] }).toArray()));
const size = 600;
const [xs, ys] = [z.filter((_, i) => i % 2 === 0), z.filter((_, i) => i % 2 === 1)];
const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
const plot = new Canvas(size, size);
for (let i = 0; i < test.length; i++) {
  plot.dot(20 + ((xs[i] - x0) / (x1 - x0)) * (size - 40), size - 20 - ((ys[i] - y0) / (y1 - y0)) * (size - 40), 2, PALETTE[test.y[i]]);
}
plot.save("out/autoencoder-code2.png");
console.log(`2-D code: test reconstruction MSE ${evaluate(ae2, models.autoencoderData(test), { loss: ae2.pixelMse }).loss.toFixed(4)}; wrote out/autoencoder-code2.png (colours: ${PALETTE.map((_, k) => k).join(" ")} in Tableau order) and out/autoencoder-reconstructions.png`);

// 4. Convolutional: two 3×3 stride-2 convolutions shrink the digit to 32 maps of 7×7, a dense layer
// squeezes those into the same 32-number code, and two 3×3 stride-2 transposed convolutions grow it
// back to 28×28. Each filter is shared by every position, so a stroke costs the same to describe
// anywhere in the image; the data are the same digits, shaped [1, 28, 28] instead of [784].
const images = await loadMnist({ shape: "image" });
const cae = await trainAutoencoder({ kind: "conv", code: 32 }, images.train);
const convMse = evaluate(cae, models.autoencoderData(images.test), { loss: cae.pixelMse }).loss;
console.log(`convolutional, 32-number code: test reconstruction MSE ${convMse.toFixed(4)} per pixel (dense: ${testMse.toFixed(4)}), with ${cae.parameterCount().toLocaleString("en")} weights (dense: ${ae.parameterCount().toLocaleString("en")})`);
const cdae = await trainAutoencoder({ kind: "conv", code: 32, noise: 0.5 }, images.train);
const convCleaned = reconstruct(cdae, noisy);
console.log(`convolutional denoising: reconstruction MSE ${mse(convCleaned, test.x).toFixed(4)} (${(mse(noisy, test.x) / mse(convCleaned, test.x)).toFixed(1)}× better than the noisy input)`);
// Rows: originals, noisy inputs, the conv denoiser's reconstructions, the conv autoencoder's reconstructions.
const convRows = [test.x.slice(0, n * 784), noisy.slice(0, n * 784), convCleaned.slice(0, n * 784), reconstruct(cae, test.x.slice(0, n * 784))];
convRows.forEach((r, i) => grid.set(r, i * n * 784));
imageGrid(grid, 4 * n, 28, 28, { cols: n }).save("out/autoencoder-conv-reconstructions.png");
console.log("wrote out/autoencoder-conv-reconstructions.png");
