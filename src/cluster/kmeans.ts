// k-means clustering (Lloyd, 1982): place k centers so that each point is close to one of them.
// Alternate two steps until nothing moves: assign every point to its nearest center, then move
// every center to the mean of its points. Each step lowers the within-cluster sum of squares
// (the inertia), so the loop ends, at a local minimum that depends on where it started — hence
// k-means++ seeding (Arthur & Vassilvitskii, 2007): each new center is drawn with probability
// proportional to its squared distance from the centers chosen so far, which spreads them out
// and is O(log k)-competitive with the best clustering in expectation.
//
// It gives an RBF layer its centers (where the data are), and the distances between centers
// give the widths (nearestCenterWidths). Plain float64 JS: it runs once, before training.
import { Random } from "../tensor/random.js";

/** Options of kmeans. */
export interface KMeansOptions {
  /** Seed of the k-means++ draws (default 0): same seed, same centers. */
  seed?: number;
  /** Lloyd iterations at most (default 100). */
  maxIterations?: number;
  /** Stop when no center moves more than this (default 1e-9, in the data's units). */
  tolerance?: number;
  /** "kmeans++" (default) or "random" (k distinct points drawn uniformly). */
  init?: "kmeans++" | "random";
}

/** What kmeans returns: the centers, each point's cluster, the inertia and the iterations run. */
export interface KMeansResult {
  /** k × d, row-major. */
  centers: Float32Array;
  /** The center index of each point. */
  assignments: Int32Array;
  /** Σ over points of the squared distance to their center. */
  inertia: number;
  /** Lloyd iterations run until the centers moved less than the tolerance (or maxIterations). */
  iterations: number;
}

function dist2(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const e = a[i * d + t] - b[j * d + t];
    s += e * e;
  }
  return s;
}

/** The center nearest to point i, and its squared distance. */
function nearest(data: ArrayLike<number>, i: number, centers: ArrayLike<number>, k: number, d: number): [number, number] {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < k; c++) {
    const e = dist2(data, i, centers, c, d);
    if (e < bestD) {
      bestD = e;
      best = c;
    }
  }
  return [best, bestD];
}

/**
 * Cluster n points of dimension d (row-major in `data`, n = data.length / d) around k centers.
 * @example
 * const { centers, assignments } = kmeans(points, 2, 8, { seed: 1 }); // 8 centers in the plane
 */
export function kmeans(data: ArrayLike<number>, d: number, k: number, options: KMeansOptions = {}): KMeansResult {
  if (!Number.isInteger(d) || d < 1) throw new Error(`kmeans: dimension must be a positive integer, got ${d}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`kmeans: k must be a positive integer, got ${k}`);
  if (data.length % d !== 0) throw new Error(`kmeans: ${data.length} values are not a whole number of ${d}-dimensional points`);
  const n = data.length / d;
  if (k > n) throw new Error(`kmeans: ${k} centers but only ${n} points; k must be at most the number of points`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new Error(`kmeans: point ${Math.floor(i / d)} holds ${data[i]}; points must be finite`);
  }
  const maxIterations = options.maxIterations ?? 100;
  const tol2 = (options.tolerance ?? 1e-9) ** 2;
  const r = new Random(options.seed ?? 0);

  const centers = new Float64Array(k * d);
  const setCenter = (c: number, point: number) => {
    for (let t = 0; t < d; t++) centers[c * d + t] = data[point * d + t];
  };
  if (options.init === "random") {
    const order = r.shuffle(Array.from({ length: n }, (_, i) => i));
    for (let c = 0; c < k; c++) setCenter(c, order[c]);
  } else {
    // nearest[i]: squared distance from point i to the closest center chosen so far.
    const nearest = new Float64Array(n).fill(Infinity);
    setCenter(0, r.int(n));
    for (let c = 1; c < k; c++) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        nearest[i] = Math.min(nearest[i], dist2(data, i, centers, c - 1, d));
        total += nearest[i];
      }
      let pick = r.int(n);
      // All points already sit on centers (duplicates): any point will do.
      if (total > 0) {
        let u = r.next() * total;
        for (pick = 0; pick < n - 1; pick++) {
          u -= nearest[pick];
          if (u < 0) break;
        }
      }
      setCenter(c, pick);
    }
  }

  const assignments = new Int32Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const pointDist = new Float64Array(n);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    for (let i = 0; i < n; i++) {
      [assignments[i], pointDist[i]] = nearest(data, i, centers, k, d);
    }
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assignments[i];
      counts[c]++;
      for (let t = 0; t < d; t++) sums[c * d + t] += data[i * d + t];
    }
    let moved = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster takes the point worst served by its own center, which splits the
        // loosest cluster and keeps every center in use.
        let far = 0;
        for (let i = 1; i < n; i++) if (pointDist[i] > pointDist[far]) far = i;
        pointDist[far] = 0;
        for (let t = 0; t < d; t++) sums[c * d + t] = data[far * d + t];
        counts[c] = 1;
      }
      let m = 0;
      for (let t = 0; t < d; t++) {
        const v = sums[c * d + t] / counts[c];
        m += (v - centers[c * d + t]) ** 2;
        centers[c * d + t] = v;
      }
      moved = Math.max(moved, m);
    }
    if (moved <= tol2) {
      iterations++;
      break;
    }
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const [best, bestD] = nearest(data, i, centers, k, d);
    assignments[i] = best;
    inertia += bestD;
  }
  return { centers: Float32Array.from(centers), assignments, inertia, iterations };
}

/**
 * The nearest-center width heuristic for RBF layers: σ_j = scale · min_{i≠j} ‖c_i − c_j‖, so each
 * bump reaches about as far as its nearest neighbour and neighbouring bumps overlap smoothly
 * (Moody & Darken, 1989, use the P nearest; P = 1 here). A center with no distinct neighbour
 * (k = 1, or duplicates) gets the mean of the other widths, or `scale` when there are none.
 *
 * @example const widths = nearestCenterWidths(kmeans(twoSpirals().x, 2, 8).centers, 2); // σ_j: distance to the nearest other center
 */
export function nearestCenterWidths(centers: ArrayLike<number>, d: number, scale = 1): Float32Array {
  if (!Number.isInteger(d) || d < 1 || centers.length % d !== 0) throw new Error(`nearestCenterWidths: ${centers.length} values are not whole ${d}-dimensional centers`);
  if (!(scale > 0)) throw new Error(`nearestCenterWidths: scale must be positive, got ${scale}`);
  const k = centers.length / d;
  const widths = new Float32Array(k);
  let sum = 0;
  let found = 0;
  for (let j = 0; j < k; j++) {
    let m = Infinity;
    for (let i = 0; i < k; i++) {
      if (i === j) continue;
      const e = dist2(centers, i, centers, j, d);
      if (e > 0 && e < m) m = e;
    }
    widths[j] = Number.isFinite(m) ? scale * Math.sqrt(m) : 0;
    if (widths[j] > 0) {
      sum += widths[j];
      found++;
    }
  }
  const fallback = found > 0 ? sum / found : scale;
  for (let j = 0; j < k; j++) if (widths[j] === 0) widths[j] = fallback;
  return widths;
}
