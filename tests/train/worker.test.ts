// Training in a Node worker_thread: per-batch progress and the final weights posted back, and
// this thread's own timers running all along (ticks counted, not timed).
import { Worker } from "node:worker_threads";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, models, ready, receiveTraining, setBackend, twoSpirals, type BatchLogs, type EpochLogs } from "../../src/index.js";

const WORKER = new URL("./fixtures/spirals-worker.mjs", import.meta.url);

describe("fit in a worker_thread (postTraining / receiveTraining)", () => {
  beforeAll(async () => {
    await ready();
    setBackend("wasm");
  });

  it("posts every batch and epoch, then weights that classify as the worker's model did; the main thread keeps ticking", async () => {
    const epochs = 60;
    const worker = new Worker(WORKER, { workerData: { epochs } });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const ticksAtBatch: number[] = [];
    const batches: BatchLogs[] = [];
    const epochLogs: EpochLogs[] = [];
    try {
      const result = await receiveTraining(worker, {
        onBatch: (b) => {
          batches.push(b);
          ticksAtBatch.push(ticks);
        },
        onEpoch: (e) => void epochLogs.push(e),
      });
      expect(batches.length).toBe(epochs * 25); // 200 samples in batches of 8
      expect(batches.at(-1)).toMatchObject({ epoch: epochs, batch: 24, batches: 25, size: 8 });
      expect(epochLogs.map((e) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
      expect(result.history).toEqual(epochLogs);
      // The timer fired between the worker's messages, again and again, while it trained.
      const distinct = new Set(ticksAtBatch).size;
      expect(ticksAtBatch.at(-1)! - ticksAtBatch[0]).toBeGreaterThanOrEqual(20);
      expect(distinct).toBeGreaterThanOrEqual(20);

      const model = models.mlp({ inputs: 2, hidden: [64, 64], outputs: 2, activation: "tanh" });
      model.loadStateDict(result.weights);
      const here = evaluate(model, twoSpirals({ pointsPerClass: 100 }), { loss: "crossEntropy" });
      expect(here.accuracy!).toBeGreaterThanOrEqual(0.98);
      expect(here.accuracy!).toBeCloseTo(result.history.at(-1)!.accuracy!, 1);
      expect(Object.keys(result.weights)).toEqual(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]);
    } finally {
      clearInterval(timer);
      await worker.terminate();
    }
  });

  it("rejects with the worker's error message", async () => {
    const worker = new Worker(WORKER, { workerData: { fail: true } });
    try {
      await expect(receiveTraining(worker)).rejects.toThrow("training in the worker failed: fit: epochs must be a positive integer, got 0");
    } finally {
      await worker.terminate();
    }
  });
});
