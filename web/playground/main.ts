// The playground page: controls, the data, and drawing what the training worker reports. All the
// training happens in worker.ts; this thread only keeps the settings and paints frames.
import { drawLoss, thin, type LossPoint } from "./chart.js";
import { DATASETS, type DatasetName, type Points } from "./data.js";
import type { FeatureId } from "./features.js";
import { MAX_LAYERS, MAX_NEURONS, NetworkView } from "./network.js";
import { BOUNDARY_GRID, type BackendChoice, type Config, type Frame, type FromWorker, type ToWorker } from "./protocol.js";
import { drawAxes, drawPoints, heatmap } from "./render.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3];

const config: Config = {
  dataset: "circle",
  noise: 0,
  trainRatio: 0.5,
  points: 500,
  seed: 1,
  features: ["x1", "x2"],
  hidden: [4, 2],
  activation: "tanh",
  optimizer: "sgd",
  lr: 0.03,
  batchSize: 10,
  regularization: "none",
  regRate: 0.01,
  backend: "wasm",
};

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker) => worker.postMessage(m);
const network = new NetworkView($("network"), {
  toggleFeature(id: FeatureId) {
    const on = config.features.includes(id);
    if (on && config.features.length === 1) return; // a network needs an input
    config.features = on ? config.features.filter((f) => f !== id) : [...config.features, id];
    reset();
  },
  addLayer() {
    if (config.hidden.length < MAX_LAYERS) config.hidden = [...config.hidden, 2];
    reset();
  },
  removeLayer() {
    config.hidden = config.hidden.slice(0, -1);
    reset();
  },
  addNeuron(l: number) {
    config.hidden = config.hidden.map((u, i) => (i === l ? Math.min(MAX_NEURONS, u + 1) : u));
    reset();
  },
  removeNeuron(l: number) {
    config.hidden = config.hidden.map((u, i) => (i === l ? Math.max(1, u - 1) : u));
    reset();
  },
});

let points: { train: Points; test: Points } | null = null;
let history: LossPoint[] = [];
let playing = false;
const samplesPerSecond: Record<BackendChoice, number | null> = { wasm: null, js: null };

function setPlaying(on: boolean): void {
  playing = on;
  $("play").textContent = on ? "❚❚" : "▶";
  $("play").title = on ? "pause" : "train";
  delete document.body.dataset.paused;
  send({ type: on ? "play" : "pause" });
}

/** New data and new weights from the current settings; keeps playing if it was. */
function reset(): void {
  history = [];
  network.build(config.features, config.hidden);
  send({ type: "reset", config: structuredClone(config) });
  if (playing) send({ type: "play" });
}

function showFrame(f: Frame): void {
  $("epoch").textContent = f.epoch.toLocaleString("en-US").padStart(3, "0");
  $("test-loss").textContent = f.testLoss.toFixed(3);
  $("train-loss").textContent = f.trainLoss.toFixed(3);
  if (f.samplesPerSecond > 0) samplesPerSecond[f.backend] = f.samplesPerSecond;
  for (const b of ["wasm", "js"] as const) {
    const v = samplesPerSecond[b];
    $(`sps-${b}`).textContent = `${b} ${v === null ? "—" : Math.round(v).toLocaleString("en-US")}`;
    $(`sps-${b}`).style.fontWeight = b === f.backend ? "600" : "400";
  }
  const boundary = $<HTMLCanvasElement>("boundary");
  heatmap(boundary, f.boundary, BOUNDARY_GRID, (p) => 2 * p - 1);
  if (points) drawPoints(boundary, points.train, points.test);
  drawAxes(boundary);
  if (history.at(-1)?.epoch !== f.epoch) history = thin([...history, { epoch: f.epoch, train: f.trainLoss, test: f.testLoss }]);
  drawLoss($<HTMLCanvasElement>("loss"), history);
  network.update(f, config.activation);
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === "data") points = { train: m.train, test: m.test };
  else if (m.type === "frame") showFrame(m);
  // The page's own record that training has stopped (what a test waits for after a pause).
  else if (m.type === "paused") document.body.dataset.paused = String(m.epoch);
  else {
    $("error").textContent = `training stopped: ${m.message}`;
    if (playing) setPlaying(false);
  }
};
worker.onerror = (e) => void ($("error").textContent = `the training worker failed: ${e.message}`);

function options(select: HTMLSelectElement, values: number[], current: number): void {
  select.replaceChildren(...values.map((v) => new Option(String(v), String(v), false, v === current)));
}

function bind(): void {
  const datasets = $("datasets");
  for (const [name, label] of Object.entries(DATASETS)) {
    const b = document.createElement("button");
    b.textContent = label;
    b.dataset.dataset = name;
    b.classList.toggle("on", name === config.dataset);
    b.addEventListener("click", () => {
      config.dataset = name as DatasetName;
      for (const other of Array.from(datasets.children)) other.classList.toggle("on", other === b);
      reset();
    });
    datasets.append(b);
  }
  const range = (id: string, get: () => number, set: (v: number) => void, show: (v: number) => string, live = false) => {
    const input = $<HTMLInputElement>(id);
    input.value = String(get());
    $(`${id}-value`).textContent = show(get());
    input.addEventListener("input", () => ($(`${id}-value`).textContent = show(Number(input.value))));
    input.addEventListener("change", () => {
      set(Number(input.value));
      if (live) send({ type: "set", batchSize: config.batchSize });
      else reset();
    });
  };
  range("ratio", () => config.trainRatio * 100, (v) => (config.trainRatio = v / 100), (v) => `${v}%`);
  range("noise", () => config.noise * 100, (v) => (config.noise = v / 100), (v) => `${v}%`);
  range("batch", () => config.batchSize, (v) => (config.batchSize = v), String, true);

  options($("lr"), LEARNING_RATES, config.lr);
  options($("reg-rate"), REG_RATES, config.regRate);
  const select = (id: string, apply: (v: string) => void) => {
    const s = $<HTMLSelectElement>(id);
    s.addEventListener("change", () => apply(s.value));
  };
  $<HTMLSelectElement>("activation").value = config.activation;
  $<HTMLSelectElement>("optimizer").value = config.optimizer;
  $<HTMLSelectElement>("regularization").value = config.regularization;
  $<HTMLSelectElement>("backend").value = config.backend;
  select("lr", (v) => send({ type: "set", lr: (config.lr = Number(v)) }));
  select("activation", (v) => ((config.activation = v as Config["activation"]), reset()));
  select("optimizer", (v) => ((config.optimizer = v as Config["optimizer"]), reset()));
  select("regularization", (v) => ((config.regularization = v as Config["regularization"]), reset()));
  select("reg-rate", (v) => ((config.regRate = Number(v)), reset()));
  select("backend", (v) => send({ type: "set", backend: (config.backend = v as BackendChoice) }));

  $("play").addEventListener("click", () => setPlaying(!playing));
  $("step").addEventListener("click", () => {
    if (playing) setPlaying(false);
    send({ type: "step" });
  });
  $("reset").addEventListener("click", reset);
  $("regenerate").addEventListener("click", () => {
    config.seed++;
    reset();
  });
}

bind();
reset();
