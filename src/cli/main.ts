#!/usr/bin/env node
// The wasmnn command line. `wasmnn train TASK [options]` trains and reports; `wasmnn bench` runs
// the benchmarks. Each task lives in its own file and is listed in `tasks`.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ready, type BackendName } from "../index.js";
import { checkWritable, num, type Options } from "./args.js";
import { trainMnist } from "./mnist.js";
import { trainRbf } from "./rbf.js";
import { trainMoe } from "./moe.js";
import { trainAutoencoder } from "./autoencoder.js";
import { trainGan } from "./gan.js";
import { trainSpirals, trainXor } from "./toy.js";
import { trainAdding, trainText } from "./recurrent.js";
import { fileCommands, fileUsage } from "./files.js";
import { trainSequence } from "./sequence.js";

/**
 * Each task: its runner, its usage line, the names of the string options it reads, and for a task
 * whose options depend on `--model`, the further options of each model (the first is the default).
 */
interface Task {
  run: (o: Options) => Promise<void>;
  usage: string;
  options: string[];
  models?: Record<string, string[]>;
}

const tasks: Record<string, Task> = {
  mnist: {
    run: trainMnist,
    usage: "[--model mlp|cnn|capsnet] [--epochs N] [--batch-size B] [--lr LR] [--filters PNG] [--out DIR] [--conv C] [--primary P] [--routing R] [--lr-decay D]",
    options: ["model", "epochs", "batch-size", "lr"],
    models: { mlp: [], cnn: ["filters"], capsnet: ["out", "conv", "primary", "routing", "lr-decay"] },
  },
  xor: { run: trainXor, usage: "", options: ["epochs"] },
  spirals: { run: trainSpirals, usage: "[--epochs N]", options: ["epochs"] },
  rbf: { run: trainRbf, usage: "[--basis gaussian|multiquadric|inverseMultiquadric] [--centers K] [--spiral-centers K] [--epochs N] [--lr LR] [--out DIR]", options: ["basis", "centers", "spiral-centers", "epochs", "lr", "out"] },
  moe: { run: trainMoe, usage: "[--experts E] [--hidden H] [--top-k K] [--loss competitive|blend] [--epochs N] [--lr LR] [--out DIR]", options: ["experts", "hidden", "top-k", "loss", "epochs", "lr", "out"] },
  adding: { run: trainAdding, usage: "[--cell all|lstm|gru|rnn] [--length T] [--steps N] [--hidden H] [--batch-size B] [--lr LR] [--clip C]", options: ["cell", "length", "steps", "hidden", "batch-size", "lr", "clip", "every"] },
  text: {
    run: trainText,
    usage: "[--model lstm|gpt] [--cell lstm] [--hidden H] [--layers L] [--embed E] [--seq-len T] [--batch-size B] [--lr LR] [--beta2 B2] [--weight-decay WD] [--minutes M | --chars N] [--temperature TAU] [--context T] [--dim E] [--heads H] [--dropout P] [--warmup N]",
    options: ["model", "layers", "batch-size", "lr", "weight-decay", "minutes", "chars", "temperature"],
    models: { lstm: ["cell", "hidden", "embed", "seq-len", "beta2"], gpt: ["context", "dim", "heads", "dropout", "warmup"] },
  },
  autoencoder: { run: trainAutoencoder, usage: "[--kind dense|conv] [--code K|none] [--noise SIGMA] [--epochs N] [--batch-size B] [--lr LR] [--out DIR]", options: ["kind", "code", "noise", "epochs", "batch-size", "lr", "out"] },
  sequence: { run: trainSequence, usage: "[--task reverse|sort|copy] [--length L] [--layers N] [--heads H] [--dim E] [--steps N] [--batch-size B] [--lr LR] [--attention PNG]", options: ["task", "length", "layers", "heads", "dim", "steps", "batch-size", "lr", "attention"] },
  gan: { run: trainGan, usage: "[--data ring|mnist] [--epochs N] [--batch-size B] [--lr LR] [--label-smoothing S] [--out DIR]", options: ["data", "epochs", "batch-size", "lr", "label-smoothing", "out"] },
};

