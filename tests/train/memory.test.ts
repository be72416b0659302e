// A training loop must not leak: after warm-up, the live-tensor count and the Wasm memory size
// stay flat. And because growing Wasm memory detaches every JS view of it, a growth forced in
// the middle of training must not change the result.
import { beforeAll, describe, expect, it } from "vitest";
import { backend, fit, liveTensors, loadMnist, losses, manualSeed, models, optim, ready, setBackend, type Dataset, type EpochLogs, type Tensor } from "../../src/index.js";

let train: Dataset;

beforeAll(async () => {
  await ready();
  setBackend("wasm");
  const mnist = await loadMnist({ trainSize: 3200, testSize: 0 });
  train = mnist.train;
});

async function run(epochs: number, onEpoch: (l: EpochLogs) => void, onLoss: (step: number) => void = () => {}): Promise<number[][]> {
  manualSeed(11);
  const model = models.mlp({ inputs: 784, hidden: [64], outputs: 10, dropout: 0.1 });
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  let step = 0;
  // The loss runs between the forward and the backward pass of each step: the hook can act mid-step.
  const loss = (pred: Tensor, y: Tensor) => {
    onLoss(step++);
    return losses.crossEntropy(pred, y);
  };
  await fit(model, train, { epochs, batchSize: 32, optimizer: opt, loss, verbose: false, seed: 5, callbacks: [{ onEpochEnd: onEpoch }] });
  const weights = model.parameters().map((p) => Array.from(p.toArray()));
  opt.dispose();
  for (const p of model.parameters()) {
    p.grad?.dispose();
    p.dispose();
  }
  return weights;
}

describe("training memory (wasm)", () => {
  it("keeps live tensors and memory size flat over 1,000 steps", async () => {
    const heap = backend("wasm").heap;
    const live: number[] = [];
    const bytes: number[] = [];
    const inUse: number[] = [];
    // 3,200 samples / batch 32 = 100 steps per epoch; epoch 1 is the warm-up, epochs 2–11 the 1,000 steps.
    await run(11, () => {
      live.push(liveTensors());
      bytes.push(heap.byteLength);
      inUse.push(heap.bytesInUse);
    });
    expect(live.length).toBe(11);
    for (let e = 1; e < 11; e++) {
      expect(live[e]).toBe(live[0]);
      expect(bytes[e]).toBe(bytes[0]);
      expect(inUse[e]).toBe(inUse[0]);
    }
  });

  it("gives the same weights when memory grows in the middle of training", async () => {
    const heap = backend("wasm").heap;
    const plain = await run(3, () => {});
    const before = heap.byteLength;
    // Grow between the forward and the backward pass of step 150: every activation saved for
    // backward now sits in a buffer that was detached and replaced.
    const grown = await run(3, () => {}, (step) => {
      if (step === 150) heap.grow(32 * 1024 * 1024);
    });
    expect(heap.byteLength).toBeGreaterThanOrEqual(before + 32 * 1024 * 1024);
    expect(grown).toEqual(plain);
  });

  it("frees every tensor of a model and its optimizer when they are disposed", async () => {
    const base = liveTensors();
    await run(1, () => {});
    expect(liveTensors()).toBe(base);
  });
});
