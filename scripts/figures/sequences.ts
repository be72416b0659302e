// Figures of recurrent networks on the adding problem (T = 50): how the plain RNN, the LSTM and the
// GRU learn it, how far back each one's gradient reaches, and what the LSTM's gates do along one
// sequence. One training run per cell serves all three figures.
import { addingProblem, losses, manualSeed, nn, noGrad, ops, optim, scope, tensor, type Tensor } from "../../src/index.js";
import { PALETTE, type Canvas } from "../../src/viz/png.js";
import { diverging, heatmap, linePlot, panels, viridis } from "../../src/viz/plot.js";

const T = 50;
const HIDDEN = 64;
const BATCH = 32;
export const STEPS = 1500;
const EVERY = 50;

interface Trained {
  name: string;
  rnn: nn.RNN | nn.LSTM | nn.GRU;
  head: nn.Linear;
  curve: { step: number; mse: number }[];
  /** log10 ‖∂loss/∂x_t‖ per step t, before and after training. */
  reachBefore: number[];
  reachAfter: number[];
}

const predict = (rnn: Trained["rnn"], head: nn.Linear, x: Tensor): Tensor => head.forward(ops.reshape(rnn.forwardWithState(x).h, [x.shape[0], HIDDEN]));

/** How strongly the loss depends on the input at each step: the norm of ∂loss/∂x_t over a batch. */
function gradientReach(rnn: Trained["rnn"], head: nn.Linear, data: { x: Float32Array; y: Float32Array }): number[] {
  return scope(() => {
    const n = 64;
    const x = tensor(data.x.subarray(0, n * T * 2), [n, T, 2], { requiresGrad: true });
    losses.mse(predict(rnn, head, x), tensor(data.y.subarray(0, n), [n, 1])).backward();
    const g = x.grad!.toArray();
    for (const p of [...rnn.parameters(), ...head.parameters()]) {
      p.grad?.dispose();
      p.grad = null;
    }
    x.grad!.dispose();
    return Array.from({ length: T }, (_, t) => {
      let s = 0;
      for (let b = 0; b < n; b++) for (let k = 0; k < 2; k++) s += g[(b * T + t) * 2 + k] ** 2;
      return Math.log10(Math.sqrt(s));
    });
  });
}

function train(Cell: typeof nn.RNN | typeof nn.LSTM | typeof nn.GRU): Trained {
  const data = addingProblem({ length: T, count: STEPS * BATCH, seed: 1 });
  const valid = addingProblem({ length: T, count: 500, seed: 2 });
  manualSeed(1);
  const rnn = new Cell(2, HIDDEN, { batchFirst: true });
  const head = new nn.Linear(HIDDEN, 1);
  const params = [...rnn.parameters(), ...head.parameters()];
  const opt = new optim.Adam(params, { lr: 3e-3 });
  const reachBefore = gradientReach(rnn, head, valid);
  const curve: Trained["curve"] = [];
  for (let step = 0; step <= STEPS; step++) {
    if (step % EVERY === 0) curve.push({ step, mse: scope(() => noGrad(() => losses.mse(predict(rnn, head, tensor(valid.x, [500, T, 2])), tensor(valid.y, [500, 1])).item())) });
    if (step === STEPS) break;
    scope(() => {
      const x = tensor(data.x.subarray(step * BATCH * T * 2, (step + 1) * BATCH * T * 2), [BATCH, T, 2]);
      const y = tensor(data.y.subarray(step * BATCH, (step + 1) * BATCH), [BATCH, 1]);
      const loss = losses.mse(predict(rnn, head, x), y);
      opt.zeroGrad();
      loss.backward();
      nn.clipGradNorm(params, 1);
      opt.step();
    });
  }
  opt.zeroGrad();
  return { name: Cell.name, rnn, head, curve, reachBefore, reachAfter: gradientReach(rnn, head, valid) };
}

function curves(runs: Trained[]): Canvas {
  return linePlot({
    title: `Adding problem, T = ${T}: validation MSE while training`,
    xLabel: "training step",
    yLabel: "validation MSE",
    series: [
      ...runs.map((r, k) => ({ name: r.name, x: r.curve.map((c) => c.step), y: r.curve.map((c) => c.mse), color: PALETTE[k] })),
      { name: "predicting the mean (0.167)", x: [0, STEPS], y: [1 / 6, 1 / 6], color: [150, 150, 150] },
    ],
    width: 760,
    height: 420,
    y: { lo: 0, hi: 0.25 },
  });
}

function reach(runs: Trained[]): Canvas {
  const t = Array.from({ length: T }, (_, k) => k);
  const plot = (title: string, key: "reachBefore" | "reachAfter"): Canvas =>
    linePlot({ title, xLabel: "input step t (the prediction is made after step 49)", yLabel: "log10 ‖∂loss/∂x_t‖", series: runs.map((r, k) => ({ name: r.name, x: t, y: r[key], color: PALETTE[k] })), width: 520, height: 400, legend: "bottom-right" });
  return panels([plot("At initialization", "reachBefore"), plot(`After ${STEPS} training steps`, "reachAfter")], 2, "How far back the gradient reaches: the loss's sensitivity to each input step");
}

