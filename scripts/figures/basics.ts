// Figures of the first concepts: one neuron, what its weights and bias do, the activation
// functions and their derivatives, the loss functions and their gradients, and a computation
// graph after backward(). Every curve is computed by wasmnn itself: the derivatives and
// gradients come from backward(), not from formulas typed in here.
import { losses, nn, noGrad, ops, tensor, type Tensor } from "../../src/index.js";
import { graphFigure } from "../../src/viz/graph.js";
import { PALETTE, type Canvas } from "../../src/viz/png.js";
import { heatmap, legend, linePlot, panels } from "../../src/viz/plot.js";
import { planeGrid } from "./common.js";

const xs = (lo: number, hi: number, n: number): number[] => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/** f(x) and f'(x) at every x, the derivative by backpropagation through f. */
function withDerivative(f: (t: Tensor) => Tensor, x: number[]): { y: number[]; dy: number[] } {
  const t = tensor(x, [x.length], { requiresGrad: true });
  const y = f(t);
  ops.sum(y).backward(); // d(Σ f(x_i))/dx_i = f'(x_i): each output depends on its own input only
  const out = { y: Array.from(y.toArray()), dy: Array.from(t.grad!.toArray()) };
  t.dispose();
  y.dispose();
  return out;
}

export function activations(): Canvas {
  const x = xs(-4, 4, 321);
  const fs: [string, (t: Tensor) => Tensor][] = [
    ["ReLU", ops.relu],
    ["LeakyReLU(0.1)", (t) => ops.leakyRelu(t, 0.1)],
    ["sigmoid", ops.sigmoid],
    ["tanh", ops.tanh],
    ["GELU", ops.gelu],
  ];
  const curves = fs.map(([name, f]) => ({ name, ...withDerivative(f, x) }));
  const plot = (title: string, key: "y" | "dy", yLabel: string, y: { lo: number; hi: number }): Canvas =>
    linePlot({ title, xLabel: "x", yLabel, series: curves.map((c, k) => ({ name: c.name, x, y: c[key], color: PALETTE[k] })), width: 520, height: 380, y, legend: "top-left" });
  return panels([plot("Activation functions f(x)", "y", "f(x)", { lo: -1.5, hi: 4 }), plot("Their derivatives f'(x), by backward()", "dy", "f'(x)", { lo: -0.2, hi: 1.3 })], 2, "Activation functions and their derivatives");
}

export function neuron(): Canvas {
  // One neuron with two inputs: y = σ(w·x + b), w = (1.5, −1), b = 0.5.
  const fc = new nn.Linear(2, 1);
  fc.weight.set([1.5, -1]);
  fc.bias!.set([0.5]);
  const n = 200;
  const y = noGrad(() => {
    const out = ops.sigmoid(fc.forward(tensor(planeGrid(-3, 3, n), [n * n, 2])));
    const v = out.toArray();
    out.dispose();
    return v;
  });
  const { canvas: c, axes: ax } = heatmap(y, n, n, {
    title: "One neuron: y = σ(w·x + b), w = (1.5, −1), b = 0.5",
    xLabel: "input x1",
    yLabel: "input x2",
    valueLabel: "output y",
    x: { lo: -3, hi: 3 },
    y: { lo: -3, hi: 3 },
    range: { lo: 0, hi: 1 },
    width: 680,
    height: 590,
  });
  // The boundary w·x + b = 0 (y = 0.5) is the line x2 = 1.5·x1 + 0.5, drawn where it crosses the square.
  ax.line([-7 / 3, 5 / 3], [-3, 3], [0, 0, 0], 2);
  // w is perpendicular to it and points towards y → 1: an arrow from a point of the boundary.
  const arrowColor = [255, 127, 14];
  const [ox, oy, dx, dy] = [-0.2, 0.2, 1.2, -0.8];
  ax.line([ox, ox + dx], [oy, oy + dy], arrowColor, 3);
  const len = Math.hypot(dx, dy);
  for (const turn of [0.45, -0.45]) {
    const [ux, uy] = [-dx / len, -dy / len];
    const [rx, ry] = [ux * Math.cos(turn) - uy * Math.sin(turn), ux * Math.sin(turn) + uy * Math.cos(turn)];
    ax.line([ox + dx, ox + dx + 0.35 * rx], [oy + dy, oy + dy + 0.35 * ry], arrowColor, 3);
  }
  legend(c, ax.box, [{ name: "w·x + b = 0, where y = 0.5", color: [0, 0, 0] }, { name: "w, perpendicular to it", color: arrowColor }], "top-left");
  return c;
}

