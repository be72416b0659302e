// drawGraph: the computation graph behind a tensor as an SVG picture, in the spirit of
// micrograd's draw_dot. SVG because it is text: GitHub and every browser render it, a page can put
// it straight into the DOM, a test can read it, and it needs neither a canvas nor a file system,
// so it works wherever wasmnn runs. (For PNG figures, src/viz/graph.ts draws the same layout with
// the bitmap font.)
import type { Tensor } from "../tensor/tensor.js";
import { computationGraph, foldedEdges, layoutGraph, type GraphLayout, type GraphOptions, type TensorRole } from "./graph.js";

/** drawGraph's options: GraphOptions, a title, and how many values to show. */
export interface DrawGraphOptions extends GraphOptions {
  /** A heading above the graph. */
  title?: string;
  /** Values (and gradient entries) shown per tensor before "…" (default 4). */
  maxValues?: number;
}

/** Fill colours: leaves the optimizer moves, data fed in, values computed, the root, ops. */
export const ROLE_COLORS: Record<TensorRole | "op", string> = {
  parameter: "#cfe3f7",
  input: "#e8e8e8",
  intermediate: "#ffffff",
  output: "#fbd9bd",
  op: "#fff2b3",
};

const FONT_SIZE = 12;
/** A 12-pixel monospace character is 0.6 em wide in the common monospace fonts; a little spare. */
const METRICS = { charWidth: 7.4, lineHeight: 15 };
const TITLE_H = 28;
const LEGEND_H = 26;

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function edgesSvg(l: GraphLayout, dy: number): string[] {
  return foldedEdges(l.edges).map((e) => {
    const a = l.placed[e.from];
    const b = l.placed[e.to];
    const [x1, y1, x2, y2] = [a.x + a.w, a.y + a.h / 2 + dy, b.x, b.y + b.h / 2 + dy];
    const c = (x2 - x1) / 2;
    const path = `<path class="edge" data-from="${e.from}" data-to="${e.to}" data-count="${e.count}" d="M${x1},${y1} C${x1 + c},${y1} ${x2 - c},${y2} ${x2},${y2}" fill="none" stroke="#666" marker-end="url(#wasmnn-arrow)"/>`;
    return e.count === 1 ? path : `${path}<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle" fill="#555">×${e.count}</text>`;
  });
}

function nodesSvg(l: GraphLayout, dy: number): string[] {
  return l.placed.map((p) => {
    const { node } = p;
    const y = p.y + dy;
    const role = node.kind === "op" ? "op" : node.role;
    const radius = node.kind === "op" ? p.h / 2 : 3;
    const text = p.lines.map((s, i) => {
      const ty = y + 5 + (i + 1) * METRICS.lineHeight - 4;
      const bold = node.kind === "tensor" && i === 0 ? ` font-weight="bold"` : "";
      return node.kind === "op"
        ? `<text x="${p.x + p.w / 2}" y="${ty}" text-anchor="middle">${escapeXml(s)}</text>`
        : `<text x="${p.x + 8}" y="${ty}"${bold}>${escapeXml(s)}</text>`;
    });
    return [
      `<g class="node ${node.kind === "op" ? "op" : `tensor ${node.role}`}" data-id="${node.id}">`,
      `<rect x="${p.x}" y="${y}" width="${p.w}" height="${p.h}" rx="${radius}" fill="${ROLE_COLORS[role]}" stroke="#444"/>`,
      ...text,
      `</g>`,
    ].join("");
  });
}

function legendSvg(y: number): string[] {
  const out: string[] = [];
  let x = 10;
  for (const [name, color] of Object.entries(ROLE_COLORS)) {
    out.push(`<rect x="${x}" y="${y}" width="12" height="12" rx="${name === "op" ? 6 : 2}" fill="${color}" stroke="#444"/>`);
    out.push(`<text x="${x + 17}" y="${y + 10}">${name}</text>`);
    x += 17 + name.length * METRICS.charWidth + 16;
  }
  out.push(`<text x="${x}" y="${y + 10}" fill="#555">grad = d(output)/d(tensor)</text>`);
  return out;
}

/**
 * The computation graph behind `root` as an SVG document: one box per tensor (its label, shape,
 * values, and gradient d(root)/d(tensor) where backward() left one) and one rounded box per op,
 * laid out left to right with arrows along the flow of data. Call it after `root.backward()` to
 * see backpropagation: every leaf's gradient, and every intermediate tensor's for those marked
 * with `retainGrad()` (or all of them, with `retainGrads(root)` before backward()).
 * @example
 * const x = tensor([1, 2], [1, 2]);
 * const w = tensor([0.5, -0.25], [1, 2], { requiresGrad: true });
 * const y = ops.sum(ops.mul(x, w)).retainGrad();
 * y.backward();
 * writeFileSync("graph.svg", nn.drawGraph(y, { labels: { x, w, y } }));
 */
export function drawGraph(root: Tensor, options: DrawGraphOptions = {}): string {
  const layout = layoutGraph(computationGraph(root, options), METRICS, options.maxValues ?? 4);
  const top = options.title === undefined ? 0 : TITLE_H;
  const legendW = 10 + Object.keys(ROLE_COLORS).reduce((s, k) => s + 33 + k.length * METRICS.charWidth, 0) + 27 * METRICS.charWidth;
  const width = Math.ceil(Math.max(layout.width, legendW));
  const height = top + layout.height + LEGEND_H;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="${FONT_SIZE}">`,
    `<defs><marker id="wasmnn-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#666"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...(options.title === undefined ? [] : [`<text x="${width / 2}" y="19" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`]),
    ...edgesSvg(layout, top),
    ...nodesSvg(layout, top),
    ...legendSvg(top + layout.height + 6),
    `</svg>`,
  ].join("\n");
}
