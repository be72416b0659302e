// Checkpoints: training interrupted after epoch k and resumed from the checkpoint ends with
// weights, buffers and optimizer state bit-identical to an uninterrupted run (through fit, with
// dropout and denoising noise drawing random numbers), and a checkpoint that does not fit leaves
// the model, the optimizer and the generators untouched.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpoint, fit, io, manualSeed, models, optim, ready, resume, rng, setBackend, twoSpirals, type nn, type Dataset } from "../../src/index.js";

const bits = (m: nn.Module) => Object.entries(m.stateDict()).map(([k, v]) => [k, Array.from(new Uint32Array(v.data.buffer))]);
const optBits = (o: optim.Optimizer) => o.stateSnapshot().map((slots) => slots.map((s) => Array.from(new Uint32Array(s.buffer))));

interface Setup {
  name: string;
  model: () => nn.Module;
  optimizer: (m: nn.Module) => optim.Optimizer;
  data: () => Dataset;
  loss: "crossEntropy" | "mse";
}

const spirals = () => twoSpirals({ pointsPerClass: 40, noise: 0.1, seed: 3 });
const setups: Setup[] = [
  { name: "Adam, MLP with dropout", model: () => models.mlp({ inputs: 2, hidden: [16, 16], outputs: 2, dropout: 0.2 }), optimizer: (m) => new optim.Adam(m.parameters(), { lr: 0.01 }), data: spirals, loss: "crossEntropy" },
  { name: "AdamW, MLP with dropout", model: () => models.mlp({ inputs: 2, hidden: [16], outputs: 2, dropout: 0.3 }), optimizer: (m) => new optim.AdamW(m.parameters(), { lr: 0.01, weightDecay: 0.05 }), data: spirals, loss: "crossEntropy" },
  { name: "SGD with momentum, MLP with dropout", model: () => models.mlp({ inputs: 2, hidden: [16], outputs: 2, dropout: 0.2 }), optimizer: (m) => new optim.SGD(m.parameters(), { lr: 0.05, momentum: 0.9 }), data: spirals, loss: "crossEntropy" },
  {
    name: "Adam, denoising autoencoder (its own noise generator)",
    model: () => models.autoencoder({ inputs: 6, hidden: [5], code: 2, noise: 0.2, output: "sigmoid" }),
    optimizer: (m) => new optim.Adam(m.parameters(), { lr: 0.01 }),
    data: () => {
      const x = Float32Array.from({ length: 60 * 6 }, (_, i) => (Math.sin(i * 0.7) + 1) / 2);
      return { x, y: x, sampleShape: [6], targetShape: [6], length: 60 };
    },
    loss: "mse",
  },
];

const EPOCHS = 4;
const STOP = 2;

for (const backend of ["js", "wasm"] as const) {
  describe(`resume (${backend})`, () => {
    beforeAll(async () => {
      await ready();
      setBackend(backend);
    });

    for (const s of setups) {
      it(`${s.name}: stopped after epoch ${STOP} and resumed, bit-identical to ${EPOCHS} epochs in one run`, async () => {
        const data = s.data();
        const opts = { batchSize: 16, loss: s.loss, seed: 5, verbose: false } as const;

        manualSeed(1);
        const a = s.model();
        const optA = s.optimizer(a);
        await fit(a, data, { ...opts, epochs: EPOCHS, optimizer: optA });

        manualSeed(1);
        const b = s.model();
        const optB = s.optimizer(b);
        let saved: io.ModelFiles | null = null;
        const save = checkpoint((files, epoch) => void (epoch === STOP && (saved = files)), { optimizer: optB });
        await fit(b, data, { ...opts, epochs: STOP, optimizer: optB, callbacks: [save] });
        expect(Object.keys(saved!).sort()).toEqual(["config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json"]);

        // A new process, in effect: other initial weights, a fresh optimizer, the global generator elsewhere.
        manualSeed(99);
        const c = s.model();
        const optC = s.optimizer(c);
        rng().next();
        const { epoch } = await resume(saved!, c, optC);
        expect(epoch).toBe(STOP);
        expect(bits(c)).toEqual(bits(b));
        await fit(c, data, { ...opts, epochs: EPOCHS, optimizer: optC, initialEpoch: epoch });

        expect(bits(c)).toEqual(bits(a));
        expect(optBits(optC)).toEqual(optBits(optA));
        expect(optC.stepCount).toBe(optA.stepCount);
        expect(optC.params.map((p) => optC.stepOf(p))).toEqual(optA.params.map((p) => optA.stepOf(p)));
        // Without the checkpoint the weights do differ (the test can tell).
        expect(bits(b)).not.toEqual(bits(a));
      });
    }
  });
}

