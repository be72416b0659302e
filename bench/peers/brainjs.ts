// brain.js 2.0 beta as a child of the peers suite: `node brainjs.js --task NAME [--quick]`.
// It trains one sample (or sequence) per update: it has no mini-batches, so one step here is 32
// updates. Its NeuralNetwork applies the activation to the output layer too and learns by squared
// error (there is no softmax cross-entropy); its LSTMTimeStep predicts every next step of the
// sequence (a 64→2 head at every step) and updates by RMSProp with clipping, not Adam.
// gpu.js (its peer dependency) needs the native `gl` only for a GPU; `require("brain.js")` works
// without it, and all of this runs on the CPU.
import { pathToFileURL } from "node:url";
import { FeedForward, layer, NeuralNetwork, recurrent } from "brain.js";
import { BATCH, childTask, HIDDEN, images, INPUT, labels, report, sequences, T, targets, timeStep, type Measured, type Task } from "./protocol.js";

/** The MLP 784-128-10 with ReLU and Adam at lr 1e-3, initialized by one pass over `data`. */
export function brainMlp(data: { input: Float32Array; output: Float32Array }[]): NeuralNetwork<Float32Array, Float32Array> {
  const net = new NeuralNetwork<Float32Array, Float32Array>({ inputSize: 784, hiddenLayers: [128], outputSize: 10 });
  net.train(data, { iterations: 1, activation: "relu", praxis: "adam", learningRate: 1e-3 });
  return net;
}

/** The LSTM, hidden 64 over 2 features, initialized by one pass over `data`. */
export function brainLstm(data: Float32Array[][]): InstanceType<typeof recurrent.LSTMTimeStep> {
  const net = new recurrent.LSTMTimeStep({ inputSize: INPUT, hiddenLayers: [HIDDEN], outputSize: INPUT, learningRate: 1e-3 });
  // train's types take plain arrays; trainPattern, which the step calls, Float32Arrays.
  net.train(data.map((seq) => seq.map((v) => Array.from(v))), { iterations: 1 });
  return net;
}

/** BATCH images and their one-hot labels. */
export function brainImages(): { input: Float32Array; output: Float32Array }[] {
  const pixels = images();
  return labels().map((y, b) => ({ input: pixels.slice(b * 784, (b + 1) * 784), output: Float32Array.from({ length: 10 }, (_, i) => (i === y ? 1 : 0)) }));
}

/** BATCH sequences of T steps and one more step, the last one's target, to predict. */
export function brainSequences(): Float32Array[][] {
  const xs = sequences(), ys = targets();
  return Array.from({ length: BATCH }, (_, b) => [...Array.from({ length: T }, (_, t) => xs.slice((t * BATCH + b) * INPUT, (t * BATCH + b + 1) * INPUT)), Float32Array.of(ys[b], 0)]);
}

/** LeNet from brain.js's experimental layer API (convolution, pool), one call of train per 32 samples. */
function lenet(quick: boolean): Measured {
  const { input, convolution, relu, pool, feedForward, softMax, output } = layer;
  const net = new FeedForward({
    inputLayer: () => input({ width: 28, height: 28, depth: 1 }),
    hiddenLayers: [
      (l) => relu(convolution({ filterCount: 8, filterWidth: 5, filterHeight: 5, stride: 1, padding: 0 }, l)),
      (l) => pool({ filterWidth: 2, filterHeight: 2, stride: 2, padding: 0 }, l),
      (l) => relu(convolution({ filterCount: 16, filterWidth: 5, filterHeight: 5, stride: 1, padding: 0 }, l)),
      (l) => pool({ filterWidth: 2, filterHeight: 2, stride: 2, padding: 0 }, l),
      (l) => softMax(feedForward({ height: 10 }, l)),
    ],
    outputLayer: (l) => output({ height: 10 }, l),
  });
  // An input layer of depth 1 takes [depth][height][width]; FeedForward's types know only flat inputs.
  const images3d = brainImages().map(({ input, output }) => ({ input: [Array.from({ length: 28 }, (_, r) => input.slice(r * 28, (r + 1) * 28))], output }));
  const data = images3d as unknown as Parameters<typeof net.train>[0];
  try {
    net.train(data, { iterations: 1 });
  } catch (e) {
    return { na: `its experimental convolution and pool layers do not build LeNet: "${String((e as Error).message).split("\n")[0]}"` };
  }
  return { seconds: timeStep(() => net.train(data, { iterations: 1 }), quick), note: "experimental layer API" };
}

function measure(task: Task, quick: boolean): Measured {
  if (task === "gemm") return { na: "brain.js has no matrix product outside its layers" };
  if (task === "lenet") return lenet(quick);
  if (task === "mlp") {
    const data = brainImages();
    const net = brainMlp(data);
    return { seconds: timeStep(() => data.forEach((d) => net.trainPattern(d)), quick), note: "32 updates of 1 sample; squared error, ReLU output" };
  }
  const data = brainSequences();
  const net = brainLstm(data);
  return { seconds: timeStep(() => data.forEach((d) => net.trainPattern(d)), quick), note: "32 updates of 1 sequence; a 64→2 head at every step; RMSProp" };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { task, quick } = childTask(process.argv.slice(2));
  report(() => measure(task, quick));
}
