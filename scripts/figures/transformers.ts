// Figures of the transformer: what each attention head of a small encoder looks at once it has
// learned to reverse or to sort sequences of ten digits (the model, training and picture of
// `train sequence --attention`), the sinusoidal positional encoding with the similarity of its
// positions, and what the causal mask does to a layer's attention weights.
import { manualSeed, nn, noGrad, ops, Random, randn, scope } from "../../src/index.js";
import { sequenceAccuracy, sequenceData, trainSequenceModel, type SequenceConfig } from "../../src/cli/sequence.js";
import type { SequenceTransformer } from "../../src/models/sequence.js";
import { attentionPicture } from "../../src/viz/attention.js";
import type { Canvas } from "../../src/viz/png.js";
import { diverging, heatmap, panels, viridis } from "../../src/viz/plot.js";

const LENGTH = 10;
/** Reversing needs one layer: each position looks up its mirror position. */
export const REVERSE: SequenceConfig = { task: "reverse", length: LENGTH, dim: 32, heads: 2, layers: 1, steps: 400, batch: 32, lr: 5e-3, seed: 1 };
/** Sorting needs two: the first gathers what the sequence holds, the second picks the i-th smallest. */
export const SORT: SequenceConfig = { task: "sort", length: LENGTH, dim: 32, heads: 1, layers: 2, steps: 1000, batch: 64, lr: 5e-3, seed: 1 };

/** The inputs shown: the ten digits shuffled (every answer at one key) and a random sequence with repeats. */
function shownInputs(): number[][] {
  const rng = new Random(5);
  const digits = Array.from({ length: LENGTH }, (_, i) => i);
  for (let i = LENGTH - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [digits[i], digits[j]] = [digits[j], digits[i]];
  }
  return [digits, Array.from(sequenceData("reverse", 1, LENGTH, rng).x)];
}

/**
 * The mean share of its attention that a query of the last layer gives the keys holding the token
 * it outputs, over the first `n` sequences of `data` and every head (for reverse: the mirror key
 * and any key equal to it).
 */
function weightOnAnswer(model: SequenceTransformer, data: { x: Float32Array; y: Float32Array }, n: number): number {
  const L = model.config.length;
  let share = 0;
  for (let s = 0; s < n; s++) {
    const ids = data.x.subarray(s * L, (s + 1) * L);
    const maps = model.attentionMaps(ids);
    for (const w of maps[maps.length - 1]) {
      for (let q = 0; q < L; q++) for (let k = 0; k < L; k++) if (ids[k] === data.y[s * L + q]) share += w[q * L + k];
    }
  }
  return share / (n * L * model.encoder.layers[0].selfAttn.numHeads);
}

/** A model trained on one task, its held-out scores, and its attention drawn for the shown inputs. */
function taskFigure(c: SequenceConfig): { canvas: Canvas; sequences: number; onAnswer: number } {
  const model = trainSequenceModel(c);
  const held = sequenceData(c.task, 1000, c.length, new Random(c.seed + 1_000_003));
  const { sequences } = sequenceAccuracy(model, held, c.length);
  const onAnswer = weightOnAnswer(model, held, 200);
  const rows = shownInputs().map((ids) => {
    const out = c.task === "reverse" ? [...ids].reverse() : [...ids].sort((a, b) => a - b);
    return { tokens: ids.map(String), targets: out.map(String), maps: model.attentionMaps(ids) };
  });
  const plural = (n: number, what: string): string => `${n} ${what}${n > 1 ? "s" : ""}`;
  const shape = `${plural(c.layers, "layer")} × ${plural(c.heads, "head")}`;
  const title = `${c.task}, ${shape}: attention weights after ${c.steps} steps`;
  return { canvas: attentionPicture(title, rows, 12), sequences, onAnswer };
}

/** Both figures; per task the share of held-out sequences exactly right and the last layer's weight on the answer keys. */
export function attentionFigures(): { reverse: Canvas; sort: Canvas; scores: { task: string; sequences: number; onAnswer: number }[] } {
  const r = taskFigure(REVERSE);
  const s = taskFigure(SORT);
  return { reverse: r.canvas, sort: s.canvas, scores: [{ task: "reverse", ...r }, { task: "sort", ...s }] };
}

/** The sinusoidal table PE [positions, dim] as a heat map beside the dot products PE[p]·PE[q]. */
export function positionalFigure(positions = 100, dim = 64): Canvas {
  const pe = new nn.SinusoidalPositionalEncoding(dim, positions).pe;
  const table = pe.toArray();
  const dots = scope(() => noGrad(() => ops.matmul(pe, ops.transpose(pe)).toArray()));
  const left = heatmap(table, positions, dim, {
    title: `Sinusoidal encoding, E = ${dim}`,
    xLabel: "feature i (pairs sin, cos; slower to the right)",
    yLabel: "position p",
    valueLabel: "PE[p, i]",
    range: { lo: -1, hi: 1 },
    cmap: diverging,
  }).canvas;
  const right = heatmap(dots, positions, positions, {
    title: "Similarity of positions",
    xLabel: "position q",
    yLabel: "position p",
    valueLabel: "PE[p] · PE[q]",
    cmap: viridis,
  }).canvas;
  return panels([left, right], 2, "Sinusoidal positional encoding: the table, and how alike two positions are");
}

/**
 * One head's weights on the same 12 random inputs without a mask and with the causal mask: the
 * weights above the diagonal become exactly 0 and each row is renormalized over keys 0…q.
 */
const MASKED = [200, 200, 200];

export function causalFigure(T = 12, dim = 16): Canvas {
  manualSeed(3);
  const mha = new nn.MultiheadAttention(dim, 1, { batchFirst: true });
  const maps = scope(() =>
    noGrad(() => {
      const x = randn([1, T, dim], { std: 2 });
      return [false, true].map((isCausal) => mha.forward(x, x, x, { isCausal })[1]!.toArray());
    }),
  );
  const panel = (w: Float32Array, title: string): Canvas => {
    const { canvas, axes } = heatmap(w, T, T, { title, xLabel: "key position j", yLabel: "query position q", valueLabel: "weight P[q, j]", range: { lo: 0, hi: 1 }, width: 460, height: 420 });
    // Weights that are exactly 0 (masked) in grey, apart from those that are merely small; the
    // cells are found pixel by pixel as heatmap finds them, inside the frame.
    const { x, y, w: bw, h: bh } = axes.box;
    for (let py = 1; py < bh; py++) {
      for (let px = 1; px < bw; px++) {
        if (w[Math.floor((py / bh) * T) * T + Math.floor((px / bw) * T)] === 0) canvas.set(x + px, y + py, MASKED);
      }
    }
    return canvas;
  };
  const title = `One attention head on ${T} random inputs, without and with the causal mask (grey: weight exactly 0)`;
  return panels([panel(maps[0], "No mask: all 12 keys"), panel(maps[1], "Causal: keys 0 ... q only")], 2, title);
}
