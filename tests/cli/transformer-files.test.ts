// --save and --resume on the transformer tasks, whose training loops are their own: a run
// stopped right after a checkpoint and resumed from it ends exactly as one that never stopped
// (the same figures printed, the same weights and optimizer state), and `wasmnn info` and
// `wasmnn export` read the directories (the GPT's ONNX file checked in ONNX Runtime). Tiny models and budgets; the file takes ≈ 30 s.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromSafetensors, load, models, noGrad, ready, scope, setBackend, tensor } from "../../src/index.js";
import { fileCommands } from "../../src/cli/files.js";
import { trainTextGpt } from "../../src/cli/gpt-text.js";
import { trainSequence } from "../../src/cli/sequence.js";
import { printed, stoppedAt } from "./console.js";

ort.env.wasm.numThreads = 1;
const dir = mkdtempSync(join(tmpdir(), "wasmnn-cli-transformer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await ready();
  setBackend("wasm");
});

const file = (...p: string[]) => readFileSync(join(dir, ...p));
/** Each weight's bits, by name. */
const weights = (...p: string[]) => Object.entries(fromSafetensors(file(...p, "model.safetensors"))).map(([k, v]) => [k, Array.from(new Uint32Array(v.data.buffer, v.data.byteOffset, v.data.length))]);
/** The printed lines that do not depend on the clock. */
const figures = (lines: string[]) => lines.filter((l) => /^\s+step|^held-out|^validation|^\nsample/.test(l)).map((l) => l.replace(/ \(\d+ s\)$/, ""));

/** Run the ONNX file at `path` on token ids [1, T] in ONNX Runtime: the largest |difference| from `want` (its output's dims checked). */
async function onnxDifference(path: string, ids: number[], dims: number[], want: Float32Array): Promise<number> {
  const session = await ort.InferenceSession.create(readFileSync(path));
  const r = await session.run({ [session.inputNames[0]]: new ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [1, ids.length]) });
  await session.release();
  const got = r[session.outputNames[0]];
  expect(got.dims).toEqual(dims);
  return Math.max(...Array.from(want, (w, i) => Math.abs((got.data as Float32Array)[i] - w)));
}

describe("train sequence: --save, --resume, info and export", () => {
  const opts = { task: "reverse", length: "4", dim: "8", heads: "2", layers: "1", steps: "500", "batch-size": "4" };

  it("stopped after the checkpoint at step 250 and resumed, ends as the uninterrupted run: same figures, files byte for byte", async () => {
    const whole = await printed(() => trainSequence({ ...opts, save: join(dir, "seq-a") }));
    expect(whole).toContain(`  checkpoint after step 250 saved to ${join(dir, "seq-a")}`);
    expect(whole).toContain(`  checkpoint after step 500 saved to ${join(dir, "seq-a")}`);
    const first = await stoppedAt(() => trainSequence({ ...opts, save: join(dir, "seq-b") }), "checkpoint after step 250");
    expect(first.some((l) => l.startsWith("held-out"))).toBe(false);
    const rest = await printed(() => trainSequence({ ...opts, resume: join(dir, "seq-b"), save: join(dir, "seq-c") }));
    expect(rest[1]).toBe(`resumed from ${join(dir, "seq-b")} after step 250`);
    expect(figures([...first, ...rest])).toEqual(figures(whole));
    expect(figures(whole)).toHaveLength(3);
    for (const f of ["config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json"]) expect(file("seq-c", f).equals(file("seq-a", f)), f).toBe(true);
    expect(file("seq-b", "model.safetensors").equals(file("seq-a", "model.safetensors"))).toBe(false);
  });

  it("refuses a checkpoint of other options, a finished one, and one of another task", async () => {
    await expect(printed(() => trainSequence({ ...opts, lr: "0.001", resume: join(dir, "seq-b") }))).rejects.toThrow(`--resume ${join(dir, "seq-b")}: the checkpoint was trained with lr 0.003; this run has lr 0.001`);
    await expect(printed(() => trainSequence({ ...opts, resume: join(dir, "seq-a") }))).rejects.toThrow(`--resume ${join(dir, "seq-a")}: the checkpoint is after step 500, the last of the 500; nothing is left to train`);
    await expect(printed(() => trainTextGpt({ chars: "16", resume: join(dir, "seq-a") }))).rejects.toThrow(`--resume ${join(dir, "seq-a")}: not a checkpoint of train text --model gpt (it holds no train text --model gpt training state)`);
  });

  it("load(dir) rebuilds the sequence model; info lists it; export writes a file ONNX Runtime runs to wasmnn's logits", async () => {
    const model = (await load(join(dir, "seq-a"))) as models.SequenceTransformer;
    expect(model).toBeInstanceOf(models.SequenceTransformer);
    expect(model.config).toEqual({ symbols: 10, length: 4, dim: 8, heads: 2, layers: 1 });
    const out = await printed(() => fileCommands.info([join(dir, "seq-a")]));
    expect(out).toContain(`architecture: SequenceTransformer(symbols 10, length 4, dim 8, heads 2, layers 1), ${model.parameterCount().toLocaleString("en-US")} parameters`);
    expect(out).toContain("checkpoint: after epoch 0, 500 optimizer steps");
    expect(out).toContain("  metadata input_shape: [1,4]");
    const onnx = join(dir, "seq.onnx");
    await printed(() => fileCommands.export([join(dir, "seq-a"), onnx], {}));
    const ids = [3, 1, 4, 1];
    const want = scope(() => noGrad(() => model.forward(tensor([ids])).toArray()));
    expect(await onnxDifference(onnx, ids, [1, 4, 10], want)).toBeLessThan(1e-5);
  });
});

