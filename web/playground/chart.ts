// The loss curves: training and test loss against epochs, on a plain canvas with axes and a legend.
export interface LossPoint {
  epoch: number;
  train: number;
  test: number;
}

const TRAIN = "#999";
const TEST = "#222";

export function drawLoss(canvas: HTMLCanvasElement, history: LossPoint[]): void {
  const ctx = canvas.getContext("2d")!;
  const { width, height } = canvas;
  const left = 34;
  const bottom = height - 18;
  const top = 16;
  const right = width - 8;
  ctx.clearRect(0, 0, width, height);
  ctx.font = "10px system-ui, sans-serif";
  ctx.fillStyle = "#444";
  ctx.fillText("loss (binary cross-entropy)", left, 10);
  const last = history.at(-1);
  const maxEpoch = Math.max(1, last?.epoch ?? 1);
  const maxLoss = Math.max(0.1, ...history.map((h) => Math.max(h.train, h.test)));
  const x = (e: number) => left + (e / maxEpoch) * (right - left);
  const y = (l: number) => bottom - (Math.min(l, maxLoss) / maxLoss) * (bottom - top);
  // Axes, with the largest loss and epoch as their ticks.
  ctx.strokeStyle = "#bbb";
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, bottom);
  ctx.lineTo(right, bottom);
  ctx.stroke();
  ctx.textAlign = "right";
  ctx.fillText(maxLoss.toFixed(2), left - 3, top + 4);
  ctx.fillText("0", left - 3, bottom);
  ctx.textAlign = "center";
  ctx.fillText("epoch", (left + right) / 2, height - 4);
  ctx.textAlign = "right";
  ctx.fillText(String(maxEpoch), right, height - 4);
  ctx.textAlign = "left";
  ctx.fillText("0", left, height - 4);
  for (const [key, colour] of [["train", TRAIN], ["test", TEST]] as const) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    history.forEach((h, i) => (i === 0 ? ctx.moveTo(x(h.epoch), y(h[key])) : ctx.lineTo(x(h.epoch), y(h[key]))));
    ctx.stroke();
  }
  // Legend, top right.
  ctx.textAlign = "left";
  ctx.lineWidth = 2;
  for (const [i, [label, colour]] of [["training", TRAIN], ["test", TEST]].entries()) {
    const lx = right - 110 + i * 58;
    ctx.strokeStyle = colour;
    ctx.beginPath();
    ctx.moveTo(lx, 7);
    ctx.lineTo(lx + 14, 7);
    ctx.stroke();
    ctx.fillStyle = "#444";
    ctx.fillText(label, lx + 17, 10);
  }
}

/** Keep the curve at most `max` points long by dropping every other point of its older half. */
export function thin(history: LossPoint[], max = 600): LossPoint[] {
  if (history.length <= max) return history;
  const half = Math.floor(history.length / 2);
  return [...history.slice(0, half).filter((_, i) => i % 2 === 0), ...history.slice(half)];
}