export function weightsAndBiases(): Canvas {
  const x = xs(-6, 6, 241);
  const neuronCurve = (w: number, b: number): number[] => {
    const fc = new nn.Linear(1, 1);
    fc.weight.set([w]);
    fc.bias!.set([b]);
    return noGrad(() => {
      const out = ops.sigmoid(fc.forward(tensor(x, [x.length, 1])));
      const v = Array.from(out.toArray());
      out.dispose();
      return v;
    });
  };
  const common = { xLabel: "input x", yLabel: "σ(w·x + b)", width: 480, height: 360, y: { lo: -0.05, hi: 1.05 }, legend: "top-left" as const };
  const weights = linePlot({ ...common, title: "The weight sets the slope (b = 0)", series: [0.5, 1, 2, 5].map((w, k) => ({ name: `w = ${w}`, x, y: neuronCurve(w, 0), color: PALETTE[k] })) });
  const biases = linePlot({ ...common, title: "The bias shifts it (w = 1)", series: [-2, 0, 2].map((b, k) => ({ name: `b = ${b}`.replace("-", "−"), x, y: neuronCurve(1, b), color: PALETTE[k + 4] })) });
  return panels([weights, biases], 2, "Weights and biases of one sigmoid neuron: the boundary sits at x = −b/w");
}

export function lossFunctions(): Canvas {
  // A classifier's score z for the true class (target 1): its probability is σ(z).
  const z = xs(-6, 6, 241);
  const pointwise = (f: (zt: Tensor) => Tensor): { y: number[]; dy: number[] } => {
    const y: number[] = [];
    const dy: number[] = [];
    for (const v of z) {
      const zt = tensor([v], [1, 1], { requiresGrad: true });
      const loss = f(zt);
      loss.backward();
      y.push(loss.item());
      dy.push(zt.grad!.item());
      zt.dispose();
      loss.dispose();
    }
    return { y, dy };
  };
  const one = tensor([1], [1, 1]);
  const bce = pointwise((zt) => losses.binaryCrossEntropy(zt, one));
  const mse = pointwise((zt) => losses.mse(ops.sigmoid(zt), one));
  const series = (key: "y" | "dy") => [
    { name: "cross-entropy −log σ(z)", x: z, y: bce[key], color: PALETTE[0] },
    { name: "squared error (σ(z) − 1)²", x: z, y: mse[key], color: PALETTE[1] },
  ];
  const common = { xLabel: "score z of the true class (its probability is σ(z))", width: 520, height: 380 };
  return panels(
    [
      linePlot({ ...common, title: "Loss for a target of 1", yLabel: "loss", series: series("y"), y: { lo: -0.2, hi: 6.2 } }),
      linePlot({ ...common, title: "Its gradient d(loss)/dz, by backward()", yLabel: "d(loss)/dz", series: series("dy"), y: { lo: -1.1, hi: 0.1 }, legend: "bottom-right" }),
    ],
    2,
    "Why classifiers train on cross-entropy: its gradient stays large when the net is badly wrong",
  );
}

/** The same graph twice: as nn.drawGraph's SVG, and as a PNG figure drawn with the bitmap font. */
export function graph(): Record<string, Canvas | string> {
  // One neuron and its squared error: loss = (tanh(x·wᵀ + b) − y)², micrograd's example on tensors.
  const x = tensor([2, 0], [1, 2]);
  const w = tensor([-3, 1], [1, 2], { requiresGrad: true });
  const b = tensor([6.8814], [1], { requiresGrad: true });
  const y = tensor([1], [1, 1]);
  const n = ops.linear(x, w, b);
  const o = ops.tanh(n);
  const loss = ops.sum(ops.square(ops.sub(o, y)));
  nn.retainGrads(loss).backward();
  const labels = { x, w, b, y, n, o, loss };
  return {
    graph: graphFigure(loss, { title: "Backpropagation: loss = (tanh(x·wᵀ + b) − y)², after loss.backward()", labels }),
    "graph.svg": nn.drawGraph(loss, { title: "loss = (tanh(x·wᵀ + b) − y)² after loss.backward()", labels }),
  };
}
