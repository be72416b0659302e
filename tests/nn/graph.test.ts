// computationGraph, layoutGraph and drawGraph on micrograd's neuron, o = tanh(x·w + b), whose
// values and gradients are known by hand: n = 2·(−3) + 0·1 + 6.8814 = 0.8814, o = tanh(n) =
// 0.7071, do/dn = 1 − o² = 0.5, so do/dx = 0.5·w = (−1.5, 0.5), do/dw = 0.5·x = (1, 0), do/db = 0.5.
import { beforeAll, describe, expect, it } from "vitest";
import { nn, ops, ready, setBackend, tensor, type Tensor } from "../../src/index.js";
import { layoutGraph } from "../../src/nn/graph.js";
import type { TensorNode } from "../../src/nn/graph.js";

function neuron(): { x: Tensor; w: Tensor; b: Tensor; xw: Tensor; n: Tensor; o: Tensor } {
  const x = tensor([2, 0], [2], { requiresGrad: true });
  const w = tensor([-3, 1], [2], { requiresGrad: true });
  const b = tensor([6.881373587019543], [1], { requiresGrad: true });
  const xw = ops.sum(ops.mul(x, w));
  const n = ops.add(xw, b);
  const o = ops.tanh(n);
  return { x, w, b, xw, n, o };
}

