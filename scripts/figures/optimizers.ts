// The optimizers on a 2-D loss surface: Rosenbrock's curved valley f(a, b) = (1 − a)² + 5(b − a²)²,
// minimum 0 at (1, 1). Each optimizer starts from the same point and takes the same number of
// steps, its gradient from backward() and its update from wasmnn's own kernels.
import { ops, optim, tensor, type Tensor } from "../../src/index.js";
import type { Canvas } from "../../src/viz/png.js";
import { heatmap, legend, panels } from "../../src/viz/plot.js";

export const START: [number, number] = [-1.6, 2.4];
export const STEPS = 200;

/** f(p) for p = [a, b], recorded so that backward() gives ∇f. */
export function rosenbrock(p: Tensor): Tensor {
  const a = ops.slice(p, 0, 0, 1);
  const b = ops.slice(p, 0, 1, 2);
  return ops.sum(ops.add(ops.square(ops.addScalar(ops.neg(a), 1)), ops.mulScalar(ops.square(ops.sub(b, ops.square(a))), 5)));
}

/** The points an optimizer visits from START, one per step. */
export function path(make: (params: Tensor[]) => optim.Optimizer, steps = STEPS): { a: number[]; b: number[]; loss: number } {
  const p = tensor(START, [2], { requiresGrad: true });
  const opt = make([p]);
  const a = [START[0]];
  const b = [START[1]];
  for (let k = 0; k < steps; k++) {
    const loss = rosenbrock(p);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    loss.dispose();
    const [x, y] = p.toArray();
    a.push(x);
    b.push(y);
  }
  const final = rosenbrock(p);
  const out = { a, b, loss: final.item() };
  final.dispose();
  opt.zeroGrad();
  opt.dispose();
  p.dispose();
  return out;
}

export const OPTIMIZERS: [string, (params: Tensor[]) => optim.Optimizer][] = [
  ["SGD, lr 0.02", (ps) => new optim.SGD(ps, { lr: 0.02 })],
  ["SGD + momentum 0.9, lr 0.002", (ps) => new optim.SGD(ps, { lr: 0.002, momentum: 0.9 })],
  ["RMSprop, lr 0.02", (ps) => new optim.RMSprop(ps, { lr: 0.02 })],
  ["Adam, lr 0.05", (ps) => new optim.Adam(ps, { lr: 0.05 })],
];

export function optimizers(): Canvas {
  const [lo, hi, blo, bhi] = [-2, 2, -1, 3];
  const n = 200;
  const values = new Float32Array(n * n);
  const probe = tensor([0, 0], [2]);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      probe.set([lo + ((hi - lo) * (i + 0.5)) / n, bhi - ((bhi - blo) * (j + 0.5)) / n]);
      const f = rosenbrock(probe);
      values[j * n + i] = Math.log10(1 + f.item());
      f.dispose();
    }
  }
  probe.dispose();
  const pathColor = [255, 127, 14];
  const dotColor = [255, 230, 120];
  const parts = OPTIMIZERS.map(([name, make]) => {
    const r = path(make);
    const { canvas: c, axes: ax } = heatmap(values, n, n, { title: name, xLabel: "a", yLabel: "b", valueLabel: "log10(1 + loss)", x: { lo, hi }, y: { lo: blo, hi: bhi }, width: 470, height: 420 });
    ax.line(r.a, r.b, pathColor, 2);
    // A dot every 10 steps: their spacing is the optimizer's speed.
    ax.scatter(r.a.filter((_, k) => k % 10 === 0), r.b.filter((_, k) => k % 10 === 0), dotColor, 2);
    ax.scatter([1], [1], [0, 0, 0], 4);
    legend(c, ax.box, [{ name: `path, loss ${r.loss.toFixed(4)} after ${STEPS}`, color: pathColor }, { name: "every 10th step", color: dotColor }, { name: "minimum (1, 1)", color: [0, 0, 0] }], "bottom-right");
    return c;
  });
  return panels(parts, 2, `Rosenbrock's valley (1 − a)² + 5(b − a²)²: ${STEPS} steps from (−1.6, 2.4)`);
}
