// `wasmnn train mnist --model capsnet` with --save and --resume: 1 epoch saved and resumed to 2
// gives the files of 2 epochs in one run, byte for byte; `wasmnn info` lists the saved CapsNet;
// `wasmnn export` refuses it with exportOnnx's error naming the layer. The task's own data split
// is cut to 200 training and 100 held-out digits here (loadMnist's trainSize and testSize) and
// its CapsNet to 4 conv channels and 2 primary capsule channels, so the file takes ≈ 5 s.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ready, setBackend } from "../../src/index.js";
import { trainCapsNet } from "../../src/cli/capsnet.js";
import { fileCommands } from "../../src/cli/files.js";
import type { Options } from "../../src/cli/args.js";
import { printed } from "./console.js";

vi.mock("../../src/data/mnist.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/data/mnist.js")>();
  return { ...real, loadMnist: (o: Parameters<typeof real.loadMnist>[0] = {}) => real.loadMnist({ ...o, trainSize: 200, testSize: 100 }) };
});

const dir = mkdtempSync(join(tmpdir(), "wasmnn-capscli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await ready();
  setBackend("wasm");
});

const file = (...p: string[]) => readFileSync(join(dir, ...p));
/** The task, its output lines captured and its progress bars dropped. */
const train = (o: Options) => printed(() => trainCapsNet(o), true);
const opts = { conv: "4", primary: "2", "batch-size": "25", out: join(dir, "out") };

describe("train mnist --model capsnet: --save, --resume, info and export", () => {
  it("1 epoch saved, resumed to 2, gives the files of 2 epochs in one run, byte for byte", async () => {
    const first = await train({ ...opts, epochs: "2", save: join(dir, "a") });
    expect(first[0]).toMatch(/^MNIST: 200 training and 100 test digits; model capsnet/);
    await train({ ...opts, epochs: "1", save: join(dir, "b") });
    const out = await train({ ...opts, epochs: "2", resume: join(dir, "b"), save: join(dir, "c") });
    expect(out).toContain(`resumed from ${join(dir, "b")} after epoch 1`);
    expect(out.filter((l) => /^epoch \d\/2 /.test(l)).map((l) => l.slice(0, 9))).toEqual(["epoch 2/2"]);
    for (const f of ["config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json"]) expect(file("c", f).equals(file("a", f)), f).toBe(true);
    expect(file("b", "model.safetensors").equals(file("a", "model.safetensors"))).toBe(false);
    expect(existsSync(join(dir, "out", "capsnet-dimensions.png"))).toBe(true);
    await expect(train({ ...opts, epochs: "2", resume: join(dir, "a") })).rejects.toThrow(`--resume ${join(dir, "a")}: the checkpoint is after epoch 2; ask for more --epochs than that to train on`);
    await expect(train({ ...opts, primary: "3", epochs: "3", resume: join(dir, "a") })).rejects.toThrow('optimizer.safetensors: "state.2.exp_avg" has shape [16, 4, 9, 9], parameter "primary.conv.weight" [24, 4, 9, 9]');
  });

  it("info lists the CapsNet, its tensors and its checkpoint; export refuses it, naming the layer", async () => {
    const out = await printed(() => fileCommands.info([join(dir, "c")]));
    expect(out[0]).toMatch(/model\.safetensors: 11 tensors, 1,509,032 values, [\d,]+ bytes/);
    expect(out.some((l) => /^ {2}digits\.weight +F32 +\[72, 10, 16, 8\]$/.test(l))).toBe(true);
    expect(out).toContain("  metadata input_shape: [1,1,28,28]");
    expect(out).toContain("architecture: CapsNet(4 conv channels, 2×8D primary → 10×16D digit capsules), 1,509,032 parameters");
    expect(out).toContain("checkpoint: after epoch 2, 16 optimizer steps");
    await expect(fileCommands.export([join(dir, "c"), join(dir, "caps.onnx")], {})).rejects.toThrow("exportOnnx: model is a CapsNet, which has no ONNX mapping");
    expect(existsSync(join(dir, "caps.onnx"))).toBe(false);
  });
});
