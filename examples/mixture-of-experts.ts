// A mixture of experts: several small networks, and a gate that learns which one to ask.
//
//     npx tsx examples/mixture-of-experts.ts [epochs=100]
//
// The task: a different function on each quadrant of the square [−1, 1]² (a ripple, a plane, a
// bowl, a saddle), with jumps at the borders. One network must bend a single smooth surface
// around all four pieces and the jumps between them. A mixture splits the problem instead:
//
//     y = Σ_e g_e(x) · expert_e(x),      g(x) = softmax(gate(x))
//
// The gate is a linear layer with a softmax: for every input it hands out weights that sum to 1.
// Nobody tells it where the quadrants are. Trained with the competitive loss of Jacobs, Jordan,
// Nowlan & Hinton (1991) — the likelihood of the target under a mixture of Gaussians centred on
// the experts' outputs — an expert is pulled towards an input only in proportion to how well it
// already explains it compared with the others. So experts compete, each wins a region, and the
// gate learns the borders: the network becomes modular (four simple models) and interpretable
// (the gate's map says who handles what). A small load-balancing term keeps every expert in use.
import { mkdirSync } from "node:fs";
import { evaluate, fit, manualSeed, models, optim, piecewise4, ready, scope, tensor } from "../src/index.js";
import { Canvas, PALETTE } from "../src/viz/png.js";

const epochs = Number(process.argv[2] ?? 100);
await ready();
mkdirSync("out", { recursive: true });
const train = piecewise4({ n: 2000, seed: 1 });
const test = piecewise4({ n: 2000, seed: 2 });

// Four experts 2 → 8 → 1 (tanh) and a linear gate 2 → 4: 4·33 + 12 = 144 parameters.
manualSeed(1);
const moe = models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 4, expertHidden: [8] });
await fit(moe, train, { epochs, batchSize: 32, optimizer: new optim.Adam(moe.parameters(), { lr: 0.01 }), loss: models.competitiveLoss(moe, 0.5, 0.1), verbose: false });

// The fair comparison: one MLP with (at most) as many parameters, trained as long.
manualSeed(1);
const single = models.mlpWithParameters(moe.parameterCount(), 2, 1);
await fit(single, train, { epochs, batchSize: 32, optimizer: new optim.Adam(single.parameters(), { lr: 0.01 }), loss: "mse", verbose: false });
const moeMse = evaluate(moe, test, { loss: "mse" }).loss;
const singleMse = evaluate(single, test, { loss: "mse" }).loss;
console.log(`test MSE: mixture (${moe.parameterCount()} parameters) ${moeMse.toFixed(4)}, single MLP (${single.parameterCount()} parameters) ${singleMse.toFixed(4)}`);

// Specialization, measured: for the test points of each quadrant, which expert has the largest gate value?
const routing = models.regionRouting(moe, test.x, test.regions, 4);
routing.dominant.forEach((d, q) => console.log(`quadrant ${q} → expert ${d.expert} for ${(100 * d.fraction).toFixed(1)}% of its points`));

// The gate's map of the input space: each pixel coloured by its top expert, paler where the gate
// hesitates. The black lines are the true borders, which the gate was never shown.
function gateMap(model: typeof moe, path: string): void {
  const size = 300;
  const grid = new Float32Array(size * size * 2);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) grid.set([-1 + (2 * (i + 0.5)) / size, 1 - (2 * (j + 0.5)) / size], 2 * (j * size + i));
  }
  const { probs, top1 } = scope(() => model.gateProbabilities(tensor(grid, [size * size, 2])));
  const e = model.experts.length;
  const c = new Canvas(size, size);
  for (let q = 0; q < size * size; q++) {
    const p = probs[q * e + top1[q]];
    c.set(q % size, Math.floor(q / size), PALETTE[top1[q]].map((v) => Math.round(255 - p * (255 - v))));
  }
  c.fillRect(size / 2, 0, 1, size, [0, 0, 0]);
  c.fillRect(0, size / 2, size, 1, [0, 0, 0]);
  c.save(path);
  console.log(`wrote ${path}`);
}
gateMap(moe, "out/moe-gate.png");

// Sparse routing: keep only each input's top-2 experts (renormalized), the Shazeer et al. (2017)
// way, and train on the plain error of the blended output. The load-balancing loss, E·Σ f_e·P_e
// (Switch Transformer), is what stops the gate from sending everything to the experts that
// happened to learn fastest; usage() shows how the inputs were shared out. Compare the two maps:
// trained on the blended output, experts cooperate (one patches another's residual), so the
// gate's regions follow the quadrants less cleanly than under the competitive loss.
manualSeed(1);
const sparse = models.mixtureOfExperts({ inputs: 2, outputs: 1, experts: 4, expertHidden: [8], topK: 2 });
await fit(sparse, train, { epochs, batchSize: 32, optimizer: new optim.Adam(sparse.parameters(), { lr: 0.01 }), loss: models.moeLoss(sparse, "mse", 0.1), verbose: false });
sparse.resetUsage();
console.log(`top-2 routing, blended-output loss: test MSE ${evaluate(sparse, test, { loss: "mse" }).loss.toFixed(4)}`);
const usage = sparse.usage();
console.log(`  share of test inputs whose top expert is e: ${usage.top1.map((v) => (100 * v).toFixed(1) + "%").join(", ")}`);
models.regionRouting(sparse, test.x, test.regions, 4).dominant.forEach((d, q) => console.log(`  quadrant ${q} → expert ${d.expert} for ${(100 * d.fraction).toFixed(1)}%`));
gateMap(sparse, "out/moe-gate-top2.png");
