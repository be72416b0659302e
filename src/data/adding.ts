// The adding problem (Hochreiter & Schmidhuber, 1997), a test of long-range memory with a known
// answer. Each sequence has T steps of two features: a value drawn from U[0, 1) and a marker,
// 1 at exactly two steps (one in the first half, one in the second) and 0 elsewhere. The target
// is the sum of the two marked values. The net must notice a marker, hold its value for up to T
// steps while ignoring everything else, and add. Predicting the mean (1) scores the variance of
// a sum of two U[0, 1) values, 2/12 ≈ 0.167 MSE: that is the "learned nothing" line.
import { Random } from "../tensor/random.js";
import type { Dataset } from "./dataset.js";

/** Options of addingProblem. */
export interface AddingOptions {
  /** Sequence length T (default 50). */
  length?: number;
  /** Number of sequences (default 1000). */
  count?: number;
  /** Seed of the generator (default 1); the same seed gives the same sequences. */
  seed?: number;
}

/**
 * `count` adding-problem sequences: x [count, T, 2] (value, marker) per step, y [count, 1].
 * @example const valid = addingProblem({ length: 50, count: 1000, seed: 2 });
 */
export function addingProblem(options: AddingOptions = {}): Dataset {
  const T = options.length ?? 50;
  const count = options.count ?? 1000;
  if (!Number.isInteger(T) || T < 2) throw new Error(`addingProblem: length must be an integer ≥ 2, got ${T}`);
  if (!Number.isInteger(count) || count < 1) throw new Error(`addingProblem: count must be a positive integer, got ${count}`);
  const r = new Random(options.seed ?? 1);
  const half = Math.floor(T / 2);
  const x = new Float32Array(count * T * 2);
  const y = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    const a = r.int(half);
    const b = half + r.int(T - half);
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const v = Math.fround(r.next());
      const k = (n * T + t) * 2;
      x[k] = v;
      if (t === a || t === b) {
        x[k + 1] = 1;
        sum += v;
      }
    }
    y[n] = sum;
  }
  return { x, y, sampleShape: [T, 2], targetShape: [1], length: count };
}
