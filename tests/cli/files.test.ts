// The CLI's model files: --save after every epoch and --resume bit for bit on a fit task, --save
// and --resume (warm start) on a task with its own loop, `wasmnn info` and `wasmnn export`.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ready, setBackend } from "../../src/index.js";
import { fileCommands } from "../../src/cli/files.js";
import { trainAdding } from "../../src/cli/recurrent.js";
import { trainSpirals } from "../../src/cli/toy.js";
import { printed } from "./console.js";

ort.env.wasm.numThreads = 1;
const dir = mkdtempSync(join(tmpdir(), "wasmnn-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await ready();
  setBackend("wasm");
});

const file = (...p: string[]) => readFileSync(join(dir, ...p));

describe("--save and --resume", () => {
  it("train spirals: 2 epochs saved, resumed to 4, gives the files of 4 epochs in one run, byte for byte", async () => {
    await printed(() => trainSpirals({ epochs: "4", save: join(dir, "a") }));
    await printed(() => trainSpirals({ epochs: "2", save: join(dir, "b") }));
    const out = await printed(() => trainSpirals({ epochs: "4", resume: join(dir, "b"), save: join(dir, "c") }));
    expect(out[0]).toBe(`resumed from ${join(dir, "b")} after epoch 2`);
    for (const f of ["model.safetensors", "optimizer.safetensors", "trainer_state.json"]) expect(file("c", f).equals(file("a", f)), f).toBe(true);
    expect(file("b", "model.safetensors").equals(file("a", "model.safetensors"))).toBe(false);
    await expect(trainSpirals({ epochs: "4", resume: join(dir, "a") })).rejects.toThrow(`--resume ${join(dir, "a")}: the checkpoint is after epoch 4; ask for more --epochs than that to train on`);
  });

  it("train adding: each cell saved in its own directory, and --resume warm-starts from it", async () => {
    const opts = { cell: "gru", steps: "4", every: "2", length: "6", hidden: "5", "batch-size": "4" };
    await printed(() => trainAdding({ ...opts, save: join(dir, "adding") }));
    expect(existsSync(join(dir, "adding", "gru", "config.json"))).toBe(true);
    const out = await printed(() => trainAdding({ ...opts, resume: join(dir, "adding") }));
    expect(out).toContain(`resumed the weights and optimizer state of ${join(dir, "adding", "gru")}`);
  });
});

describe("info and export", () => {
  it("info lists tensors, dtypes, shapes, the parameter count, the metadata and the epoch", async () => {
    const out = await printed(() => fileCommands.info([join(dir, "c")]));
    expect(out[0]).toMatch(/model\.safetensors: 6 tensors, 4,482 values, [\d,]+ bytes \(header \d+\)$/);
    expect(out).toContain("  0.weight  F32   [64, 2]");
    expect(out).toContain("  metadata input_shape: [1,2]");
    expect(out).toContain("architecture: Sequential, 4,482 parameters");
    expect(out).toContain("checkpoint: after epoch 4, 52 optimizer steps");
    expect(out.some((l) => l.startsWith(`${join(dir, "c", "optimizer.safetensors")}: 18 tensors`))).toBe(true);
  });

  it("export writes an ONNX file that ONNX Runtime runs, the input shape read from the metadata", async () => {
    const onnx = join(dir, "spirals.onnx");
    const out = await printed(() => fileCommands.export([join(dir, "c"), onnx], {}));
    expect(out[0]).toMatch(/spirals\.onnx: Sequential for inputs \[1,2\] \(batch axis symbolic\), [\d,]+ bytes, opset 17$/);
    const session = await ort.InferenceSession.create(readFileSync(onnx));
    const r = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", new Float32Array([0.1, 0.2, -0.3, 0.4, 0, 0]), [3, 2]) });
    expect(r[session.outputNames[0]].dims).toEqual([3, 2]);
    await session.release();
    await printed(() => fileCommands.export([join(dir, "adding", "gru"), join(dir, "gru.onnx")], {}));
    expect(existsSync(join(dir, "gru.onnx"))).toBe(true);
    await expect(fileCommands.export([join(dir, "c")], {})).rejects.toThrow("export: expected a model directory and an output file");
    await expect(fileCommands.export([join(dir, "c"), onnx], { shape: "1,x" })).rejects.toThrow('--shape: expected positive integers separated by commas, e.g. 1,784, got "1,x"');
  });
});
