// The playground's data sets: points (x1, x2) in the square [-6, 6]² with labels 0 and 1, each a
// classic test of what a network can separate. Noise is a fraction of the square's half-width
// (0 to 0.5); a seeded generator makes every data set repeatable.
import { Random } from "wasmnn";

export const EXTENT = 6;

export type DatasetName = "circle" | "xor" | "gauss" | "spiral";

export const DATASETS: Record<DatasetName, string> = {
  circle: "Circle",
  xor: "Exclusive or",
  gauss: "Gaussian clusters",
  spiral: "Two spirals",
};

export interface Points {
  /** x1, x2 of each point, interleaved. */
  xy: Float32Array;
  /** 0 or 1 per point. */
  label: Float32Array;
}

const clamp = (v: number) => Math.max(-EXTENT, Math.min(EXTENT, v));

/** `n` points of one data set. */
export function generate(name: DatasetName, n: number, noise: number, seed: number): Points {
  const r = new Random(seed);
  const xy = new Float32Array(2 * n);
  const label = new Float32Array(n);
  const jitter = () => noise * EXTENT * r.normal() * 0.5;
  for (let i = 0; i < n; i++) {
    let x = 0;
    let y = 0;
    let c = 0;
    if (name === "circle") {
      // An inner disc (label 1) inside a ring (label 0); the gap between them closes with noise.
      c = i % 2;
      const radius = c === 1 ? r.uniform(0, 2.5) : r.uniform(3.5, 5);
      const angle = r.uniform(0, 2 * Math.PI);
      x = radius * Math.cos(angle) + jitter();
      y = radius * Math.sin(angle) + jitter();
    } else if (name === "xor") {
      // Quadrants: label 1 where x1 and x2 have the same sign. No straight line separates them.
      const pad = 0.3;
      x = r.uniform(-5, 5);
      y = r.uniform(-5, 5);
      x += x > 0 ? pad : -pad;
      y += y > 0 ? pad : -pad;
      c = x * y > 0 ? 1 : 0;
      x += jitter();
      y += jitter();
    } else if (name === "gauss") {
      // Two round clusters; with noise they overlap and no classifier can be perfect.
      c = i % 2;
      const centre = c === 1 ? 2 : -2;
      const spread = 0.5 + 2 * noise;
      x = centre + r.normal() * spread;
      y = centre + r.normal() * spread;
    } else {
      // Two interleaved spirals (Lang & Witbrock, 1988), one the other turned by half a turn.
      c = i % 2;
      const t = (Math.floor(i / 2) / Math.ceil(n / 2)) * 1.75 * 2 * Math.PI;
      const radius = (5 * t) / (1.75 * 2 * Math.PI);
      const angle = t + c * Math.PI;
      x = radius * Math.sin(angle) + jitter();
      y = radius * Math.cos(angle) + jitter();
    }
    xy[2 * i] = clamp(x);
    xy[2 * i + 1] = clamp(y);
    label[i] = c;
  }
  return { xy, label };
}

/** Split into train and test sets: a seeded shuffle, then the first `ratio` of the points for training. */
export function split(points: Points, ratio: number, seed: number): { train: Points; test: Points } {
  const n = points.label.length;
  const order = new Random(seed + 1).shuffle(Array.from({ length: n }, (_, i) => i));
  const cut = Math.round(n * ratio);
  const take = (ids: number[]): Points => {
    const xy = new Float32Array(2 * ids.length);
    const label = new Float32Array(ids.length);
    ids.forEach((id, k) => {
      xy[2 * k] = points.xy[2 * id];
      xy[2 * k + 1] = points.xy[2 * id + 1];
      label[k] = points.label[id];
    });
    return { xy, label };
  };
  return { train: take(order.slice(0, cut)), test: take(order.slice(cut)) };
}
