// A convolutional network (LeNet-style) on MNIST, trained in WebAssembly.
//
//     npx tsx examples/mnist-cnn.ts [epochs=3]
//
// A dense network sees a digit as 784 unrelated numbers: move the digit one pixel and every input
// changes. A convolutional network builds in what we know about images: nearby pixels belong
// together, and a pattern means the same thing wherever it appears.
//
// Convolution. A filter is a small grid of weights (here 5×5). It slides over the image; at each
// position it multiplies the 25 pixels under it by its 25 weights and sums them (plus a bias).
// The result, one number per position, is a feature map: bright where the image looks like the
// filter. The same 25 weights are used at every position (weight sharing), so a stroke detector
// learned in one corner works everywhere, and the layer needs 25 weights instead of 784 per unit.
// A layer has several filters (8 here), giving 8 maps; the next convolution's filters look at all
// 8 maps at once (a 8×5×5 stack each) and so detect combinations: strokes → parts of digits.
//
// Pooling. MaxPool2d(2) keeps the largest value of each 2×2 block: the map halves in each
// direction (24×24 → 12×12). The answer to "is this feature here?" survives, its exact position
// (to a pixel) does not, which makes the net tolerant to small shifts; and the next layer's 5×5
// filters now cover a 10×10 region of the original image. Conv → pool twice is a hierarchy:
// local edges, then larger shapes, then a dense layer votes on the class.
//
// Shapes are NCHW, as in PyTorch: [batch, channels, height, width].
//   [32, 1, 28, 28] → Conv2d(1→8, 5×5) → [32, 8, 24, 24] → MaxPool 2 → [32, 8, 12, 12]
//   → Conv2d(8→16, 5×5) → [32, 16, 8, 8] → MaxPool 2 → [32, 16, 4, 4] → Flatten → [32, 256] → Linear → [32, 10]
//
// Writes out/mnist-cnn.png: the 8 learned first-layer filters (top) and, for four test digits,
// the digit, its 8 first-layer feature maps and its 16 second-layer maps.
import { mkdirSync } from "node:fs";
import { evaluate, fit, loadMnist, manualSeed, nn, optim, ready } from "../src/index.js";
import { saveConvPicture } from "../src/viz/filters.js";

const epochs = Number(process.argv[2] ?? 3);
await ready();
const { train, test } = await loadMnist({ shape: "image" }); // samples are [1, 28, 28] images
manualSeed(1);

const model = new nn.Sequential(
  new nn.Conv2d(1, 8, 5, { bias: false }), // 8 filters of 5×5 over the grayscale digit
  new nn.BatchNorm2d(8), //                   standardize each map over the batch (trains faster)
  new nn.ReLU(),
  new nn.MaxPool2d(2), //                     24×24 → 12×12
  new nn.Conv2d(8, 16, 5, { bias: false }), // 16 filters, each looking at all 8 maps
  new nn.BatchNorm2d(16),
  new nn.ReLU(),
  new nn.MaxPool2d(2), //                     8×8 → 4×4
  new nn.Flatten(), //                        16·4·4 = 256 numbers per digit
  new nn.Linear(256, 10), //                  one score per class
);
console.log(nn.summary(model, [1, 1, 28, 28]));

const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
await fit(model, train, {
  epochs,
  batchSize: 32,
  optimizer: opt,
  loss: "crossEntropy",
  validation: test,
  seed: 1,
  // Large steps first, then smaller ones to settle into the minimum.
  callbacks: [{ onEpochEnd: () => void (opt.lr *= 0.3) }],
});
const { accuracy } = evaluate(model, test, { loss: "crossEntropy" }); // eval mode: batch norm uses its running statistics
console.log(`test accuracy ${(100 * accuracy!).toFixed(2)} % on ${test.length} held-out digits (a 784-256-10 MLP reaches ≈ 96 %)`);

mkdirSync("out", { recursive: true });
saveConvPicture("out/mnist-cnn.png", model, test.x, 4);
console.log("filters and feature maps → out/mnist-cnn.png");
