// RBF layer: φ(‖x − c‖²/σ²) by hand, gradients for inputs, centers and widths by finite
// differences (every basis, both backends), Wasm vs JS parity, and bad input.
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, nn, ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

const BASES = ["gaussian", "multiquadric", "inverseMultiquadric"] as const;
const f = {
  gaussian: (s: number) => Math.exp(-s / 2),
  multiquadric: (s: number) => Math.sqrt(1 + s),
  inverseMultiquadric: (s: number) => 1 / Math.sqrt(1 + s),
};

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("registers centers [k, d] and widths [k] as parameters, or buffers when fixed", () => {
      const rbf = new nn.RBF(3, 5);
      expect(rbf.centers.shape).toEqual([5, 3]);
      expect(rbf.widths.shape).toEqual([5]);
      expect(rbf.parameters()).toEqual([rbf.centers, rbf.widths]);
      expect(Array.from(rbf.widths.toArray())).toEqual([1, 1, 1, 1, 1]);
      expect(rbf.describe()).toBe("RBF(3→5, gaussian)");
      const fixed = new nn.RBF(3, 5, { learnableCenters: false, learnableWidths: false, width: 0.5 });
      expect(fixed.parameters()).toEqual([]);
      expect(fixed.centers.requiresGrad || fixed.widths.requiresGrad).toBe(false);
      expect(Object.keys(fixed.stateDict()).sort()).toEqual(["centers", "widths"]);
      expect(Array.from(fixed.widths.toArray())).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
      const half = new nn.RBF(3, 5, { learnableWidths: false });
      expect(half.parameters()).toEqual([half.centers]);
    });

    it("outputs φ(‖x − c‖²/σ²) by hand for every basis", () => {
      for (const basis of BASES) {
        const rbf = new nn.RBF(2, 3, { basis });
        rbf.setCenters([0, 0, 1, 1, -2, 1]);
        rbf.setWidths([1, 2, 0.5]);
        const x = [[0, 0], [1, 2]];
        const y = rbf.forward(tensor(x)).toArray();
        const c = [[0, 0], [1, 1], [-2, 1]];
        const w = [1, 2, 0.5];
        const want: number[] = [];
        for (const xi of x) for (let j = 0; j < 3; j++) want.push(f[basis](((xi[0] - c[j][0]) ** 2 + (xi[1] - c[j][1]) ** 2) / w[j] ** 2));
        expectClose(y, want, 1e-6, 1e-6);
        // At its own center a Gaussian neuron outputs exactly 1.
        if (basis === "gaussian") expect(y[0]).toBe(1);
      }
    });

    it("keeps leading axes: [2, 3, d] → [2, 3, k]", () => {
      const rbf = new nn.RBF(4, 6);
      const x = tensor(randomData(24, 3), [2, 3, 4]);
      const y = rbf.forward(x);
      expect(y.shape).toEqual([2, 3, 6]);
      expect(Array.from(y.toArray())).toEqual(Array.from(rbf.forward(tensor(randomData(24, 3), [6, 4])).toArray()));
    });

    for (const basis of BASES) {
      it(`gradients for x, centers and widths match finite differences (${basis})`, () => {
        manualSeed(3);
        // Widths in [0.8, 1.6] and inputs of order 1 keep s = d2/σ² moderate, so the third
        // derivative stays small next to the first (see tests/gradcheck.ts).
        expectGradcheck(
          (x, c, w) => nn.rbfBasis(nn.sqDist(x, c), w, basis),
          [{ shape: [5, 3] }, { shape: [4, 3] }, { shape: [4], lo: 0.8, hi: 1.6 }],
        );
      });
    }

    it("gradients through the layer reach its parameters (Module path)", () => {
      const rbf = new nn.RBF(2, 3, { basis: "inverseMultiquadric" });
      rbf.setCenters([0.1, 0.2, -0.5, 0.3, 0.7, -0.4]);
      rbf.setWidths([0.9, 1.2, 1.5]);
      expectGradcheck((x) => rbf.forward(x), [{ shape: [4, 2] }]);
      // The parameters got gradients along the way.
      expect(rbf.centers.grad?.shape).toEqual([3, 2]);
      expect(rbf.widths.grad?.shape).toEqual([3]);
      rbf.zeroGrad();
    });

    it("rejects wrong shapes, bad sizes, bases and widths, naming the layer", () => {
      const rbf = new nn.RBF(2, 4);
      expect(() => rbf.forward(tensor([[1, 2, 3]]))).toThrow(/RBF\(2→4, gaussian\): input has shape \[1, 3\], expected \[\*, 2\]/);
      expect(() => new nn.RBF(0, 3)).toThrow(/RBF: inFeatures must be a positive integer, got 0/);
      expect(() => new nn.RBF(2, 2.5)).toThrow(/RBF: centers must be a positive integer, got 2.5/);
      expect(() => new nn.RBF(2, 3, { basis: "cubic" as never })).toThrow(/RBF: unknown basis "cubic"/);
      expect(() => new nn.RBF(2, 3, { width: 0 })).toThrow(/RBF: width must be a positive number, got 0/);
      expect(() => rbf.setWidths([1, 0, 1, 1])).toThrow(/RBF\(2→4, gaussian\)\.setWidths: width 1 is 0/);
      expect(() => rbf.setCenters([1, 2, 3])).toThrow(/setCenters: got 3 values, expected 4×2 = 8/);
      expect(() => rbf.initFromData([1, 2, 3, 4, 5, 6])).toThrow(/RBF\(2→4, gaussian\)\.initFromData: k-means needs at least 4 points \(one per center\), got 3/);
      expect(() => rbf.initFromData([1, 2, 3])).toThrow(/3 values are not whole samples of 2 features/);
    });

    it("initFromData puts centers on the clusters and widths at nearest-center distances", () => {
      // Three tight clusters around (0,0), (3,0), (0,4).
      const pts: number[] = [];
      const r = randomData(60, 9, -0.01, 0.01);
      [[0, 0], [3, 0], [0, 4]].forEach(([a, b], c) => {
        for (let i = 0; i < 10; i++) pts.push(a + r[c * 20 + 2 * i], b + r[c * 20 + 2 * i + 1]);
      });
      const rbf = new nn.RBF(2, 3);
      rbf.initFromData(pts, { seed: 2 });
      const c = Array.from(rbf.centers.toArray());
      const found = [0, 1, 2].map((j) => [c[2 * j], c[2 * j + 1]]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
      expectClose(found.flat(), [0, 0, 0, 4, 3, 0], 0.01);
      // Nearest other center: (0,0)→3, (3,0)→3, (0,4)→4 (to (0,0)), in the centers' order.
      const w = Array.from(rbf.widths.toArray());
      const want = [0, 1, 2].map((j) => (Math.abs(c[2 * j + 1] - 4) < 0.1 ? 4 : 3));
      expectClose(w, want, 0.03);
    });
  });
}

describe("parity", () => {
  it("Wasm and JS agree on forward and on every gradient", async () => {
    await ready();
    for (const basis of BASES) {
      const out: Record<string, Float32Array[]> = {};
      for (const name of ["js", "wasm"] as const) {
        setBackend(name);
        const rbf = new nn.RBF(7, 17, { basis });
        rbf.setCenters(randomData(7 * 17, 1));
        rbf.setWidths(randomData(17, 2, 0.5, 2));
        const x = tensor(randomData(33 * 7, 3), [33, 7], { requiresGrad: true });
        const y = rbf.forward(x);
        ops.sum(ops.mul(y, tensor(randomData(33 * 17, 4), [33, 17]))).backward();
        out[name] = [y.toArray(), x.grad!.toArray(), rbf.centers.grad!.toArray(), rbf.widths.grad!.toArray()];
      }
      ["forward", "d/dx", "d/dcenters", "d/dwidths"].forEach((what, i) => {
        expect(out.wasm[i].length, `${basis} ${what}`).toBeGreaterThan(0);
        expectClose(out.wasm[i], out.js[i], 1e-5, 1e-4);
      });
    }
  });
});
