// Radial basis function networks: approximating a curve and separating two spirals.
//
//     npx tsx examples/rbf.ts [epochs=200]
//
// An RBF neuron does not weigh its inputs; it measures how far the input is from a point of its
// own, its center c, and answers with a bump: φ = exp(−‖x − c‖²/2σ²), 1 at the center and fading
// over a distance of about σ, its width. A layer of such neurons lays bumps over the input
// space, and a linear readout y = W·φ + b adds them up, each scaled by its weight. With enough
// bumps in the right places any smooth function can be built this way.
//
// That structure gives a second way to train, besides gradient descent:
//   1. put the centers where the data are (k-means clustering) and make each bump about as wide
//      as the gap to its nearest neighbour;
//   2. then the output is linear in W and b, so the best readout is the least-squares solution
//      of one linear system, (ΦᵀΦ + λI)w = Φᵀy — solved exactly, no learning rate, no epochs.
// Below, both ways, on two tasks; the closed form takes a fraction of a second.
import { mkdirSync } from "node:fs";
import { evaluate, fit, kmeans, manualSeed, models, optim, predict, ready, sinCos, twoSpirals } from "../src/index.js";
import { Canvas, PALETTE } from "../src/viz/png.js";

const epochs = Number(process.argv[2] ?? 200);
await ready();
mkdirSync("out", { recursive: true });

// ---- 1. Function approximation: sin(x)·cos(2x) on [−π, π] ----
const train = sinCos({ n: 500, seed: 1 }); // random x, exact targets
const test = sinCos({ n: 1000, seed: 2, grid: true }); // an even grid over the whole interval

// What k-means does on its own: 20 centers for 500 points on a line.
const clusters = kmeans(train.x, 1, 20, { seed: 1 });
console.log(`k-means: 20 centers, ${clusters.iterations} iterations, inertia ${clusters.inertia.toFixed(3)}`);

// The closed form. rbfNetwork runs k-means on `data` and sets the widths; solveReadout does step 2.
const closed = models.rbfNetwork({ inputs: 1, centers: 20, outputs: 1, data: train.x, seed: 1 });
const solved = closed.solveReadout(train.x, train.y);
const closedMse = evaluate(closed, test, { loss: "mse" }).loss;
console.log(`closed form, 20 centers: train MSE ${solved.mse.toExponential(2)}, test MSE ${closedMse.toExponential(2)}`);

// Fewer bumps, coarser fit: the error falls quickly with the number of centers.
for (const k of [5, 10, 15, 30]) {
  const net = models.rbfNetwork({ inputs: 1, centers: k, outputs: 1, data: train.x, seed: 1 });
  net.solveReadout(train.x, train.y);
  console.log(`  ${String(k).padStart(2)} centers: test MSE ${evaluate(net, test, { loss: "mse" }).loss.toExponential(2)}`);
}

// Gradient descent on everything: centers, widths and readout all move (starting from the same
// k-means placement). Slower, but it can adapt the bumps themselves.
manualSeed(1);
const gd = models.rbfNetwork({ inputs: 1, centers: 20, outputs: 1, data: train.x, seed: 1 });
await fit(gd, train, { epochs, batchSize: 20, optimizer: new optim.Adam(gd.parameters(), { lr: 0.01 }), loss: "mse", verbose: false });
console.log(`gradient descent, 20 centers, ${epochs} epochs: test MSE ${evaluate(gd, test, { loss: "mse" }).loss.toExponential(2)}`);

// The bumps themselves: each weighted bump w_j·φ_j(x) in a pale colour, their sum in black.
{
  const w = 600, h = 320;
  const c = new Canvas(w, h);
  const px = (x: number) => ((x + Math.PI) / (2 * Math.PI)) * (w - 1);
  const py = (y: number) => h / 2 - y * h * 0.35;
  const phiT = predict(closed.rbf, test.x, { sampleShape: [1] });
  const phi = phiT.toArray();
  phiT.dispose();
  const weights = closed.readout.weight.toArray();
  const bias = closed.readout.bias!.item();
  for (let i = 0; i < test.length; i++) {
    const x = px(test.x[i]);
    let y = bias;
    for (let j = 0; j < 20; j++) {
      const term = weights[j] * phi[i * 20 + j];
      y += term;
      c.set(x, py(term), PALETTE[j % 10].map((v) => Math.round(255 - 0.5 * (255 - v))));
    }
    c.dot(x, py(y), 1, [0, 0, 0]);
  }
  c.save("out/rbf-bumps.png");
  console.log("wrote out/rbf-bumps.png (the 20 weighted bumps, and their sum: the fitted curve)");
}

// ---- 2. Classification: two spirals ----
// Two classes wound around each other; no straight line separates them. Targets for the closed
// form are one-hot rows ([1, 0] or [0, 1]): the readout regresses onto them, and the larger
// output is the predicted class.
const spirals = twoSpirals({ pointsPerClass: 200, noise: 0.02, seed: 1 });
const held = twoSpirals({ pointsPerClass: 200, noise: 0.02, seed: 2 }); // fresh noise: held-out points
const sc = models.rbfNetwork({ inputs: 2, centers: 40, outputs: 2, data: spirals.x, seed: 1 });
sc.solveReadout(spirals.x, spirals.y);
const accuracy = (m: models.RbfNetwork) => `${(100 * evaluate(m, held, { loss: "crossEntropy" }).accuracy!).toFixed(2)}%`;
console.log(`two spirals, 40 centers, closed form: held-out accuracy ${accuracy(sc)}`);
manualSeed(1);
const sg = models.rbfNetwork({ inputs: 2, centers: 40, outputs: 2, data: spirals.x, seed: 1 });
await fit(sg, spirals, { epochs: 100, batchSize: 32, optimizer: new optim.Adam(sg.parameters(), { lr: 0.01 }), loss: "crossEntropy", verbose: false });
console.log(`two spirals, 40 centers, gradient descent (100 epochs): held-out accuracy ${accuracy(sg)}`);

// Other bases: the multiquadric √(1 + s) grows with distance instead of fading, yet a readout
// over many of them still fits; the inverse multiquadric is a heavy-tailed bump.
for (const basis of ["multiquadric", "inverseMultiquadric"] as const) {
  const net = models.rbfNetwork({ inputs: 1, centers: 20, outputs: 1, basis, data: train.x, seed: 1 });
  net.solveReadout(train.x, train.y);
  console.log(`${basis}, 20 centers, closed form: test MSE ${evaluate(net, test, { loss: "mse" }).loss.toExponential(2)}`);
}
