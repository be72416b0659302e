// The Node file wrappers of src/io: the only code there that touches the file system. Node's
// modules come through src/platform.ts when a function runs (no import a bundler would follow),
// so a page that imports wasmnn never meets them; there the functions throw a clear error.
import { nodeBuiltin } from "../platform.js";
import type { ModelFiles, SourceFiles } from "./model-files.js";

/** The files a model directory may hold (and optimizer.{name}.safetensors); others are left alone. */
const KNOWN = ["config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json"];

async function node() {
  const caller = "wasmnn's model files on disk (save, load, checkpoint with a path)";
  return { fs: nodeBuiltin<typeof import("node:fs/promises")>("fs/promises", caller), path: nodeBuiltin<typeof import("node:path")>("path", caller) };
}

/** Write `files` into directory `dir` (created if missing). */
export async function writeModelFiles(dir: string, files: ModelFiles): Promise<void> {
  const { fs, path } = await node();
  await fs.mkdir(dir, { recursive: true });
  // Each file is written whole under a temporary name and renamed, so a crash mid-save never
  // leaves a truncated model.safetensors where a good one was.
  for (const [name, bytes] of Object.entries(files)) {
    const target = path.join(dir, name);
    await fs.writeFile(`${target}.tmp`, bytes);
    await fs.rename(`${target}.tmp`, target);
  }
}

/** Read a model directory (its known files), or one .safetensors file. */
export async function readModelFiles(where: string): Promise<SourceFiles> {
  const { fs, path } = await node();
  let stat;
  try {
    stat = await fs.stat(where);
  } catch {
    throw new Error(`load: ${where} does not exist`);
  }
  if (stat.isFile()) {
    return { files: { "model.safetensors": new Uint8Array(await fs.readFile(where)) }, where: (f) => (f === "model.safetensors" ? where : f) };
  }
  const files: ModelFiles = {};
  const optimizers = (await fs.readdir(where)).filter((n) => /^optimizer\.\w+\.safetensors$/.test(n));
  for (const name of [...KNOWN, ...optimizers]) {
    try {
      files[name] = new Uint8Array(await fs.readFile(path.join(where, name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  return { files, where: (f) => path.join(where, f) };
}
