// `wasmnn train rbf`: radial basis function networks on two generated tasks — approximating
// sin(x)·cos(2x) on [−π, π], and separating two spirals — each solved two ways: k-means centers
// with the readout in closed form, and gradient descent on every parameter. Writes a picture of
// each fit.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { evaluate, fit, manualSeed, models, optim, predict, sinCos, twoSpirals, type Dataset } from "../index.js";
import type { BasisName } from "../nn/rbf.js";
import { Canvas, PALETTE } from "../viz/png.js";
import { choice, num, type Options } from "./args.js";

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
  await fit(gd, train, { epochs, batchSize: 20, optimizer: new optim.Adam(gd.parameters(), { lr }), loss: "mse", verbose: false, seed });
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
  await fit(sg, spirals, { epochs: Math.min(epochs, 100), batchSize: 32, optimizer: new optim.Adam(sg.parameters(), { lr }), loss: "crossEntropy", verbose: false, seed });
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
  const w = 600, h = 300;
  const c = new Canvas(w, h);
  const px = (x: number) => ((x + Math.PI) / (2 * Math.PI)) * (w - 1);
  const py = (y: number) => h / 2 - y * (h * 0.4);
  c.fillRect(0, Math.round(py(0)), w, 1, [220, 220, 220]);
  const pa = predict(a, test.x, { sampleShape: [1] });
  const pb = predict(b, test.x, { sampleShape: [1] });
  const ya = pa.toArray();
  const yb = pb.toArray();
  pa.dispose();
  pb.dispose();
  for (let i = 0; i < test.length; i++) {
    const x = px(test.x[i]);
    c.dot(x, py(test.y[i]), 3, [200, 200, 200]);
    c.dot(x, py(ya[i]), 1, PALETTE[0]);
    c.dot(x, py(yb[i]), 1, PALETTE[1]);
  }
  const centers = a.rbf.centers.toArray();
  for (const x of centers) c.fillRect(Math.round(px(x)), h - 12, 1, 10, [0, 0, 0]);
  return c;
}

function spiralPicture(model: models.RbfNetwork, d: Dataset): Canvas {
  const size = 400;
  const c = new Canvas(size, size);
  const lim = 1.1;
  const grid = new Float32Array(size * size * 2);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      grid[2 * (j * size + i)] = -lim + (2 * lim * (i + 0.5)) / size;
      grid[2 * (j * size + i) + 1] = lim - (2 * lim * (j + 0.5)) / size;
    }
  }
  const p = predict(model, grid, { sampleShape: [2], batchSize: 4096 });
  const logits = p.toArray();
  p.dispose();
  const tint = (k: number) => PALETTE[k].map((v) => Math.round(255 - 0.3 * (255 - v)));
  for (let q = 0; q < size * size; q++) c.set(q % size, Math.floor(q / size), tint(logits[2 * q + 1] > logits[2 * q] ? 1 : 0));
  const toPx = (x: number, y: number): [number, number] => [((x + lim) / (2 * lim)) * size, ((lim - y) / (2 * lim)) * size];
  for (let i = 0; i < d.length; i++) c.dot(...toPx(d.x[2 * i], d.x[2 * i + 1]), 2, PALETTE[d.y[i]]);
  const centers = model.rbf.centers.toArray();
  for (let j = 0; j < centers.length / 2; j++) c.dot(...toPx(centers[2 * j], centers[2 * j + 1]), 3, [0, 0, 0]);
  return c;
}
