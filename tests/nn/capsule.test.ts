// PrimaryCapsules and DigitCapsules: forward values against float64 definitions written here,
// gradients against finite differences, bad input, on both backends.
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, nn, ops, ready, scope, setBackend, tensor } from "../../src/index.js";
import { expectClose, fdCheck, randomData } from "../gradcheck.js";
import { routingRef } from "../capsule-ref.js";

/** Conv (no padding) → capsules (channel c·dim + d is component d of capsule channel c) → squash, in float64. */
function primaryRef(x: Float32Array, [n, cin, h, w]: number[], wt: Float32Array, bias: Float32Array, caps: number, dim: number, k: number, stride: number): number[] {
  const oh = Math.floor((h - k) / stride) + 1;
  const ow = Math.floor((w - k) / stride) + 1;
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let c = 0; c < caps; c++) for (let p = 0; p < oh * ow; p++) {
    const [oy, ox] = [Math.floor(p / ow), p % ow];
    const s: number[] = [];
    for (let d = 0; d < dim; d++) {
      const o = c * dim + d;
      let acc = bias[o];
      for (let ci = 0; ci < cin; ci++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
        acc += wt[((o * cin + ci) * k + i) * k + j] * x[((b * cin + ci) * h + oy * stride + i) * w + ox * stride + j];
      }
      s.push(acc);
    }
    const n2 = s.reduce((a, v) => a + v * v, 0);
    out.push(...s.map((v) => (v * Math.sqrt(n2)) / (1 + n2)));
  }
  return out;
}

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    describe("PrimaryCapsules", () => {
      it("is a convolution read as squashed capsules: values, shapes and stateDict keys", () => {
        manualSeed(3);
        const layer = new nn.PrimaryCapsules(2, 3, 4, 3, { stride: 2 });
        const x = randomData(2 * 2 * 7 * 7, 11);
        const y = layer.forward(tensor(x, [2, 2, 7, 7]));
        expect(y.shape).toEqual([2, 3 * 3 * 3, 4]);
        expect(layer.capsulesFor(7, 7)).toBe(27);
        const ref = primaryRef(x, [2, 2, 7, 7], layer.conv.weight.toArray(), layer.conv.bias!.toArray(), 3, 4, 3, 2);
        expectClose(y.toArray(), ref, 1e-6, 1e-5);
        expect(Object.keys(layer.stateDict())).toEqual(["conv.weight", "conv.bias"]);
        expect(layer.describe()).toBe("PrimaryCapsules(2→3×4D, Conv2d(2→12, 3×3, stride 2))");
      });

      it("gradients match finite differences (input and weights)", () => {
        manualSeed(4);
        const layer = new nn.PrimaryCapsules(1, 2, 3, 3, { stride: 2 });
        const x = tensor(randomData(1 * 1 * 5 * 5, 12), [1, 1, 5, 5], { requiresGrad: true });
        const r = fdCheck([x, layer.conv.weight, layer.conv.bias!], () => [layer.forward(x)]);
        expect(r.largest).toBeGreaterThan(1e-2);
        expect(r.worst, r.where).toBeLessThanOrEqual(1);
      });

      it("rejects an input with the wrong channels, naming the layer", () => {
        const layer = new nn.PrimaryCapsules(2, 3, 4, 3);
        expect(() => layer.forward(tensor(randomData(5 * 5, 1), [1, 1, 5, 5]))).toThrow("PrimaryCapsules(2→3×4D, Conv2d(2→12, 3×3)): input has shape [1, 1, 5, 5], expected [batch, 2, height, width]");
        expect(() => new nn.PrimaryCapsules(2, 0, 4, 3)).toThrow("PrimaryCapsules: capsuleChannels must be a positive integer, got 0");
      });
    });

    describe("DigitCapsules", () => {
      it("û_j|i = W_ij·u_i then routing: values against the float64 loop, weights [in, out, outDim, inDim]", () => {
        manualSeed(5);
        const [B, I, K, J, D] = [2, 5, 4, 3, 6];
        const layer = new nn.DigitCapsules(I, K, J, D, { routingIterations: 3, initStd: 0.5 });
        expect(layer.weight.shape).toEqual([I, J, D, K]);
        expect(Object.keys(layer.stateDict())).toEqual(["weight"]);
        const u = randomData(B * I * K, 13);
        scope(() => {
          const v = layer.forward(tensor(u, [B, I, K]));
          expect(v.shape).toEqual([B, J, D]);
          const w = layer.weight.toArray();
          const uHat: number[] = [];
          for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) for (let d = 0; d < D; d++) {
            let s = 0;
            for (let k = 0; k < K; k++) s += w[((i * J + j) * D + d) * K + k] * u[(b * I + i) * K + k];
            uHat.push(s);
          }
          const ref = routingRef(uHat, [B, I, J, D], 3);
          expectClose(v.toArray(), ref.v, 1e-6, 1e-5);
          expectClose(layer.couplings!.toArray(), ref.c, 1e-6, 1e-5);
          // A flat input of whole capsules is the same.
          expectClose(layer.forward(tensor(u, [B, I * K])).toArray(), ref.v, 1e-6, 1e-5);
        });
      });

      it("gradients match finite differences for 1–3 routing iterations (input and weights)", () => {
        for (const iters of [1, 2, 3]) {
          manualSeed(6 + iters);
          const layer = new nn.DigitCapsules(4, 3, 2, 4, { routingIterations: iters, initStd: 0.7 });
          const u = tensor(randomData(2 * 4 * 3, 20 + iters), [2, 4, 3], { requiresGrad: true });
          const r = fdCheck([u, layer.weight], () => [layer.forward(u)]);
          expect(r.largest).toBeGreaterThan(1e-2);
          expect(r.worst, `${iters} iterations: ${r.where}`).toBeLessThanOrEqual(1);
        }
      });

      it("bad input: a clear error naming the layer and shapes, weights untouched", () => {
        manualSeed(7);
        const layer = new nn.DigitCapsules(4, 3, 2, 5);
        const before = layer.weight.toArray();
        const d = "DigitCapsules(4×3D→2×5D, 3 routing iterations)";
        expect(() => layer.forward(tensor(randomData(2 * 4 * 2, 1), [2, 4, 2]))).toThrow(`${d}: input capsules have dimension 2 (shape [2, 4, 2]), expected 3`);
        expect(() => layer.forward(tensor(randomData(2 * 13, 1), [2, 13]))).toThrow(`${d}: input has shape [2, 13], whose 13 values per sample do not make whole capsules of 3`);
        expect(() => layer.forward(tensor(randomData(2 * 5 * 3, 1), [2, 5, 3]))).toThrow(`${d}: input has 5 capsules (shape [2, 5, 3]), expected 4`);
        expect(() => layer.forward(tensor(randomData(12, 1), [12]))).toThrow(`${d}: input has shape [12], expected [batch, 4, 3]`);
        expect(layer.weight.toArray()).toEqual(before);
        expect(() => new nn.DigitCapsules(4, 3, 2, 5, { routingIterations: 0 })).toThrow("DigitCapsules: routingIterations must be an integer ≥ 1, got 0");
        expect(() => new nn.DigitCapsules(4, 3, 2, 5, { routingIterations: 2.5 })).toThrow(/got 2\.5/);
        expect(() => new nn.DigitCapsules(0, 3, 2, 5)).toThrow("DigitCapsules: inCapsules must be a positive integer, got 0");
      });

      it('routingGradient "last" changes the gradient, not the output', () => {
        manualSeed(8);
        const all = new nn.DigitCapsules(4, 3, 2, 4, { initStd: 0.7 });
        manualSeed(8);
        const last = new nn.DigitCapsules(4, 3, 2, 4, { initStd: 0.7, routingGradient: "last" });
        const u = randomData(2 * 4 * 3, 30);
        const grads = [all, last].map((layer) => scope(() => {
          const v = layer.forward(tensor(u, [2, 4, 3]));
          ops.sum(ops.mul(v, tensor(randomData(v.size, 31), v.shape))).backward();
          const g = layer.weight.grad!.toArray();
          layer.zeroGrad();
          return { v: v.toArray(), g };
        }));
        expect(grads[1].v).toEqual(grads[0].v);
        expect(Math.max(...grads[0].g.map((x, i) => Math.abs(x - grads[1].g[i])))).toBeGreaterThan(1e-3);
      });
    });
  });
}
