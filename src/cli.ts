#!/usr/bin/env node
// The wasmnn command line:
//   wasmnn train mnist [--model mlp] [--backend wasm|js] [--epochs N] [--seed S] [--batch-size B] [--lr LR]
//   wasmnn train xor | spirals [--backend ...] [--seed S]
//   wasmnn bench [--json] [--quick] [--filter NAME]
import { parseArgs } from "node:util";
import { ready, setBackend, manualSeed, optim, evaluate, fit, loadMnist, models, nn, xor, twoSpirals, predict, type BackendName } from "./index.js";

const USAGE = `usage:
  wasmnn train mnist   [--model mlp] [--backend wasm|js] [--epochs N] [--seed S] [--batch-size B] [--lr LR]
  wasmnn train xor     [--backend wasm|js] [--seed S]
  wasmnn train spirals [--backend wasm|js] [--seed S] [--epochs N]
  wasmnn bench         [--json] [--quick] [--filter NAME]`;

function num(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name}: expected a number, got "${v}"`);
  return n;
}

async function trainMnist(o: Record<string, string | boolean | undefined>): Promise<void> {
  const epochs = num(o.epochs as string, 10, "epochs");
  const seed = num(o.seed as string, 1, "seed");
  const batchSize = num(o["batch-size"] as string, 32, "batch-size");
  const lr = num(o.lr as string, 1e-3, "lr");
  const name = (o.model as string) ?? "mlp";
  manualSeed(seed);
  const { train, test } = await loadMnist();
  let model: nn.Module;
  if (name === "mlp") model = models.mlp({ inputs: 784, hidden: [128], outputs: 10 });
  else throw new Error(`train mnist: unknown --model "${name}", expected mlp`);
  console.log(`MNIST: ${train.length} training and ${test.length} test digits; model ${name}, backend ${o.backend ?? "wasm"}, seed ${seed}`);
  console.log(nn.summary(model, [1, ...train.sampleShape]));
  const opt = new optim.Adam(model.parameters(), { lr });
  const t0 = performance.now();
  await fit(model, train, { epochs, batchSize, optimizer: opt, loss: "crossEntropy", validation: test, seed });
  const seconds = (performance.now() - t0) / 1000;
  const result = evaluate(model, test, { loss: "crossEntropy" });
  console.log(`test accuracy ${(100 * result.accuracy!).toFixed(2)}% (loss ${result.loss.toFixed(4)}) on ${test.length} held-out digits; trained in ${seconds.toFixed(1)} s`);
}

async function trainToy(task: "xor" | "spirals", o: Record<string, string | boolean | undefined>): Promise<void> {
  manualSeed(num(o.seed as string, 1, "seed"));
  if (task === "xor") {
    const data = xor();
    const model = models.mlp({ inputs: 2, hidden: [8], outputs: 1, activation: "tanh" });
    await fit(model, data, { epochs: num(o.epochs as string, 500, "epochs"), batchSize: 4, optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }), loss: "binaryCrossEntropy", verbose: false });
    const out = predict(model, data.x, { sampleShape: [2] }).toArray();
    for (let i = 0; i < 4; i++) console.log(`${data.x[2 * i]} xor ${data.x[2 * i + 1]} → logit ${out[i].toFixed(3)} → ${out[i] > 0 ? 1 : 0} (target ${data.y[i]})`);
    return;
  }
  const data = twoSpirals();
  const model = models.mlp({ inputs: 2, hidden: [64, 64], outputs: 2, activation: "tanh" });
  await fit(model, data, { epochs: num(o.epochs as string, 300, "epochs"), batchSize: 32, optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }), loss: "crossEntropy", verbose: false });
  console.log(`two spirals: training accuracy ${(100 * evaluate(model, data, { loss: "crossEntropy" }).accuracy!).toFixed(2)}%`);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: "string" },
      backend: { type: "string" },
      epochs: { type: "string" },
      seed: { type: "string" },
      "batch-size": { type: "string" },
      lr: { type: "string" },
      json: { type: "boolean" },
      quick: { type: "boolean" },
      filter: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, task] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return;
  }
  const backendName = (values.backend ?? "wasm") as BackendName;
  if (backendName !== "wasm" && backendName !== "js") throw new Error(`--backend: expected wasm or js, got "${backendName}"`);
  await ready({ backend: backendName });
  if (command === "train") {
    if (task === "mnist") return trainMnist(values);
    if (task === "xor" || task === "spirals") return trainToy(task, values);
    throw new Error(`train: unknown task "${task ?? ""}", expected mnist, xor or spirals\n${USAGE}`);
  }
  if (command === "bench") {
    const { runBench } = await import("../bench/index.js");
    await runBench({ json: values.json, quick: values.quick, filter: values.filter });
    return;
  }
  throw new Error(`unknown command "${command}"\n${USAGE}`);
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`wasmnn: ${err.message}`);
  process.exitCode = 1;
});