function usage(): string {
  const lines = Object.entries(tasks).map(([name, t]) => `  wasmnn train ${name.padEnd(10)} ${t.usage ? t.usage + " " : ""}[--backend wasm|js] [--seed S] [--save DIR] [--resume DIR]`);
  return ["usage:", ...lines, "  wasmnn bench            [--json] [--quick] [--filter NAME] [--peers]", ...fileUsage].join("\n");
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...Object.fromEntries([...new Set(Object.values(tasks).flatMap((t) => [...t.options, ...Object.values(t.models ?? {}).flat()]))].map((n) => [n, { type: "string" as const }])),
      backend: { type: "string" },
      seed: { type: "string" },
      filter: { type: "string" },
      json: { type: "boolean" },
      quick: { type: "boolean" },
      peers: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
      // Model files: every train task saves and resumes (src/cli/checkpoint.ts); export and info.
      save: { type: "string" },
      resume: { type: "string" },
      shape: { type: "string" },
      opset: { type: "string" },
    },
  });
  const [command, task] = positionals;
  if (values.version) {
    console.log(version());
    return;
  }
  if (values.help || command === undefined) {
    console.log(usage());
    return;
  }
  const backendName = (values.backend ?? "wasm") as BackendName;
  if (backendName !== "wasm" && backendName !== "js") throw new Error(`--backend: expected wasm or js, got "${String(backendName)}"`);
  if (command === "train") {
    // Own properties only: "constructor" or "toString" is no task.
    const t = task !== undefined && Object.hasOwn(tasks, task) ? tasks[task] : undefined;
    if (t === undefined) throw new Error(`train: unknown task "${task ?? ""}"; the tasks are ${Object.keys(tasks).join(", ")}\n${usage()}`);
    checkTaskOptions(task!, t, values, positionals);
    await ready({ backend: backendName });
    return t.run(values);
  }
  await ready({ backend: backendName });
  if (command === "export" || command === "info") return fileCommands[command](positionals.slice(1), values);
  if (command === "bench") {
    // The benchmarks are not in the npm package, only in a source checkout.
    const { runBench } = await import("../../bench/index.js").catch(() => {
      throw new Error("bench: the benchmarks ship in wasmnn's source checkout, not in the npm package; run `npm run bench` there");
    });
    await runBench({ json: values.json === true, quick: values.quick === true, peers: values.peers === true, filter: values.filter as string | undefined });
    return;
  }
  throw new Error(`unknown command "${command}"\n${usage()}`);
}

/** The options every train task takes. */
const COMMON = ["backend", "seed", "save", "resume"];
/** The options whose value is a word or a path; every other task option is a number. */
const WORDS = new Set(["backend", "save", "resume", "model", "cell", "basis", "loss", "kind", "data", "task", "out", "filters", "attention"]);

/**
 * Before any data is loaded: no extra positional, no option the task (or its model) does not
 * read, a seed the generator takes, and every path it will write to writable.
 */
function checkTaskOptions(name: string, t: Task, values: Options, positionals: string[]): void {
  if (positionals.length > 2) throw new Error(`train ${name}: unexpected argument "${positionals[2]}"; options are written --name value`);
  const model = t.models ? String(values.model ?? Object.keys(t.models)[0]) : undefined;
  const takes = [...t.options, ...(model !== undefined ? (t.models![model] ?? []) : []), ...COMMON];
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || takes.includes(k)) continue;
    const who = model !== undefined && Object.values(t.models!).some((opts) => opts.includes(k)) ? `train ${name} --model ${model}` : `train ${name}`;
    throw new Error(`${who}: --${k} does not apply; it takes ${takes.map((o) => `--${o}`).join(", ")}`);
  }
  // Every number is read now, so that a typo fails before a directory is made or data is loaded.
  for (const [k, v] of Object.entries(values)) if (!WORDS.has(k) && !(k === "code" && v === "none")) num(values, k, 0);
  checkWritable("out", values.out, "directory");
  checkWritable("save", values.save, "directory");
  checkWritable("filters", values.filters, "file");
  checkWritable("attention", values.attention, "file");
}

/** The version in wasmnn's package.json, found above this file (it runs from src/, dist/ or an installed package). */
function version(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "wasmnn" && pkg.version) return `wasmnn ${pkg.version}`;
    }
    if (dirname(dir) === dir) throw new Error("--version: wasmnn's package.json was not found above the CLI");
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`wasmnn: ${err.message}`);
  process.exitCode = 1;
});
