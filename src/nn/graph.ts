// The computation graph behind a tensor, as data a picture can be drawn from: backpropagation made
// visible. Every op recorded on the way to a loss leaves a node (its name and its inputs); after
// backward(), each tensor of the graph holds its value and, for leaves and tensors that asked with
// retainGrad(), the gradient d(loss)/d(tensor) that the chain rule sent back to it. micrograd's
// draw_dot does the same for scalars; here a node is a tensor, shown with its shape and values.
//
// Layout is left to right, as data flows: inputs and parameters on the left, the loss on the
// right, each op between the tensors it reads and the one it writes.
import { producer } from "../autograd/engine.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "./module.js";

/** What a tensor node is: a parameter or input (a leaf), a value computed from them, or the root. */
export type TensorRole = "parameter" | "input" | "intermediate" | "output";

/** A tensor of the graph, with copies of its values and gradient taken when the graph was read. */
export interface TensorNode {
  /** Tells a tensor node from an op node. */
  kind: "tensor";
  /** Its index in ComputationGraph.nodes (the root is 0). */
  id: number;
  /** The tensor itself. */
  tensor: Tensor;
  /** Its name from GraphOptions (labels, or the model's parameter names), else "". */
  label: string;
  /** Parameter, input, intermediate or output (see TensorRole). */
  role: TensorRole;
  /** The tensor's shape. */
  shape: readonly number[];
  /** A copy of the values (null once the tensor is disposed). */
  data: Float32Array | null;
  /** A copy of d(root)/d(tensor) where backward() left one, else null (see `gradNote`). */
  grad: Float32Array | null;
  /** Why `grad` is null: the tensor takes no gradient, or backward() did not keep it. */
  gradNote: string;
}

/** An op of the graph: what computed the tensor its one outgoing edge points to. */
export interface OpNode {
  /** Tells an op node from a tensor node. */
  kind: "op";
  /** Its index in ComputationGraph.nodes. */
  id: number;
  /** The op's name as recorded ("matmul", "add", "crossEntropy", …). */
  op: string;
}

/** A node of the graph: a tensor or an op. */
export type GraphNode = TensorNode | OpNode;

/** An arrow of the graph: a tensor into the op that reads it, or an op into the tensor it made. */
export interface GraphEdge {
  /** The id of the node the arrow leaves. */
  from: number;
  /** The id of the node it enters. */
  to: number;
}

/** Tensors and ops, and the arrows between them, as found by computationGraph(). */
export interface ComputationGraph {
  /** Nodes by id; the root is node 0. */
  nodes: GraphNode[];
  /** Every input of every op (a tensor read twice gives two edges), and every op's output. */
  edges: GraphEdge[];
}

/** What computationGraph() and drawGraph() name and how far they go. */
export interface GraphOptions {
  /** Names for tensors of the graph, as `{ x, w, loss }`. */
  labels?: Record<string, Tensor>;
  /** A model whose parameters are named by their stateDict keys ("0.weight"). */
  model?: Module;
  /** Refuse graphs larger than this many nodes (default 200): a picture of more is unreadable. */
  maxNodes?: number;
}

/**
 * The graph of ops and tensors that produced `root`, walked back from it (also after backward(),
 * which frees what ops saved but keeps which op made which tensor).
 * @example
 * const w = tensor([0.5, -1], [2], { requiresGrad: true });
 * const loss = ops.sum(ops.mul(w, w));
 * loss.backward();
 * const g = computationGraph(loss, { labels: { w, loss } });
 * g.nodes.length; // 5: loss, the sum op, w·w, the mul op, w
 * g.edges.length; // 5: w enters mul twice
 */
