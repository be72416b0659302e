// MixtureOfExperts: outputs by hand (dense and top-k), the load-balancing loss by hand,
// finite-difference gradients for the input and for expert and gate parameters (both
// backends), usage statistics, and bad input.
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, nn, noGrad, ops, ready, scope, setBackend, tensor, type Tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

/** Linear expert/gate with given weights (no bias unless given). */
function linear(inF: number, outF: number, w: number[], b?: number[]): nn.Linear {
  const l = new nn.Linear(inF, outF, { bias: b !== undefined });
  l.weight.set(w);
  if (b) l.bias!.set(b);
  return l;
}

function softmaxRow(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * Finite-difference check of d(Σ y·r)/dp for every value of a module parameter p: autograd's
 * gradient against central differences with p perturbed in place (float64 sums, h = 1e-2).
 */
function expectParamGrad(forward: () => Tensor, p: Tensor, seed: number): void {
  const r = scope(() => noGrad(() => forward().toArray())).map((_, i) => randomData(1, seed + i)[0]);
  const lossAt = (): number => scope(() => noGrad(() => forward().toArray().reduce((s, v, i) => s + v * r[i], 0)));
  p.grad?.dispose();
  p.grad = null;
  scope(() => {
    const y = forward();
    ops.sum(ops.mul(y, tensor(r, y.shape))).backward();
  });
  const analytic = p.grad!.toArray();
  const v = p.toArray();
  const h = 1e-2;
  const numeric: number[] = [];
  for (let j = 0; j < v.length; j++) {
    const orig = v[j];
    v[j] = Math.fround(orig + h);
    p.set(v);
    const lp = lossAt();
    v[j] = Math.fround(orig - h);
    p.set(v);
    const lm = lossAt();
    numeric.push((lp - lm) / (Math.fround(orig + h) - Math.fround(orig - h)));
    v[j] = orig;
    p.set(v);
  }
  expect(Math.max(...numeric.map(Math.abs)), "all derivatives zero: the check proves nothing").toBeGreaterThan(1e-3);
  expectClose(analytic, numeric, 1e-3, 1e-3);
  p.grad!.dispose();
  p.grad = null;
}

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    // Three scalar experts on 2 inputs, y_e = a_e·x, and a linear gate with logits G·x.
    const A = [[1, 2], [-1, 0.5], [0.25, -2]];
    const G = [[1, 0], [0, 1], [-1, -1]];
    const make = (topK?: number) => new nn.MixtureOfExperts(A.map((a) => linear(2, 1, a)), linear(2, 3, G.flat()), { topK });
    const X = [[0.3, -0.2], [1.5, 0.5], [-1, 2]];

    function byHand(topK: number): { y: number[]; p: number[][] } {
      const y: number[] = [];
      const p: number[][] = [];
      for (const x of X) {
        const g = softmaxRow(G.map((w) => w[0] * x[0] + w[1] * x[1]));
        p.push(g);
        const order = [0, 1, 2].sort((a, b) => g[b] - g[a]);
        const keep = order.slice(0, topK);
        const z = keep.reduce((s, e) => s + g[e], 0);
        y.push(keep.reduce((s, e) => s + (g[e] / z) * (A[e][0] * x[0] + A[e][1] * x[1]), 0));
      }
      return { y, p };
    }

    it("dense: y = Σ softmax(gate)·experts, by hand", () => {
      const moe = make();
      expect(moe.topK).toBe(3);
      expect(moe.describe()).toBe("MixtureOfExperts(3 experts)");
      const y = moe.forward(tensor(X));
      expect(y.shape).toEqual([3, 1]);
      expectClose(y.toArray(), byHand(3).y, 1e-6, 1e-5);
      expect(Object.keys(moe.stateDict())).toEqual(["experts.0.weight", "experts.1.weight", "experts.2.weight", "gate.weight"]);
    });

    it("top-k keeps the k largest gate values, renormalized", () => {
      for (const k of [1, 2]) {
        const moe = make(k);
        expect(moe.describe()).toBe(`MixtureOfExperts(3 experts, top-${k})`);
        expectClose(moe.forward(tensor(X)).toArray(), byHand(k).y, 1e-6, 1e-5);
      }
    });

    it("auxLoss is E·Σ f_e·P_e; usage counts top-1 choices and mean gate values", () => {
      for (const k of [3, 2]) {
        const moe = make(k);
        moe.forward(tensor(X));
        const { p } = byHand(3);
        const P = [0, 1, 2].map((e) => p.reduce((s, row) => s + row[e], 0) / 3);
        const f = [0, 0, 0];
        for (const row of p) {
          const order = [0, 1, 2].sort((a, b) => row[b] - row[a]);
          const chosen = k === 3 ? order.slice(0, 1) : order.slice(0, k);
          for (const e of chosen) f[e] += 1 / (3 * chosen.length);
        }
        expect(moe.auxLoss!.item()).toBeCloseTo(3 * f.reduce((s, fe, e) => s + fe * P[e], 0), 5);
        const u = moe.usage();
        expect(u.inputs).toBe(3);
        const top1 = [0, 0, 0];
        for (const row of p) top1[row.indexOf(Math.max(...row))] += 1 / 3;
        expectClose(u.top1, top1, 1e-12);
        expectClose(u.meanGate, P, 1e-6);
        moe.forward(tensor(X));
        expect(moe.usage().inputs).toBe(6);
        moe.resetUsage();
        expect(moe.usage()).toEqual({ inputs: 0, top1: [0, 0, 0], meanGate: [0, 0, 0] });
      }
      // A uniform gate gives the minimum, 1, whatever the routing.
      const flat = new nn.MixtureOfExperts([linear(2, 1, [1, 1]), linear(2, 1, [1, 1])], linear(2, 2, [0, 0, 0, 0]));
      flat.forward(tensor(X));
      expect(flat.auxLoss!.item()).toBeCloseTo(1, 6);
    });

    it("gradients with respect to the input match finite differences (dense and top-2), and the aux loss's too", () => {
      manualSeed(5);
      for (const k of [undefined, 2]) {
        const moe = new nn.MixtureOfExperts([0, 1, 2, 3].map(() => new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2))), new nn.Linear(3, 4), { topK: k });
        expectGradcheck((x) => moe.forward(x), [{ shape: [5, 3] }]);
        expectGradcheck((x) => {
          moe.forward(x);
          return moe.auxLoss!;
        }, [{ shape: [5, 3] }]);
        moe.zeroGrad();
      }
    });

    it("gradients for expert and gate parameters match finite differences", () => {
      manualSeed(6);
      for (const k of [undefined, 2]) {
        const moe = new nn.MixtureOfExperts([0, 1, 2].map(() => new nn.Linear(3, 2)), new nn.Linear(3, 3), { topK: k });
        const x = tensor(randomData(12, 7, -2, 2), [4, 3]);
        for (const [key, p] of moe.namedParameters()) {
          if (key.startsWith("experts.1") || key.startsWith("gate")) expectParamGrad(() => moe.forward(x), p, 100);
        }
      }
    });

    it("gateProbabilities: rows sum to 1 and top1 is each row's argmax", () => {
      const moe = make(2);
      const { probs, top1 } = moe.gateProbabilities(tensor(X));
      const { p } = byHand(3);
      expectClose(probs, p.flat(), 1e-6, 1e-5);
      expect(Array.from(top1)).toEqual(p.map((row) => row.indexOf(Math.max(...row))));
      expect(moe.usage().inputs).toBe(0);
    });

    it("rejects topK > experts, bad shapes and mismatched experts, naming the layer and values", () => {
      const experts = () => A.map((a) => linear(2, 1, a));
      expect(() => new nn.MixtureOfExperts(experts(), linear(2, 3, G.flat()), { topK: 4 })).toThrow(/MixtureOfExperts\(3 experts\): topK must be an integer in \[1, 3\], got 4 \(more than the 3 experts\)/);
      expect(() => new nn.MixtureOfExperts(experts(), linear(2, 3, G.flat()), { topK: 0 })).toThrow(/topK must be an integer in \[1, 3\], got 0/);
      expect(() => new nn.MixtureOfExperts([], linear(2, 3, G.flat()))).toThrow(/MixtureOfExperts: got no experts/);
      const moe = make();
      expect(() => moe.forward(tensor([1, 2]))).toThrow(/MixtureOfExperts\(3 experts\): input has shape \[2\], expected \[batch, features\]/);
      const badGate = new nn.MixtureOfExperts(experts(), new nn.Linear(2, 2));
      expect(() => badGate.forward(tensor(X))).toThrow(/MixtureOfExperts\(3 experts\): the gate outputs \[3, 2\], expected \[3, 3\] \(one logit per expert\)/);
      const mixed = new nn.MixtureOfExperts([new nn.Linear(2, 1), new nn.Linear(2, 2)], new nn.Linear(2, 2));
      expect(() => mixed.forward(tensor(X))).toThrow(/MixtureOfExperts\(2 experts\): expert 1 outputs \[3, 2\], expected \[3, 1\] like expert 0/);
      expect(() => moe.forward(tensor([[1, 2, 3]]))).toThrow(/Linear\(2→3, no bias\): input has shape \[1, 3\], expected \[\*, 2\]/);
    });
  });
}
