// CapsNet: its structure (default and the paper's sizes), the masked decoder and the loss
// against values computed here, a short training run on real digits on both backends from one
// seed, no leak, and bad labels refused before any weight or optimizer state changes.
//
// Budget: the JS reference convolution makes the JS backend ≈ 13× slower than Wasm here, so the
// training run is a small CapsNet (8 conv channels, 4 primary capsule channels of 4D, decoder
// 160 → 64 → 784) for one epoch over 1,000 digits: 79 % of 1,000 held-out ones on both backends
// (chance is 10 %), ≈ 1 s on Wasm and ≈ 10 s on JS.
import { beforeAll, describe, expect, it } from "vitest";
import { capsuleAccuracy, fitCapsNet, liveTensors, loadMnist, manualSeed, models, ops, optim, ready, scope, setBackend, tensor, type Dataset } from "../../src/index.js";
import { expectClose, randomData } from "../gradcheck.js";

const SMALL = { convChannels: 8, primaryChannels: 4, primaryDim: 4, decoder: [64] };

/**
 * Free a model's tensors (and its optimizer's). Tensors left to the garbage collector are freed
 * by a finalizer at an unknown time, which would move the live count the leak test reads.
 */
function release(net: models.CapsNet, opt?: optim.Optimizer): void {
  opt?.dispose();
  for (const p of net.parameters()) {
    p.grad?.dispose();
    p.dispose();
  }
}

describe("capsNet structure", () => {
  beforeAll(async () => {
    await ready();
    setBackend("wasm");
  });

  it("default: conv 64 → 8×8D primary capsules (288) → 10×16D digit capsules → decoder 512-1024-784", () => {
    manualSeed(1);
    const net = models.capsNet();
    expect(scope(() => net.forward(tensor(new Float32Array(2 * 784), [2, 1, 28, 28])).shape)).toEqual([2, 10]);
    expect(net.digits.weight.shape).toEqual([288, 10, 16, 8]);
    const conv = 64 * 81 + 64;
    const primary = 64 * 64 * 81 + 64;
    const digits = 288 * 10 * 16 * 8;
    const decoder = 160 * 512 + 512 + 512 * 1024 + 1024 + 1024 * 784 + 784;
    expect(net.parameterCount()).toBe(conv + primary + digits + decoder);
    expect(Object.keys(net.stateDict())).toEqual([
      "conv1.weight", "conv1.bias", "primary.conv.weight", "primary.conv.bias", "digits.weight",
      "decoder.0.weight", "decoder.0.bias", "decoder.2.weight", "decoder.2.bias", "decoder.4.weight", "decoder.4.bias",
    ]);
    release(net);
  });

  it("the paper's sizes: 256 channels, 32×8D primary capsules (1,152), 8.2 M parameters", () => {
    const paper = models.capsNet({ paper: true });
    expect(paper.digits.weight.shape).toEqual([1152, 10, 16, 8]);
    expect(paper.parameterCount()).toBe(256 * 81 + 256 + 256 * 256 * 81 + 256 + 1152 * 10 * 16 * 8 + 160 * 512 + 512 + 512 * 1024 + 1024 + 1024 * 784 + 784);
    expect(Math.round(paper.parameterCount() / 1e5) / 10).toBe(8.2);
    release(paper);
  });

  it("masks all capsules but the true one (training) or the longest (testing); the loss is margin + 0.0005·SSE", () => {
    manualSeed(2);
    const net = models.capsNet(SMALL);
    scope(() => {
      const x = tensor(randomData(3 * 784, 3, 0, 1), [3, 1, 28, 28]);
      const v = net.capsules(x);
      const l = ops.norm(v).toArray();
      const vv = v.toArray();
      const masked = net.mask(v, [4, 0, 9]).toArray();
      for (let b = 0; b < 3; b++) for (let k = 0; k < 10; k++) for (let d = 0; d < 16; d++) {
        const keep = k === [4, 0, 9][b];
        // + 0 folds the −0 of a negative value times the mask's 0 into 0.
        expect(masked[(b * 10 + k) * 16 + d] + 0).toBe(keep ? vv[(b * 10 + k) * 16 + d] : 0);
      }
      const byLength = net.mask(v).toArray();
      for (let b = 0; b < 3; b++) {
        const row = Array.from(l.subarray(b * 10, b * 10 + 10));
        const win = row.indexOf(Math.max(...row));
        for (let d = 0; d < 16; d++) expect(byLength[(b * 10 + win) * 16 + d]).toBe(vv[(b * 10 + win) * 16 + d]);
      }
      const labels = [1, 2, 3];
      const { loss, margin, reconstruction } = net.loss(x, labels);
      const recon = net.reconstruct(v, labels).toArray();
      const xs = x.toArray();
      let sse = 0;
      for (let i = 0; i < recon.length; i++) sse += (recon[i] - xs[i]) ** 2;
      let m = 0;
      for (let b = 0; b < 3; b++) for (let k = 0; k < 10; k++) {
        const len = l[b * 10 + k];
        m += k === labels[b] ? Math.max(0, 0.9 - len) ** 2 : 0.5 * Math.max(0, len - 0.1) ** 2;
      }
      expectClose([margin.item(), reconstruction.item()], [m / 3, (0.0005 * sse) / 3], 1e-6, 1e-4);
      expect(loss.item()).toBeCloseTo(margin.item() + reconstruction.item(), 6);
      expect(() => net.mask(v, [0, 10, 1])).toThrow("CapsNet.mask: label 10 at index 1 is not a class index in [0, 9]");
      expect(() => net.forward(tensor(randomData(2 * 784, 4), [2, 784]))).toThrow("CapsNet: input has shape [2, 784], expected [batch, 1, 28, 28]");
    });
    release(net);
  });
});