export function computationGraph(root: Tensor, options: GraphOptions = {}): ComputationGraph {
  const maxNodes = options.maxNodes ?? 200;
  const names = new Map<Tensor, string>();
  for (const [name, t] of options.model?.namedParameters() ?? []) names.set(t, name);
  for (const [name, t] of Object.entries(options.labels ?? {})) names.set(t, name);

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const ids = new Map<Tensor, number>();
  const tensorNode = (t: Tensor): number => {
    const known = ids.get(t);
    if (known !== undefined) return known;
    if (nodes.length >= maxNodes) throw new Error(`drawGraph: the graph behind Tensor${fmt(root.shape)} has more than maxNodes = ${maxNodes} nodes; draw a smaller expression or raise maxNodes`);
    const id = nodes.length;
    ids.set(t, id);
    const made = producer(t);
    const role: TensorRole = t === root ? "output" : made !== null ? "intermediate" : t.requiresGrad ? "parameter" : "input";
    const grad = t.grad !== null && !t.grad.disposed ? t.grad.toArray() : null;
    const gradNote = grad !== null ? "" : !t.requiresGrad ? "none: requiresGrad is false" : made !== null ? "not kept: call retainGrad()" : "none yet: call backward()";
    nodes.push({ kind: "tensor", id, tensor: t, label: names.get(t) ?? "", role, shape: t.shape, data: t.disposed ? null : t.toArray(), grad, gradNote });
    pending.push(t);
    return id;
  };
  const pending: Tensor[] = [];
  tensorNode(root);
  // An explicit work list, not recursion: a long recurrent unroll is a deep graph.
  while (pending.length > 0) {
    const t = pending.pop()!;
    const made = producer(t);
    if (made === null) continue;
    if (nodes.length >= maxNodes) throw new Error(`drawGraph: the graph behind Tensor${fmt(root.shape)} has more than maxNodes = ${maxNodes} nodes; draw a smaller expression or raise maxNodes`);
    const op: OpNode = { kind: "op", id: nodes.length, op: made.op };
    nodes.push(op);
    edges.push({ from: op.id, to: ids.get(t)! });
    for (const input of made.inputs) edges.push({ from: tensorNode(input), to: op.id });
  }
  return { nodes, edges };
}

/**
 * Mark every tensor computed on the way to `root` with retainGrad(), so that backward() keeps all
 * their gradients for drawGraph (by default only leaves keep theirs, as in PyTorch: an
 * intermediate gradient is freed as soon as it has been passed on). Returns `root`.
 * @example
 * nn.retainGrads(loss).backward();
 */
export function retainGrads(root: Tensor): Tensor {
  const seen = new Set<Tensor>();
  const stack = [root];
  while (stack.length > 0) {
    const t = stack.pop()!;
    const made = producer(t);
    if (seen.has(t) || made === null) continue;
    seen.add(t);
    t.retainGrad();
    stack.push(...made.inputs);
  }
  return root;
}

/** A number as a learner reads it: four decimals, exponent form when very small or large, a true minus. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const a = Math.abs(v);
  const s = a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(4);
  return s.replace("-", "−");
}

/** Up to `max` values, then how many there are in all. */
export function formatValues(values: ArrayLike<number>, max: number): string {
  const shown = Array.from({ length: Math.min(max, values.length) }, (_, i) => formatValue(values[i]));
  return shown.join(", ") + (values.length > max ? `, … (${values.length})` : "");
}

/** The lines of text a node shows. */
export function nodeLines(n: GraphNode, maxValues = 4): string[] {
  if (n.kind === "op") return [n.op];
  return [
    `${n.label === "" ? "" : n.label + " "}${fmt(n.shape)}`,
    `data ${n.data === null ? "disposed" : formatValues(n.data, maxValues)}`,
    `grad ${n.grad === null ? n.gradNote : formatValues(n.grad, maxValues)}`,
  ];
}

/** The edges with repeats folded into a count: x·x reads x twice, drawn as one arrow marked ×2. */
export function foldedEdges(edges: readonly GraphEdge[]): (GraphEdge & { count: number })[] {
  const out = new Map<string, GraphEdge & { count: number }>();
  for (const e of edges) {
    const key = `${e.from}>${e.to}`;
    const seen = out.get(key);
    if (seen) seen.count++;
    else out.set(key, { ...e, count: 1 });
  }
  return [...out.values()];
}

/** Text metrics of the renderer: a monospace character's advance and a line's height, in pixels. */
export interface TextMetrics {
  /** Advance of one character, in pixels. */
  charWidth: number;
  /** Height of one line of text, in pixels. */
  lineHeight: number;
}

