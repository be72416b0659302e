// What a capsule network's digit capsules hold, as pictures. The decoder redraws a digit from
// the 16 numbers of one capsule, so (1) held-out digits beside their reconstructions show how much
// of the digit the capsule kept, and (2) moving one number of the winning capsule while keeping
// the others, then decoding, shows what that dimension encodes (Sabour et al., 2017, figure 4:
// stroke width, skew, scale, localized parts). Node only (PNG through pngjs).
import { noGrad } from "../autograd/engine.js";
import type { Dataset } from "../data/dataset.js";
import { scope } from "../memory/scope.js";
import { longest, type CapsNet } from "../models/capsnet.js";
import { norm } from "../autograd/capsule.js";
import { Tensor } from "../tensor/tensor.js";
import { textHeight, textWidth } from "./font.js";
import { Canvas } from "./png.js";

const WHITE: [number, number, number] = [255, 255, 255];
const TEXT: [number, number, number] = [20, 20, 20];
const WRONG: [number, number, number] = [200, 30, 30];

/** Samples idx of a data set as one [n, 1, h, w] tensor on the model's backend. */
function imagesOf(net: CapsNet, d: Dataset, idx: number[]): Tensor {
  const per = d.x.length / d.length;
  const x = new Float32Array(idx.length * per);
  idx.forEach((s, k) => x.set(d.x.subarray(s * per, (s + 1) * per), k * per));
  return new Tensor(net.parameters()[0].backend, [idx.length, 1, net.imageSize, net.imageSize]).set(x);
}

function inEval<T>(net: CapsNet, fn: () => T): T {
  const was = net.training;
  net.eval();
  try {
    return scope(() => noGrad(fn));
  } finally {
    net.train(was);
  }
}

/**
 * The first `n` held-out digits (top row) above their reconstructions from the longest digit
 * capsule (bottom row), each column headed by the true label and the predicted class (red when
 * wrong).
 */
export function reconstructionFigure(net: CapsNet, test: Dataset, n = 16, scale = 3): Canvas {
  const s = net.imageSize;
  const idx = Array.from({ length: Math.min(n, test.length) }, (_, i) => i);
  const { pred, recon } = inEval(net, () => {
    const v = net.capsules(imagesOf(net, test, idx));
    const pred = longest(norm(v));
    return { pred, recon: net.reconstruct(v).toArray() };
  });
  const cell = s * scale;
  const gap = 8;
  const left = 120;
  const top = 40;
  const label = textHeight(2) + 6;
  const title = "held-out digits and their reconstructions from the winning capsule";
  const c = new Canvas(Math.max(left + idx.length * (cell + gap) + gap, textWidth(title, 2) + 20), top + 2 * (label + cell + gap) + 10, WHITE);
  c.text(10, 10, title, { scale: 2, color: TEXT });
  c.text(10, top + label + cell / 2 - 7, "input", { scale: 2, color: TEXT });
  c.text(10, top + 2 * label + gap + cell + cell / 2 - 7, "decoded", { scale: 2, color: TEXT });
  idx.forEach((sample, k) => {
    const x = left + k * (cell + gap);
    const cx = x + cell / 2;
    const truth = test.y[sample];
    c.text(cx, top, `label ${truth}`, { color: TEXT, align: "center" });
    c.gray(test.x.subarray(sample * s * s, (sample + 1) * s * s), s, s, x, top + label, scale);
    const y2 = top + label + cell + gap;
    c.text(cx, y2, `predicted ${pred[k]}`, { color: pred[k] === truth ? TEXT : WRONG, align: "center" });
    c.gray(recon.subarray(k * s * s, (k + 1) * s * s), s, s, x, y2 + label, scale);
  });
  return c;
}

/** The perturbations of the figure: −0.25 to +0.25 in steps of 0.05 (11 values). */
export const PERTURBATIONS = Array.from({ length: 11 }, (_, i) => Math.round((i - 5) * 5) / 100);

/**
 * Sabour et al.'s figure 4: for each chosen held-out digit, one panel with a row per dimension d
 * of the winning capsule v_k; column t decodes v_k with v_k[d] + PERTURBATIONS[t], every other
 * number of every capsule unchanged. Columns are labelled with the amount, rows with d.
 */
export function perturbationFigure(net: CapsNet, test: Dataset, samples: number[], scale = 2): Canvas {
  const s = net.imageSize;
  const dim = net.digitDim;
  const k = net.classes;
  const cols = PERTURBATIONS.length;
  const panels = inEval(net, () =>
    samples.map((sample) => {
      const v = net.capsules(imagesOf(net, test, [sample]));
      const win = longest(norm(v))[0];
      const base = v.toArray();
      // Every (dimension, amount) pair as one batch row through the decoder.
      const batch = new Float32Array(dim * cols * k * dim);
      for (let d = 0; d < dim; d++) {
        for (let t = 0; t < cols; t++) {
          const row = (d * cols + t) * k * dim;
          batch.set(base, row);
          batch[row + win * dim + d] += PERTURBATIONS[t];
        }
      }
      const vs = new Tensor(v.backend, [dim * cols, k, dim]).set(batch);
      const images = net.reconstruct(vs, new Array(dim * cols).fill(win)).toArray();
      return { sample, win, images };
    }),
  );
  const cell = s * scale;
  const rowLabel = 30;
  const panelWidth = rowLabel + cols * (cell + 2) + 24;
  const top = 34;
  const header = 2 * textHeight(1) + 30 + cell;
  const title = `each row: one of the ${dim} dimensions of the winning digit capsule, moved from −0.25 to +0.25 in steps of 0.05, then decoded`;
  const c = new Canvas(Math.max(10 + panels.length * panelWidth, textWidth(title, 2) + 20), top + header + dim * (cell + 2) + 10, WHITE);
  c.text(10, 10, title, { scale: 2, color: TEXT });
  panels.forEach((p, n) => {
    const x0 = 10 + n * panelWidth;
    c.text(x0, top, `held-out digit: label ${test.y[p.sample]}, winning capsule ${p.win}`, { color: TEXT });
    c.gray(test.x.subarray(p.sample * s * s, (p.sample + 1) * s * s), s, s, x0, top + 12, scale);
    const grid = top + header;
    c.text(x0, grid - 10, "added", { color: TEXT });
    PERTURBATIONS.forEach((a, t) => {
      const label = a === 0 ? "0" : `${a > 0 ? "+" : "−"}${Math.abs(a).toFixed(2).slice(1)}`;
      c.text(x0 + rowLabel + t * (cell + 2) + cell / 2, grid - 10, label, { color: TEXT, align: "center" });
    });
    for (let d = 0; d < dim; d++) {
      const y = grid + d * (cell + 2);
      c.text(x0, y + cell / 2 - 3, `d${d + 1}`, { color: TEXT });
      for (let t = 0; t < cols; t++) {
        const img = p.images.subarray((d * cols + t) * s * s, (d * cols + t + 1) * s * s);
        c.gray(img, s, s, x0 + rowLabel + t * (cell + 2), y, scale);
      }
    }
  });
  return c;
}
