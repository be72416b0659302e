// The network as a diagram: a column of input features, a column per hidden layer, the output.
// Each node shows its output over the whole plane as a small heat map; each weight is a line
// whose width grows with its size and whose colour is its sign (blue positive, orange negative).
// Hovering a line or a node shows its number.
import { EXTENT } from "./data.js";
import { FEATURE_IDS, FEATURES, featurize, grid, type FeatureId } from "./features.js";
import { NEURON_GRID, type Frame } from "./protocol.js";
import { css, heatmap, neuronScale } from "./render.js";

const SVG = "http://www.w3.org/2000/svg";
export const MAX_LAYERS = 6;
export const MAX_NEURONS = 8;

export interface NetworkHandlers {
  toggleFeature(id: FeatureId): void;
  addLayer(): void;
  removeLayer(): void;
  addNeuron(layer: number): void;
  removeNeuron(layer: number): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ""): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

function nodeCanvas(title: string): HTMLCanvasElement {
  const c = el("canvas", { class: "node", width: String(NEURON_GRID), height: String(NEURON_GRID), title });
  return c;
}

export class NetworkView {
  private svg: SVGSVGElement;
  private columns: HTMLCanvasElement[][] = [];
  private lines: SVGLineElement[][][] = [];

  constructor(private readonly root: HTMLElement, private readonly on: NetworkHandlers) {
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.classList.add("links");
    new ResizeObserver(() => this.layout()).observe(root);
  }

  /** Rebuild the diagram for these features and hidden layers. */
  build(features: FeatureId[], hidden: number[]): void {
    this.root.replaceChildren(this.svg);
    const row = el("div", { class: "columns" });
    this.root.append(row);

    const inputs = el("div", { class: "column" });
    inputs.append(el("h3", {}, "Features"));
    const active: HTMLCanvasElement[] = [];
    const values = grid(NEURON_GRID, EXTENT);
    for (const id of FEATURE_IDS) {
      const on = features.includes(id);
      const node = el("button", { class: `feature${on ? " on" : ""}`, "data-feature": id, "aria-pressed": String(on), title: on ? "click to leave this feature out" : "click to give the network this feature" });
      const canvas = nodeCanvas(FEATURES[id].label);
      const f = featurize(values, [id]);
      heatmap(canvas, f, NEURON_GRID, neuronScale("linear", f, 0, f.length));
      node.append(el("span", {}, FEATURES[id].label), canvas);
      node.addEventListener("click", () => this.on.toggleFeature(id));
      inputs.append(node);
      if (on) active.push(canvas);
    }
    row.append(inputs);
    this.columns = [active];

    const layers = el("div", { class: "column layers" });
    const head = el("div", { class: "layer-head" });
    const add = el("button", { id: "add-layer", title: "add a hidden layer" }, "+");
    const remove = el("button", { id: "remove-layer", title: "remove the last hidden layer" }, "−");
    add.disabled = hidden.length >= MAX_LAYERS;
    remove.disabled = hidden.length === 0;
    add.addEventListener("click", () => this.on.addLayer());
    remove.addEventListener("click", () => this.on.removeLayer());
    head.append(add, remove, el("h3", { id: "layer-count" }, `${hidden.length} hidden layer${hidden.length === 1 ? "" : "s"}`));
    layers.append(head);
    const cols = el("div", { class: "hidden-columns" });
    hidden.forEach((units, l) => {
      const col = el("div", { class: "column hidden" });
      const plus = el("button", { class: "add-neuron", title: "add a neuron" }, "+");
      const minus = el("button", { class: "remove-neuron", title: "remove a neuron" }, "−");
      plus.disabled = units >= MAX_NEURONS;
      minus.disabled = units <= 1;
      plus.addEventListener("click", () => this.on.addNeuron(l));
      minus.addEventListener("click", () => this.on.removeNeuron(l));
      col.append(el("div", { class: "neuron-buttons" }, ""), el("span", { class: "units" }, `${units} neuron${units === 1 ? "" : "s"}`));
      col.firstElementChild!.append(plus, minus);
      const nodes = Array.from({ length: units }, (_, u) => nodeCanvas(`layer ${l + 1}, neuron ${u + 1}`));
      col.append(...nodes);
      cols.append(col);
      this.columns.push(nodes);
    });
    layers.append(cols);
    row.append(layers);

    const out = el("div", { class: "column" });
    out.append(el("h3", {}, "Out"));
    const output = nodeCanvas("the network's output: p(blue)");
    output.classList.add("output");
    out.append(output);
    row.append(out);
    this.columns.push([output]);

    this.svg.replaceChildren();
    this.lines = [];
    for (let l = 0; l + 1 < this.columns.length; l++) {
      this.lines.push(this.columns[l + 1].map(() => this.columns[l].map(() => {
        const line = document.createElementNS(SVG, "line");
        line.append(document.createElementNS(SVG, "title"));
        this.svg.append(line);
        return line;
      })));
    }
    this.layout();
  }

  /** Place every line between the centres of its two nodes. */
  layout(): void {
    const box = this.root.getBoundingClientRect();
    const centre = (c: HTMLCanvasElement, side: "left" | "right") => {
      const r = c.getBoundingClientRect();
      return [(side === "left" ? r.left : r.right) - box.left, r.top + r.height / 2 - box.top];
    };
    this.svg.setAttribute("width", String(box.width));
    this.svg.setAttribute("height", String(box.height));
    this.lines.forEach((layer, l) => layer.forEach((row, o) => row.forEach((line, i) => {
      const [x1, y1] = centre(this.columns[l][i], "right");
      const [x2, y2] = centre(this.columns[l + 1][o], "left");
      line.setAttribute("x1", String(x1));
      line.setAttribute("y1", String(y1));
      line.setAttribute("x2", String(x2));
      line.setAttribute("y2", String(y2));
    })));
  }

  /** Show a frame: each neuron's map, the output's, and every weight. */
  update(frame: Frame, activation: string): void {
    const n = NEURON_GRID * NEURON_GRID;
    frame.neurons.forEach((maps, l) => {
      this.columns[l + 1]?.forEach((canvas, u) => heatmap(canvas, maps, NEURON_GRID, neuronScale(activation, maps, u * n, n), u * n));
    });
    const out = this.columns.at(-1)![0];
    heatmap(out, frame.boundary, Math.round(Math.sqrt(frame.boundary.length)), (p) => 2 * p - 1);
    frame.weights.forEach((w, l) => {
      this.lines[l]?.forEach((row, o) => row.forEach((line, i) => {
        const v = w.weight[o * w.inputs + i];
        line.setAttribute("stroke", css(Math.sign(v), Math.min(1, 0.25 + Math.abs(v))));
        line.setAttribute("stroke-width", String(Math.min(7, 0.4 + 2 * Math.abs(v))));
        line.firstElementChild!.textContent = `weight ${v.toFixed(3)}`;
      }));
      this.columns[l + 1]?.forEach((canvas, o) => (canvas.title = `${canvas.title.split(" (")[0]} (bias ${w.bias[o].toFixed(3)})`));
    });
  }
}