describe("checkpoint directories and bad checkpoints", () => {
  const dir = mkdtempSync(join(tmpdir(), "wasmnn-ckpt-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("LeNet with batch norm, Adam: a directory written by the callback resumes bit for bit", async () => {
    await ready();
    setBackend("wasm");
    const x = Float32Array.from({ length: 24 * 14 * 14 }, (_, i) => Math.sin(i * 0.37));
    const data: Dataset = { x, y: Float32Array.from({ length: 24 }, (_, i) => i % 3), sampleShape: [1, 14, 14], targetShape: [], length: 24 };
    const build = () => models.lenet({ batchNorm: true, channels: [2, 3], imageSize: 14, padding: 2, classes: 3, hidden: [6], dropout: 0.1 });
    const opts = { batchSize: 8, loss: "crossEntropy", seed: 2, verbose: false } as const;
    manualSeed(4);
    const a = build();
    const optA = new optim.Adam(a.parameters(), { lr: 0.01 });
    await fit(a, data, { ...opts, epochs: 3, optimizer: optA });

    manualSeed(4);
    const b = build();
    const optB = new optim.Adam(b.parameters(), { lr: 0.01 });
    await fit(b, data, { ...opts, epochs: 1, optimizer: optB, callbacks: [checkpoint(join(dir, "ck"), { optimizer: optB })] });
    expect(readdirSync(join(dir, "ck")).sort()).toEqual(["config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json"]);

    const c = build();
    const optC = new optim.Adam(c.parameters(), { lr: 0.01 });
    const { epoch } = await resume(join(dir, "ck"), c, optC);
    await fit(c, data, { ...opts, epochs: 3, optimizer: optC, initialEpoch: epoch });
    expect(bits(c)).toEqual(bits(a));
  });

  it("a checkpoint that does not fit changes nothing: model, optimizer and generator stay bit for bit", async () => {
    await ready();
    manualSeed(8);
    const m = models.mlp({ inputs: 2, hidden: [4], outputs: 2 });
    const adam = new optim.Adam(m.parameters(), { lr: 0.01 });
    const data = spirals();
    await fit(m, data, { epochs: 1, optimizer: adam, loss: "crossEntropy", verbose: false });
    const files = io.checkpointFiles(m, { optimizer: adam, epoch: 1 });

    manualSeed(9);
    const other = models.mlp({ inputs: 2, hidden: [4], outputs: 2 });
    const sgd = new optim.SGD(other.parameters(), { lr: 0.1, momentum: 0.5 });
    await fit(other, data, { epochs: 1, optimizer: sgd, loss: "crossEntropy", verbose: false });
    const wider = models.mlp({ inputs: 2, hidden: [5], outputs: 2 });
    const before = { w: bits(other), o: optBits(sgd), r: rng().getState(), steps: sgd.stepCount };
    await expect(resume(files, other, sgd)).rejects.toThrow("optimizer.safetensors: SGD.loadStateDict: the state was saved by \"Adam\", expected \"SGD\"");
    const betas = new optim.Adam(other.parameters(), { lr: 0.01, betas: [0.8, 0.999] });
    await expect(resume(files, other, betas)).rejects.toThrow("optimizer.safetensors: Adam.loadStateDict: the state has betas = [0.9,0.999], this optimizer [0.8,0.999]");
    await expect(resume(files, wider, new optim.Adam(wider.parameters()))).rejects.toThrow('optimizer.safetensors: "state.0.exp_avg" has shape [4, 2], parameter "0.weight" [5, 2]');
    await expect(resume({ ...files, "trainer_state.json": new TextEncoder().encode('{"epoch": -1}') }, other, sgd)).rejects.toThrow("trainer_state.json: expected an object with an integer epoch ≥ 0");
    const noTrainer = { ...files };
    delete noTrainer["trainer_state.json"];
    await expect(resume(noTrainer, other, sgd)).rejects.toThrow("resume: trainer_state.json is missing (not a checkpoint");
    expect({ w: bits(other), o: optBits(sgd), r: rng().getState(), steps: sgd.stepCount }).toEqual(before);
  });
});
