// Generated tasks with a known answer.
import { Random } from "../tensor/random.js";
import type { Dataset } from "./dataset.js";

/**
 * XOR: the four corners of the unit square, target 1 where exactly one input is 1. Not linearly separable.
 *
 * @example const data = xor(); // 4 samples [2] → targets [1]
 */
export function xor(): Dataset {
  return {
    x: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]),
    y: Float32Array.from([0, 1, 1, 0]),
    sampleShape: [2],
    targetShape: [1],
    length: 4,
  };
}

/**
 * Two interleaved spirals (Lang & Witbrock, 1988), labels 0 and 1: points (r cos θ, r sin θ) and
 * their mirror images, with optional Gaussian noise. A classic test that a net can learn a
 * highly nonlinear boundary.
 *
 * @example const data = twoSpirals({ pointsPerClass: 100 }); // 200 points [2], labels 0 and 1
 */
export function twoSpirals(options: { pointsPerClass?: number; turns?: number; noise?: number; seed?: number } = {}): Dataset {
  const n = options.pointsPerClass ?? 200;
  const turns = options.turns ?? 1.5;
  const noise = options.noise ?? 0;
  const r = new Random(options.seed ?? 0);
  const x = new Float32Array(4 * n);
  const y = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = (i / n) * turns * 2 * Math.PI + 0.5;
    const rad = t / (turns * 2 * Math.PI);
    for (let c = 0; c < 2; c++) {
      const s = c === 0 ? 1 : -1;
      const k = 2 * i + c;
      x[2 * k] = s * rad * Math.cos(t) + noise * r.normal();
      x[2 * k + 1] = s * rad * Math.sin(t) + noise * r.normal();
      y[k] = c;
    }
  }
  return { x, y, sampleShape: [2], targetShape: [], length: 2 * n };
}
