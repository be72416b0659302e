// Figures of images: a CNN's first-layer filters and the feature maps of a few digits, and the
// 2-number code space an autoencoder finds for the digits without ever seeing a label.
import { evaluate, fit, loadMnist, models, optim, type nn } from "../../src/index.js";
import { codeScatter } from "../../src/cli/autoencoder.js";
import { convFigure } from "../../src/viz/filters.js";
import type { Canvas } from "../../src/viz/png.js";

export async function cnn(): Promise<{ canvas: Canvas; accuracy: number }> {
  const { train, test } = await loadMnist({ shape: "image" });
  const model = models.lenet();
  await fit(model, train, { epochs: 3, batchSize: 32, optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), loss: "crossEntropy", seed: 1, verbose: false });
  const accuracy = evaluate(model, test, { loss: "crossEntropy" }).accuracy!;
  return { canvas: convFigure(model as nn.Sequential, test.x, 4, { imageShape: test.sampleShape }), accuracy };
}

export async function autoencoderCode(): Promise<{ canvas: Canvas; mse: number }> {
  const { train, test } = await loadMnist();
  const ae = models.autoencoder({ code: 2 });
  await fit(ae, models.autoencoderData(train), { epochs: 10, batchSize: 64, optimizer: new optim.Adam(ae.parameters(), { lr: 1e-3 }), loss: ae.loss, seed: 1, verbose: false });
  const mse = evaluate(ae, models.autoencoderData(test), { loss: ae.pixelMse }).loss;
  return { canvas: codeScatter(ae, test.x, test.y), mse };
}
