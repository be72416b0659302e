#!/usr/bin/env node
// The wasmnn command line. `wasmnn train TASK [options]` trains and reports; `wasmnn bench` runs
// the benchmarks. Each task lives in its own file and is listed in `tasks`.
import { parseArgs } from "node:util";
import { ready, type BackendName } from "../index.js";
import type { Options } from "./args.js";
import { trainMnist } from "./mnist.js";
import { trainRbf } from "./rbf.js";
import { trainMoe } from "./moe.js";
import { trainAutoencoder } from "./autoencoder.js";
import { trainGan } from "./gan.js";
import { trainSpirals, trainXor } from "./toy.js";
import { trainAdding, trainText } from "./recurrent.js";
import { fileCommands, fileUsage } from "./files.js";
import { trainSequence } from "./sequence.js";

/** Each task: its runner, its usage line, and the names of the string options it reads. */
const tasks: Record<string, { run: (o: Options) => Promise<void>; usage: string; options: string[] }> = {
  mnist: { run: trainMnist, usage: "[--model mlp|cnn|capsnet] [--epochs N] [--batch-size B] [--lr LR] [--filters PNG] [--out DIR] [--conv C] [--primary P] [--routing R] [--lr-decay D]", options: ["model", "epochs", "batch-size", "lr", "filters", "out", "conv", "primary", "routing", "lr-decay"] },
  xor: { run: trainXor, usage: "", options: ["epochs"] },
  spirals: { run: trainSpirals, usage: "[--epochs N]", options: ["epochs"] },
  rbf: { run: trainRbf, usage: "[--basis gaussian|multiquadric|inverseMultiquadric] [--centers K] [--spiral-centers K] [--epochs N] [--lr LR] [--out DIR]", options: ["basis", "centers", "spiral-centers", "epochs", "lr", "out"] },
  moe: { run: trainMoe, usage: "[--experts E] [--hidden H] [--top-k K] [--loss competitive|blend] [--epochs N] [--lr LR] [--out DIR]", options: ["experts", "hidden", "top-k", "loss", "epochs", "lr", "out"] },
  adding: { run: trainAdding, usage: "[--cell all|lstm|gru|rnn] [--length T] [--steps N] [--hidden H] [--batch-size B] [--lr LR] [--clip C]", options: ["cell", "length", "steps", "hidden", "batch-size", "lr", "clip", "every"] },
  text: { run: trainText, usage: "[--model lstm|gpt] [--cell lstm] [--hidden H] [--layers L] [--embed E] [--seq-len T] [--batch-size B] [--lr LR] [--beta2 B2] [--weight-decay WD] [--minutes M | --chars N] [--temperature TAU]", options: ["cell", "hidden", "layers", "embed", "seq-len", "batch-size", "lr", "beta2", "weight-decay", "minutes", "chars", "temperature", "model", "context", "dim", "heads", "dropout", "warmup"] },
  autoencoder: { run: trainAutoencoder, usage: "[--kind dense|conv] [--code K|none] [--noise SIGMA] [--epochs N] [--batch-size B] [--lr LR] [--out DIR]", options: ["kind", "code", "noise", "epochs", "batch-size", "lr", "out"] },
  sequence: { run: trainSequence, usage: "[--task reverse|sort|copy] [--length L] [--layers N] [--heads H] [--dim E] [--steps N] [--batch-size B] [--lr LR] [--attention PNG]", options: ["task", "length", "layers", "heads", "dim", "steps", "batch-size", "lr", "attention"] },
  gan: { run: trainGan, usage: "[--data ring|mnist] [--epochs N] [--batch-size B] [--lr LR] [--label-smoothing S] [--out DIR]", options: ["data", "epochs", "batch-size", "lr", "label-smoothing", "out"] },
};

function usage(): string {
  const lines = Object.entries(tasks).map(([name, t]) => `  wasmnn train ${name.padEnd(10)} ${t.usage ? t.usage + " " : ""}[--backend wasm|js] [--seed S] [--save DIR] [--resume DIR]`);
  return ["usage:", ...lines, "  wasmnn bench            [--json] [--quick] [--filter NAME]", ...fileUsage].join("\n");
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...Object.fromEntries([...new Set(Object.values(tasks).flatMap((t) => t.options))].map((n) => [n, { type: "string" as const }])),
      backend: { type: "string" },
      seed: { type: "string" },
      filter: { type: "string" },
      json: { type: "boolean" },
      quick: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      // Model files: every train task saves and resumes (src/cli/checkpoint.ts); export and info.
      save: { type: "string" },
      resume: { type: "string" },
      shape: { type: "string" },
      opset: { type: "string" },
    },
  });
  const [command, task] = positionals;
  if (values.help || command === undefined) {
    console.log(usage());
    return;
  }
  const backendName = (values.backend ?? "wasm") as BackendName;
  if (backendName !== "wasm" && backendName !== "js") throw new Error(`--backend: expected wasm or js, got "${String(backendName)}"`);
  await ready({ backend: backendName });
  if (command === "train") {
    const t = tasks[task ?? ""];
    if (t === undefined) throw new Error(`train: unknown task "${task ?? ""}"\n${usage()}`);
    return t.run(values);
  }
  if (command === "export" || command === "info") return fileCommands[command](positionals.slice(1), values);
  if (command === "bench") {
    // The benchmarks are not in the npm package, only in a source checkout.
    const { runBench } = await import("../../bench/index.js").catch(() => {
      throw new Error("bench: the benchmarks ship in wasmnn's source checkout, not in the npm package; run `npm run bench` there");
    });
    await runBench({ json: values.json === true, quick: values.quick === true, filter: values.filter as string | undefined });
    return;
  }
  throw new Error(`unknown command "${command}"\n${usage()}`);
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`wasmnn: ${err.message}`);
  process.exitCode = 1;
});
