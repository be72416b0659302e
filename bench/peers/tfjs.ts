// TensorFlow.js on its CPU backend (plain JS) or its Wasm backend (XNNPACK, SIMD, one thread), as a
// child of the peers suite: `node tfjs.js --backend cpu|wasm --task NAME [--quick]`. The models are
// tf.layers models trained by optimizer.minimize, which is what model.fit runs per batch without
// its callbacks and its async bookkeeping. Images are NHWC, tfjs's layout.
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { BATCH, childTask, GEMM_N, HIDDEN, images, INPUT, labels, report, sequences, T, targets, timeStep, type Measured, type Task } from "./protocol.js";

/** The model of a training task, the same layers and sizes as wasmnn's. */
export function tfjsModel(task: Exclude<Task, "gemm">): tf.Sequential {
  const layers =
    task === "mlp"
      ? [tf.layers.dense({ units: 128, activation: "relu", inputShape: [784] }), tf.layers.dense({ units: 10 })]
      : task === "lenet"
        ? [
            tf.layers.conv2d({ filters: 8, kernelSize: 5, activation: "relu", inputShape: [28, 28, 1] }),
            tf.layers.maxPooling2d({ poolSize: 2 }),
            tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu" }),
            tf.layers.maxPooling2d({ poolSize: 2 }),
            tf.layers.flatten(),
            tf.layers.dense({ units: 10 }),
          ]
        : [tf.layers.lstm({ units: HIDDEN, inputShape: [T, INPUT] }), tf.layers.dense({ units: 1 })];
  return tf.sequential({ layers });
}

function measure(task: Task, quick: boolean): Measured {
  if (task === "gemm") {
    const a = tf.randomNormal([GEMM_N, GEMM_N]), b = tf.randomNormal([GEMM_N, GEMM_N]);
    // The CPU and Wasm backends run a kernel when it is called: no readback is needed to time it.
    return { seconds: timeStep(() => tf.matMul(a, b).dispose(), quick) };
  }
  const model = tfjsModel(task);
  const opt = tf.train.adam(1e-3);
  let x: tf.Tensor, y: tf.Tensor;
  if (task === "lstm") {
    // bench/rnn.ts's sequences are time-major; tfjs's LSTM reads [batch, time, features].
    x = tf.tensor3d(sequences(), [T, BATCH, INPUT]).transpose([1, 0, 2]);
    y = tf.tensor2d(targets(), [BATCH, 1]);
  } else {
    x = tf.tensor(images(), task === "mlp" ? [BATCH, 784] : [BATCH, 28, 28, 1]);
    y = tf.oneHot(tf.tensor1d(labels(), "int32"), 10);
  }
  const loss = () => {
    const out = model.apply(x, { training: true }) as tf.Tensor;
    return (task === "lstm" ? tf.losses.meanSquaredError(y, out) : tf.losses.softmaxCrossEntropy(y, out)) as tf.Scalar;
  };
  return { seconds: timeStep(() => tf.tidy(() => void opt.minimize(loss)), quick) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { task, quick } = childTask(process.argv.slice(2));
  const backend = process.argv[process.argv.indexOf("--backend") + 1];
  if (backend === "wasm") {
    // Registers the backend; its .wasm files are read from the package beside it, not fetched.
    await import("@tensorflow/tfjs-backend-wasm");
    // The SIMD build on one thread, like every row of the suite.
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  } else if (backend !== "cpu") throw new Error(`peers tfjs: expected --backend cpu|wasm, got ${backend}`);
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`peers tfjs: the ${backend} backend did not start`);
  report(() => measure(task, quick));
}
