// What a convolutional network learned, as a picture: the first layer's filters and the feature
// maps each convolution produces for a few inputs. A trained first layer of an MNIST CNN holds
// small stroke and edge detectors; its feature maps are the input digit "seen through" each of
// them (bright where the pattern is), and the second layer's maps are smaller and more abstract.
// Node only (PNG through pngjs, src/viz/png.ts).
import { noGrad } from "../autograd/engine.js";
import { scope } from "../memory/scope.js";
import { Conv2d } from "../nn/conv.js";
import { Flatten } from "../nn/flatten.js";
import type { Module } from "../nn/module.js";
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from "../nn/pool.js";
import type { Sequential } from "../nn/sequential.js";
import { Tensor } from "../tensor/tensor.js";
import { Canvas } from "./png.js";
import { figure } from "./plot.js";
import { textWidth } from "./font.js";

const MUTED: [number, number, number] = [90, 90, 90];
/** Where the first line below a figure's title band may start. */
const TITLE_TOP = 32;

const BACKGROUND: [number, number, number] = [40, 40, 40];

/** The feature maps of one image: per convolution stage, [channels, h, w] values. */
export interface FeatureMaps {
  /** Layer index (in the Sequential) whose output was taken, with its description. */
  layer: number;
  name: string;
  channels: number;
  h: number;
  w: number;
  data: Float32Array;
}

function isDownsampling(m: Module): boolean {
  return m instanceof MaxPool2d || m instanceof AvgPool2d || m instanceof AdaptiveAvgPool2d || m instanceof Flatten;
}

/**
 * Run `image` ([c, h, w] values, one sample) through the model in eval mode and keep, for each
 * convolution, the maps just before the next pooling (after its batch norm and nonlinearity).
 */
export function featureMaps(model: Sequential, image: ArrayLike<number>, imageShape: readonly number[]): FeatureMaps[] {
  const out: FeatureMaps[] = [];
  const wasTraining = model.training;
  model.eval();
  try {
    scope(() =>
      noGrad(() => {
        let x = new Tensor(model.parameters()[0].backend, [1, ...imageShape]).set(image);
        let sinceConv = false;
        model.layers.forEach((layer, i) => {
          if (layer instanceof Conv2d) sinceConv = true;
          const next = model.layers[i + 1];
          x = layer.forward(x);
          if (sinceConv && (next === undefined || isDownsampling(next)) && x.rank === 4) {
            out.push({ layer: i, name: layer.describe(), channels: x.shape[1], h: x.shape[2], w: x.shape[3], data: x.toArray() });
            sinceConv = false;
          }
        });
      }),
    );
  } finally {
    model.train(wasTraining);
  }
  return out;
}

function range(v: ArrayLike<number>, from: number, n: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = from; i < from + n; i++) {
    lo = Math.min(lo, v[i]);
    hi = Math.max(hi, v[i]);
  }
  return [lo, hi];
}

/**
 * The filters of a convolution, one tile per (output, input) channel pair, each drawn on a
 * symmetric scale (mid-gray 0, white the most positive weight, black the most negative).
 */
export function filterCanvas(conv: Conv2d, scale = 8, pad = 4): Canvas {
  const [o, c, kh, kw] = conv.weight.shape;
  const w = conv.weight.toArray();
  // One row per output channel, one column per input channel; a single input channel (a
  // grayscale first layer) puts all filters on one row.
  const cols = c === 1 ? o : c;
  const rows = c === 1 ? 1 : o;
  const canvas = new Canvas(cols * (kw * scale + pad) + pad, rows * (kh * scale + pad) + pad, BACKGROUND);
  for (let k = 0; k < o * c; k++) {
    const [lo, hi] = range(w, k * kh * kw, kh * kw);
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    const col = k % cols;
    const row = Math.floor(k / cols);
    canvas.gray(w.subarray(k * kh * kw, (k + 1) * kh * kw), kw, kh, pad + col * (kw * scale + pad), pad + row * (kh * scale + pad), scale, -m, m);
  }
  return canvas;
}

export interface ConvPictureOptions {
  /** Sample shape of one image (default [1, 28, 28]). */
  imageShape?: readonly number[];
  /** Pixel scale of the input digits and the first maps (default 2). */
  scale?: number;
}

/** convPicture's canvas and where its parts are, for labelling. */
interface ConvLayout {
  canvas: Canvas;
  filterHeight: number;
  rowHeight: number;
  /** Left edge of each column group: the input digit, then each convolution stage. */
  groupX: number[];
  /** The convolution stages, as found for the first image. */
  stages: FeatureMaps[];
}

