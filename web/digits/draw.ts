// Drawing with mouse, pen or finger, and turning the drawing into an MNIST-like input. MNIST's
// digits were scaled to fit a 20×20 box, keeping their proportions, then placed in a 28×28
// image with their centre of mass at the centre; a drawing gets the same treatment, or the
// network would see a digit unlike any it learned from.

/** Let the visitor draw white strokes on a black canvas; `changed` runs after every bit of ink. */
export function drawable(canvas: HTMLCanvasElement, changed: () => void): { clear(): void } {
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  const clear = () => {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * canvas.width, ((e.clientY - r.top) / r.height) * canvas.height];
  };
  const ink = (to: [number, number]) => {
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = canvas.width / 14;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(...(last ?? to));
    ctx.lineTo(...to);
    ctx.stroke();
    last = to;
    changed();
  };
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = null;
    ink(at(e));
  });
  canvas.addEventListener("pointermove", (e) => {
    if (last !== null) ink(at(e));
  });
  const stop = () => void (last = null);
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  return { clear };
}

/** The drawing as 784 pixels in [0, 1] (MNIST's framing), or null when nothing is drawn. */
export function toMnist(canvas: HTMLCanvasElement): Float32Array | null {
  const { width: w, height: h } = canvas;
  const src = canvas.getContext("2d", { willReadFrequently: true })!.getImageData(0, 0, w, h).data;
  let top = h;
  let left = w;
  let bottom = -1;
  let right = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (src[4 * (y * w + x)] > 0) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) return null;
  // Fit the ink's box into 20×20, proportions kept.
  const bw = right - left + 1;
  const bh = bottom - top + 1;
  const scale = 20 / Math.max(bw, bh);
  const fitted = new OffscreenCanvas(28, 28);
  const fctx = fitted.getContext("2d", { willReadFrequently: true })!;
  fctx.imageSmoothingEnabled = true;
  fctx.imageSmoothingQuality = "high";
  const dw = bw * scale;
  const dh = bh * scale;
  fctx.drawImage(canvas, left, top, bw, bh, (28 - dw) / 2, (28 - dh) / 2, dw, dh);
  const fitted28 = fctx.getImageData(0, 0, 28, 28).data;
  // Then move its centre of mass to the centre.
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < 784; i++) {
    const v = fitted28[4 * i];
    mass += v;
    mx += v * (i % 28);
    my += v * Math.floor(i / 28);
  }
  const out = new OffscreenCanvas(28, 28);
  const octx = out.getContext("2d", { willReadFrequently: true })!;
  octx.fillStyle = "#000";
  octx.fillRect(0, 0, 28, 28);
  octx.drawImage(fitted, Math.round(13.5 - mx / mass), Math.round(13.5 - my / mass));
  const px = octx.getImageData(0, 0, 28, 28).data;
  return Float32Array.from({ length: 784 }, (_, i) => px[4 * i] / 255);
}
