// `wasmnn train rbf`: radial basis function networks on two generated tasks — approximating
// sin(x)·cos(2x) on [−π, π], and separating two spirals — each solved two ways: k-means centers
// with the readout in closed form, and gradient descent on every parameter. Writes a picture of
// each fit.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { evaluate, fit, manualSeed, models, optim, predict, sinCos, twoSpirals, type Dataset } from "../index.js";
import type { BasisName } from "../nn/rbf.js";
import { PALETTE, type Canvas } from "../viz/png.js";
import { axesOn, figure, legend } from "../viz/plot.js";
import { choice, num, type Options } from "./args.js";
import { fitCheckpoints } from "./checkpoint.js";

export async function trainRbf(o: Options): Promise<void> {
  const seed = num(o, "seed", 1);
  const epochs = num(o, "epochs", 200);
  const lr = num(o, "lr", 0.01);
  const basis = choice<BasisName>(o, "basis", ["gaussian", "multiquadric", "inverseMultiquadric"], "gaussian");
  const out = typeof o.out === "string" ? o.out : "out";
  mkdirSync(out, { recursive: true });
  const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(2)} s`;

  // ---- function approximation ----
  const centers = num(o, "centers", 20);
  const train = sinCos({ n: 500, seed });
  const test = sinCos({ n: 1000, seed: seed + 1, grid: true });
  console.log(`sin(x)·cos(2x) on [−π, π]: ${train.length} random training points, ${test.length} test points on a grid; ${centers} ${basis} centers; backend ${o.backend ?? "wasm"}, seed ${seed}`);
  manualSeed(seed);
  let t0 = performance.now();
  const closed = models.rbfNetwork({ inputs: 1, centers, outputs: 1, basis, data: train.x, seed });
  const solved = closed.solveReadout(train.x, train.y);
  console.log(`  closed form (k-means + least squares): train MSE ${solved.mse.toExponential(2)}, test MSE ${mse(closed, test).toExponential(2)} (${secs(t0)})`);
  manualSeed(seed);
  t0 = performance.now();
  const gd = models.rbfNetwork({ inputs: 1, centers, outputs: 1, basis, data: train.x, seed });
  const gdOpt = new optim.Adam(gd.parameters(), { lr });
  await fit(gd, train, { epochs, batchSize: 20, optimizer: gdOpt, loss: "mse", verbose: false, seed, ...(await fitCheckpoints(o, gd, gdOpt, epochs, [1, 1], "sincos")) });
  console.log(`  gradient descent (Adam, ${epochs} epochs, centers and widths trained too): test MSE ${mse(gd, test).toExponential(2)} (${secs(t0)})`);
  const curve = join(out, "rbf-sincos.png");
  curvePicture(test, closed, gd).save(curve);
  console.log(`  wrote ${curve} (gray: sin(x)·cos(2x); blue: closed form; orange: gradient descent; ticks: closed-form centers)`);

  // ---- classification ----
  const k = num(o, "spiral-centers", 40);
  const spirals = twoSpirals({ pointsPerClass: 200, noise: 0.02, seed });
  const held = twoSpirals({ pointsPerClass: 200, noise: 0.02, seed: seed + 1 });
  console.log(`two spirals: ${spirals.length} training points, ${held.length} held-out points (noise 0.02); ${k} ${basis} centers`);
  t0 = performance.now();
  const sc = models.rbfNetwork({ inputs: 2, centers: k, outputs: 2, basis, data: spirals.x, seed });
  sc.solveReadout(spirals.x, spirals.y);
  console.log(`  closed form on one-hot labels: train ${acc(sc, spirals)}, held-out ${acc(sc, held)} (${secs(t0)})`);
  manualSeed(seed);
  t0 = performance.now();
  const sg = models.rbfNetwork({ inputs: 2, centers: k, outputs: 2, basis, data: spirals.x, seed });
  const sgOpt = new optim.Adam(sg.parameters(), { lr });
  const sgEpochs = Math.min(epochs, 100);
  await fit(sg, spirals, { epochs: sgEpochs, batchSize: 32, optimizer: sgOpt, loss: "crossEntropy", verbose: false, seed, ...(await fitCheckpoints(o, sg, sgOpt, sgEpochs, [1, 2], "spirals")) });
  console.log(`  gradient descent (cross-entropy, ${Math.min(epochs, 100)} epochs): train ${acc(sg, spirals)}, held-out ${acc(sg, held)} (${secs(t0)})`);
  const map = join(out, "rbf-spirals.png");
  spiralPicture(sg, spirals).save(map);
  console.log(`  wrote ${map} (decision regions of the gradient-descent network, training points, centers as black dots)`);
}

function mse(model: models.RbfNetwork, d: Dataset): number {
  return evaluate(model, d, { loss: "mse" }).loss;
}

function acc(model: models.RbfNetwork, d: Dataset): string {
  return `${(100 * evaluate(model, d, { loss: "crossEntropy" }).accuracy!).toFixed(2)}%`;
}

function curvePicture(test: Dataset, a: models.RbfNetwork, b: models.RbfNetwork): Canvas {
  const c = figure(680, 380, "RBF network fitting sin(x)·cos(2x)");
  const ax = axesOn(c, { lo: -Math.PI, hi: Math.PI }, { lo: -1.2, hi: 1.2 });
  ax.frame("x", "y");
  const pa = predict(a, test.x, { sampleShape: [1] });
  const pb = predict(b, test.x, { sampleShape: [1] });
  const ya = pa.toArray();
  const yb = pb.toArray();
  pa.dispose();
  pb.dispose();
  const grey = [190, 190, 190];
  ax.line(test.x, test.y, grey, 5);
  ax.line(test.x, ya, PALETTE[0], 2);
  ax.line(test.x, yb, PALETTE[1], 1);
  const centers = a.rbf.centers.toArray();
  for (const x of centers) ax.line([x, x], [-1.2, -1.05], [0, 0, 0], 1);
  legend(c, ax.box, [
    { name: "sin(x)·cos(2x)", color: grey },
    { name: "closed form (least squares)", color: PALETTE[0] },
    { name: "gradient descent", color: PALETTE[1] },
    { name: "centres (closed form)", color: [0, 0, 0] },
  ], "bottom-left");
  return c;
}

function spiralPicture(model: models.RbfNetwork, d: Dataset): Canvas {
  const size = 400;
  const lim = 1.1;
  const c = figure(size + 220, size + 70, "RBF network on two spirals: decision regions");
  const ax = axesOn(c, { lo: -lim, hi: lim }, { lo: -lim, hi: lim }, 150);
  const { x, y, w, h } = ax.box;
  const grid = new Float32Array(w * h * 2);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      grid[2 * (j * w + i)] = -lim + (2 * lim * (i + 0.5)) / w;
      grid[2 * (j * w + i) + 1] = lim - (2 * lim * (j + 0.5)) / h;
    }
  }
  const p = predict(model, grid, { sampleShape: [2], batchSize: 4096 });
  const logits = p.toArray();
  p.dispose();
  const tint = (k: number) => PALETTE[k].map((v) => Math.round(255 - 0.3 * (255 - v)));
  for (let q = 0; q < w * h; q++) c.set(x + (q % w), y + Math.floor(q / w), tint(logits[2 * q + 1] > logits[2 * q] ? 1 : 0));
  ax.frame("x1", "x2", { grid: false });
  for (let i = 0; i < d.length; i++) ax.scatter([d.x[2 * i]], [d.x[2 * i + 1]], PALETTE[d.y[i]], 2);
  const centers = model.rbf.centers.toArray();
  for (let j = 0; j < centers.length / 2; j++) ax.scatter([centers[2 * j]], [centers[2 * j + 1]], [0, 0, 0], 3);
  legend(c, { ...ax.box, w: ax.box.w + 140 }, [{ name: "class 0", color: PALETTE[0] }, { name: "class 1", color: PALETTE[1] }, { name: "centres", color: [0, 0, 0] }]);
  return c;
}