/** A node placed on the page: its box, top-left corner at (x, y). */
export interface PlacedNode {
  node: GraphNode;
  /** The text it shows, one string per line (see nodeLines). */
  lines: string[];
  /** Its column, 0 at the left. */
  column: number;
  /** Top-left corner, width and height, in pixels. */
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A graph placed on a page: its nodes by id, its edges, and the page's size in pixels. */
export interface GraphLayout {
  placed: PlacedNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

const PAD_X = 8;
const PAD_Y = 5;
const GAP_X = 36;
const GAP_Y = 14;

/**
 * Columns by depth: an op one column right of its deepest input, its output one right of it, a
 * leaf just left of the first op that reads it. Within a column, nodes are ordered by the mean
 * position of their neighbours (a few barycentre sweeps), which keeps most edges from crossing.
 */
export function layoutGraph(g: ComputationGraph, metrics: TextMetrics, maxValues = 4): GraphLayout {
  const n = g.nodes.length;
  const inputs: number[][] = Array.from({ length: n }, () => []);
  const outputs: number[][] = Array.from({ length: n }, () => []);
  for (const e of g.edges) {
    inputs[e.to].push(e.from);
    outputs[e.from].push(e.to);
  }
  // Depth: the longest path from a leaf. Ids grow away from the root, so sweeping them from the
  // highest settles most nodes at once; the sweep repeats until nothing changes (a shared input
  // found late can deepen what was placed before it).
  const depth = new Array<number>(n).fill(0);
  for (let changed = true; changed; ) {
    changed = false;
    for (let id = n - 1; id >= 0; id--) {
      const d = inputs[id].length === 0 ? 0 : 1 + Math.max(...inputs[id].map((k) => depth[k]));
      if (d !== depth[id]) {
        depth[id] = d;
        changed = true;
      }
    }
  }
  for (let id = 0; id < n; id++) if (inputs[id].length === 0 && outputs[id].length > 0) depth[id] = Math.min(...outputs[id].map((k) => depth[k])) - 1;
  const columns: number[][] = [];
  for (let id = 0; id < n; id++) (columns[depth[id]] ??= []).push(id);
  const order = new Array<number>(n).fill(0);
  const renumber = (col: number[]): void => col.forEach((id, k) => (order[id] = k));
  columns.forEach(renumber);
  const mean = (ks: number[]): number => (ks.length === 0 ? Infinity : ks.reduce((s, k) => s + order[k], 0) / ks.length);
  for (let sweep = 0; sweep < 4; sweep++) {
    const backwards = sweep % 2 === 0;
    for (let c = backwards ? columns.length - 2 : 1; backwards ? c >= 0 : c < columns.length; c += backwards ? -1 : 1) {
      const col = columns[c] ?? [];
      const key = new Map(col.map((id) => [id, mean(backwards ? outputs[id] : inputs[id])]));
      col.sort((a, b) => (key.get(a)! === key.get(b)! ? order[a] - order[b] : key.get(a)! < key.get(b)! ? -1 : 1));
      renumber(col);
    }
  }
  const placed: PlacedNode[] = new Array(n);
  let x = GAP_X / 2;
  let height = 0;
  const sized = columns.map((col) =>
    (col ?? []).map((id) => {
      const node = g.nodes[id];
      const lines = nodeLines(node, maxValues);
      const w = Math.ceil(Math.max(...lines.map((s) => [...s].length)) * metrics.charWidth) + 2 * PAD_X + (node.kind === "op" ? 2 * PAD_X : 0);
      return { node, lines, column: depth[id], x: 0, y: 0, w, h: lines.length * metrics.lineHeight + 2 * PAD_Y };
    }),
  );
  for (const col of sized) height = Math.max(height, col.reduce((s, p) => s + p.h, 0) + GAP_Y * (col.length + 1));
  for (const col of sized) {
    const colW = Math.max(0, ...col.map((p) => p.w));
    let y = (height - col.reduce((s, p) => s + p.h, 0) - GAP_Y * (col.length - 1)) / 2;
    for (const p of col) {
      p.x = Math.round(x + (colW - p.w) / 2);
      p.y = Math.round(y);
      y += p.h + GAP_Y;
      placed[p.node.id] = p;
    }
    x += colW + GAP_X;
  }
  return { placed, edges: g.edges, width: Math.ceil(x - GAP_X / 2), height: Math.ceil(height) };
}
