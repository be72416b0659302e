// Plots with a title, labelled axes, ticks and a legend, drawn on a Canvas: line plots (learning
// curves, functions), scatter plots (code spaces, samples), heat maps with a colour bar (decision
// maps, attention), and titled, labelled compositions of image grids. A picture a person looks at
// must say what it shows; these are the pieces every picture of wasmnn is made of.
import { Canvas, PALETTE, type RGB } from "./png.js";
import { textHeight, textWidth } from "./font.js";

const INK: RGB = [30, 30, 30];
const GRID: RGB = [228, 228, 228];
const MUTED: RGB = [90, 90, 90];
/** Title text scale and the height of the band it sits in. */
const TITLE_SCALE = 2;
const TITLE_BAND = 30;

/** Steps of 1, 2 or 5 × 10ᵏ covering [lo, hi] with about `count` ticks. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  // toPrecision drops the float noise of k·step (0.6000000000000001) and the sign of −0.
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)) + 0);
  return out;
}

/** A tick value printed with as many decimals as its step needs, "−" for minus. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  let s: string;
  if (a >= 1e5 || a < 1e-3) s = v.toExponential(Math.max(0, Math.min(3, -Math.floor(Math.log10(step / a))))).replace("e+", "e");
  else s = v.toFixed(Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9))));
  return s.replace(/-/g, "−");
}

/** A title band across the top of a new canvas of the given size. */
export function figure(width: number, height: number, title: string): Canvas {
  const c = new Canvas(width, height);
  c.text(width / 2, (TITLE_BAND - textHeight(TITLE_SCALE)) / 2, title, { scale: TITLE_SCALE, align: "center", color: INK });
  return c;
}

export interface Range {
  lo: number;
  hi: number;
}

/** lo..hi of every finite value, padded by `pad` of the span (and widened when flat). */
export function rangeOf(values: Iterable<number>, pad = 0.05): Range {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo > hi) return { lo: 0, hi: 1 };
  if (lo === hi) return { lo: lo - 0.5, hi: hi + 0.5 };
  const p = (hi - lo) * pad;
  return { lo: lo - p, hi: hi + p };
}

/** A rectangle of a canvas, in pixels. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A plotting area of a canvas: data coordinates mapped onto a pixel box, with its frame and ticks. */
export class Axes {
  constructor(
    readonly canvas: Canvas,
    readonly box: Box,
    readonly x: Range,
    readonly y: Range,
  ) {}

  px(v: number): number {
    return this.box.x + ((v - this.x.lo) / (this.x.hi - this.x.lo)) * this.box.w;
  }

  py(v: number): number {
    return this.box.y + this.box.h - ((v - this.y.lo) / (this.y.hi - this.y.lo)) * this.box.h;
  }

  /** Grid lines, the frame, tick labels and the two axis labels. */
  frame(xLabel: string, yLabel: string, options: { grid?: boolean; xTicks?: number; yTicks?: number } = {}): void {
    const { canvas: c, box: b } = this;
    const ticks = (r: Range, n: number): number[] => niceTicks(Math.min(r.lo, r.hi), Math.max(r.lo, r.hi), n);
    const xt = ticks(this.x, options.xTicks ?? 6);
    const yt = ticks(this.y, options.yTicks ?? 5);
    const xStep = xt.length > 1 ? xt[1] - xt[0] : 1;
    const yStep = yt.length > 1 ? yt[1] - yt[0] : 1;
    if (options.grid ?? true) {
      for (const t of xt) c.line(this.px(t), b.y, this.px(t), b.y + b.h, GRID);
      for (const t of yt) c.line(b.x, this.py(t), b.x + b.w, this.py(t), GRID);
    }
    c.line(b.x, b.y, b.x + b.w, b.y, INK);
    c.line(b.x, b.y + b.h, b.x + b.w, b.y + b.h, INK);
    c.line(b.x, b.y, b.x, b.y + b.h, INK);
    c.line(b.x + b.w, b.y, b.x + b.w, b.y + b.h, INK);
    for (const t of xt) {
      c.line(this.px(t), b.y + b.h, this.px(t), b.y + b.h + 4, INK);
      c.text(this.px(t), b.y + b.h + 7, formatTick(t, xStep), { align: "center", color: MUTED });
    }
    let widest = 0;
    for (const t of yt) {
      const s = formatTick(t, yStep);
      widest = Math.max(widest, textWidth(s));
      c.line(b.x - 4, this.py(t), b.x, this.py(t), INK);
      c.text(b.x - 7, this.py(t) - 3, s, { align: "right", color: MUTED });
    }
    c.text(b.x + b.w / 2, b.y + b.h + 22, xLabel, { align: "center", color: INK });
    c.text(b.x - widest - 20, b.y + b.h / 2, yLabel, { align: "center", vertical: true, color: INK });
  }

