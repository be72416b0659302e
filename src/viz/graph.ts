// The computation graph of nn.drawGraph as a PNG figure: the same nodes and layout, drawn on a
// Canvas with the bitmap font, under a title and above a legend, for the CLI and the guide's
// figures (which are PNG, as every other picture wasmnn writes).
import { ROLE_COLORS } from "../nn/draw-graph.js";
import { computationGraph, foldedEdges, layoutGraph, type GraphOptions } from "../nn/graph.js";
import type { Tensor } from "../tensor/tensor.js";
import { CELL_W } from "./font.js";
import { figure } from "./plot.js";
import type { Canvas } from "./png.js";

const INK = [40, 40, 40];
const EDGE = [110, 110, 110];
const LINE_H = 12;
const TOP = 40;
const LEGEND_H = 76;

function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** A cubic Bézier from (x1, y1) to (x2, y2), horizontal at both ends, ending in an arrowhead. */
function arrow(c: Canvas, x1: number, y1: number, x2: number, y2: number): void {
  const cx = (x2 - x1) / 2;
  let [px, py] = [x1, y1];
  for (let k = 1; k <= 24; k++) {
    const t = k / 24;
    const u = 1 - t;
    const x = u * u * u * x1 + 3 * u * u * t * (x1 + cx) + 3 * u * t * t * (x2 - cx) + t * t * t * x2;
    const y = u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2;
    c.line(px, py, x, y, EDGE);
    [px, py] = [x, y];
  }
  for (let d = 0; d < 5; d++) c.line(x2 - 1 - d, y2 - d, x2 - 1 - d, y2 + d, EDGE);
}

export interface GraphFigureOptions extends GraphOptions {
  title: string;
  /** Values (and gradient entries) per tensor before "…" (default 4). */
  maxValues?: number;
}

/**
 * The computation graph behind `root` as a titled figure: tensor boxes (label and shape, data,
 * grad), op boxes, arrows along the data flow, and a legend of the node colours.
 */
export function graphFigure(root: Tensor, o: GraphFigureOptions): Canvas {
  const layout = layoutGraph(computationGraph(root, o), { charWidth: CELL_W, lineHeight: LINE_H }, o.maxValues ?? 4);
  const c = figure(Math.max(layout.width + 20, 520), TOP + layout.height + LEGEND_H, o.title);
  const ox = 10;
  for (const e of foldedEdges(layout.edges)) {
    const a = layout.placed[e.from];
    const b = layout.placed[e.to];
    const [x1, y1, x2, y2] = [ox + a.x + a.w, TOP + a.y + a.h / 2, ox + b.x - 1, TOP + b.y + b.h / 2];
    arrow(c, x1, y1, x2, y2);
    if (e.count > 1) c.text((x1 + x2) / 2, (y1 + y2) / 2 - 11, `×${e.count}`, { align: "center", color: INK });
  }
  for (const p of layout.placed) {
    const [x, y] = [ox + p.x, TOP + p.y];
    const role = p.node.kind === "op" ? "op" : p.node.role;
    c.fillRect(x, y, p.w, p.h, rgb(ROLE_COLORS[role]));
    // Ops get cut corners, tensors square ones: the two kinds read apart even without colour.
    const cut = p.node.kind === "op" ? 4 : 0;
    const [r, btm] = [x + p.w - 1, y + p.h - 1];
    for (let j = 0; j < cut; j++) {
      for (let i = 0; i < cut - j; i++) for (const [px, py] of [[x + i, y + j], [r - i, y + j], [x + i, btm - j], [r - i, btm - j]]) c.set(px, py, [255, 255, 255]);
    }
    c.line(x + cut, y, r - cut, y, INK);
    c.line(x + cut, btm, r - cut, btm, INK);
    c.line(x, y + cut, x, btm - cut, INK);
    c.line(r, y + cut, r, btm - cut, INK);
    if (cut > 0) for (const [x0, y0, x1, y1] of [[x, y + cut, x + cut, y], [r, y + cut, r - cut, y], [x, btm - cut, x + cut, btm], [r, btm - cut, r - cut, btm]]) c.line(x0, y0, x1, y1, INK);
    p.lines.forEach((s, i) => {
      const ty = y + 5 + i * LINE_H + 2;
      if (p.node.kind === "op") c.text(x + p.w / 2, ty, s, { align: "center", color: INK });
      else c.text(x + 8, ty, s, { color: INK });
    });
  }
  // The key: a swatch of each node colour, drawn as the nodes are (a pale colour needs its frame).
  const names: Record<string, string> = { parameter: "parameter (requires grad)", input: "input (no grad)", intermediate: "intermediate", output: "output (the root)", op: "op" };
  Object.entries(ROLE_COLORS).forEach(([role, hex], k) => {
    const [x, y] = [ox + 4, TOP + layout.height + 8 + k * 13];
    c.fillRect(x, y, 14, 10, rgb(hex));
    for (const [x0, y0, x1, y1] of [[x, y, x + 13, y], [x, y + 9, x + 13, y + 9], [x, y, x, y + 9], [x + 13, y, x + 13, y + 9]]) c.line(x0, y0, x1, y1, INK);
    c.text(x + 20, y + 2, names[role], { color: INK });
  });
  c.text(ox + 200, TOP + layout.height + 10, "data: the values (row-major)", { color: INK });
  c.text(ox + 200, TOP + layout.height + 23, "grad: d(output)/d(tensor) after backward()", { color: INK });
  return c;
}
