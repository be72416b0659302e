// The feed-forward network on real data: an MLP trained on 8,000 MNIST digits must classify the
// 2,000 held-out digits at ≥ 95 %, and the Wasm and JS backends, trained from the same seed,
// must end within 0.5 % of each other (they compute the same math in a different order).
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, fit, loadMnist, manualSeed, models, optim, ready, setBackend, type Dataset } from "../../src/index.js";

let train: Dataset;
let test: Dataset;
const accuracy: Record<string, number> = {};

async function trainOn(name: "wasm" | "js"): Promise<number> {
  setBackend(name);
  manualSeed(1);
  const model = models.mlp({ inputs: 784, hidden: [256], outputs: 10, dropout: 0.2 });
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  await fit(model, train, { epochs: 12, batchSize: 32, optimizer: opt, loss: "crossEntropy", verbose: false, seed: 1 });
  return evaluate(model, test, { loss: "crossEntropy" }).accuracy!;
}

describe("MNIST MLP 784-256-10", () => {
  beforeAll(async () => {
    await ready();
    ({ train, test } = await loadMnist());
    expect(train.length).toBe(8000);
    expect(test.length).toBe(2000);
  });

  it("reaches ≥ 95 % on the 2,000 held-out digits (wasm)", async () => {
    accuracy.wasm = await trainOn("wasm");
    expect(accuracy.wasm).toBeGreaterThanOrEqual(0.95);
  });

  // The JS reference backend is the slow one: a minute or two here.
  it("ends within 0.5 % on the JS backend from the same seed", { timeout: 600_000 }, async () => {
    accuracy.js = await trainOn("js");
    expect(accuracy.js).toBeGreaterThanOrEqual(0.95);
    expect(Math.abs(accuracy.js - accuracy.wasm)).toBeLessThanOrEqual(0.005);
  });
});
