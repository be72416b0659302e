// Shapes: sizes, formatting, and the broadcasting patterns the kernels support.

/** The size of each axis, outermost first: [batch, channels, height, width] for an NCHW image batch. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function fmt(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Throw unless `shape` is an array of non-negative integer sizes, naming `op`, the shape and the
 * first bad axis (a negative, fractional or NaN size would allocate a wrong-sized block).
 */
export function checkShape(shape: unknown, op: string): asserts shape is Shape {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of sizes, got ${shape === null ? "null" : typeof shape}`);
  shape.forEach((d, i) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: shape [${shape.map(String).join(", ")}] has ${typeof d === "number" ? d : `a ${typeof d}`} at axis ${i}, expected non-negative integers`);
    }
  });
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Resolve a possibly negative axis against a rank. */
export function normAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  return a;
}

/** NumPy broadcasting of two shapes, or null if they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * How an operand of shape `s` is read when broadcast to `out`, in the form the binary kernel
 * takes: element i of the output reads s[⌊i / inner⌋ mod bn]. That covers every operand whose
 * non-broadcast axes are one contiguous block (scalars, bias vectors, per-row and per-channel
 * values). Returns null for other patterns (e.g. [3, 1, 5] against [3, 4, 5]).
 */
export function broadcastPattern(s: Shape, out: Shape): { bn: number; inner: number } | null {
  const rank = out.length;
  const padded = [...Array(rank - s.length).fill(1), ...s];
  let first = -1;
  let last = -1;
  for (let i = 0; i < rank; i++) {
    if (padded[i] !== 1 && padded[i] === out[i]) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return { bn: 1, inner: 1 };
  for (let i = first; i <= last; i++) if (padded[i] !== out[i]) return null;
  return { bn: sizeOf(out.slice(first, last + 1)), inner: sizeOf(out.slice(last + 1)) };
}
