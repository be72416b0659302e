// LeNet (LeCun et al., 1998): the convolutional network that read cheques. Two rounds of
// convolution → nonlinearity → pooling turn a 28×28 digit into a stack of small feature maps
// (strokes, then combinations of strokes), and dense layers classify them.
//
//   [N, 1, 28, 28] ─ Conv2d(1→c1, 5×5) ─ ReLU ─ MaxPool 2 ─ Conv2d(c1→c2, 5×5) ─ ReLU ─ MaxPool 2
//   ─ Flatten ─ Linear(c2·4·4 → hidden…) ─ ReLU … ─ Linear(→ 10)
//
// The original used 6 and 16 channels, 32×32 inputs (28×28 padded by 2), tanh, average pooling
// and 120-84 dense units; ReLU and max pooling train faster and are used here by default.
import { BatchNorm2d } from "../nn/batchnorm.js";
import { Conv2d } from "../nn/conv.js";
import { Dropout } from "../nn/dropout.js";
import { Flatten } from "../nn/flatten.js";
import { Linear } from "../nn/linear.js";
import { freeOnFailure, type Module } from "../nn/module.js";
import { AvgPool2d, MaxPool2d } from "../nn/pool.js";
import { ReLU, Tanh } from "../nn/activation.js";
import { Sequential } from "../nn/sequential.js";
import { checkModelOptions, type OptionKeys } from "./options.js";

/** Options of lenet: channels, hidden widths, padding, image size, classes and the layer kinds. */
export interface LenetOptions {
  /** Channels of the two convolutions (default [8, 16]). */
  channels?: [number, number];
  /** Dense hidden layers between the feature maps and the 10 outputs (default none). */
  hidden?: number[];
  /** Zero padding of the first convolution (default 0; 2 gives the original's 32×32 view). */
  padding?: number;
  /** Input images [1, size, size] (default 28). */
  imageSize?: number;
  /** Outputs (default 10). */
  classes?: number;
  /** The activation (default "relu"; LeCun's original used tanh). */
  activation?: "relu" | "tanh";
  /** Max or average pooling (default "max"; the original averaged). */
  pool?: "max" | "avg";
  /** Batch normalization after each convolution, before the nonlinearity (default false). */
  batchNorm?: boolean;
  /** Dropout before each dense layer (default 0). */
  dropout?: number;
}

const LENET_KEYS: OptionKeys<LenetOptions> = {
  channels: "optional", hidden: "optional", padding: "optional", imageSize: "optional", classes: "optional",
  activation: "optional", pool: "optional", batchNorm: "optional", dropout: "optional",
};

/**
 * A LeNet-style CNN for MNIST-sized images. Default: conv(1→8, 5×5) → maxpool 2 →
 * conv(8→16, 5×5) → maxpool 2 → linear(256→10), 5,994 parameters (ReLU after each convolution).
 * @example const model = models.lenet(); // input [batch, 1, 28, 28] → logits [batch, 10]
 * @example models.lenet({ channels: [6, 16], hidden: [120, 84], padding: 2 }) // LeNet-5's sizes
 */
export function lenet(options: LenetOptions = {}): Sequential {
  return freeOnFailure(() => {
    checkModelOptions("lenet", options, LENET_KEYS);
    const channels = options.channels ?? [8, 16];
    if (!Array.isArray(channels) || channels.length !== 2 || channels.some((c) => !Number.isInteger(c) || c <= 0)) {
      throw new Error(`lenet: channels must be two positive integers [conv1, conv2], got ${JSON.stringify(channels)}`);
    }
    const [c1, c2] = channels;
    const padding = options.padding ?? 0;
    const size = options.imageSize ?? 28;
    const choice = <T>(name: string, v: string | undefined, table: Record<string, T>): T => {
      const found = Object.hasOwn(table, v ?? "") ? table[v!] : undefined;
      if (found === undefined) throw new Error(`lenet: ${name} must be ${Object.keys(table).map((k) => `"${k}"`).join(" or ")}, got ${JSON.stringify(v)}`);
      return found;
    };
    const Act = choice("activation", options.activation ?? "relu", { relu: ReLU, tanh: Tanh });
    const Pool = choice("pool", options.pool ?? "max", { max: MaxPool2d, avg: AvgPool2d });
    if (!Number.isInteger(size) || size <= 0) throw new Error(`lenet: imageSize must be a positive integer, got ${size}`);
    if (options.batchNorm !== undefined && typeof options.batchNorm !== "boolean") throw new Error(`lenet: batchNorm must be true or false, got ${JSON.stringify(options.batchNorm)}`);
    const s1 = Math.floor((size + 2 * padding - 4) / 2);
    const s2 = Math.floor((s1 - 4) / 2);
    if (s2 < 1) throw new Error(`lenet: images of ${size}×${size} (padding ${padding}) are too small for two 5×5 convolutions and 2×2 poolings`);
    // A convolution followed by batch norm needs no bias: the norm's β takes its place.
    const bn = options.batchNorm === true;
    const layers: Module[] = [
      new Conv2d(1, c1, 5, { padding, bias: !bn }), ...(bn ? [new BatchNorm2d(c1)] : []), new Act(), new Pool(2),
      new Conv2d(c1, c2, 5, { bias: !bn }), ...(bn ? [new BatchNorm2d(c2)] : []), new Act(), new Pool(2),
      new Flatten(),
    ];
    let width = c2 * s2 * s2;
    for (const h of options.hidden ?? []) {
      if (options.dropout) layers.push(new Dropout(options.dropout));
      layers.push(new Linear(width, h), new Act());
      width = h;
    }
    if (options.dropout) layers.push(new Dropout(options.dropout));
    layers.push(new Linear(width, options.classes ?? 10));
    return new Sequential(...layers);
  });
}
