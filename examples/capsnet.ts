// A capsule network (Sabour, Frosst & Hinton, 2017) on MNIST, trained in WebAssembly.
//
//     npx tsx examples/capsnet.ts [epochs=3]
//
// Capsules. A neuron outputs one number: how strongly its feature is present. A capsule outputs a
// vector. Its length is the probability that the entity it stands for (a stroke, a digit) is in
// the image; its direction says how that entity looks: where it is, how thick, how slanted. When
// a digit moves or leans, the capsule's length stays and its direction turns.
//
// The squash. For lengths to be probabilities they must lie in [0, 1). The squash keeps a
// vector's direction and maps its length n to n²/(1 + n²): v = (‖s‖²/(1 + ‖s‖²))·s/‖s‖. Short
// vectors shrink to almost nothing (n = 0.1 → 0.01), long ones approach 1 (n = 5 → 0.96). Why a
// length is a probability: it is the one number the squash bounds, and the margin loss trains it
// to exceed 0.9 for the digit present and to stay under 0.1 for every other — each digit judged
// on its own, so two overlapping digits could both be long.
//
// Routing by agreement. Each of the 288 primary capsules (small pieces of stroke, from a
// convolution) predicts the pose of each digit capsule through its own 16×8 matrix:
// û_j|i = W_ij·u_i. Where do the pieces belong? Start by splitting every vote evenly; form each
// digit as the squashed weighted sum of the votes it got, s_j = Σ_i c_ij·û_j|i; then give each
// piece more of a say in the digits its vote agreed with (b_ij += û_j|i·v_j, c_i = softmax_j b_i)
// and repeat. Three rounds, and the pieces of a 7 send themselves to the 7 capsule: the parts find
// their whole.
//
// Reconstruction. A decoder (160 → 512 → 1024 → 784) redraws the digit from the 16 numbers of the
// true digit's capsule alone (the others are masked to zero). Its error, scaled by 0.0005, is
// added to the loss: to be redrawn, the capsule has to describe how the digit looks.
//
//   [32, 1, 28, 28] → Conv2d(1→64, 9×9) → ReLU → [32, 64, 20, 20]
//   → PrimaryCapsules(8 channels × 8D, 9×9, stride 2) → [32, 288, 8] (squashed)
//   → DigitCapsules(10 × 16D, 3 routing iterations) → [32, 10, 16] → lengths [32, 10]
//
// Writes out/capsnet-reconstructions.png (held-out digits and what the decoder draws from their
// winning capsule) and out/capsnet-dimensions.png (each of the 16 dimensions of the winning
// capsule nudged from −0.25 to +0.25: stroke width, slant, size, ...).
import { mkdirSync } from "node:fs";
import { capsuleAccuracy, fitCapsNet, loadMnist, manualSeed, models, nn, optim, ready } from "../src/index.js";
import { perturbationFigure, reconstructionFigure } from "../src/viz/capsules.js";

const epochs = Number(process.argv[2] ?? 3);
await ready();
const { train, test } = await loadMnist({ shape: "image" });
manualSeed(1);

const net = models.capsNet(); // 64 conv channels, 8 primary capsule channels: the paper's net, narrower
console.log(nn.summary(net, [1, 1, 28, 28]));
const opt = new optim.Adam(net.parameters(), { lr: 1e-3 });
// Each epoch: margin loss + 0.0005 × reconstruction error, Adam, the step size × 0.9 after each.
await fitCapsNet(net, train, { epochs, optimizer: opt, lrDecay: 0.9, validation: test, seed: 1 });
console.log(`test accuracy ${(100 * capsuleAccuracy(net, test)).toFixed(2)} % on ${test.length} held-out digits (the longest capsule is the answer)`);

mkdirSync("out", { recursive: true });
reconstructionFigure(net, test, 16).save("out/capsnet-reconstructions.png");
perturbationFigure(net, test, [0, 1, 2]).save("out/capsnet-dimensions.png");
console.log("reconstructions → out/capsnet-reconstructions.png, what each capsule dimension encodes → out/capsnet-dimensions.png");
