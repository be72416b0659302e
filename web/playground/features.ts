// The input features a network may be given: the coordinates themselves and functions of them.
// With x1² and x2² a single neuron can draw a circle; with x1·x2 it can split the XOR quadrants.
// Plain coordinates make the hidden layers find those shapes themselves.
export const FEATURES = {
  x1: { label: "x₁", f: (x1: number, _x2: number) => x1 },
  x2: { label: "x₂", f: (_x1: number, x2: number) => x2 },
  x1sq: { label: "x₁²", f: (x1: number, _x2: number) => x1 * x1 },
  x2sq: { label: "x₂²", f: (_x1: number, x2: number) => x2 * x2 },
  x1x2: { label: "x₁x₂", f: (x1: number, x2: number) => x1 * x2 },
  sin1: { label: "sin x₁", f: (x1: number, _x2: number) => Math.sin(x1) },
  sin2: { label: "sin x₂", f: (_x1: number, x2: number) => Math.sin(x2) },
} as const;

export type FeatureId = keyof typeof FEATURES;
export const FEATURE_IDS = Object.keys(FEATURES) as FeatureId[];

/** The chosen features of interleaved (x1, x2) points, one row per point. */
export function featurize(xy: Float32Array, ids: readonly FeatureId[]): Float32Array {
  const n = xy.length / 2;
  const out = new Float32Array(n * ids.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < ids.length; j++) out[i * ids.length + j] = FEATURES[ids[j]].f(xy[2 * i], xy[2 * i + 1]);
  }
  return out;
}

/** A g×g grid over the square [-extent, extent]², rows from top (x2 = extent) to bottom, as points. */
export function grid(g: number, extent: number): Float32Array {
  const xy = new Float32Array(2 * g * g);
  for (let row = 0; row < g; row++) {
    for (let col = 0; col < g; col++) {
      const k = row * g + col;
      xy[2 * k] = -extent + ((col + 0.5) / g) * 2 * extent;
      xy[2 * k + 1] = extent - ((row + 0.5) / g) * 2 * extent;
    }
  }
  return xy;
}
