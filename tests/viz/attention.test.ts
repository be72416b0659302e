// The attention picture: its legend fits on the canvas, and with targets every cell whose key
// holds its query's output is outlined and the outputs are written at the right of each map.
import { describe, expect, it } from "vitest";
import { attentionPicture } from "../../src/viz/attention.js";
import { textWidth } from "../../src/viz/font.js";
import type { Canvas } from "../../src/viz/png.js";

const pixel = (c: Canvas, x: number, y: number): number[] => Array.from(c.rgba.subarray((y * c.width + x) * 4, (y * c.width + x) * 4 + 3));
const MARK = [230, 110, 0];
const WHITE = [255, 255, 255];

/** One layer, one head over 3 tokens: all the weight of query q on key 2 − q (the anti-diagonal). */
const mirror = (): Float32Array => Float32Array.from({ length: 9 }, (_, i) => (i % 3 === 2 - Math.floor(i / 3) ? 1 : 0));

describe("attentionPicture", () => {
  it("is wide enough for its whole legend, however small the maps", () => {
    const c = attentionPicture("t", [{ tokens: ["1", "2", "3"], maps: [[mirror()]] }], 8);
    const legend = 16 + textWidth("weight 0 ") + 106 + textWidth("1     rows: query position, columns: key position");
    expect(c.width).toBe(legend + 16);
    const marked = attentionPicture("t", [{ tokens: ["1", "2", "3"], targets: ["3", "2", "1"], maps: [[mirror()]] }], 8);
    expect(marked.width).toBe(16 + 14 + textWidth("the key holds the token this query position outputs (at the right of each map)") + 16);
    expect(marked.height - c.height).toBe(12);
  });

  it("outlines exactly the cells whose key holds the query's target, and writes the targets at the right", () => {
    const cell = 10;
    const c = attentionPicture("t", [{ tokens: ["1", "2", "1"], targets: ["1", "2", "1"], maps: [[mirror()]] }], cell);
    const x0 = 16 + 16;
    const y0 = 72 + 14;
    for (let q = 0; q < 3; q++) {
      for (let k = 0; k < 3; k++) {
        const corner = pixel(c, x0 + k * cell, y0 + q * cell);
        // Target "1" sits at keys 0 and 2, target "2" at key 1.
        const wanted = q === 1 ? k === 1 : k !== 1;
        expect(corner, `cell (${q}, ${k})`).toEqual(wanted ? MARK : q + k === 2 ? [20, 50, 135] : WHITE);
        // The inside keeps the weight's shade: dark blue on the anti-diagonal, white elsewhere.
        expect(pixel(c, x0 + k * cell + 5, y0 + q * cell + 5)).toEqual(q + k === 2 ? [20, 50, 135] : WHITE);
      }
    }
    const right = Array.from({ length: cell }, (_, j) => Array.from({ length: 5 }, (_, i) => pixel(c, x0 + 3 * cell + 3 + i, y0 + j).join()));
    expect(right.flat().filter((p) => p === MARK.join()).length).toBeGreaterThan(5);
    const plain = attentionPicture("t", [{ tokens: ["1", "2", "1"], maps: [[mirror()]] }], cell);
    expect(pixel(plain, x0, 60 + 14)).toEqual(WHITE);
  });
});