describe("CapsNet on MNIST", () => {
  let train: Dataset;
  let test: Dataset;
  const accuracy: Record<string, number> = {};

  beforeAll(async () => {
    await ready();
    ({ train, test } = await loadMnist({ shape: "image", trainSize: 1000, testSize: 1000 }));
  });

  async function trainOn(name: "wasm" | "js"): Promise<number> {
    setBackend(name);
    manualSeed(1);
    const net = models.capsNet(SMALL);
    const opt = new optim.Adam(net.parameters(), { lr: 5e-3 });
    await fitCapsNet(net, train, { epochs: 1, optimizer: opt, seed: 1, verbose: false });
    const acc = capsuleAccuracy(net, test);
    release(net, opt);
    return acc;
  }

  it("learns: one epoch over 1,000 digits gives ≥ 70 % of 1,000 held-out ones (wasm)", { timeout: 120_000 }, async () => {
    accuracy.wasm = await trainOn("wasm");
    expect(accuracy.wasm).toBeGreaterThanOrEqual(0.7);
  });

  it("the JS backend from the same seed ends within 0.5 %", { timeout: 300_000 }, async () => {
    accuracy.js = await trainOn("js");
    expect(Math.abs(accuracy.js - accuracy.wasm)).toBeLessThanOrEqual(0.005);
  });

  it("does not leak: the same number of live tensors after every epoch", async () => {
    setBackend("wasm");
    manualSeed(4);
    const net = models.capsNet(SMALL);
    const live: number[] = [];
    const small: Dataset = { ...train, x: train.x.subarray(0, 40 * 784), y: train.y.slice(0, 40), length: 40 };
    const opt = new optim.Adam(net.parameters());
    await fitCapsNet(net, small, { epochs: 3, batchSize: 16, optimizer: opt, verbose: false, onEpochEnd: () => void live.push(liveTensors()) });
    expect(live).toEqual([live[0], live[0], live[0]]);
    release(net, opt);
  });

  it("refuses a label out of range before any weight or optimizer state changes", async () => {
    setBackend("wasm");
    manualSeed(3);
    const net = models.capsNet(SMALL);
    const opt = new optim.Adam(net.parameters(), { lr: 1e-3 });
    const small: Dataset = { ...train, x: train.x.subarray(0, 4 * 784), y: train.y.slice(0, 4), length: 4 };
    await fitCapsNet(net, small, { epochs: 1, optimizer: opt, verbose: false });
    const weights = net.parameters().map((p) => p.toArray());
    // Adam's moments (protected state), its step count and learning rate.
    const snapshot = () => JSON.stringify([opt.stepCount, opt.lr, [...(opt as unknown as { state: Map<unknown, { toArray(): Float32Array }[]> }).state.values()].flat().map((t) => Array.from(t.toArray()))]);
    const state = snapshot();
    const bad: Dataset = { ...small, y: Float32Array.from([1, 2, 10, 3]) };
    await expect(fitCapsNet(net, bad, { epochs: 1, optimizer: opt, verbose: false })).rejects.toThrow("fitCapsNet: label 10 of sample 2 is not a class index in [0, 9]");
    net.parameters().forEach((p, i) => expect(p.toArray()).toEqual(weights[i]));
    expect(snapshot()).toBe(state);
    expect(() => scope(() => net.loss(tensor(small.x, [4, 1, 28, 28]), [0, 1, 2, -1]))).toThrow("marginLoss: label -1 at index 3 is not a class index in [0, 9]");
    net.parameters().forEach((p, i) => expect(p.toArray()).toEqual(weights[i]));
  });
});