describe("train text --model gpt: --save, --resume, info and export", () => {
  const opts = { context: "8", dim: "8", heads: "2", layers: "1", "batch-size": "2", chars: "9600", seed: "3" };

  it("stopped after the checkpoint at step 500 of 600 and resumed, ends as the uninterrupted run: same figures, weights and optimizer state", async () => {
    const whole = await printed(() => trainTextGpt({ ...opts, save: join(dir, "gpt-a") }));
    expect(whole).toContain(`  checkpoint after step 500 saved to ${join(dir, "gpt-a")}`);
    expect(whole.some((l) => /^trained .* 9600 characters in 600 steps/.test(l))).toBe(true);
    await stoppedAt(() => trainTextGpt({ ...opts, save: join(dir, "gpt-b") }), "checkpoint after step 500");
    const rest = await printed(() => trainTextGpt({ ...opts, resume: join(dir, "gpt-b"), save: join(dir, "gpt-c") }));
    expect(rest).toContain(`resumed from ${join(dir, "gpt-b")} after step 500`);
    expect(rest.some((l) => /^trained .* 9600 characters in 600 steps/.test(l))).toBe(true);
    expect(figures(rest)).toEqual(figures(whole));
    expect(figures(whole)).toHaveLength(2);
    expect(weights("gpt-c")).toEqual(weights("gpt-a"));
    expect(weights("gpt-b")).not.toEqual(weights("gpt-a"));
    for (const f of ["optimizer.decayed.safetensors", "optimizer.rest.safetensors", "config.json"]) expect(file("gpt-c", f).equals(file("gpt-a", f)), f).toBe(true);
    await expect(printed(() => trainTextGpt({ ...opts, resume: join(dir, "gpt-a") }))).rejects.toThrow(`--resume ${join(dir, "gpt-a")}: the checkpoint is after step 600, the end of its budget (9600 of 9600 characters); nothing is left to train`);
    await expect(printed(() => trainTextGpt({ ...opts, dim: "16", resume: join(dir, "gpt-b") }))).rejects.toThrow(`--resume ${join(dir, "gpt-b")}: the checkpoint was trained with dim 8; this run has dim 16`);
  });

  it("load(dir) rebuilds the GPT, which generates the same text; info lists it; export writes a file ONNX Runtime runs to wasmnn's logits", async () => {
    const model = (await load(join(dir, "gpt-a"))) as models.GPT;
    expect(model.config).toEqual({ vocab: model.config.vocab, context: 8, dim: 8, heads: 2, layers: 1, dropout: 0, tieWeights: true, dimFeedforward: 32 });
    const again = (await load(join(dir, "gpt-c"))) as models.GPT;
    expect(again.generate([1, 2, 3], 20)).toEqual(model.generate([1, 2, 3], 20));
    const out = await printed(() => fileCommands.info([join(dir, "gpt-a")]));
    expect(out).toContain(`architecture: GPT(vocab ${model.config.vocab}, context 8, dim 8, heads 2, layers 1), ${model.parameterCount().toLocaleString("en-US")} parameters`);
    expect(out).toContain("checkpoint: after epoch 0, 600 optimizer steps");
    // export: the input shape from the metadata, [1, context] token ids; ONNX Runtime's logits are wasmnn's.
    const onnx = join(dir, "gpt.onnx");
    const exported = await printed(() => fileCommands.export([join(dir, "gpt-a"), onnx], {}));
    expect(exported[0]).toMatch(/gpt\.onnx: GPT\(vocab \d+, context 8, dim 8, heads 2, layers 1\) for inputs \[1,8\] \(batch axis symbolic\), [\d,]+ bytes, opset 17$/);
    const ids = [5, 1, 0, 7, 3, 3, 9, 2];
    const want = scope(() => noGrad(() => model.logits(ids, 1, 8).toArray()));
    expect(await onnxDifference(onnx, ids, [1, 8, model.config.vocab], want)).toBeLessThan(1e-5);
  });
});
