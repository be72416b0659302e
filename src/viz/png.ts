// Pictures of what a network learned: image grids (filters, digits, reconstructions, samples)
// and simple plots, written as PNG with pngjs (pure JS). Node only.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

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
