// Capsule networks in model files: the paper's CapsNet saved as `{ paper: true }` and rebuilt bit
// for bit (lengths and reconstructions too), and fitCapsNet stopped after epoch k and resumed from
// its checkpoint ending bit-identical to one uninterrupted run (weights, Adam's state, the decayed
// learning rate), on both backends. Small CapsNets on 17×17 images; the whole file takes ≈ 4 s.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpoint, fitCapsNet, io, load, manualSeed, models, noGrad, optim, rand, ready, resume, rng, scope, setBackend, toFiles, type Dataset, type nn, type Tensor } from "../../src/index.js";

const bits = (m: nn.Module) => Object.entries(m.stateDict()).map(([k, v]) => [k, Array.from(new Uint32Array(v.data.buffer))]);
/** Each tensor's bytes compared whole (8.2 M values as arrays of numbers would take seconds). */
const sameBytes = (a: nn.Module, b: nn.Module): string[] => {
  const sb = b.stateDict();
  return Object.entries(a.stateDict()).filter(([k, v]) => !Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength).equals(Buffer.from(sb[k].data.buffer, sb[k].data.byteOffset, sb[k].data.byteLength))).map(([k]) => k);
};
const optBits = (o: optim.Optimizer) => o.stateSnapshot().map((slots) => slots.map((s) => Array.from(new Uint32Array(s.buffer))));

/** Lengths and reconstructions from the longest capsule, in eval mode. */
function outputs(net: models.CapsNet, x: Tensor): { lengths: number[]; images: number[] } {
  net.eval();
  return scope(() => noGrad(() => {
    const v = net.capsules(x);
    return { lengths: Array.from(net.forward(x).toArray()), images: Array.from(net.reconstruct(v).toArray()) };
  }));
}

describe("the paper's CapsNet in model files", () => {
  it("saves as { paper: true } and loads 8.2 M parameters bit for bit, with the same lengths and reconstructions (wasm)", async () => {
    await ready();
    setBackend("wasm");
    manualSeed(4);
    const net = models.capsNet({ paper: true });
    const files = toFiles(net);
    const config = JSON.parse(new TextDecoder().decode(files["config.json"]));
    expect(config.architectures).toEqual(["CapsNet"]);
    expect(config.model).toEqual({ type: "CapsNet", paper: true });
    const back = (await load(files)) as models.CapsNet;
    expect(back.parameterCount()).toBe(net.parameterCount());
    expect(back.digits.weight.shape).toEqual([1152, 10, 16, 8]);
    expect(Object.keys(back.stateDict())).toEqual(Object.keys(net.stateDict()));
    expect(sameBytes(back, net)).toEqual([]);
    const x = rand([2, 1, 28, 28]);
    expect(outputs(back, x)).toEqual(outputs(net, x));
  });
});

/** 40 images of 17×17 (two 9×9 convolutions leave one position) in 3 classes, each class a different blob. */
function blobs(): Dataset {
  const n = 40;
  const x = new Float32Array(n * 17 * 17);
  const y = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    y[s] = s % 3;
    const [cy, cx] = [[5, 5], [11, 8], [6, 12]][s % 3];
    for (let i = 0; i < 17; i++) for (let j = 0; j < 17; j++) x[s * 289 + i * 17 + j] = Math.exp(-((i - cy) ** 2 + (j - cx - (s % 2)) ** 2) / 8);
  }
  return { x, y, sampleShape: [1, 17, 17], targetShape: [], length: n };
}
const small = () => models.capsNet({ convChannels: 3, primaryChannels: 4, primaryDim: 4, digitDim: 6, classes: 3, decoder: [16], imageSize: 17 });

const EPOCHS = 4;
const STOP = 2;

