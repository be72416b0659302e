// Generated regression tasks with a known answer: a 1-D function to approximate, and a 2-D task
// that is a different function on each of four regions (where a mixture of experts can split
// the work). Seeded: the same seed gives the same samples.
import { Random } from "../tensor/random.js";
import type { Dataset } from "./dataset.js";

/** Options of the regression data sets: how many samples, the seed, the noise, a grid or random x. */
export interface SampleOptions {
  /** Number of samples (default 1,000). */
  n?: number;
  /** Seed of the sampling (default 0). */
  seed?: number;
  /** Gaussian noise added to the targets (default 0). */
  noise?: number;
  /** Evenly spaced inputs over the interval instead of uniform random ones (default false). */
  grid?: boolean;
}

/**
 * y = f(x) for x in [lo, hi]: inputs [1], targets [1].
 *
 * @example const d = regression1d(Math.sin, -Math.PI, Math.PI, { n: 64 }); // x [1] → sin x [1]
 */
export function regression1d(f: (x: number) => number, lo: number, hi: number, options: SampleOptions = {}): Dataset {
  const n = options.n ?? 1000;
  if (!Number.isInteger(n) || n < 1) throw new Error(`regression1d: n must be a positive integer, got ${n}`);
  if (!(hi > lo)) throw new Error(`regression1d: interval [${lo}, ${hi}] is empty`);
  const r = new Random(options.seed ?? 0);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = options.grid ? lo + ((hi - lo) * i) / Math.max(1, n - 1) : r.uniform(lo, hi);
    y[i] = f(x[i]) + (options.noise ? options.noise * r.normal() : 0);
  }
  return { x, y, sampleShape: [1], targetShape: [1], length: n };
}

/**
 * sin(x)·cos(2x) on [−π, π]: the function-approximation benchmark of the RBF example.
 *
 * @example const d = sinCos(); // x [1] → [sin x, cos x]
 */
export function sinCos(options: SampleOptions = {}): Dataset {
  return regression1d((x) => Math.sin(x) * Math.cos(2 * x), -Math.PI, Math.PI, options);
}

/**
 * The four functions of the piecewise task, one per quadrant of [−1, 1]², indexed by
 * piecewiseRegion: a ripple, a plane, a bowl and a saddle, at different offsets so that the
 * target jumps at the quadrant borders.
 */
export const PIECEWISE_FUNCTIONS: readonly ((x: number, y: number) => number)[] = [
  (x, y) => Math.sin(2 * Math.PI * x) * Math.cos(Math.PI * y) + 1, // x ≥ 0, y ≥ 0
  (x, y) => 2 * x - y, //                                              x < 0, y ≥ 0
  (x, y) => 3 * (x * x + y * y) - 1, //                                x < 0, y < 0
  (x, y) => 4 * x * y, //                                              x ≥ 0, y < 0
];

/**
 * The quadrant of (x, y), counter-clockwise from the upper right: 0, 1, 2, 3.
 *
 * @example const r = piecewiseRegion(0.5, -0.5); // 3: the quadrant of (0.5, −0.5)
 */
export function piecewiseRegion(x: number, y: number): number {
  if (y >= 0) return x >= 0 ? 0 : 1;
  return x < 0 ? 2 : 3;
}

/**
 * The piecewise task: (x, y) uniform in [−1, 1]², target `PIECEWISE_FUNCTIONS[region](x, y)`.
 * Inputs [2], targets [1]; `regions` gives each sample's quadrant.
 *
 * @property regions Each sample's quadrant, 0 … 3.
 *
 * @example const d = piecewise4({ n: 400 }); // d.regions[i]: the quadrant of sample i
 */
export function piecewise4(options: SampleOptions = {}): Dataset & { regions: Int32Array } {
  const n = options.n ?? 1000;
  if (!Number.isInteger(n) || n < 1) throw new Error(`piecewise4: n must be a positive integer, got ${n}`);
  const r = new Random(options.seed ?? 0);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  const regions = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = (x[2 * i] = r.uniform(-1, 1));
    const b = (x[2 * i + 1] = r.uniform(-1, 1));
    regions[i] = piecewiseRegion(a, b);
    y[i] = PIECEWISE_FUNCTIONS[regions[i]](a, b) + (options.noise ? options.noise * r.normal() : 0);
  }
  return { x, y, sampleShape: [2], targetShape: [1], length: n, regions };
}