function convLayout(model: Sequential, images: ArrayLike<number>, count: number, options: ConvPictureOptions): ConvLayout {
  const shape = options.imageShape ?? [1, 28, 28];
  const [ic, ih, iw] = shape;
  const size = ic * ih * iw;
  const scale = options.scale ?? 2;
  const pad = 4;
  const first = model.layers.find((l): l is Conv2d => l instanceof Conv2d);
  if (first === undefined) throw new Error(`convPicture: the model has no Conv2d layer`);
  const filters = filterCanvas(first);
  const rows = Array.from({ length: count }, (_, i) => featureMaps(model, Array.prototype.slice.call(images, i * size, (i + 1) * size), shape));
  // Later stages are smaller: scale them up so every map is drawn as large as the first ones.
  const stages = rows[0] ?? [];
  const stageScale = stages.map((s) => Math.max(1, Math.round((scale * stages[0].h) / s.h)));
  const rowHeight = Math.max(ih * scale, ...stages.map((s, k) => s.h * stageScale[k]));
  const groupX = [pad];
  for (const [k, s] of stages.entries()) groupX.push(groupX[k] + (k === 0 ? iw * scale : stages[k - 1].channels * (stages[k - 1].w * stageScale[k - 1] + 2)) + 3 * pad);
  const last = stages.length > 0 ? groupX[stages.length] + stages[stages.length - 1].channels * (stages[stages.length - 1].w * stageScale[stages.length - 1] + 2) : pad + iw * scale;
  const canvas = new Canvas(Math.max(filters.width, last + pad), filters.height + count * (rowHeight + pad) + pad, BACKGROUND);
  canvas.draw(filters, 0, 0);
  rows.forEach((maps, r) => {
    const top = filters.height + r * (rowHeight + pad);
    const digit = Array.prototype.slice.call(images, r * size, r * size + ih * iw) as number[];
    const [lo, hi] = range(digit, 0, digit.length);
    canvas.gray(digit, iw, ih, groupX[0], top, scale, lo, hi);
    maps.forEach((s, k) => {
      const sc = stageScale[k];
      let x = groupX[k + 1];
      for (let ch = 0; ch < s.channels; ch++) {
        const [mlo, mhi] = range(s.data, ch * s.h * s.w, s.h * s.w);
        canvas.gray(s.data.subarray(ch * s.h * s.w, (ch + 1) * s.h * s.w), s.w, s.h, x, top, sc, mlo, mhi > mlo ? mhi : mlo + 1);
        x += s.w * sc + 2;
      }
    });
  });
  return { canvas, filterHeight: filters.height, rowHeight: rowHeight + pad, groupX, stages };
}

/**
 * One picture of a trained CNN: on top, the first convolution's filters; below, one row per
 * image: the input, then the feature maps of each convolution stage (each map stretched to its
 * own min..max). `images` holds `count` samples back to back.
 */
export function convPicture(model: Sequential, images: ArrayLike<number>, count: number, options: ConvPictureOptions = {}): Canvas {
  return convLayout(model, images, count, options).canvas;
}

/**
 * convPicture under a title, with labels: the band of first-layer filters, each image row, and
 * above the rows the layer each group of maps comes from.
 */
export function convFigure(model: Sequential, images: ArrayLike<number>, count: number, options: ConvPictureOptions = {}): Canvas {
  const l = convLayout(model, images, count, options);
  const rowNames = Array.from({ length: count }, (_, r) => `test digit ${r + 1}`);
  const left = Math.max(textWidth("first-layer"), ...rowNames.map((s) => textWidth(s))) + 16;
  const top = TITLE_TOP + 14;
  const c = figure(Math.max(l.canvas.width + left + 10, 600), l.canvas.height + top + 22, "What the CNN sees: first-layer filters and feature maps");
  c.draw(l.canvas, left, top);
  c.text(left - 8, top + l.filterHeight / 2 - 9, "first-layer", { align: "right" });
  c.text(left - 8, top + l.filterHeight / 2 + 3, "filters", { align: "right" });
  rowNames.forEach((s, r) => c.text(left - 8, top + l.filterHeight + (r + 0.5) * l.rowHeight - 3, s, { align: "right" }));
  const groups = ["input", ...l.stages.map((s) => `${s.channels} maps after layer ${s.layer} (${model.layers[s.layer].describe()})`)];
  groups.forEach((s, k) => c.text(left + l.groupX[k], top - 12, s, { color: MUTED }));
  c.text(c.width / 2, c.height - 14, "filters: grey 0, white the most positive weight, black the most negative; each map stretched to its own range", { align: "center", color: MUTED });
  return c;
}

/** Write convFigure(...) to `path` as a PNG. */
export function saveConvPicture(path: string, model: Sequential, images: ArrayLike<number>, count: number, options: ConvPictureOptions = {}): void {
  convFigure(model, images, count, options).save(path);
}
