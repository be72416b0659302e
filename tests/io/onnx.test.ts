// exportOnnx: every exported model runs in ONNX Runtime (onnxruntime-web, its pure-Wasm build,
// in Node) and gives wasmnn's outputs within 1e-5 on random inputs, at the exported batch size
// and at another one (the batch axis is symbolic). Layers without a mapping are clear errors.
import * as ort from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import { exportOnnx, manualSeed, models, nn, noGrad, rand, scope, tensor } from "../../src/index.js";
import { maxDifference, onnxRuntime } from "./onnx-runtime.js";

interface Case {
  name: string;
  build: () => nn.Module;
  shape: number[];
  /** Another input shape to run the same file on (default: the batch doubled plus one). */
  other?: number[];
  dynamicAxes?: number[];
  opset?: number;
}

const cases: Case[] = [
  { name: "MLP (relu)", build: () => models.mlp({ inputs: 7, hidden: [9, 5], outputs: 3, dropout: 0.3 }), shape: [4, 7] },
  { name: "MLP (tanh) + Softmax", build: () => new nn.Sequential(models.mlp({ inputs: 5, hidden: [6], outputs: 4, activation: "tanh" }), new nn.Softmax()), shape: [3, 5] },
  { name: "MLP (sigmoid, leakyRelu)", build: () => new nn.Sequential(new nn.Linear(4, 6), new nn.Sigmoid(), new nn.Linear(6, 5), new nn.LeakyReLU(0.2), new nn.Linear(5, 2, { bias: false })), shape: [2, 4] },
  { name: "MLP (gelu), opset 17 formula", build: () => models.mlp({ inputs: 5, hidden: [8], outputs: 2, activation: "gelu" }), shape: [3, 5] },
  { name: "MLP (gelu), opset 20 Gelu op", build: () => models.mlp({ inputs: 5, hidden: [8], outputs: 2, activation: "gelu" }), shape: [3, 5], opset: 20 },
  { name: "MLP, opset 13", build: () => models.mlp({ inputs: 3, hidden: [4], outputs: 2 }), shape: [2, 3], opset: 13 },
  { name: "Linear on [batch, T, features] (MatMul + Add)", build: () => new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2, { bias: false })), shape: [2, 5, 4] },
  { name: "LeNet with batch norm (eval)", build: () => models.lenet({ batchNorm: true, channels: [3, 4], hidden: [12], dropout: 0.2 }), shape: [2, 1, 28, 28] },
  { name: "LeNet (tanh, avg pool, padding 2)", build: () => models.lenet({ activation: "tanh", pool: "avg", padding: 2, channels: [2, 3], imageSize: 16 }), shape: [2, 1, 16, 16] },
  {
    name: "conv layers: same padding, dilation, stride, max/avg pool with padding, adaptive pool, Flatten(1, 2)",
    build: () => new nn.Sequential(
      new nn.Conv2d(2, 3, [3, 2], { padding: "same", dilation: 2 }), new nn.ReLU(),
      new nn.Conv2d(3, 4, 3, { stride: [2, 1], padding: [1, 0], bias: false }), new nn.BatchNorm2d(4, { affine: false }),
      new nn.MaxPool2d(2, { stride: 1, padding: 1 }), new nn.AvgPool2d([2, 1], { countIncludePad: false, padding: [1, 0] }),
      new nn.AvgPool2d(2, { padding: 1 }), new nn.AdaptiveAvgPool2d([1, 5]), new nn.Flatten(1, 2),
    ),
    shape: [2, 2, 11, 9],
  },
  { name: "global average pooling head + BatchNorm1d", build: () => new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.BatchNorm1d(4), new nn.Linear(4, 2)), shape: [3, 1, 6, 6] },
  { name: "BatchNorm1d on [batch, C, L]", build: () => new nn.BatchNorm1d(3, { eps: 1e-3 }), shape: [2, 3, 5] },
  { name: "dense autoencoder", build: () => models.autoencoder({ inputs: 20, hidden: [12, 8], code: 3 }), shape: [3, 20] },
  { name: "denoising autoencoder (noise off in eval), sigmoid output", build: () => models.autoencoder({ inputs: 10, hidden: [6], code: 2, noise: 0.5, output: "sigmoid" }), shape: [2, 10] },
  { name: "convolutional autoencoder with a dense code (ConvTranspose2d, Unflatten)", build: () => models.autoencoder({ kind: "conv", image: [1, 12, 10], channels: [3, 4], code: 6 }), shape: [2, 1, 12, 10] },
  { name: "convolutional autoencoder, odd sizes", build: () => models.autoencoder({ kind: "conv", image: [2, 7, 9], channels: [2, 3] }), shape: [2, 2, 7, 9] },
  { name: "ConvTranspose2d with dilation and output padding", build: () => new nn.ConvTranspose2d(2, 3, [3, 2], { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2], dilation: [1, 2] }), shape: [2, 2, 4, 5] },
  { name: "GAN generator (batch norm, tanh)", build: () => models.gan({ latent: 4, features: 3, generatorHidden: [8, 6], generatorBatchNorm: true, generatorOutput: "tanh" }), shape: [5, 4] },
  { name: "LSTM", build: () => new nn.LSTM(3, 5), shape: [6, 2, 3], other: [4, 3, 3], dynamicAxes: [0, 1] },
  { name: "LSTM (2 layers, bidirectional, batchFirst)", build: () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }), shape: [2, 5, 3] },
  { name: "GRU (linear_before_reset)", build: () => new nn.GRU(4, 3), shape: [5, 2, 4], other: [5, 3, 4], dynamicAxes: [1] },
  { name: "GRU (2 layers, bidirectional, no bias)", build: () => new nn.GRU(2, 3, { numLayers: 2, bidirectional: true, bias: false }), shape: [4, 3, 2], dynamicAxes: [1], other: [4, 2, 2] },
  { name: "RNN (tanh) and RNN (relu, bidirectional)", build: () => new nn.Sequential(new nn.RNN(3, 4), new nn.RNN(4, 2, { nonlinearity: "relu", bidirectional: true })), shape: [5, 2, 3], dynamicAxes: [1], other: [5, 4, 3] },
  { name: "LSTM then a Linear head on every step", build: () => new nn.Sequential(new nn.LSTM(2, 6, { batchFirst: true }), new nn.Linear(6, 1)), shape: [3, 7, 2] },
];

