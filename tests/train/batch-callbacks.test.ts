// fit's per-batch callbacks: one call per optimizer step with that batch's loss, awaited when
// they return a promise, and stop() from a batch ending training right after it.
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, fit, manualSeed, models, optim, ready, setBackend, twoSpirals, type BatchLogs } from "../../src/index.js";

for (const name of ["js", "wasm"] as const) {
  describe(`fit onBatchEnd (${name})`, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("reports every batch; the epoch loss is the size-weighted mean of the batch losses", async () => {
      manualSeed(3);
      const data = twoSpirals({ pointsPerClass: 50 }); // 100 samples: batches of 32, 32, 32 and 4
      const model = models.mlp({ inputs: 2, hidden: [16], outputs: 2, activation: "tanh" });
      const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
      const seen: BatchLogs[] = [];
      const history = await fit(model, data, { epochs: 2, batchSize: 32, optimizer, loss: "crossEntropy", verbose: false, callbacks: [{ onBatchEnd: (b) => void seen.push({ ...b }) }] });
      expect(seen.map((b) => [b.epoch, b.batch, b.batches, b.size])).toEqual([
        [1, 0, 4, 32], [1, 1, 4, 32], [1, 2, 4, 32], [1, 3, 4, 4],
        [2, 0, 4, 32], [2, 1, 4, 32], [2, 2, 4, 32], [2, 3, 4, 4],
      ]);
      expect(optimizer.stepCount).toBe(8);
      for (const epoch of [1, 2]) {
        const batches = seen.filter((b) => b.epoch === epoch);
        const mean = batches.reduce((s, b) => s + b.loss * b.size, 0) / 100;
        expect(history[epoch - 1].loss).toBeCloseTo(mean, 6);
      }
    });

    it("awaits a callback's promise before the next batch", async () => {
      manualSeed(4);
      const data = twoSpirals({ pointsPerClass: 20 });
      const model = models.mlp({ inputs: 2, hidden: [8], outputs: 2 });
      const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
      const order: string[] = [];
      await fit(model, data, {
        epochs: 1, batchSize: 10, optimizer, loss: "crossEntropy", verbose: false,
        callbacks: [{
          onBatchEnd: async (b) => {
            order.push(`start ${b.batch} (steps ${optimizer.stepCount})`);
            await new Promise((r) => setTimeout(r, 1));
            order.push(`end ${b.batch}`);
          },
        }],
      });
      expect(order).toEqual(["start 0 (steps 1)", "end 0", "start 1 (steps 2)", "end 1", "start 2 (steps 3)", "end 2", "start 3 (steps 4)", "end 3"]);
    });

    it("stop() from onBatchEnd ends training after that batch; the epoch's logs cover the samples seen", async () => {
      manualSeed(5);
      const data = twoSpirals({ pointsPerClass: 50 });
      const model = models.mlp({ inputs: 2, hidden: [8], outputs: 2 });
      const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
      const losses: number[] = [];
      const history = await fit(model, data, {
        epochs: 5, batchSize: 10, optimizer, loss: "crossEntropy", verbose: false,
        callbacks: [{ onBatchEnd: (b, ctx) => { losses.push(b.loss); if (b.epoch === 2 && b.batch === 2) ctx.stop(); } }],
      });
      expect(optimizer.stepCount).toBe(13);
      expect(history.map((h) => h.epoch)).toEqual([1, 2]);
      expect(history[1].loss).toBeCloseTo((losses[10] + losses[11] + losses[12]) / 3, 6);
      expect(history[1].accuracy! * 30).toBeCloseTo(Math.round(history[1].accuracy! * 30), 6);
      expect(evaluate(model, data, { loss: "crossEntropy" }).loss).toBeGreaterThan(0);
    });
  });
}
