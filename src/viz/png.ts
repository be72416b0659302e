// Pictures of what a network learned: image grids (filters, digits, reconstructions, samples)
// and simple plots, written as PNG with pngjs (pure JS). Node only.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { rasterize, textWidth } from "./font.js";

export type RGB = readonly [number, number, number];

export interface TextOptions {
  /** Pixel scale of the 5×7 font (default 1). */
  scale?: number;
  color?: readonly number[];
  /** Where x is: the text's left end, centre or right end (default "left"). */
  align?: "left" | "center" | "right";
  /** Run upwards (a y-axis label); y is then the baseline's lower end before alignment. */
  vertical?: boolean;
}

/** Ten distinguishable colours (Tableau 10), indexed by class. */
export const PALETTE: readonly [number, number, number][] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/** An RGB raster on a white background. */
export class Canvas {
  readonly rgba: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: [number, number, number] = [255, 255, 255]) {
    this.rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) this.rgba.set([...background, 255], i * 4);
  }

  set(x: number, y: number, [r, g, b]: readonly number[]): void {
    x = Math.floor(x);
    y = Math.floor(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.rgba.set([r, g, b, 255], (y * this.width + x) * 4);
  }

  fillRect(x: number, y: number, w: number, h: number, color: readonly number[]): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.set(x + i, y + j, color);
  }

  /** A filled dot of radius r (a scatter-plot marker). */
  dot(cx: number, cy: number, r: number, color: readonly number[]): void {
    for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) if (i * i + j * j <= r * r) this.set(cx + i, cy + j, color);
  }

  /** A straight line from (x0, y0) to (x1, y1), `width` pixels thick (Bresenham, square brush). */
  line(x0: number, y0: number, x1: number, y1: number, color: readonly number[], width = 1): void {
    [x0, y0, x1, y1] = [x0, y0, x1, y1].map(Math.round);
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    const lo = -Math.floor((width - 1) / 2);
    let err = dx + dy;
    for (;;) {
      this.fillRect(x0 + lo, y0 + lo, width, width, color);
      if (x0 === x1 && y0 === y1) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  /** Text in the 5×7 bitmap font, its top at y (see TextOptions for x). */
  text(x: number, y: number, text: string, options: TextOptions = {}): void {
    const scale = options.scale ?? 1;
    const color = options.color ?? [0, 0, 0];
    const w = textWidth(text, scale);
    const shift = options.align === "center" ? w / 2 : options.align === "right" ? w : 0;
    if (options.vertical) rasterize(text, Math.round(x), Math.round(y + shift), scale, true, (px, py) => this.set(px, py, color));
    else rasterize(text, Math.round(x - shift), Math.round(y), scale, false, (px, py) => this.set(px, py, color));
  }

  /** Copy another canvas onto this one with its top-left corner at (x, y). */
  draw(src: Canvas, x: number, y: number): void {
    for (let j = 0; j < src.height; j++) {
      for (let i = 0; i < src.width; i++) {
        const o = (j * src.width + i) * 4;
        this.set(x + i, y + j, [src.rgba[o], src.rgba[o + 1], src.rgba[o + 2]]);
      }
    }
  }

  /** Draw a grayscale image (values mapped from [lo, hi] to black..white) at (x, y), each pixel `scale`×`scale`. */
  gray(values: ArrayLike<number>, w: number, h: number, x: number, y: number, scale = 1, lo = 0, hi = 1): void {
    const span = hi - lo || 1;
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const v = Math.max(0, Math.min(255, Math.round((255 * (values[j * w + i] - lo)) / span)));
        this.fillRect(x + i * scale, y + j * scale, scale, scale, [v, v, v]);
      }
    }
  }

  /** Write the canvas as a PNG file. */
  save(path: string): void {
    const require = createRequire(import.meta.url);
    const { PNG } = require("pngjs") as typeof import("pngjs");
    const png = new PNG({ width: this.width, height: this.height });
    png.data.set(this.rgba);
    writeFileSync(path, PNG.sync.write(png));
  }
}

export interface GridOptions {
  /** Images per row (default ⌈√n⌉). */
  cols?: number;
  /** Pixel scale (default 2). */
  scale?: number;
  /** Gap between images in pixels (default 2). */
  pad?: number;
  /** "each": stretch every image to its own min..max (filters, feature maps); "fixed": [0, 1] (digits). */
  normalize?: "each" | "fixed";
}

/** n grayscale images of h×w stored back to back in `images`, tiled into one canvas. */
export function imageGrid(images: ArrayLike<number>, n: number, h: number, w: number, options: GridOptions = {}): Canvas {
  const cols = options.cols ?? Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const scale = options.scale ?? 2;
  const pad = options.pad ?? 2;
  const c = new Canvas(cols * (w * scale + pad) + pad, rows * (h * scale + pad) + pad, [40, 40, 40]);
  for (let k = 0; k < n; k++) {
    const img = Array.from({ length: h * w }, (_, i) => images[k * h * w + i]);
    let lo = 0;
    let hi = 1;
    if (options.normalize === "each") {
      lo = Math.min(...img);
      hi = Math.max(...img);
    }
    c.gray(img, w, h, pad + (k % cols) * (w * scale + pad), pad + Math.floor(k / cols) * (h * scale + pad), scale, lo, hi);
  }
  return c;
}