function wasmnn(model: nn.Module, x: Float32Array, shape: number[]): Float32Array {
  return scope(() => noGrad(() => model.eval().forward(tensor(x, shape)).toArray()));
}

describe("exportOnnx → ONNX Runtime", () => {
  const ortRuntime = onnxRuntime();

  for (const c of cases) {
    it(c.name, async () => {
      manualSeed(21);
      const model = c.build();
      // Running statistics away from 0 and 1, so batch norm's inference form is really tested.
      for (const [k, b] of model.namedBuffers()) {
        if (k.endsWith("running_mean")) b.set(rand([b.size]).toArray().map((v) => v - 0.5));
        if (k.endsWith("running_var")) b.set(rand([b.size]).toArray().map((v) => 0.5 + v));
      }
      const bytes = await exportOnnx(model, c.shape, { opset: c.opset, dynamicAxes: c.dynamicAxes });
      const other = c.other ?? [c.shape[0] * 2 + 1, ...c.shape.slice(1)];
      let max = 0;
      for (const shape of [c.shape, other]) {
        const x = rand(shape).toArray().map((v) => 4 * v - 2);
        const want = wasmnn(model, x, shape);
        const got = (await ortRuntime.run(bytes, new ort.Tensor("float32", x, shape))).data as Float32Array;
        expect(got.length).toBe(want.length);
        max = Math.max(max, maxDifference(got, want));
      }
      ortRuntime.record(c.name, max);
      expect(max).toBeLessThan(1e-5);
    });
  }

  it("the exported model keeps its training mode", async () => {
    const m = models.mlp({ inputs: 2, hidden: [2], outputs: 1 });
    await exportOnnx(m, [1, 2]);
    expect(m.training).toBe(true);
  });

  it("modules without a mapping, and bad arguments, are errors naming them", async () => {
    await expect(exportOnnx(new nn.Sequential(new nn.Linear(2, 3), new nn.RBF(3, 4)), [1, 2])).rejects.toThrow("exportOnnx: model.1 is a RBF, which has no ONNX mapping");
    await expect(exportOnnx(models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 2 }), [1, 2])).rejects.toThrow("exportOnnx: model is a MixtureOfExperts, which has no ONNX mapping");
    await expect(exportOnnx(new nn.LSTMCell(2, 3), [1, 2])).rejects.toThrow("exportOnnx: model is a LSTMCell, which has no ONNX mapping");
    // Capsule layers are not exported: routing by agreement has no ONNX operator.
    await expect(exportOnnx(models.capsNet({ convChannels: 2, primaryChannels: 2, decoder: [8] }), [1, 1, 28, 28])).rejects.toThrow("exportOnnx: model is a CapsNet, which has no ONNX mapping");
    await expect(exportOnnx(new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.PrimaryCapsules(2, 2, 4, 3, { stride: 2 })), [1, 1, 9, 9])).rejects.toThrow("exportOnnx: model.1 is a PrimaryCapsules, which has no ONNX mapping");
    await expect(exportOnnx(new nn.DigitCapsules(4, 4, 3, 6), [1, 4, 4])).rejects.toThrow("exportOnnx: model is a DigitCapsules, which has no ONNX mapping");
    await expect(exportOnnx(new nn.BatchNorm1d(2, { trackRunningStats: false }), [3, 2])).rejects.toThrow("exportOnnx: BatchNorm1d(2, no running stats) keeps no running statistics");
    await expect(exportOnnx(models.mlp({ inputs: 2, hidden: [2], outputs: 1 }), [1, 2], { opset: 11 })).rejects.toThrow("exportOnnx: opset must be one of 13, 14, 15, 16, 17, 18, 19, 20, 21, got 11");
    await expect(exportOnnx(models.mlp({ inputs: 2, hidden: [2], outputs: 1 }), [1, -2])).rejects.toThrow("exportOnnx: inputShape must be a list of positive integers (batch included), got [1,-2]");
    await expect(exportOnnx(models.mlp({ inputs: 2, hidden: [2], outputs: 1 }), [1, 3])).rejects.toThrow("Linear(2→2): input has shape [1, 3], expected [*, 2]");
    await expect(exportOnnx(models.mlp({ inputs: 2, hidden: [2], outputs: 1 }), [1, 2], { dynamicAxes: [2] })).rejects.toThrow("exportOnnx: dynamic axis 2 is not an axis of the input [1, 2]");
  });
});
