// The ring of Gaussians (Metz et al., 2017, "Unrolled GANs"): a standard test of whether a
// generative model covers every mode of its data. 8 small Gaussian blobs sit evenly on a circle;
// a generator that collapses onto a few of them ("mode collapse") is caught at once by counting
// which blobs its samples land in.
import { Random } from "../tensor/random.js";
import type { Dataset } from "./dataset.js";

/** Options of gaussianRing: modes Gaussian blobs of σ = std evenly spaced on a circle. */
export interface RingOptions {
  /** Number of samples (default 10,000). */
  n?: number;
  /** Number of modes on the circle (default 8). */
  modes?: number;
  /** Radius of the circle (default 2). */
  radius?: number;
  /** Standard deviation of each Gaussian (default 0.02, as in Metz et al.). */
  std?: number;
  /** Seed of the sampling (default 0). */
  seed?: number;
}

function checkRing(op: string, modes: number, radius: number, std: number): void {
  if (!Number.isInteger(modes) || modes < 1) throw new Error(`${op}: modes must be a positive integer, got ${modes}`);
  if (!(radius > 0) || !Number.isFinite(radius)) throw new Error(`${op}: radius must be a positive number, got ${radius}`);
  if (!(std > 0) || !Number.isFinite(std)) throw new Error(`${op}: std must be a positive number, got ${std}`);
}

/**
 * The centres of the modes: (r cos 2πk/m, r sin 2πk/m), k = 0..m−1.
 *
 * @example const centers = ringModes(8, 2); // [[2, 0], [1.414, 1.414], …]
 */
export function ringModes(modes = 8, radius = 2): [number, number][] {
  return Array.from({ length: modes }, (_, k) => [radius * Math.cos((2 * Math.PI * k) / modes), radius * Math.sin((2 * Math.PI * k) / modes)]);
}

/**
 * Samples of the ring mixture (equal weights): x is [n, 2], y the index of each sample's mode.
 *
 * @example const d = gaussianRing({ n: 512 }); // 512 points [2] from 8 Gaussians on a circle of radius 2
 */
export function gaussianRing(options: RingOptions = {}): Dataset {
  const n = options.n ?? 10_000;
  const modes = options.modes ?? 8;
  const radius = options.radius ?? 2;
  const std = options.std ?? 0.02;
  checkRing("gaussianRing", modes, radius, std);
  if (!Number.isInteger(n) || n < 1) throw new Error(`gaussianRing: n must be a positive integer, got ${n}`);
  const centres = ringModes(modes, radius);
  const r = new Random(options.seed ?? 0);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = r.int(modes);
    x[2 * i] = centres[k][0] + r.normal(0, std);
    x[2 * i + 1] = centres[k][1] + r.normal(0, std);
    y[i] = k;
  }
  return { x, y, sampleShape: [2], targetShape: [], length: n };
}

/** How well generated samples cover a ring's modes: per-mode counts, modes hit, and the share of good samples. */
export interface ModeCoverage {
  /** Fraction of the samples within `sigmas`·std of each mode. */
  perMode: number[];
  /** Modes holding at least `minFraction` of the samples. */
  covered: number;
  /** Fraction of the samples within `sigmas`·std of some mode ("high-quality" samples). */
  highQuality: number;
}

/**
 * How well 2-D samples (x, y pairs back to back) cover the ring: the per-mode share of samples
 * within 3σ (by default) of each centre, the number of modes with ≥ 2 % of the samples, and the
 * share of samples near any mode.
 */
export function modeCoverage(samples: ArrayLike<number>, options: Omit<RingOptions, "n" | "seed"> & { sigmas?: number; minFraction?: number } = {}): ModeCoverage {
  const modes = options.modes ?? 8;
  const radius = options.radius ?? 2;
  const std = options.std ?? 0.02;
  checkRing("modeCoverage", modes, radius, std);
  if (samples.length === 0 || samples.length % 2 !== 0) throw new Error(`modeCoverage: expected a non-empty list of (x, y) pairs, got ${samples.length} values`);
  const reach = (options.sigmas ?? 3) * std;
  const minFraction = options.minFraction ?? 0.02;
  const centres = ringModes(modes, radius);
  const n = samples.length / 2;
  const counts = new Array<number>(modes).fill(0);
  let near = 0;
  for (let i = 0; i < n; i++) {
    const [px, py] = [samples[2 * i], samples[2 * i + 1]];
    // Modes are ≥ 2r·sin(π/m) apart, far more than 2·reach in any sensible ring, so a sample is
    // near one mode at most; take the closest to be safe.
    let best = -1;
    let bestD = reach;
    for (let k = 0; k < modes; k++) {
      const d = Math.hypot(px - centres[k][0], py - centres[k][1]);
      if (d <= bestD) [best, bestD] = [k, d];
    }
    if (best >= 0) {
      counts[best]++;
      near++;
    }
  }
  const perMode = counts.map((c) => c / n);
  return { perMode, covered: perMode.filter((f) => f >= minFraction).length, highQuality: near / n };
}