for (const backend of ["js", "wasm"] as const) {
  describe(`fitCapsNet resumed from a checkpoint (${backend})`, () => {
    beforeAll(async () => {
      await ready();
      setBackend(backend);
    });

    it(`stopped after epoch ${STOP} and resumed, bit-identical to ${EPOCHS} epochs in one run (Adam, learning rate × 0.8 each epoch)`, async () => {
      const data = blobs();
      const opts = { batchSize: 8, lrDecay: 0.8, seed: 5, verbose: false } as const;

      manualSeed(1);
      const a = small();
      const optA = new optim.Adam(a.parameters(), { lr: 0.01 });
      await fitCapsNet(a, data, { ...opts, epochs: EPOCHS, optimizer: optA });

      manualSeed(1);
      const b = small();
      const optB = new optim.Adam(b.parameters(), { lr: 0.01 });
      let saved: io.ModelFiles | null = null;
      const save = checkpoint((files, epoch) => void (epoch === STOP && (saved = files)), { optimizer: optB });
      await fitCapsNet(b, data, { ...opts, epochs: STOP, optimizer: optB, callbacks: [save] });
      expect(Object.keys(saved!).sort()).toEqual(["config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json"]);

      // A new process, in effect: other initial weights, a fresh optimizer, the global generator elsewhere.
      manualSeed(99);
      const c = small();
      const optC = new optim.Adam(c.parameters(), { lr: 0.01 });
      rng().next();
      const { epoch } = await resume(saved!, c, optC);
      expect(epoch).toBe(STOP);
      expect(bits(c)).toEqual(bits(b));
      expect(optC.lr).toBe(0.01 * 0.8 * 0.8);
      const history = await fitCapsNet(c, data, { ...opts, epochs: EPOCHS, optimizer: optC, initialEpoch: epoch });
      expect(history.map((l) => l.epoch)).toEqual([3, 4]);

      expect(bits(c)).toEqual(bits(a));
      expect(optBits(optC)).toEqual(optBits(optA));
      expect(optC.stepCount).toBe(optA.stepCount);
      expect(optC.lr).toBe(optA.lr);
      // Without the checkpoint the weights do differ (the test can tell).
      expect(bits(b)).not.toEqual(bits(a));
    });
  });
}

describe("fitCapsNet's checkpoints on disk, and its bad initialEpoch", () => {
  const dir = mkdtempSync(join(tmpdir(), "wasmnn-caps-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a directory written after every epoch resumes bit for bit, and load() rebuilds the CapsNet from it", async () => {
    await ready();
    setBackend("wasm");
    const data = blobs();
    const opts = { batchSize: 16, lrDecay: 0.9, seed: 2, verbose: false } as const;
    manualSeed(3);
    const a = small();
    const optA = new optim.Adam(a.parameters(), { lr: 0.01 });
    await fitCapsNet(a, data, { ...opts, epochs: 3, optimizer: optA });

    manualSeed(3);
    const b = small();
    const optB = new optim.Adam(b.parameters(), { lr: 0.01 });
    await fitCapsNet(b, data, { ...opts, epochs: 1, optimizer: optB, callbacks: [checkpoint(join(dir, "ck"), { optimizer: optB })] });
    expect(readdirSync(join(dir, "ck")).sort()).toEqual(["config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json"]);
    const loaded = (await load(join(dir, "ck"))) as models.CapsNet;
    expect(io.moduleConfig(loaded)).toEqual({ type: "CapsNet", convChannels: 3, primaryChannels: 4, primaryDim: 4, digitDim: 6, classes: 3, decoder: [16], imageSize: 17 });
    expect(bits(loaded)).toEqual(bits(b));

    const c = small();
    const optC = new optim.Adam(c.parameters(), { lr: 0.01 });
    const { epoch } = await resume(join(dir, "ck"), c, optC);
    await fitCapsNet(c, data, { ...opts, epochs: 3, optimizer: optC, initialEpoch: epoch });
    expect(bits(c)).toEqual(bits(a));
  });

  it("initialEpoch outside [0, epochs − 1] is refused before any step", async () => {
    manualSeed(3);
    const net = small();
    const opt = new optim.Adam(net.parameters(), { lr: 0.01 });
    const before = bits(net);
    await expect(fitCapsNet(net, blobs(), { epochs: 2, optimizer: opt, initialEpoch: 2, verbose: false })).rejects.toThrow("fitCapsNet: initialEpoch must be an integer in [0, 1] (epochs already done, fewer than epochs = 2), got 2");
    await expect(fitCapsNet(net, blobs(), { epochs: 2, optimizer: opt, initialEpoch: -1, verbose: false })).rejects.toThrow("got -1");
    expect(bits(net)).toEqual(before);
    expect(opt.stepCount).toBe(0);
  });
});
