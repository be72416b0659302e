// `wasmnn export DIR out.onnx` and `wasmnn info FILE`: model files from the command line.
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exportOnnx, io, load, nn, type models } from "../index.js";
import type { Options } from "./args.js";

export const fileUsage = [
  "  wasmnn export DIR OUT.onnx   [--shape 1,784] [--opset 17]   (DIR from --save or save(); the shape from its metadata when saved by a train task)",
  "  wasmnn info FILE|DIR        tensors, shapes, dtypes, parameter count and metadata of a safetensors file or a model directory",
];

/** One input batch's shape: --shape, the input_shape a train task saved, or what the architecture says. */
function inputShape(o: Options, metadata: Record<string, string>, model: nn.Module): number[] {
  if (typeof o.shape === "string") {
    const s = o.shape.split(",").map(Number);
    if (!s.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`--shape: expected positive integers separated by commas, e.g. 1,784, got "${o.shape}"`);
    return s;
  }
  if (metadata.input_shape) return JSON.parse(metadata.input_shape) as number[];
  const first = model instanceof nn.Sequential ? model.layers[0] : model;
  if (first instanceof nn.Linear) return [1, first.inFeatures];
  if ("inputShape" in model && Array.isArray((model as models.Autoencoder).inputShape)) return [1, ...(model as models.Autoencoder).inputShape];
  if ("latent" in model) return [1, (model as models.GAN).latent];
  throw new Error(`export: the input shape of ${model.describe()} is not in its files; give it with --shape, e.g. --shape 1,1,28,28`);
}

async function exportCommand(args: string[], o: Options): Promise<void> {
  const [dir, out] = args;
  if (dir === undefined || out === undefined) throw new Error(`export: expected a model directory and an output file\n${fileUsage[0]}`);
  const model = await load(dir);
  const weights = await readFile((await stat(dir)).isDirectory() ? join(dir, "model.safetensors") : dir);
  const shape = inputShape(o, io.readSafetensorsHeader(weights).metadata, model);
  const opset = o.opset === undefined ? undefined : Number(o.opset);
  const bytes = await exportOnnx(model, shape, { opset });
  await writeFile(out, bytes);
  console.log(`${out}: ${model.describe()} for inputs ${JSON.stringify(shape)} (batch axis symbolic), ${bytes.length.toLocaleString("en-US")} bytes, opset ${opset ?? 17}`);
}

async function infoCommand(args: string[]): Promise<void> {
  const [path] = args;
  if (path === undefined) throw new Error(`info: expected a file or a directory\n${fileUsage[1]}`);
  const isDir = (await stat(path)).isDirectory();
  const files = isDir ? ["model.safetensors", "optimizer.safetensors"].map((f) => join(path, f)) : [path];
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch {
      if (file === files[0]) throw new Error(`info: ${file} cannot be read`);
      continue;
    }
    const h = io.readSafetensorsHeader(bytes, { name: file });
    const values = h.tensors.reduce((n, t) => n + t.shape.reduce((a, d) => a * d, 1), 0);
    const width = Math.max(6, ...h.tensors.map((t) => t.name.length));
    console.log(`${file}: ${h.tensors.length} tensors, ${values.toLocaleString("en-US")} values, ${bytes.length.toLocaleString("en-US")} bytes (header ${h.headerBytes})`);
    for (const t of h.tensors) console.log(`  ${t.name.padEnd(width)}  ${t.dtype.padEnd(4)}  [${t.shape.join(", ")}]`);
    for (const [k, v] of Object.entries(h.metadata)) console.log(`  metadata ${k}: ${v.length > 120 ? `${v.slice(0, 117)}...` : v}`);
  }
  if (isDir && (await stat(join(path, "config.json")).catch(() => null)) !== null) {
    const model = await load(path);
    console.log(`architecture: ${model.describe()}, ${model.parameterCount().toLocaleString("en-US")} parameters`);
    try {
      const state = JSON.parse(await readFile(join(path, "trainer_state.json"), "utf8")) as { epoch: number; global_step: number | null };
      console.log(`checkpoint: after epoch ${state.epoch}${state.global_step !== null ? `, ${state.global_step} optimizer steps` : ""}`);
    } catch {
      // Not a checkpoint: nothing more to say.
    }
  } else if (isDir) {
    console.log("architecture: no config.json (the weights of a model built in code)");
  }
}

export const fileCommands = { export: exportCommand, info: (args: string[]) => infoCommand(args) };
