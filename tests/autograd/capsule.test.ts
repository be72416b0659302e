// Capsule ops: squash, norm, the prediction vectors, routing by agreement and the margin loss.
// Values against float64 definitions written here, gradients against finite differences, on
// both backends.
import { beforeAll, describe, expect, it } from "vitest";
import { losses, noGrad, ops, ready, scope, setBackend, tensor, type Tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, gradcheck, randomData } from "../gradcheck.js";
import { routingRef, squashRef } from "../capsule-ref.js";

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    describe("squash", () => {
      it("matches the paper's formula, keeps directions, and maps lengths into [0, 1)", () => {
        const s = randomData(5 * 16, 1, -2, 2);
        const v = ops.squash(tensor(s, [5, 16]));
        expectClose(v.toArray(), squashRef(s, 16), 1e-6, 1e-5);
        const n = ops.norm(v).toArray();
        for (const l of n) expect(l).toBeLessThan(1);
        expectClose(ops.squash(tensor([[3, 4]])).toArray(), [15 / 26, 20 / 26], 1e-7, 1e-6);
      });

      it("along another axis equals squashing the transposed tensor", () => {
        const s = randomData(2 * 3 * 4, 2);
        const a = ops.squash(tensor(s, [2, 3, 4]), 1);
        const b = ops.transpose(ops.squash(ops.transpose(tensor(s, [2, 3, 4]), 1, 2)), 1, 2);
        expect(a.shape).toEqual([2, 3, 4]);
        expectClose(a.toArray(), b.toArray(), 1e-7);
      });

      it("gradient matches finite differences, at ordinary and near-zero lengths", () => {
        expectGradcheck((s) => ops.squash(s), [{ shape: [4, 5], lo: -1.5, hi: 1.5 }]);
        expectGradcheck((s) => ops.squash(s, 0), [{ shape: [3, 4] }]);
        // Lengths ≈ 1e−2: v ≈ ‖s‖·s is nearly quadratic, its slopes are ≈ 1e−2; scaled by 1e3 so
        // the check has something to compare, with a step well under the lengths.
        const tiny = (s: Tensor) => ops.mulScalar(ops.squash(s), 1e3);
        expectGradcheck(tiny, [{ shape: [3, 8], lo: -5e-3, hi: 5e-3 }], { h: 1e-4 });
      });

      it("a zero vector gives zero output and a finite, zero gradient (never NaN)", () => {
        const s = tensor(new Float32Array(8), [2, 4], { requiresGrad: true });
        const v = ops.squash(s);
        expect(Array.from(v.toArray())).toEqual(new Array(8).fill(0));
        ops.sum(ops.mul(v, tensor(randomData(8, 3), [2, 4]))).backward();
        expect(Array.from(s.grad!.toArray())).toEqual(new Array(8).fill(0));
        // Finite differences agree: v = O(‖s‖²) at 0, so its slope there is 0.
        const r = gradcheck((x) => ops.squash(x), [{ shape: [2, 4], data: new Float32Array(8) }], { h: 1e-4 });
        expect(r.worst).toBeLessThanOrEqual(1);
      });
    });

    describe("norm", () => {
      it("lengths, their gradient, and 0 (not NaN) at a zero vector", () => {
        expect(Array.from(ops.norm(tensor([[3, 4], [0, 0]])).toArray())).toEqual([5, 0]);
        expect(ops.norm(tensor(randomData(24, 4), [2, 3, 4]), 1, true).shape).toEqual([2, 1, 4]);
        expectGradcheck((x) => ops.norm(x), [{ shape: [3, 5], avoidZero: 0.1 }]);
        expectGradcheck((x) => ops.norm(x, 0), [{ shape: [3, 2], avoidZero: 0.1 }]);
        const z = tensor([0, 0, 0], [1, 3], { requiresGrad: true });
        ops.norm(z).backward(tensor([1], [1]));
        expect(Array.from(z.grad!.toArray())).toEqual([0, 0, 0]);
      });
    });

    describe("capsulePredictions", () => {
      it("û_j|i = W_ij·u_i, and its gradient matches finite differences", () => {
        const [B, I, J, D, K] = [2, 3, 2, 5, 4];
        const u = randomData(B * I * K, 5);
        const w = randomData(I * J * D * K, 6);
        const got = ops.capsulePredictions(tensor(u, [B, I, K]), tensor(w, [I, J, D, K]));
        expect(got.shape).toEqual([B, I, J, D]);
        const want: number[] = [];
        for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) for (let d = 0; d < D; d++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += w[((i * J + j) * D + d) * K + k] * u[(b * I + i) * K + k];
          want.push(s);
        }
        expectClose(got.toArray(), want, 1e-6, 1e-5);
        expectGradcheck((a, b) => ops.capsulePredictions(a, b), [{ shape: [B, I, K] }, { shape: [I, J, D, K] }]);
      });
    });

    describe("dynamicRouting", () => {
      const shape = [2, 4, 3, 5];

      it("matches the float64 loop for 1–3 iterations; coupling coefficients of each input capsule sum to 1", () => {
        const uHat = randomData(2 * 4 * 3 * 5, 7, -1.5, 1.5);
        for (const iters of [1, 2, 3]) {
          const { v, couplings } = ops.dynamicRouting(tensor(uHat, shape), iters);
          const ref = routingRef(uHat, shape, iters);
          expect(v.shape).toEqual([2, 3, 5]);
          expectClose(v.toArray(), ref.v, 1e-6, 1e-5);
          expectClose(couplings.toArray(), ref.c, 1e-6, 1e-5);
          const c = couplings.toArray();
          for (let r = 0; r < 2 * 4; r++) {
            const sum = c[r * 3] + c[r * 3 + 1] + c[r * 3 + 2];
            expect(Math.abs(sum - 1), `iterations ${iters}, input capsule ${r}`).toBeLessThanOrEqual(3e-7);
          }
          // One iteration splits every vote evenly; more iterations do not.
          const spread = Math.max(...c) - Math.min(...c);
          if (iters === 1) expect(spread).toBeLessThan(1e-7);
          else expect(spread).toBeGreaterThan(0.05);
        }
      });

      it('gradient flows through every iteration ("all"): matches finite differences for 1, 2 and 3 iterations', () => {
        for (const iters of [1, 2, 3]) {
          expectGradcheck((u) => ops.dynamicRouting(u, iters).v, [{ shape, lo: -1.5, hi: 1.5 }]);
        }
      });

      it('"last": the gradient of Σ_i c_ij·û_j|i with the coupling coefficients held fixed, unlike "all"', () => {
        const data = randomData(2 * 4 * 3 * 5, 8, -1.5, 1.5);
        const c = noGrad(() => ops.dynamicRouting(tensor(data, shape), 3).couplings.toArray());
        // The last iteration with frozen couplings, composed from plain ops.
        const frozen = (u: Tensor) => ops.squash(ops.sum(ops.mul(u, tensor(c, [2, 4, 3, 1])), 1));
        const numeric = gradcheck(frozen, [{ shape, data }]);
        expect(numeric.worst, numeric.message).toBeLessThanOrEqual(1);
        const last = gradcheck((u) => ops.dynamicRouting(u, 3, { gradient: "last" }).v, [{ shape, data }]);
        expectClose(last.analytic[0], numeric.numeric[0], 1e-5, 1e-4);
        const all = gradcheck((u) => ops.dynamicRouting(u, 3, { gradient: "all" }).v, [{ shape, data }]);
        expect(all.worst, all.message).toBeLessThanOrEqual(1);
        let diff = 0;
        for (let k = 0; k < all.analytic[0].length; k++) diff = Math.max(diff, Math.abs(all.analytic[0][k] - last.analytic[0][k]));
        expect(diff, "the two gradients should differ").toBeGreaterThan(1e-2);
      });

      it("rejects routingIterations < 1 and a wrong rank", () => {
        const u = tensor(randomData(2 * 4 * 3 * 5, 9), shape);
        expect(() => ops.dynamicRouting(u, 0)).toThrow("dynamicRouting: routingIterations must be an integer ≥ 1, got 0");
        expect(() => ops.dynamicRouting(u, 1.5)).toThrow(/got 1\.5/);
        expect(() => ops.dynamicRouting(tensor(randomData(6, 1), [2, 3]), 1)).toThrow("dynamicRouting: prediction vectors have shape [2, 3], expected [batch, inCapsules, outCapsules, outDim]");
      });
    });

    describe("marginLoss", () => {
      it("matches its definition, and its gradient matches finite differences", () => {
        // Lengths kept ≥ 0.05 away from m⁺ = 0.9 and m⁻ = 0.1, where the hinge bends.
        const l = [0.3, 0.95, 0.02, 0.5, 0.7, 0.2, 0.8, 0.04, 0.6];
        const labels = [1, 0, 2];
        const got = losses.marginLoss(tensor(l, [3, 3]), labels).item();
        let want = 0;
        for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) {
          const x = l[r * 3 + k];
          want += k === labels[r] ? Math.max(0, 0.9 - x) ** 2 : 0.5 * Math.max(0, x - 0.1) ** 2;
        }
        expect(got).toBeCloseTo(want / 3, 6);
        const custom = losses.marginLoss(tensor(l, [3, 3]), labels, { mPlus: 0.8, mMinus: 0.2, lambda: 1 }).item();
        expect(custom).not.toBeCloseTo(got, 3);
        expectGradcheck((x) => losses.marginLoss(x, labels), [{ shape: [3, 3], data: l }]);
        expectGradcheck((x) => losses.marginLoss(x, [3, 0]), [{ shape: [2, 4], data: [0.3, 0.5, 0.02, 0.6, 0.96, 0.2, 0.4, 0.7] }]);
      });

      it("rejects labels out of range and a wrong shape, naming the op", () => {
        const l = tensor([0.2, 0.5, 0.7, 0.1], [2, 2]);
        expect(() => losses.marginLoss(l, [0, 2])).toThrow("marginLoss: label 2 at index 1 is not a class index in [0, 1]");
        expect(() => losses.marginLoss(l, [0, -1])).toThrow(/label -1/);
        expect(() => losses.marginLoss(l, [0])).toThrow("marginLoss: got 1 labels for 2 rows of lengths");
        expect(() => losses.marginLoss(tensor([0.1, 0.2]), [0])).toThrow("marginLoss: lengths have shape [2], expected [batch, classes]");
      });
    });
  });
}
