// graphFigure: nn.drawGraph's layout drawn as a PNG canvas with the bitmap font.
import { beforeAll, describe, expect, it } from "vitest";
import { nn, ops, ready, tensor } from "../../src/index.js";
import { ROLE_COLORS } from "../../src/nn/draw-graph.js";
import { CELL_W } from "../../src/viz/font.js";
import { graphFigure } from "../../src/viz/graph.js";
import { layoutGraph } from "../../src/nn/graph.js";

const hex = (s: string): number[] => [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16));

describe("graphFigure", () => {
  beforeAll(async () => {
    await ready();
  });

  it("fills each node's box with its role's colour, inside a canvas with a title band", () => {
    const x = tensor([1, 2], [2]);
    const w = tensor([0.5, -1], [2], { requiresGrad: true });
    const loss = ops.sum(ops.mul(x, w));
    loss.backward();
    const c = graphFigure(loss, { title: "graph", labels: { x, w, loss } });
    const l = layoutGraph(nn.computationGraph(loss), { charWidth: CELL_W, lineHeight: 12 });
    const pixel = (px: number, py: number): number[] => Array.from(c.rgba.subarray((py * c.width + px) * 4, (py * c.width + px) * 4 + 3));
    for (const p of l.placed) {
      const role = p.node.kind === "op" ? "op" : p.node.role;
      // The right edge of a box is clear of its text: a pixel just inside it is the fill colour.
      expect(pixel(10 + p.x + p.w - 3, 40 + p.y + Math.floor(p.h / 2)), role).toEqual(hex(ROLE_COLORS[role]));
    }
    // The title is inked in the top band; every edge leaves a grey pixel just right of its source box.
    let ink = 0;
    for (let py = 0; py < 30; py++) for (let px = 0; px < c.width; px++) if (pixel(px, py)[0] < 128) ink++;
    expect(ink).toBeGreaterThan(20);
    for (const e of l.edges) {
      const a = l.placed[e.from];
      expect(pixel(10 + a.x + a.w + 1, 40 + Math.round(a.y + a.h / 2))).toEqual([110, 110, 110]);
    }
  });
});
