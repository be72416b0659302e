// The peers suite without timing anything: what it reads from a child, how it turns a child's
// seconds into rows, and that every peer builds the model of wasmnn's row, parameter for parameter.
import { describe, expect, it } from "vitest";
import { models, nn, ready, type Tensor } from "../../src/index.js";
import { brainImages, brainLstm, brainMlp, brainSequences } from "../../bench/peers/brainjs.js";
import { convnetModel } from "../../bench/peers/convnet.js";
import { parseMeasured } from "../../bench/peers/protocol.js";
import { format, pairRows } from "../../bench/peers/suite.js";
import { tfjsModel } from "../../bench/peers/tfjs.js";

const count = (ps: Tensor[]) => ps.reduce((s, p) => s + p.size, 0);

describe("a peer's child output", () => {
  it("is read from the last line, after whatever the library printed", () => {
    const out = 'Hi, looks like you are running TensorFlow.js in Node.js.\n============================\n{"seconds":{"wall":0.05,"cpu":0.04},"note":"adadelta"}\n';
    expect(parseMeasured(out)).toEqual({ seconds: { wall: 0.05, cpu: 0.04 }, note: "adadelta" });
    expect(parseMeasured('{"na":"no recurrent layer"}')).toEqual({ na: "no recurrent layer" });
  });

  it("is refused when it is not a report", () => {
    expect(() => parseMeasured("Traceback (most recent call last):")).toThrow(/expected a line of JSON last, got "Traceback/);
    expect(() => parseMeasured('{"seconds":{"wall":0}}')).toThrow(/expected \{"seconds"/);
  });
});

describe("pairRows", () => {
  it("gives rates from the medians of the rounds, wasmnn's rows naming the peer", () => {
    const peer = [0.1, 0.2, 0.4].map((wall) => ({ seconds: { wall, cpu: wall / 2 } }));
    const own = [0.01, 0.02, 0.03].map((wall) => ({ wall, cpu: wall }));
    const rows = pairRows("mlp", "tfjs-cpu", peer, own);
    expect(rows.map((r) => [r.name, r.backend, r.peer, r.value])).toEqual([
      ["MLP 784-128-10 train (b32, Adam)", "tfjs-cpu", undefined, 32 / 0.2],
      ["MLP 784-128-10 train (b32, Adam)", "wasmnn", "tfjs-cpu", 32 / 0.02],
      ["MLP 784-128-10 train (b32, Adam), CPU time", "tfjs-cpu", undefined, 32 / 0.1],
      ["MLP 784-128-10 train (b32, Adam), CPU time", "wasmnn", "tfjs-cpu", 32 / 0.02],
    ]);
    expect(format(rows)).toMatch(/tfjs-cpu +160 +1,600 +samples\/s +10\.0× +5\.00×/);
    expect(pairRows("gemm", "PyTorch", [{ seconds: { wall: 0.01, cpu: 0.01 } }], [{ wall: 0.01, cpu: 0.01 }])[0].value).toBeCloseTo(26.84, 2);
  });

  it("adds the relaxed core's rows when it ran, with its ratio to the peer", () => {
    const peer = [0.3, 0.2, 0.25].map((wall) => ({ seconds: { wall, cpu: wall } }));
    const plain = [0.15, 0.16, 0.14].map((wall) => ({ wall, cpu: wall }));
    const relaxed = [0.12, 0.125, 0.13].map((wall) => ({ wall, cpu: wall }));
    const rows = pairRows("lenet", "PyTorch", peer, plain, relaxed);
    expect(rows.filter((r) => r.backend === "wasmnn-relaxed").map((r) => [r.name, r.peer, r.value])).toEqual([
      ["CNN LeNet train (b32, Adam)", "PyTorch", 32 / 0.125],
      ["CNN LeNet train (b32, Adam), CPU time", "PyTorch", 32 / 0.125],
    ]);
    // 0.25 / 0.15 = 1.67× plain, 0.25 / 0.125 = 2.00× relaxed.
    expect(format(rows)).toMatch(/PyTorch +128 +213 +samples\/s +1\.67× +1\.67× +256 +2\.00×/);
  });

  it("gives one row with the reason when the peer cannot do the task", () => {
    const rows = pairRows("lenet", "tfjs-wasm", [{ na: "no Conv2DBackpropFilter" }], []);
    expect(rows).toEqual([{ name: "CNN LeNet train (b32, Adam)", backend: "tfjs-wasm", value: NaN, unit: "samples/s", note: "no Conv2DBackpropFilter" }]);
    expect(format(rows)).toMatch(/tfjs-wasm +n\/a .* no Conv2DBackpropFilter/);
  });
});

describe("the peers' models", () => {
  it("have wasmnn's parameter counts", async () => {
    await ready();
    const mlp = count(models.mlp({ inputs: 784, hidden: [128], outputs: 10 }).parameters());
    const lenet = count(models.lenet().parameters());
    const lstm = count([...new nn.LSTM(2, 64).parameters(), ...new nn.Linear(64, 1).parameters()]);
    expect([mlp, lenet, lstm]).toEqual([101_770, 5_994, 17_473]);

    expect(tfjsModel("mlp").countParams()).toBe(mlp);
    expect(tfjsModel("lenet").countParams()).toBe(lenet);
    // One bias per gate where wasmnn (like PyTorch) has two: 4·64 fewer.
    expect(tfjsModel("lstm").countParams()).toBe(lstm - 4 * 64);

    const convnet = (task: "mlp" | "lenet") => convnetModel(task).getParamsAndGrads().reduce((s, p) => s + p.params.length, 0);
    expect([convnet("mlp"), convnet("lenet")]).toEqual([mlp, lenet]);

    const brain = brainMlp(brainImages());
    const brainCount = brain.weights.slice(1).reduce((s, w, i) => s + w.length * w[0].length + brain.biases[i + 1].length, 0);
    expect(brainCount).toBe(mlp);
    // One bias per gate, and its head predicts both features at every step: 4·64 fewer, 65 more.
    const brainLstmCount = brainLstm(brainSequences()).model.allMatrices.reduce((s, m) => s + m.weights.length, 0);
    expect(brainLstmCount).toBe(lstm - 4 * 64 + 65);
  });
});