const close = (a: ArrayLike<number> | null, b: number[]): void => {
  expect(a).not.toBeNull();
  expect(Array.from(a!).map((v) => +v.toFixed(4))).toEqual(b);
};

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("finds every tensor and op behind the root, with their values and gradients", () => {
      const { x, w, b, xw, n, o } = neuron();
      nn.retainGrads(o).backward();
      const g = nn.computationGraph(o, { labels: { x, w, b, n, o } });
      const tensors = g.nodes.filter((k): k is TensorNode => k.kind === "tensor");
      const ops_ = g.nodes.filter((k) => k.kind === "op").map((k) => (k.kind === "op" ? k.op : ""));
      expect(ops_.sort()).toEqual(["add", "mul", "sum", "tanh"]);
      expect(tensors.length).toBe(7); // x, w, b, x⊙w, xw, n, o
      const byTensor = (t: Tensor): TensorNode => tensors.find((k) => k.tensor === t)!;
      expect(g.nodes[0]).toBe(byTensor(o));
      expect(byTensor(o)).toMatchObject({ label: "o", role: "output", shape: [1] });
      expect(byTensor(n)).toMatchObject({ label: "n", role: "intermediate" });
      expect(byTensor(xw)).toMatchObject({ label: "", role: "intermediate", shape: [] });
      expect(byTensor(w)).toMatchObject({ label: "w", role: "parameter", shape: [2] });
      close(byTensor(n).data, [0.8814]);
      close(byTensor(o).data, [0.7071]);
      close(byTensor(o).grad, [1]);
      close(byTensor(n).grad, [0.5]);
      close(byTensor(xw).grad, [0.5]);
      close(byTensor(x).grad, [-1.5, 0.5]);
      close(byTensor(w).grad, [1, 0]);
      close(byTensor(b).grad, [0.5]);
    });

    it("links each op to the tensors it reads and the one it makes", () => {
      const { x, w, b, n, o } = neuron();
      o.backward();
      const g = nn.computationGraph(o);
      const id = (t: Tensor): number => g.nodes.find((k) => k.kind === "tensor" && k.tensor === t)!.id;
      const opOf = (t: Tensor): number => g.edges.find((e) => e.to === id(t))!.from;
      const inputsOf = (op: number): number[] => g.edges.filter((e) => e.to === op).map((e) => e.from);
      expect(g.edges.length).toBe(10); // one out of each of the 4 ops, one in per input: mul 2, sum 1, add 2, tanh 1
      expect(inputsOf(opOf(o))).toEqual([id(n)]);
      expect(inputsOf(opOf(n))).toContain(id(b));
      const mulOp = g.nodes.find((k) => k.kind === "op" && k.op === "mul")!.id;
      expect(inputsOf(mulOp)).toEqual([id(x), id(w)]);
      // Leaves have no op in front of them.
      for (const t of [x, w, b]) expect(g.edges.some((e) => e.to === id(t))).toBe(false);
    });

    it("says why a gradient is missing", () => {
      const x = tensor([1, 2], [2]);
      const w = tensor([3, 4], [2], { requiresGrad: true });
      const h = ops.mul(x, w);
      const loss = ops.sum(h);
      const before = nn.computationGraph(loss).nodes.filter((k): k is TensorNode => k.kind === "tensor");
      expect(before.find((k) => k.tensor === w)!.gradNote).toBe("none yet: call backward()");
      loss.backward();
      const after = nn.computationGraph(loss).nodes.filter((k): k is TensorNode => k.kind === "tensor");
      expect(after.find((k) => k.tensor === x)!.gradNote).toBe("none: requiresGrad is false");
      expect(after.find((k) => k.tensor === h)!.gradNote).toBe("not kept: call retainGrad()");
      close(after.find((k) => k.tensor === w)!.grad, [1, 2]);
    });

    it("lays the graph out left to right: every arrow points rightwards, no boxes overlap", () => {
      const { o } = neuron();
      o.backward();
      const l = layoutGraph(nn.computationGraph(o), { charWidth: 6, lineHeight: 12 });
      for (const e of l.edges) expect(l.placed[e.from].x + l.placed[e.from].w).toBeLessThan(l.placed[e.to].x);
      expect(l.placed[0].x + l.placed[0].w).toBe(Math.max(...l.placed.map((p) => p.x + p.w)));
      for (const a of l.placed) {
        for (const b of l.placed) {
          if (a === b) continue;
          const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
          expect(apart).toBe(true);
        }
        expect(a.x).toBeGreaterThanOrEqual(0);
        expect(a.y + a.h).toBeLessThanOrEqual(l.height);
      }
    });

    it("draws an SVG with one box per node, one arrow per edge, and the values and gradients as text", () => {
      const { x, w, b, n, o } = neuron();
      nn.retainGrads(o).backward();
      const svg = nn.drawGraph(o, { labels: { x, w, b, n, o }, title: "a neuron" });
      expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
      expect(svg.match(/<g class="node tensor /g)!.length).toBe(7);
      expect(svg.match(/<g class="node op"/g)!.length).toBe(4);
      expect(svg.match(/<path class="edge"/g)!.length).toBe(10);
      expect(svg.match(/class="node tensor parameter"/g)!.length).toBe(3);
      for (const text of ["o [1]", "data 0.7071", "grad 1.0000", "n [1]", "data 0.8814", "grad 0.5000", "w [2]", "data −3.0000, 1.0000", "grad 1.0000, 0.0000", "x [2]", "grad −1.5000, 0.5000", ">tanh<", ">add<", ">mul<", ">sum<", "a neuron"]) {
        expect(svg).toContain(text);
      }
    });

    it("folds a tensor read twice into one arrow marked ×2", () => {
      const x = tensor([3], [1], { requiresGrad: true });
      const y = ops.mul(x, x);
      y.backward();
      const g = nn.computationGraph(y);
      expect(g.edges.length).toBe(3);
      const svg = nn.drawGraph(y);
      expect(svg.match(/<path class="edge"/g)!.length).toBe(2);
      expect(svg).toContain('data-count="2"');
      expect(svg).toContain(">×2<");
      expect(svg).toContain("grad 6.0000");
    });

    it("shows the first values of a large tensor, names parameters from a model, escapes text", () => {
      const model = new nn.Sequential(new nn.Linear(3, 5));
      const loss = ops.sum(model.forward(tensor([1, 2, 3], [1, 3])));
      loss.backward();
      const svg = nn.drawGraph(loss, { model, labels: { "a<b": loss }, maxValues: 2 });
      expect(svg).toContain("0.weight [5, 3]");
      expect(svg).toContain("0.bias [5]");
      expect(svg).toMatch(/, … \(15\)</);
      expect(svg).toContain("a&lt;b []");
    });

    it("refuses a graph larger than maxNodes, naming the limit", () => {
      let h = tensor([1], [1], { requiresGrad: true });
      for (let i = 0; i < 30; i++) h = ops.mulScalar(h, 1.01);
      expect(() => nn.drawGraph(h, { maxNodes: 40 })).toThrow("drawGraph: the graph behind Tensor[1] has more than maxNodes = 40 nodes");
      expect(nn.computationGraph(h, { maxNodes: 61 }).nodes.length).toBe(61);
    });
  });
}
