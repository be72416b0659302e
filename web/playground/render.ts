// Drawing for the playground: values as colours (orange for negative / label 0, blue for
// positive / label 1, white at zero), heat maps of a grid of values, and the data points.
import { EXTENT, type Points } from "./data.js";

const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];
const WHITE = [255, 255, 255];

/** The colour of v ∈ [-1, 1] as r, g, b. */
export function colour(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, v));
  const to = t < 0 ? ORANGE : BLUE;
  const a = Math.abs(t);
  return [0, 1, 2].map((i) => Math.round(WHITE[i] + (to[i] - WHITE[i]) * a)) as [number, number, number];
}

export function css(v: number, alpha = 1): string {
  const [r, g, b] = colour(v);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/**
 * Paint a g×g grid of values (rows from the top), mapped to [-1, 1] by `scale`, onto `canvas`
 * (smoothly stretched to its size).
 */
export function heatmap(canvas: HTMLCanvasElement, values: ArrayLike<number>, g: number, scale: (v: number) => number, offset = 0): void {
  const img = new ImageData(g, g);
  for (let k = 0; k < g * g; k++) {
    const [r, gr, b] = colour(scale(values[offset + k]));
    img.data.set([r, gr, b, 255], 4 * k);
  }
  const small = new OffscreenCanvas(g, g);
  small.getContext("2d")!.putImageData(img, 0, 0);
  const ctx = canvas.getContext("2d")!;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** How to map a neuron's outputs to [-1, 1]: tanh as it is, sigmoid from (0, 1), the rest by their largest magnitude. */
export function neuronScale(activation: string, values: ArrayLike<number>, offset: number, n: number): (v: number) => number {
  if (activation === "tanh") return (v) => v;
  if (activation === "sigmoid") return (v) => 2 * v - 1;
  let max = 1e-6;
  for (let k = 0; k < n; k++) max = Math.max(max, Math.abs(values[offset + k]));
  return (v) => v / max;
}

/** The data points over the plane: filled by label; training points outlined in white, test points in black. */
export function drawPoints(canvas: HTMLCanvasElement, train: Points, test: Points | null): void {
  const ctx = canvas.getContext("2d")!;
  const toPx = (v: number) => ((v + EXTENT) / (2 * EXTENT)) * canvas.width;
  const toPy = (v: number) => ((EXTENT - v) / (2 * EXTENT)) * canvas.height;
  for (const [points, outline] of [[train, "#fff"], [test, "#000"]] as const) {
    if (points === null) continue;
    ctx.strokeStyle = outline;
    ctx.lineWidth = 1;
    for (let i = 0; i < points.label.length; i++) {
      ctx.beginPath();
      ctx.arc(toPx(points.xy[2 * i]), toPy(points.xy[2 * i + 1]), 3.2, 0, 2 * Math.PI);
      ctx.fillStyle = css(points.label[i] === 1 ? 1 : -1);
      ctx.fill();
      ctx.stroke();
    }
  }
}

/** Axis ticks of the plane along the boundary map's edges. */
export function drawAxes(canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = "rgba(0, 0, 0, 0.55)";
  ctx.font = "10px system-ui, sans-serif";
  for (const v of [-EXTENT, 0, EXTENT]) {
    const x = ((v + EXTENT) / (2 * EXTENT)) * canvas.width;
    const y = ((EXTENT - v) / (2 * EXTENT)) * canvas.height;
    ctx.textAlign = v === -EXTENT ? "left" : v === EXTENT ? "right" : "center";
    ctx.fillText(String(v), x, canvas.height - 3);
    ctx.textAlign = "left";
    ctx.fillText(String(v), 3, Math.max(10, Math.min(canvas.height - 14, y + 3)));
  }
}
