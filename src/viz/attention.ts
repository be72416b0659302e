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
}

const INK: [number, number, number] = [20, 20, 20];

/** Weight w ∈ [0, 1] → white … dark blue. */
function shade(w: number): [number, number, number] {
  const t = Math.max(0, Math.min(1, w));
  return [Math.round(255 - 235 * t), Math.round(255 - 205 * t), Math.round(255 - 120 * t)];
}

/**
 * One picture: a title, a legend of the colour scale, then for each input a row of T×T maps,
 * one per (layer, head), each labelled and with the input tokens along its axes.
 */
export function attentionPicture(title: string, rows: AttentionPictureRow[], cell = 8): Canvas {
  const T = rows[0].tokens.length;
  const layers = rows[0].maps.length;
  const heads = rows[0].maps[0].length;
  const margin = 16;
  const size = T * cell;
  const tileW = Math.max(size, textWidth("layer 1 head 1")) + 24;
  const tileH = size + 36;
  const width = Math.max(margin * 2 + layers * heads * tileW, textWidth(title, 2) + 2 * margin, 420);
  const top = 60;
  const canvas = new Canvas(width, top + rows.length * (tileH + 20) + margin);
  canvas.text(margin, 8, title, { scale: 2, color: INK });
  // Legend: the colour bar from weight 0 to 1.
  canvas.text(margin, 36, "weight 0", { color: INK });
  const barX = margin + textWidth("weight 0 ");
  for (let i = 0; i < 100; i++) canvas.fillRect(barX + i, 33, 1, 12, shade(i / 99));
  canvas.text(barX + 106, 36, "1     rows: query position, columns: key position", { color: INK });
  rows.forEach((row, r) => {
    const y0 = top + r * (tileH + 20);
    for (let l = 0; l < layers; l++) {
      for (let h = 0; h < heads; h++) {
        const x0 = margin + (l * heads + h) * tileW + 16;
        canvas.text(x0, y0, `layer ${l + 1} head ${h + 1}`, { color: INK });
        const gy = y0 + 14;
        const m = row.maps[l][h];
        for (let q = 0; q < T; q++) for (let k = 0; k < T; k++) canvas.fillRect(x0 + k * cell, gy + q * cell, cell, cell, shade(m[q * T + k]));
        // The input's tokens along the key axis (below) and the query axis (left).
        row.tokens.forEach((tok, i) => {
          canvas.text(x0 + i * cell + cell / 2, gy + size + 3, tok.slice(0, 1), { color: INK, align: "center" });
          canvas.text(x0 - 3, gy + i * cell + Math.max(0, (cell - 7) >> 1), tok.slice(0, 1), { color: INK, align: "right" });
        });
      }
    }
  });
  return canvas;
}
