// fit on the generated tasks with a known answer, its callbacks, and its behaviour on bad input:
// every bad input must throw a clear error and leave weights and optimizer state as they were.
import { beforeAll, describe, expect, it } from "vitest";
import { dataset, earlyStopping, evaluate, fit, manualSeed, models, nn, optim, predict, ready, setBackend, twoSpirals, xor, type Dataset } from "../../src/index.js";

function snapshot(model: nn.Module, opt: optim.Optimizer): string {
  const w = model.parameters().map((p) => Array.from(p.toArray()));
  return JSON.stringify({ w, s: opt.stateSnapshot().map((s) => s.map((a) => Array.from(a))), t: opt.stepCount });
}

for (const name of ["js", "wasm"] as const) {
  describe(`fit (${name})`, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("learns XOR exactly", async () => {
      manualSeed(1);
      const data = xor();
      const model = models.mlp({ inputs: 2, hidden: [8], outputs: 1, activation: "tanh" });
      const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
      const history = await fit(model, data, { epochs: 400, batchSize: 4, optimizer: opt, loss: "binaryCrossEntropy", verbose: false });
      const logits = predict(model, data.x, { sampleShape: [2] }).toArray();
      expect(Array.from(logits, (v) => (v > 0 ? 1 : 0))).toEqual([0, 1, 1, 0]);
      expect(history.at(-1)!.accuracy).toBe(1);
      expect(history.at(-1)!.loss).toBeLessThan(0.01);
    });

    it("separates two spirals to ≥ 98 % training accuracy", async () => {
      manualSeed(2);
      const data = twoSpirals();
      const model = models.mlp({ inputs: 2, hidden: [64, 64], outputs: 2, activation: "tanh" });
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      await fit(model, data, { epochs: 150, batchSize: 32, optimizer: opt, loss: "crossEntropy", verbose: false, seed: 2 });
      expect(evaluate(model, data, { loss: "crossEntropy" }).accuracy!).toBeGreaterThanOrEqual(0.98);
    });

    it("is deterministic for a seed", async () => {
      const run = async () => {
        manualSeed(7);
        const model = models.mlp({ inputs: 2, hidden: [16], outputs: 2 });
        const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
        await fit(model, twoSpirals({ pointsPerClass: 50 }), { epochs: 3, batchSize: 8, optimizer: opt, loss: "crossEntropy", verbose: false, seed: 3 });
        return model.parameters().map((p) => Array.from(p.toArray()));
      };
      expect(await run()).toEqual(await run());
    });

    it("reports validation metrics and stops early", async () => {
      manualSeed(3);
      const data = twoSpirals({ pointsPerClass: 60 });
      const model = models.mlp({ inputs: 2, hidden: [8], outputs: 2 });
      const opt = new optim.SGD(model.parameters(), { lr: 1e-6 }); // too small to improve: patience runs out
      const stopper = earlyStopping({ monitor: "valLoss", patience: 2, minDelta: 1e-3 });
      const initial = evaluate(model, data, { loss: "crossEntropy" });
      const history = await fit(model, data, { epochs: 50, optimizer: opt, loss: "crossEntropy", validation: data, callbacks: [stopper], verbose: false });
      expect(history.length).toBe(3);
      expect(stopper.stoppedEpoch).toBe(3);
      // lr 1e-6 moves nothing measurable: validation metrics equal those of the untrained model.
      expect(history[0].valLoss!).toBeCloseTo(initial.loss, 4);
      expect(history[0].valAccuracy!).toBeCloseTo(initial.accuracy!, 6);
    });

    describe("bad input leaves the model and optimizer untouched", () => {
      let model: nn.Module;
      let opt: optim.Optimizer;
      let good: Dataset;
      beforeAll(async () => {
        manualSeed(4);
        model = models.mlp({ inputs: 3, hidden: [4], outputs: 2 });
        opt = new optim.Adam(model.parameters(), { lr: 0.01 });
        good = dataset([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]], [0, 1, 0, 1]);
        await fit(model, good, { epochs: 1, batchSize: 2, optimizer: opt, loss: "crossEntropy", verbose: false });
      });

      const cases: [string, () => Promise<unknown>, RegExp][] = [
        ["wrong input width", () => fit(model, dataset([[0, 1], [1, 2]], [0, 1]), { epochs: 1, optimizer: opt, loss: "crossEntropy", verbose: false }), /Linear\(3→4\): input has shape \[1, 2\], expected \[\*, 3\]/],
        ["label out of range", () => fit(model, dataset([[0, 1, 2], [1, 2, 3]], [0, 2]), { epochs: 1, optimizer: opt, loss: "crossEntropy", verbose: false }), /label 2 of sample 1 is not a class index in \[0, 1\]/],
        ["non-integer label", () => fit(model, dataset([[0, 1, 2], [1, 2, 3]], [0, 0.5]), { epochs: 1, optimizer: opt, loss: "crossEntropy", verbose: false }), /label 0\.5 of sample 1/],
        ["NaN in inputs", async () => fit(model, { ...good, x: Float32Array.from([0, 1, 2, 1, NaN, 3, 2, 3, 4, 3, 4, 5]) }, { epochs: 1, optimizer: opt, loss: "crossEntropy", verbose: false }), /x holds NaN at sample 1/],
        ["Infinity in inputs", async () => dataset([[0, 1, Infinity]], [0]), /x holds Infinity at sample 0/],
        ["batch size 0", () => fit(model, good, { epochs: 1, batchSize: 0, optimizer: opt, loss: "crossEntropy", verbose: false }), /fit: batchSize must be a positive integer, got 0/],
        ["x and y of different lengths", async () => dataset([[0, 1, 2], [1, 2, 3]], [0, 1, 1]), /x has 2 samples but y has 3/],
        ["x and y of different lengths (hand-made)", () => fit(model, { ...good, y: Float32Array.from([0, 1, 0]) }, { epochs: 1, optimizer: opt, loss: "crossEntropy", verbose: false }), /^fit: y holds 3 samples of shape \[\] but the data set's length is 4; they must match$/],
        ["validation samples of the wrong width, before the first step", () => fit(model, good, { epochs: 1, optimizer: opt, loss: "crossEntropy", verbose: false, validation: dataset([[0, 1], [1, 2]], [0, 1]) }), /^fit \(validation\): the validation samples have shape \[2\] but the training samples \[3\]; they must match$/],
        ["validation targets of another shape", () => fit(model, good, { epochs: 1, optimizer: opt, loss: "crossEntropy", verbose: false, validation: dataset([[0, 1, 2]], [[0, 1]]) }), /^fit \(validation\): the validation targets have shape \[2\] but the training targets \[\]; they must match$/],
        ["validation label out of range, before the first step", () => fit(model, good, { epochs: 1, optimizer: opt, loss: "crossEntropy", verbose: false, validation: dataset([[0, 1, 2], [1, 2, 3]], [1, 5]) }), /^fit \(validation\): label 5 of sample 1 is not a class index in \[0, 1\] \(the model outputs 2 classes\)$/],
        ["validation set with NaN inputs", () => fit(model, good, { epochs: 1, optimizer: opt, loss: "crossEntropy", verbose: false, validation: { ...good, x: Float32Array.from([0, 1, 2, 1, NaN, 3, 2, 3, 4, 3, 4, 5]) } }), /^fit \(validation\): x holds NaN at sample 1/],
        ["non-finite loss", () => fit(model, dataset([[0, 1, 2], [1, 2, 3]], [[1e30, 0], [0, 1e30]]), { epochs: 1, optimizer: opt, loss: "mse", verbose: false }), /fit: the loss is Infinity at epoch 1, samples 0–1/],
      ];
      for (const [what, call, message] of cases) {
        it(what, async () => {
          const before = snapshot(model, opt);
          await expect(call()).rejects.toThrow(message);
          expect(snapshot(model, opt)).toBe(before);
        });
      }
    });
  });
}
