// ConvNetJS 0.3 as a child of the peers suite: `node convnet.js --task NAME [--quick]`. It trains
// one sample at a time (forward, backward, gradients summed) and updates every `batch_size`
// samples, so one step is 32 samples and one update. Its npm release has no Adam (sgd, adagrad,
// windowgrad, adadelta): adadelta is the closest, with Adam's two running averages per weight;
// the update is once per 32 samples either way, a small part of the step. It has no recurrent layer
// and no matrix product outside its layers' own loops.
import { pathToFileURL } from "node:url";
import convnetjs from "convnetjs";
import { BATCH, childTask, images, labels, report, timeStep, type Measured, type Task } from "./protocol.js";

/** The net of a training task, the same layers and sizes as wasmnn's; softmax adds the last linear layer. */
export function convnetModel(task: "mlp" | "lenet"): convnetjs.Net {
  const net = new convnetjs.Net();
  net.makeLayers(
    task === "mlp"
      ? [
          { type: "input", out_sx: 1, out_sy: 1, out_depth: 784 },
          { type: "fc", num_neurons: 128, activation: "relu" },
          { type: "softmax", num_classes: 10 },
        ]
      : [
          { type: "input", out_sx: 28, out_sy: 28, out_depth: 1 },
          { type: "conv", sx: 5, filters: 8, stride: 1, pad: 0, activation: "relu" },
          { type: "pool", sx: 2, stride: 2 },
          { type: "conv", sx: 5, filters: 16, stride: 1, pad: 0, activation: "relu" },
          { type: "pool", sx: 2, stride: 2 },
          { type: "softmax", num_classes: 10 },
        ],
  );
  return net;
}

function measure(task: Task, quick: boolean): Measured {
  if (task === "lstm") return { na: "ConvNetJS has no recurrent layer" };
  if (task === "gemm") return { na: "ConvNetJS has no matrix product outside its layers" };
  const net = convnetModel(task);
  const trainer = new convnetjs.Trainer(net, { method: "adadelta", batch_size: BATCH, l2_decay: 0 });
  const pixels = images(), ys = labels();
  const xs = ys.map((_, b) => {
    const v = task === "mlp" ? new convnetjs.Vol(1, 1, 784, 0) : new convnetjs.Vol(28, 28, 1, 0);
    v.w.set(pixels.subarray(b * 784, (b + 1) * 784));
    return v;
  });
  const step = () => {
    for (let b = 0; b < BATCH; b++) trainer.train(xs[b], ys[b]);
  };
  return { seconds: timeStep(step, quick), note: "adadelta (ConvNetJS 0.3 has no Adam)" };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { task, quick } = childTask(process.argv.slice(2));
  report(() => measure(task, quick));
}
