import { describe, expect, it } from "vitest";
import { glyph, rasterize, textWidth } from "../../src/viz/font.js";
import { Canvas } from "../../src/viz/png.js";
import { diverging, formatTick, heatmap, labelled, linePlot, niceTicks, rangeOf, viridis } from "../../src/viz/plot.js";

const MISSING = glyph("\u0001");

function inked(c: Canvas, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (c.rgba[(y * c.width + x) * 4] !== 255) n++;
  return n;
}

function pixel(c: Canvas, x: number, y: number): number[] {
  const o = (y * c.width + x) * 4;
  return [c.rgba[o], c.rgba[o + 1], c.rgba[o + 2]];
}

describe("font", () => {
  it("has a glyph for every printable ASCII character", () => {
    for (let code = 32; code < 127; code++) expect(glyph(String.fromCharCode(code)), String.fromCharCode(code)).not.toBe(MISSING);
  });

  it("draws a character with no glyph as a box rather than dropping it", () => {
    const hits: [number, number][] = [];
    rasterize("\u0001", 0, 0, 1, false, (x, y) => hits.push([x, y]));
    expect(hits.length).toBe(5 + 5 + 2 * 5); // top and bottom rows, and both sides of the five between
  });

  it("measures and scales text: 6 pixels a character less the last spacing column", () => {
    expect(textWidth("", 1)).toBe(0);
    expect(textWidth("ab", 1)).toBe(11);
    expect(textWidth("ab", 2)).toBe(22);
    const hits: [number, number][] = [];
    rasterize("I", 10, 20, 2, false, (x, y) => hits.push([x, y]));
    // I: three pixels on top and bottom and one in each of the five rows between, 4 pixels each at scale 2.
    expect(hits.length).toBe(11 * 4);
    expect(Math.min(...hits.map((h) => h[0]))).toBe(10 + 2);
    expect(Math.max(...hits.map((h) => h[1]))).toBe(20 + 13);
  });

  it("turns vertical text a quarter turn anticlockwise, running upwards from (x, y)", () => {
    const hits: [number, number][] = [];
    rasterize("L", 50, 100, 1, true, (x, y) => hits.push([x, y]));
    // L's upright stroke (column 0, rows 0–6) becomes a horizontal run at the bottom; its foot
    // (row 6) a vertical run on the right.
    const ys = hits.map((h) => h[1]);
    expect(Math.max(...ys)).toBe(100);
    expect(Math.min(...ys)).toBe(96);
    expect(hits.filter((h) => h[1] === 100).length).toBe(7);
  });

  it("draws descenders below the baseline", () => {
    const hits: [number, number][] = [];
    rasterize("g", 0, 0, 1, false, (x, y) => hits.push([x, y]));
    expect(Math.max(...hits.map((h) => h[1]))).toBe(8);
  });
});

describe("plot", () => {
  it("picks ticks at 1, 2 or 5 × 10^k covering the range", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 3, 6)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(niceTicks(0.0013, 0.0047, 4)).toEqual([0.002, 0.003, 0.004]);
    expect(niceTicks(2, 2)).toEqual([2]);
  });

  it("prints ticks with the decimals their step needs and a true minus", () => {
    expect(formatTick(-0.5, 0.5)).toBe("−0.5");
    expect(formatTick(2, 1)).toBe("2");
    expect(formatTick(0.6, 0.2)).toBe("0.6");
    expect(formatTick(1e-4, 1e-4)).toBe("1e−4");
    expect(formatTick(250000, 50000)).toBe("2.5e5");
  });

  it("pads ranges and ignores non-finite values", () => {
    expect(rangeOf([0, 10, NaN, Infinity], 0.1)).toEqual({ lo: -1, hi: 11 });
    expect(rangeOf([3, 3])).toEqual({ lo: 2.5, hi: 3.5 });
    expect(rangeOf([])).toEqual({ lo: 0, hi: 1 });
  });

  it("draws a line plot with a title, axes and a legend in each series' colour", () => {
    const c = linePlot({ title: "Loss", xLabel: "epoch", yLabel: "loss", series: [{ name: "train", x: [0, 1, 2], y: [1, 0.5, 0.25], color: [200, 0, 0] }, { name: "test", x: [0, 1, 2], y: [1, 0.7, 0.6], color: [0, 0, 200] }] });
    expect(inked(c, 0, 0, c.width, 30)).toBeGreaterThan(50); // the title
    const colours = new Set<string>();
    for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) colours.add(pixel(c, x, y).join(","));
    expect(colours.has("200,0,0")).toBe(true);
    expect(colours.has("0,0,200")).toBe(true);
  });

  it("colours a heat map's cells by value, row 0 at the top", () => {
    const { canvas, axes } = heatmap([0, 1, 2, 3], 2, 2, { title: "map", xLabel: "column", yLabel: "row", valueLabel: "value" });
    const { x, y, w, h } = axes.box;
    expect(pixel(canvas, x + 2, y + 2)).toEqual([...viridis(0)]);
    expect(pixel(canvas, x + w - 2, y + 2)).toEqual([...viridis(1 / 3)]);
    expect(pixel(canvas, x + w - 2, y + h - 2)).toEqual([...viridis(1)]);
    expect(diverging(0.5)).toEqual([247, 247, 247]);
  });

  it("labels a grid's rows and columns around the content", () => {
    const content = new Canvas(40, 20, [0, 0, 0]);
    const c = labelled(content, { title: "grid", rowLabels: ["a", "b"], colLabels: ["x", "y"], cellW: 20, cellH: 10 });
    expect(c.height).toBeGreaterThan(content.height + 30);
    // The content is copied whole: a black block of its size sits right of the row labels.
    let black = 0;
    for (let i = 0; i < c.rgba.length; i += 4) if (c.rgba[i] === 0 && c.rgba[i + 1] === 0) black++;
    expect(black).toBeGreaterThanOrEqual(40 * 20);
  });
});