/** The LSTM's gates along one sequence, recomputed step by step from its weights with ops. */
function gates(lstm: nn.LSTM, x: Float32Array): { i: number[][]; f: number[][]; o: number[][]; c: number[][] } {
  const w = Object.fromEntries(lstm.namedParameters());
  const H = HIDDEN;
  const out = { i: [] as number[][], f: [] as number[][], o: [] as number[][], c: [] as number[][] };
  scope(() =>
    noGrad(() => {
      let h = tensor(new Float32Array(H), [1, H]);
      let c = tensor(new Float32Array(H), [1, H]);
      for (let t = 0; t < T; t++) {
        const z = ops.add(ops.linear(tensor(x.subarray(2 * t, 2 * t + 2), [1, 2]), w.weight_ih_l0, w.bias_ih_l0), ops.linear(h, w.weight_hh_l0, w.bias_hh_l0));
        // PyTorch's gate order: i, f, g, o.
        const [i, f, g, o] = [0, 1, 2, 3].map((k) => ops.slice(z, 1, k * H, (k + 1) * H));
        const [si, sf, so] = [ops.sigmoid(i), ops.sigmoid(f), ops.sigmoid(o)];
        c = ops.add(ops.mul(sf, c), ops.mul(si, ops.tanh(g)));
        h = ops.mul(so, ops.tanh(c));
        out.i.push(Array.from(si.toArray()));
        out.f.push(Array.from(sf.toArray()));
        out.o.push(Array.from(so.toArray()));
        out.c.push(Array.from(c.toArray()));
      }
      // The recomputation must be the layer's own arithmetic: compare the final h with forward's.
      const ref = lstm.forwardWithState(tensor(x, [1, T, 2])).h.toArray();
      const got = h.toArray();
      const err = Math.max(...Array.from(got, (v, k) => Math.abs(v - ref[k])));
      if (err > 1e-4) throw new Error(`lstm-gates: recomputed h differs from LSTM.forward by ${err}`);
    }),
  );
  return out;
}

function gateFigure(lstm: nn.LSTM): Canvas {
  const seq = addingProblem({ length: T, count: 1, seed: 7 });
  const g = gates(lstm, seq.x);
  const marked = Array.from({ length: T }, (_, t) => t).filter((t) => seq.x[2 * t + 1] === 1);
  // The units whose cell state moves most at the two marked steps: where the memory is.
  const jump = (u: number): number => marked.reduce((s, t) => s + Math.abs(g.c[t][u] - (t > 0 ? g.c[t - 1][u] : 0)), 0);
  const units = Array.from({ length: HIDDEN }, (_, u) => u).sort((a, b) => jump(b) - jump(a)).slice(0, 12);
  const t = Array.from({ length: T }, (_, k) => k);
  const input = linePlot({
    title: `One sequence: target ${seq.y[0].toFixed(3)} = ${marked.map((m) => seq.x[2 * m].toFixed(3)).join(" + ")}`,
    xLabel: "step t",
    yLabel: "input",
    series: [
      { name: "value", x: t, y: t.map((k) => seq.x[2 * k]), color: PALETTE[0] },
      { name: "marker", x: t, y: t.map((k) => seq.x[2 * k + 1]), color: PALETTE[3] },
    ],
    width: 560,
    height: 300,
    x: { lo: 0, hi: T },
    y: { lo: -0.05, hi: 1.3 },
  });
  const map = (name: string, m: number[][], range: { lo: number; hi: number }): Canvas => {
    const values = units.flatMap((u) => t.map((k) => m[k][u]));
    return heatmap(values, units.length, T, { title: name, xLabel: "step t", yLabel: "unit (by activity at the markers)", valueLabel: "value", x: { lo: 0, hi: T }, y: { lo: units.length, hi: 0 }, range, cmap: range.lo < 0 ? diverging : viridis, width: 560, height: 300 }).canvas;
  };
  return panels(
    [input, map("cell state c", g.c, { lo: -2, hi: 2 }), map("input gate i: write", g.i, { lo: 0, hi: 1 }), map("forget gate f: keep", g.f, { lo: 0, hi: 1 }), map("output gate o: show", g.o, { lo: 0, hi: 1 })],
    2,
    `Inside the trained LSTM: gates of the ${units.length} units that store the marked values`,
  );
}

export async function recurrentFigures(): Promise<Record<string, Canvas>> {
  const runs = [train(nn.RNN), train(nn.LSTM), train(nn.GRU)];
  for (const r of runs) console.log(`  ${r.name}: validation MSE ${r.curve[r.curve.length - 1].mse.toFixed(4)} after ${STEPS} steps`);
  return { "recurrent-curves": curves(runs), "gradient-reach": reach(runs), "lstm-gates": gateFigure(runs[1].rnn as nn.LSTM) };
}
