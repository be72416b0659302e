// PyTorch interop, both ways. The fixtures in tests/fixtures/torch/ were written by
// scripts/fixtures/torch_fixtures.py with torch 1.13: wasmnn loads each (config.json +
// model.safetensors under PyTorch's names) and reproduces PyTorch's outputs within 1e-5, and
// decodes torch's F16, BF16, F64 and I64 exactly as torch converts them. The other way: wasmnn
// writes its own files (F32 and F16), and the same script, when /usr/bin/python3 has torch,
// loads them into the PyTorch models with load_state_dict(strict=True) and checks the outputs.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromSafetensors, io, load, manualSeed, nn, noGrad, ready, scope, setBackend, tensor, toFiles, type Tensor } from "../../src/index.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "torch");
const SCRIPT = join(import.meta.dirname, "..", "..", "scripts", "fixtures", "torch_fixtures.py");
const read = (file: string) => fromSafetensors(readFileSync(file), { name: file });

/** The model's outputs by the script's names: "output", and "h" ("c") for recurrent layers. */
function outputs(model: nn.Module, x: Tensor): Record<string, Float32Array> {
  return scope(() => noGrad(() => {
    if (model instanceof nn.RecurrentBase) {
      const { output, h, c } = model.forwardWithState(x);
      return { output: output.toArray(), h: h.toArray(), ...(c ? { c: c.toArray() } : {}) };
    }
    return { output: model.forward(x).toArray() };
  }));
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const worst: string[] = [];

for (const backend of ["js", "wasm"] as const) {
  describe(`PyTorch fixtures (${backend})`, () => {
    beforeAll(async () => {
      await ready();
      setBackend(backend);
    });
    afterAll(() => console.log(`PyTorch vs wasmnn (${backend}):\n${worst.splice(0).join("\n")}`));

    for (const name of ["mlp", "cnn", "lstm", "gru", "transformer"]) {
      it(`${name}: load(dir) reproduces PyTorch's outputs within 1e-5`, async () => {
        const model = await load(join(FIXTURES, name));
        const ioData = read(join(FIXTURES, name, "io.safetensors"));
        const x = ioData.input;
        const got = outputs(model, tensor(Float32Array.from(x.data), x.shape));
        const names = Object.keys(ioData).filter((k) => k !== "input");
        expect(Object.keys(got).sort()).toEqual(names.sort());
        const d = Math.max(...names.map((k) => maxDiff(got[k], ioData[k].data)));
        worst.push(`  ${d.toExponential(2)}  ${name} (${names.join(", ")})`);
        expect(d).toBeLessThan(1e-5);
      });
    }
  });
}

describe("torch's dtypes", () => {
  it("F16, BF16 and F64 decode to torch's own float32 values, I64 to its integers", () => {
    const t = read(join(FIXTURES, "dtypes.safetensors"));
    const header = io.readSafetensorsHeader(readFileSync(join(FIXTURES, "dtypes.safetensors")));
    expect(Object.fromEntries(header.tensors.map((e) => [e.name, e.dtype]))).toMatchObject({ f16: "F16", bf16: "BF16", f64: "F64", i64: "I64" });
    for (const k of ["f16", "bf16", "f64"]) expect(Array.from(t[k].data), k).toEqual(Array.from(t[`${k}_as_f32`].data));
    expect(Array.from(t.i64.data)).toEqual([0, -7, 2 ** 40, 123456789012]);
  });
});

const hasTorch = spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;

describe("wasmnn-written files in PyTorch", () => {
  const dir = mkdtempSync(join(tmpdir(), "wasmnn-torch-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasTorch)("the script loads every wasmnn file into the PyTorch model (strict) and gets wasmnn's outputs within 1e-5", async () => {
    await ready();
    setBackend("wasm");
    const builds: Record<string, [() => nn.Module, number[]]> = {
      mlp: [() => new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Linear(8, 5), new nn.Tanh(), new nn.Linear(5, 3)), [4, 6]],
      cnn: [() => new nn.Sequential(
        new nn.Conv2d(1, 3, 3, { padding: 1 }), new nn.BatchNorm2d(3), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Conv2d(3, 4, 3, { bias: false }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.AvgPool2d(2), new nn.Flatten(), new nn.Linear(16, 5)), [2, 1, 12, 12]],
      lstm: [() => new nn.LSTM(3, 5, { numLayers: 2, batchFirst: true }), [2, 7, 3]],
      gru: [() => new nn.GRU(4, 3, { bidirectional: true }), [6, 2, 4]],
      transformer: [() => {
        const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: "gelu", batchFirst: true, normFirst: true });
        const enc = new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(8) });
        // The layers start as copies of one; distinct weights make PyTorch's check see each.
        enc.namedParameters().forEach(([k, p], j) => p.set(Array.from({ length: p.size }, (_, i) => 0.3 * Math.sin(1.7 * i + j) + (/norm\d?\.weight$/.test(k) ? 1 : 0))));
        return enc as unknown as nn.Module; // run as forward(x): its options argument is optional
      }, [2, 5, 8]],
    };
    for (const [name, [build, shape]] of Object.entries(builds)) {
      for (const dtype of ["F32", "F16"] as const) {
        manualSeed(7);
        const model = build();
        // Running statistics of a trained net: small means, variances near 1, a batch count.
        for (const [k, b] of model.namedBuffers()) b.set(Array.from({ length: b.size }, (_, i) => (k.endsWith("num_batches_tracked") ? 5 : k.endsWith("running_var") ? 0.6 + 0.1 * i : 0.05 * i - 0.1)));
        const files = toFiles(model, { dtype });
        // The outputs of the weights as stored (F16 rounds them), which PyTorch will have too.
        const stored = await load(files);
        const x = tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)), shape);
        const out = outputs(stored, x);
        // The samples' outputs differ: the input reaches the output (no layer zeroes it all).
        const per = out.output.length / shape[0];
        expect(maxDiff(out.output.subarray(0, per), out.output.subarray(per, 2 * per)), name).toBeGreaterThan(1e-3);
        const sub = join(dir, `${name}-${dtype.toLowerCase()}`);
        mkdirSync(sub);
        writeFileSync(join(sub, "model.safetensors"), files["model.safetensors"]);
        writeFileSync(join(sub, "io.safetensors"), io.writeSafetensors([["input", { shape, data: x.toArray() }], ...Object.entries(out).map(([k, v]): [string, io.TensorToWrite] => [k, { shape: [v.length], data: v }])]));
      }
    }
    let report = "";
    try {
      report = execFileSync("/usr/bin/python3", [SCRIPT, "--check", dir], { encoding: "utf8" });
    } catch (e) {
      throw new Error(`the PyTorch check failed:\n${(e as { stdout?: string }).stdout ?? (e as Error).message}`);
    }
    console.log(`PyTorch loading wasmnn's files:\n${report}`);
    expect(report.match(/^ok /gm)?.length).toBe(10);
  });
});