  /** A polyline through (xs[i], ys[i]), skipping non-finite points. */
  line(xs: ArrayLike<number>, ys: ArrayLike<number>, color: readonly number[], width = 2): void {
    let prev: [number, number] | null = null;
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
        prev = null;
        continue;
      }
      const p: [number, number] = [this.px(xs[i]), this.clampY(this.py(ys[i]))];
      if (prev) this.canvas.line(prev[0], prev[1], p[0], p[1], color, width);
      else this.canvas.fillRect(p[0], p[1], 1, 1, color);
      prev = p;
    }
  }

  /** A dot of radius r at each (xs[i], ys[i]) inside the axes; points outside them are left out. */
  scatter(xs: ArrayLike<number>, ys: ArrayLike<number>, color: readonly number[], r = 2): void {
    const { x, y, w, h } = this.box;
    for (let i = 0; i < xs.length; i++) {
      const px = Math.round(this.px(xs[i]));
      const py = Math.round(this.py(ys[i]));
      if (px >= x && px <= x + w && py >= y && py <= y + h) this.canvas.dot(px, py, r, color);
    }
  }

  private clampY(v: number): number {
    return Math.max(this.box.y, Math.min(this.box.y + this.box.h, v));
  }
}

/** A boxed legend: one colour swatch and name per entry, in a corner of `area` (an axes' box, say). */
export function legend(c: Canvas, area: Box, entries: { name: string; color: readonly number[] }[], corner: "top-right" | "top-left" | "bottom-right" | "bottom-left" = "top-right"): void {
  if (entries.length === 0) return;
  const w = Math.max(...entries.map((e) => textWidth(e.name))) + 30;
  const h = entries.length * 13 + 8;
  const x = corner.endsWith("right") ? area.x + area.w - w - 8 : area.x + 8;
  const y = corner.startsWith("top") ? area.y + 8 : area.y + area.h - h - 8;
  c.fillRect(x, y, w, h, [255, 255, 255]);
  for (const [x0, y0, x1, y1] of [[x, y, x + w, y], [x, y + h, x + w, y + h], [x, y, x, y + h], [x + w, y, x + w, y + h]]) c.line(x0, y0, x1, y1, MUTED);
  entries.forEach((e, i) => {
    const ly = y + 6 + i * 13;
    c.fillRect(x + 6, ly + 2, 16, 3, e.color);
    c.text(x + 26, ly, e.name, { color: INK });
  });
}

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: readonly number[];
  /** Draw markers at the points instead of a line. */
  points?: boolean;
}

export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
  x?: Range;
  y?: Range;
  legend?: "top-right" | "top-left" | "bottom-right" | "bottom-left" | "none";
}

/** Margins around the axes of a plot: room for the y tick labels and label, the x ones, the title. */
const MARGIN = { left: 70, right: 20, top: TITLE_BAND + 8, bottom: 42 };

/** Axes filling a canvas below its title band. */
export function axesOn(c: Canvas, x: Range, y: Range, right = MARGIN.right): Axes {
  return new Axes(c, { x: MARGIN.left, y: MARGIN.top, w: c.width - MARGIN.left - right, h: c.height - MARGIN.top - MARGIN.bottom }, x, y);
}

/** Lines (or point clouds) of y against x, with axes, ticks, grid and a legend naming each series. */
export function linePlot(o: LinePlotOptions): Canvas {
  const c = figure(o.width ?? 640, o.height ?? 400, o.title);
  const all = (k: "x" | "y"): number[] => o.series.flatMap((s) => Array.from(s[k]));
  const ax = axesOn(c, o.x ?? rangeOf(all("x"), 0), o.y ?? rangeOf(all("y")));
  ax.frame(o.xLabel, o.yLabel);
  const colored = o.series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] }));
  for (const s of colored) {
    if (s.points) ax.scatter(s.x, s.y, s.color);
    else ax.line(s.x, s.y, s.color);
  }
  if (o.legend !== "none") legend(c, ax.box, colored, o.legend === undefined ? "top-right" : o.legend);
  return c;
}

/** A colour map: t in [0, 1] → RGB. */
export type Colormap = (t: number) => RGB;

function interpolated(stops: readonly RGB[]): Colormap {
  return (t) => {
    const u = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(u));
    const f = u - i;
    return stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f)) as unknown as RGB;
  };
}

/** Perceptually ordered dark blue → green → yellow (viridis, sampled at five points). */
export const viridis: Colormap = interpolated([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]]);
/** Blue (low) → white (middle) → red (high): signed values such as weights. */
export const diverging: Colormap = interpolated([[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]]);
export const grayscale: Colormap = (t) => {
  const v = Math.round(255 * Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)));
  return [v, v, v];
};

