// `wasmnn train mnist --model NAME`: a classifier on the 8,000/2,000 MNIST split.
import { evaluate, fit, loadMnist, manualSeed, models, nn, optim, perturbedMnist } from "../index.js";
import { choice, num, type Options } from "./args.js";
import { fitCheckpoints } from "./checkpoint.js";
import { saveConvPicture } from "../viz/filters.js";
import { trainCapsNet } from "./capsnet.js";

/** Models for MNIST classification: how to build each and the sample shape it takes. */
const builders: Record<string, { shape: "flat" | "image"; build: () => nn.Module }> = {
  // 784-256-10 with dropout: 96 % on the held-out digits after 15 epochs (784-128-10 plateaus near 95 %).
  mlp: { shape: "flat", build: () => models.mlp({ inputs: 784, hidden: [256], outputs: 10, dropout: 0.2 }) },
  // LeNet-style conv(1→8, 5×5) → pool → conv(8→16, 5×5) → pool → linear(256→10), batch norm after each conv.
  cnn: { shape: "image", build: () => models.lenet({ batchNorm: true }) },
};

export async function trainMnist(o: Options): Promise<void> {
  const name = choice(o, "model", [...Object.keys(builders), "capsnet"], "mlp");
  if (name === "capsnet") {
    await trainCapsNet(o);
    return;
  }
  const epochs = num(o, "epochs", 15);
  const seed = num(o, "seed", 1);
  const batchSize = num(o, "batch-size", 32);
  const lr = num(o, "lr", 1e-3);
  manualSeed(seed);
  const { train, test } = await loadMnist({ shape: builders[name].shape });
  const model = builders[name].build();
  console.log(`MNIST: ${train.length} training and ${test.length} test digits; model ${name}, backend ${o.backend ?? "wasm"}, seed ${seed}`);
  console.log(nn.summary(model, [1, ...train.sampleShape]));
  const opt = new optim.Adam(model.parameters(), { lr });
  const t0 = performance.now();
  const checkpoints = await fitCheckpoints(o, model, opt, epochs, [1, ...train.sampleShape]);
  await fit(model, train, { epochs, batchSize, optimizer: opt, loss: "crossEntropy", validation: test, seed, ...checkpoints });
  const seconds = (performance.now() - t0) / 1000;
  const result = evaluate(model, test, { loss: "crossEntropy" });
  console.log(`test accuracy ${(100 * result.accuracy!).toFixed(2)}% (loss ${result.loss.toFixed(4)}) on ${test.length} held-out digits; trained in ${seconds.toFixed(1)} s`);
  const moved = evaluate(model, perturbedMnist(test), { loss: "crossEntropy" });
  console.log(`shifted by up to ±2 px and rotated by up to ±15° (seed 1): ${(100 * moved.accuracy!).toFixed(2)}%`);
  if (typeof o.filters === "string" && model instanceof nn.Sequential && builders[name].shape === "image") {
    saveConvPicture(o.filters, model, test.x, 4, { imageShape: test.sampleShape });
    console.log(`first-layer filters and feature maps of 4 test digits → ${o.filters}`);
  }
}

/** Register another MNIST classifier for `--model` (used by the architecture modules of the CLI). */
export function registerMnistModel(name: string, shape: "flat" | "image", build: () => nn.Module): void {
  builders[name] = { shape, build };
}
