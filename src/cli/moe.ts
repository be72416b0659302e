// `wasmnn train moe`: a mixture of experts on the piecewise task (a different function on each
// quadrant of [−1, 1]²) against a single MLP with as many parameters. Reports both test errors,
// how the gate routes each quadrant, and writes the gate's map of the input space as a PNG.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { evaluate, fit, manualSeed, models, optim, piecewise4, scope, tensor, type nn } from "../index.js";
import { PALETTE, type Canvas } from "../viz/png.js";
import { axesOn, figure, legend } from "../viz/plot.js";
import { choice, num, type Options } from "./args.js";
import { fitCheckpoints } from "./checkpoint.js";

export async function trainMoe(o: Options): Promise<void> {
  const seed = num(o, "seed", 1);
  const epochs = num(o, "epochs", 100);
  const experts = num(o, "experts", 4);
  const hidden = num(o, "hidden", 8);
  const lr = num(o, "lr", 0.01);
  const topK = o["top-k"] === undefined ? undefined : num(o, "top-k", experts);
  const lossKind = choice(o, "loss", ["competitive", "blend"] as const, "competitive");
  const out = typeof o.out === "string" ? o.out : "out";
  const train = piecewise4({ n: 2000, seed });
  const test = piecewise4({ n: 2000, seed: seed + 1 });

  manualSeed(seed);
  const moe = models.mixtureOfExperts({ inputs: 2, outputs: 1, experts, expertHidden: [hidden], topK });
  const single = models.mlpWithParameters(moe.parameterCount(), 2, 1);
  console.log(`piecewise task: ${train.length} training and ${test.length} test points in [−1, 1]², a different function per quadrant; backend ${o.backend ?? "wasm"}, seed ${seed}`);
  console.log(`  ${moe.describe()}: ${experts} experts 2→${hidden}→1 and a linear gate, ${moe.parameterCount()} parameters; ${lossKind === "competitive" ? "competitive loss (Jacobs et al., 1991), σ = 0.5" : "MSE of the blended output"} + 0.1 × load-balancing loss`);
  const loss = lossKind === "competitive" ? models.competitiveLoss(moe, 0.5, 0.1) : models.moeLoss(moe, "mse", 0.1);
  let t0 = performance.now();
  const moeOpt = new optim.Adam(moe.parameters(), { lr });
  await fit(moe, train, { epochs, batchSize: 32, optimizer: moeOpt, loss, verbose: false, seed, ...(await fitCheckpoints(o, moe, moeOpt, epochs, [1, 2], "mixture")) });
  const moeSeconds = (performance.now() - t0) / 1000;
  moe.resetUsage();
  const moeMse = evaluate(moe, test, { loss: "mse" }).loss;
  const usage = moe.usage();

  manualSeed(seed);
  t0 = performance.now();
  const singleOpt = new optim.Adam(single.parameters(), { lr });
  await fit(single, train, { epochs, batchSize: 32, optimizer: singleOpt, loss: "mse", verbose: false, seed, ...(await fitCheckpoints(o, single, singleOpt, epochs, [1, 2], "single")) });
  const singleSeconds = (performance.now() - t0) / 1000;
  const singleMse = evaluate(single, test, { loss: "mse" }).loss;
  console.log(`  test MSE: mixture ${moeMse.toExponential(3)} (${moeSeconds.toFixed(1)} s) vs single MLP 2→${(single.layers[0] as nn.Linear).outFeatures}→1, ${single.parameterCount()} parameters, ${singleMse.toExponential(3)} (${singleSeconds.toFixed(1)} s): ${(singleMse / moeMse).toFixed(2)}× lower with the mixture`);

  const routing = models.regionRouting(moe, test.x, test.regions, 4);
  console.log("  test points routed (top gate value) per quadrant:");
  routing.share.forEach((row, r) => {
    const d = routing.dominant[r];
    console.log(`    quadrant ${r}: ${row.map((v, e) => `expert ${e} ${(100 * v).toFixed(1)}%`).join(", ")}  → expert ${d.expert} takes ${(100 * d.fraction).toFixed(1)}%`);
  });
  console.log(`  usage over the test set: top-1 share ${usage.top1.map((v) => (100 * v).toFixed(1) + "%").join(" / ")}, mean gate ${usage.meanGate.map((v) => v.toFixed(3)).join(" / ")}`);
  mkdirSync(out, { recursive: true });
  const path = join(out, "moe-gate.png");
  gateMap(moe).save(path);
  console.log(`  wrote ${path} (each pixel: the colour of its top expert, paler where the gate is less sure; black lines: the quadrant borders)`);
}

/** The gate's decision over [−1, 1]²: colour = top expert, saturation = its gate probability. */
export function gateMap(moe: ReturnType<typeof models.mixtureOfExperts>, size = 400): Canvas {
  const e = moe.experts.length;
  const grid = new Float32Array(size * size * 2);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      grid[2 * (j * size + i)] = -1 + (2 * (i + 0.5)) / size;
      grid[2 * (j * size + i) + 1] = 1 - (2 * (j + 0.5)) / size;
    }
  }
  const { probs, top1 } = scope(() => moe.gateProbabilities(tensor(grid, [size * size, 2])));
  const c = figure(size + 220, size + 70, "Mixture of experts: which expert the gate picks");
  const ax = axesOn(c, { lo: -1, hi: 1 }, { lo: -1, hi: 1 }, 150);
  const { x, y, w, h } = ax.box;
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const q = Math.min(size - 1, Math.floor((j / h) * size)) * size + Math.min(size - 1, Math.floor((i / w) * size));
      const p = probs[q * e + top1[q]];
      c.set(x + i, y + j, PALETTE[top1[q] % PALETTE.length].map((v) => Math.round(255 - p * (255 - v))));
    }
  }
  ax.frame("x1", "x2", { grid: false });
  ax.line([0, 0], [-1, 1], [0, 0, 0], 1);
  ax.line([-1, 1], [0, 0], [0, 0, 0], 1);
  const entries = Array.from({ length: e }, (_, k) => ({ name: `expert ${k}`, color: PALETTE[k % PALETTE.length] }));
  legend(c, { ...ax.box, w: ax.box.w + 140 }, [...entries, { name: "quadrant borders", color: [0, 0, 0] }]);
  c.text(x + w + 12, y + h - 10, "paler: less sure", { color: [90, 90, 90] });
  return c;
}
