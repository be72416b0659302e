// Pieces shared by the guide's figures: points on a grid over the plane, a model's answer over it,
// and a panel of decision regions with the data on top.
import { noGrad, predict, scope, type Dataset, type nn } from "../../src/index.js";
import { PALETTE, type Canvas } from "../../src/viz/png.js";
import { axesOn, figure, legend, type Range } from "../../src/viz/plot.js";

/** n×n points (x1, x2) covering [lo, hi]², row 0 at the top (x2 = hi), as a picture is read. */
export function planeGrid(lo: number, hi: number, n: number): Float32Array {
  const g = new Float32Array(n * n * 2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      g[2 * (j * n + i)] = lo + ((hi - lo) * (i + 0.5)) / n;
      g[2 * (j * n + i) + 1] = hi - ((hi - lo) * (j + 0.5)) / n;
    }
  }
  return g;
}

/** The model's outputs for every point of planeGrid(lo, hi, n): [n·n, outputs] values. */
export function overPlane(model: nn.Module, lo: number, hi: number, n: number): Float32Array {
  return scope(() => noGrad(() => predict(model, planeGrid(lo, hi, n), { sampleShape: [2], batchSize: 4096 }).toArray()));
}

/** Pale class colour k, for a region behind the points of class k. */
export function tint(k: number, strength = 0.3): number[] {
  return PALETTE[k].map((v) => Math.round(255 - strength * (255 - v)));
}

/**
 * A two-class model's decision regions over `range`² (the class of the larger of two logits) with
 * the data points on top, under `title`.
 */
export function decisionPanel(model: nn.Module, data: Dataset, title: string, range: Range, size = 260): Canvas {
  const c = figure(size + 90, size + 78, title);
  const ax = axesOn(c, range, range);
  const { x, y, w, h } = ax.box;
  const n = Math.min(w, h);
  const logits = overPlane(model, range.lo, range.hi, n);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const q = Math.min(n - 1, Math.floor((j / h) * n)) * n + Math.min(n - 1, Math.floor((i / w) * n));
      c.set(x + i, y + j, tint(logits[2 * q + 1] > logits[2 * q] ? 1 : 0));
    }
  }
  ax.frame("x1", "x2", { grid: false, xTicks: 4, yTicks: 4 });
  for (let k = 0; k < data.length; k++) ax.scatter([data.x[2 * k]], [data.x[2 * k + 1]], PALETTE[data.y[k]], 1);
  // The spirals stay inside the unit disc: the corner is free for the key.
  legend(c, ax.box, [0, 1].map((k) => ({ name: `class ${k}`, color: PALETTE[k] })), "top-left");
  return c;
}

/** The fraction of samples whose larger logit is their label. */
export function accuracyOf(model: nn.Module, data: Dataset): number {
  const logits = scope(() => noGrad(() => predict(model, data.x, { sampleShape: [...data.sampleShape] }).toArray()));
  const k = logits.length / data.length;
  let right = 0;
  for (let i = 0; i < data.length; i++) {
    const row = Array.from(logits.subarray(i * k, (i + 1) * k));
    if (row.indexOf(Math.max(...row)) === data.y[i]) right++;
  }
  return right / data.length;
}