/** A vertical colour bar for values lo..hi at the right of a box, with ticks and a label. */
export function colorbar(c: Canvas, box: Omit<Box, "w">, lo: number, hi: number, cmap: Colormap, label: string): void {
  for (let j = 0; j < box.h; j++) c.fillRect(box.x, box.y + box.h - 1 - j, 14, 1, cmap(j / Math.max(1, box.h - 1)));
  const ticks = niceTicks(lo, hi, 4);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  for (const t of ticks) {
    const y = box.y + box.h - ((t - lo) / (hi - lo || 1)) * box.h;
    c.line(box.x + 14, y, box.x + 18, y, INK);
    // A gap wider than a minus sign, so that the tick mark does not read as one.
    c.text(box.x + 24, y - 3, formatTick(t, step), { color: MUTED });
  }
  c.text(box.x + 64, box.y + box.h / 2, label, { align: "center", vertical: true, color: INK });
}

export interface HeatmapOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** The label of the colour bar (what a cell's value is). */
  valueLabel: string;
  /** Data coordinates of the map's edges (default: cell indices 0..cols, 0..rows). */
  x?: Range;
  y?: Range;
  /** Value range of the colours (default: min..max of the values). */
  range?: Range;
  cmap?: Colormap;
  width?: number;
  height?: number;
}

/**
 * A rows×cols grid of values (row 0 at the top, as a matrix is read) as coloured cells, with axes
 * and a colour bar. Returns the canvas and its axes, to draw points or lines over the map.
 */
export function heatmap(values: ArrayLike<number>, rows: number, cols: number, o: HeatmapOptions): { canvas: Canvas; axes: Axes } {
  const c = figure(o.width ?? 560, o.height ?? 480, o.title);
  const ax = axesOn(c, o.x ?? { lo: 0, hi: cols }, o.y ?? { lo: rows, hi: 0 }, 100);
  const r = o.range ?? rangeOf(Array.from(values), 0);
  const cmap = o.cmap ?? viridis;
  const { x, y, w, h } = ax.box;
  for (let j = 0; j < h; j++) {
    const row = Math.min(rows - 1, Math.floor((j / h) * rows));
    for (let i = 0; i < w; i++) {
      const col = Math.min(cols - 1, Math.floor((i / w) * cols));
      c.set(x + i, y + j, cmap((values[row * cols + col] - r.lo) / (r.hi - r.lo || 1)));
    }
  }
  ax.frame(o.xLabel, o.yLabel, { grid: false });
  colorbar(c, { x: x + w + 14, y, h }, r.lo, r.hi, cmap, o.valueLabel);
  return { canvas: c, axes: ax };
}

export interface LabelledOptions {
  title: string;
  /** A label left of each row of cells (row r spans rows of `cellH` pixels from the top). */
  rowLabels?: string[];
  /** A label above each column of cells. */
  colLabels?: string[];
  cellW?: number;
  cellH?: number;
  /** A line of small text under the picture (what the rows and columns are, units). */
  caption?: string;
}

/**
 * `content` (an image grid, say) under a title, with row labels at its left, column labels above
 * it and an optional caption below; cellW/cellH give the pitch of the grid's rows and columns.
 */
export function labelled(content: Canvas, o: LabelledOptions): Canvas {
  const left = o.rowLabels ? Math.max(...o.rowLabels.map((s) => textWidth(s))) + 12 : 10;
  const top = TITLE_BAND + (o.colLabels ? 14 : 4);
  const bottom = o.caption ? 20 : 8;
  const width = Math.max(left + content.width + 10, textWidth(o.title, TITLE_SCALE) + 20, o.caption ? textWidth(o.caption) + 20 : 0);
  const c = figure(width, top + content.height + bottom, o.title);
  c.draw(content, left, top);
  o.rowLabels?.forEach((s, r) => c.text(left - 6, top + (r + 0.5) * (o.cellH ?? content.height) - 3, s, { align: "right", color: INK }));
  o.colLabels?.forEach((s, k) => c.text(left + (k + 0.5) * (o.cellW ?? content.width), top - 11, s, { align: "center", color: INK }));
  if (o.caption) c.text(width / 2, top + content.height + 7, o.caption, { align: "center", color: MUTED });
  return c;
}

/** Canvases side by side, `cols` per row, under one title. */
export function panels(parts: Canvas[], cols: number, title: string, gap = 10): Canvas {
  const w = Math.max(...parts.map((p) => p.width));
  const h = Math.max(...parts.map((p) => p.height));
  const rows = Math.ceil(parts.length / cols);
  const c = figure(Math.max(cols * (w + gap) + gap, textWidth(title, TITLE_SCALE) + 20), TITLE_BAND + rows * (h + gap), title);
  parts.forEach((p, i) => c.draw(p, gap + (i % cols) * (w + gap), TITLE_BAND + Math.floor(i / cols) * (h + gap)));
  return c;
}
