// Attention maps as a picture: for each input, one heat map per layer and head, query positions
// down, key positions across, darker where the query attends more. A head that reverses a
// sequence draws the anti-diagonal; one that sorts draws a permutation. Node only (PNG).
import { textWidth } from "./font.js";
import { Canvas } from "./png.js";

export interface AttentionPictureRow {
  /** The input's tokens, drawn along both axes. */
  tokens: string[];
  /** maps[layer][head]: T×T weights, row-major (query × key). */
  maps: Float32Array[][];
  /**
   * The token each position must output, drawn at the right of each map; every cell whose key
   * holds the token its query must output is outlined, so a reader sees where the answer is.
   */
  targets?: string[];
}

const INK: [number, number, number] = [20, 20, 20];
const MARK: [number, number, number] = [230, 110, 0];

/** Weight w ∈ [0, 1] → white … dark blue. */
function shade(w: number): [number, number, number] {
  const t = Math.max(0, Math.min(1, w));
  return [Math.round(255 - 235 * t), Math.round(255 - 205 * t), Math.round(255 - 120 * t)];
}

/** A one-pixel outline just inside the square of side `size` at (x, y). */
function outline(canvas: Canvas, x: number, y: number, size: number): void {
  canvas.fillRect(x, y, size, 1, MARK);
  canvas.fillRect(x, y + size - 1, size, 1, MARK);
  canvas.fillRect(x, y, 1, size, MARK);
  canvas.fillRect(x + size - 1, y, 1, size, MARK);
}

/**
 * One picture: a title, a legend of the colour scale, then for each input a row of T×T maps,
 * one per (layer, head), each labelled and with the input tokens along its axes.
 */
export function attentionPicture(title: string, rows: AttentionPictureRow[], cell = 8): Canvas {
  const T = rows[0].tokens.length;
  const layers = rows[0].maps.length;
  const heads = rows[0].maps[0].length;
  const marked = rows.some((r) => r.targets !== undefined);
  const margin = 16;
  const size = T * cell;
  const tileW = Math.max(size, textWidth("layer 1 head 1")) + 24;
  const tileH = size + 36;
  const axes = "1     rows: query position, columns: key position";
  const marks = "the key holds the token this query position outputs (at the right of each map)";
  const barX = margin + textWidth("weight 0 ");
  const legendW = Math.max(barX + 106 + textWidth(axes), marked ? margin + 14 + textWidth(marks) : 0) + margin;
  const width = Math.max(margin * 2 + layers * heads * tileW, textWidth(title, 2) + 2 * margin, legendW, 420);
  const top = marked ? 72 : 60;
  const canvas = new Canvas(width, top + rows.length * (tileH + 20) + margin);
  canvas.text(margin, 8, title, { scale: 2, color: INK });
  // Legend: the colour bar from weight 0 to 1, and what an outlined cell means.
  canvas.text(margin, 36, "weight 0", { color: INK });
  for (let i = 0; i < 100; i++) canvas.fillRect(barX + i, 33, 1, 12, shade(i / 99));
  canvas.text(barX + 106, 36, axes, { color: INK });
  if (marked) {
    outline(canvas, margin, 50, 10);
    canvas.text(margin + 14, 52, marks, { color: INK });
  }
  rows.forEach((row, r) => {
    const y0 = top + r * (tileH + 20);
    for (let l = 0; l < layers; l++) {
      for (let h = 0; h < heads; h++) {
        const x0 = margin + (l * heads + h) * tileW + 16;
        canvas.text(x0, y0, `layer ${l + 1} head ${h + 1}`, { color: INK });
        const gy = y0 + 14;
        const m = row.maps[l][h];
        for (let q = 0; q < T; q++) {
          for (let k = 0; k < T; k++) {
            canvas.fillRect(x0 + k * cell, gy + q * cell, cell, cell, shade(m[q * T + k]));
            if (row.targets && row.tokens[k] === row.targets[q]) outline(canvas, x0 + k * cell, gy + q * cell, cell);
          }
        }
        // The input's tokens along the key axis (below) and the query axis (left); the outputs at the right.
        const dy = Math.max(0, (cell - 7) >> 1);
        row.tokens.forEach((tok, i) => {
          canvas.text(x0 + i * cell + cell / 2, gy + size + 3, tok.slice(0, 1), { color: INK, align: "center" });
          canvas.text(x0 - 3, gy + i * cell + dy, tok.slice(0, 1), { color: INK, align: "right" });
        });
        row.targets?.forEach((tok, i) => canvas.text(x0 + size + 3, gy + i * cell + dy, tok.slice(0, 1), { color: MARK }));
      }
    }
  });
  return canvas;
}
