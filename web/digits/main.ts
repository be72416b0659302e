// The draw-a-digit page: the drawing pad, the live probabilities, the training status and the
// CNN's first-layer filters. Training and prediction run in worker.ts.
import { receiveTraining } from "wasmnn";
import { drawable, toMnist } from "./draw.js";
import type { Filters, FromWorker, ModelName, ToWorker } from "./protocol.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(m, transfer);
const DATA = new URL("./mnist.idx.gz", location.href).href;

const bars = $("bars");
const rows = Array.from({ length: 10 }, (_, d) => {
  const bar = document.createElement("div");
  bar.className = "bar";
  const pct = document.createElement("span");
  bars.append(Object.assign(document.createElement("span"), { textContent: String(d) }), bar, pct);
  return { bar, pct };
});

function showProbs(probs: number[] | null): void {
  const best = probs === null ? -1 : probs.indexOf(Math.max(...probs));
  rows.forEach(({ bar, pct }, d) => {
    const p = probs?.[d] ?? 0;
    bar.style.width = `${(100 * p).toFixed(1)}%`;
    bar.classList.toggle("top", d === best);
    pct.textContent = probs === null ? "" : `${(100 * p).toFixed(1)} %`;
  });
  $("prediction").textContent = best < 0 ? "…" : String(best);
}

let trained = false;
let pending = false;
function classify(): void {
  // At most one drawing in flight, sent on the next frame: strokes come faster than predictions.
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    const pixels = toMnist($<HTMLCanvasElement>("pad"));
    const seen = $<HTMLCanvasElement>("seen").getContext("2d")!;
    const img = new ImageData(28, 28);
    pixels?.forEach((v, i) => img.data.set([255 * v, 255 * v, 255 * v, 255], 4 * i));
    seen.putImageData(img, 0, 0);
    if (pixels === null) showProbs(null);
    else if (trained) send({ type: "predict", pixels }, [pixels.buffer as ArrayBuffer]);
  });
}

const pad = drawable($<HTMLCanvasElement>("pad"), classify);
$("clear").addEventListener("click", () => {
  pad.clear();
  classify();
});

function drawFilters(f: Filters): void {
  const canvas = $<HTMLCanvasElement>("filters");
  const cell = 40;
  canvas.width = f.count * (cell + 8);
  canvas.height = cell;
  const ctx = canvas.getContext("2d")!;
  const per = f.size * f.size;
  for (let k = 0; k < f.count; k++) {
    const w = f.values.subarray(k * per, (k + 1) * per);
    const max = Math.max(1e-6, ...Array.from(w, Math.abs));
    for (let i = 0; i < per; i++) {
      const v = w[i] / max;
      const [r, g, b] = v >= 0 ? [255 - 247 * v, 255 - 136 * v, 255 - 66 * v] : [255 + 10 * v, 255 + 108 * v, 255 + 221 * v];
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.fillRect(k * (cell + 8) + (i % f.size) * (cell / f.size), Math.floor(i / f.size) * (cell / f.size), cell / f.size, cell / f.size);
    }
  }
  $("filters-title").textContent = `First-layer filters (${f.count} of ${f.size}×${f.size})`;
}

worker.addEventListener("message", (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === "loaded") $("status").textContent = `${m.train.toLocaleString("en-US")} training and ${m.test.toLocaleString("en-US")} test digits loaded (${(m.bytes / 1e6).toFixed(1)} MB); training…`;
  else if (m.type === "evaluated") {
    $("status").textContent = `epoch ${m.epoch}: test accuracy ${(100 * m.accuracy).toFixed(2)} % on the held-out digits (${m.seconds.toFixed(1)} s so far)`;
    $("status").dataset.accuracy = String(m.accuracy);
    if (m.filters) drawFilters(m.filters);
    $("filters").hidden = m.filters === null;
  } else if (m.type === "probs") showProbs(m.probs);
  else if (m.type === "loadedModel") {
    $("status").textContent = `loaded ${m.name}: ${m.parameters.toLocaleString("en-US")} parameters, test accuracy ${(100 * m.accuracy).toFixed(2)} % on 2,000 held-out digits. Draw!`;
    $("status").dataset.accuracy = String(m.accuracy);
    $("status").dataset.loaded = m.name;
    $("filters").hidden = m.filters === null;
    if (m.filters) drawFilters(m.filters);
    trained = true;
    classify();
  } else if (m.type === "saved") {
    const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(new Blob([m.bytes as Uint8Array<ArrayBuffer>])), download: "model.safetensors" });
    a.click();
    URL.revokeObjectURL(a.href);
  } else $("status").textContent = `failed: ${m.message}`;
});

$("save").addEventListener("click", () => send({ type: "save" }));
$<HTMLInputElement>("load").addEventListener("change", async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const bytes = await file.arrayBuffer();
  send({ type: "load", bytes, name: file.name, data: DATA }, [bytes]);
});

async function train(): Promise<void> {
  trained = false;
  $<HTMLButtonElement>("train").disabled = true;
  const model = $<HTMLSelectElement>("model").value as ModelName;
  const epochs = Number($<HTMLSelectElement>("epochs").value);
  send({ type: "train", model, epochs, data: DATA });
  const t0 = performance.now();
  try {
    await receiveTraining(worker, {
      onBatch(b) {
        $<HTMLProgressElement>("progress").value = (b.epoch - 1 + (b.batch + 1) / b.batches) / epochs;
      },
    });
    $<HTMLProgressElement>("progress").value = 1;
    trained = true;
    const accuracy = Number($("status").dataset.accuracy);
    $("status").textContent = `trained in ${((performance.now() - t0) / 1000).toFixed(1)} s: test accuracy ${(100 * accuracy).toFixed(2)} % on 2,000 held-out digits. Draw!`;
    $("status").dataset.done = "true";
    $<HTMLButtonElement>("save").disabled = false;
    classify();
  } catch (err) {
    $("status").textContent = (err as Error).message;
  } finally {
    $<HTMLButtonElement>("train").disabled = false;
  }
}

$("train").addEventListener("click", () => {
  delete $("status").dataset.done;
  void train();
});
showProbs(null);
void train();
