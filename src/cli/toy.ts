// `wasmnn train xor` and `wasmnn train spirals`: the generated tasks with a known answer.
import { evaluate, fit, manualSeed, models, optim, predict, twoSpirals, xor } from "../index.js";
import { num, type Options } from "./args.js";
import { fitCheckpoints } from "./checkpoint.js";

export async function trainXor(o: Options): Promise<void> {
  manualSeed(num(o, "seed", 1));
  const data = xor();
  const model = models.mlp({ inputs: 2, hidden: [8], outputs: 1, activation: "tanh" });
  const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
  const epochs = num(o, "epochs", 500);
  await fit(model, data, { epochs, batchSize: 4, optimizer: opt, loss: "binaryCrossEntropy", verbose: false, ...(await fitCheckpoints(o, model, opt, epochs, [1, 2])) });
  const out = predict(model, data.x, { sampleShape: [2] }).toArray();
  for (let i = 0; i < 4; i++) {
    console.log(`${data.x[2 * i]} xor ${data.x[2 * i + 1]} → logit ${out[i].toFixed(3)} → ${out[i] > 0 ? 1 : 0} (target ${data.y[i]})`);
  }
}

export async function trainSpirals(o: Options): Promise<void> {
  manualSeed(num(o, "seed", 1));
  const data = twoSpirals();
  const model = models.mlp({ inputs: 2, hidden: [64, 64], outputs: 2, activation: "tanh" });
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const epochs = num(o, "epochs", 300);
  await fit(model, data, { epochs, batchSize: 32, optimizer: opt, loss: "crossEntropy", verbose: false, ...(await fitCheckpoints(o, model, opt, epochs, [1, 2])) });
  console.log(`two spirals: training accuracy ${(100 * evaluate(model, data, { loss: "crossEntropy" }).accuracy!).toFixed(2)}%`);
}
