// The tiny app that every bundler builds: it trains XOR on the page's thread and again in a
// module Worker, and reports both predictions. `wn` is the wasmnn module, however it was loaded.
export const EPOCHS = 400;

export function xorModel(wn) {
  return wn.models.mlp({ inputs: 2, hidden: [8], outputs: 1, activation: "tanh" });
}

export function trainXor(wn, model, callbacks = []) {
  const optimizer = new wn.optim.Adam(model.parameters(), { lr: 0.05 });
  return wn.fit(model, wn.xor(), { epochs: EPOCHS, batchSize: 4, optimizer, loss: "binaryCrossEntropy", verbose: false, callbacks });
}

function probabilities(wn, model) {
  const logits = Array.from(wn.predict(model, wn.xor().x, { sampleShape: [2] }).toArray());
  return logits.map((z) => 1 / (1 + Math.exp(-z)));
}

/** Runs in the page: train here, then in the worker; `window.__result` reports both. */
export async function run(wn, startWorker) {
  try {
    await wn.ready();
    wn.manualSeed(1);
    const model = xorModel(wn);
    await trainXor(wn, model);
    const main = { backend: wn.getBackend().name, probs: probabilities(wn, model) };

    // The page counts its own timer ticks while the worker trains.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const ticksAtBatch = [];
    const worker = startWorker();
    const { weights } = await wn.receiveTraining(worker, { onBatch: () => ticksAtBatch.push(ticks) });
    clearInterval(timer);
    worker.terminate();
    const fromWorker = xorModel(wn);
    fromWorker.loadStateDict(weights);
    window.__result = { main, worker: { probs: probabilities(wn, fromWorker), batches: ticksAtBatch.length, ticks: ticksAtBatch.at(-1) - ticksAtBatch[0] } };
  } catch (err) {
    window.__result = { error: String(err?.message ?? err) };
  }
}

/** Runs in the worker: the same seed and training as the page, through postTraining. */
export async function serve(wn) {
  await wn.ready();
  wn.manualSeed(1);
  const model = xorModel(wn);
  await wn.postTraining(self, model, (progress) => trainXor(wn, model, [progress]));
}
