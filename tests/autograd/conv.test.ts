// conv2d, maxPool2d, avgPool2d and batchNorm as differentiable ops: forward values by hand and
// against float64 definitions, gradients against finite differences, on both backends.
import { beforeAll, describe, expect, it } from "vitest";
import { ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

interface Geo {
  n: number; c: number; h: number; w: number; o: number; kh: number; kw: number;
  stride?: [number, number]; pad?: [number, number]; padAfter?: [number, number]; dilation?: [number, number];
}

/** The definition of conv2d, in float64: y[b, o, oy, ox] = bias[o] + Σ w·x over the window, x = 0 outside. */
function convRef(x: ArrayLike<number>, wt: ArrayLike<number>, bias: ArrayLike<number> | null, g: Geo): { y: number[]; oh: number; ow: number } {
  const [sh, sw] = g.stride ?? [1, 1];
  const [pt, pl] = g.pad ?? [0, 0];
  const [pb, pr] = g.padAfter ?? g.pad ?? [0, 0];
  const [dh, dw] = g.dilation ?? [1, 1];
  const oh = Math.floor((g.h + pt + pb - dh * (g.kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((g.w + pl + pr - dw * (g.kw - 1) - 1) / sw) + 1;
  const y: number[] = [];
  for (let b = 0; b < g.n; b++) for (let o = 0; o < g.o; o++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    let s = bias ? bias[o] : 0;
    for (let c = 0; c < g.c; c++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
      const iy = oy * sh - pt + i * dh;
      const ix = ox * sw - pl + j * dw;
      if (iy < 0 || ix < 0 || iy >= g.h || ix >= g.w) continue;
      s += wt[((o * g.c + c) * g.kh + i) * g.kw + j] * x[((b * g.c + c) * g.h + iy) * g.w + ix];
    }
    y.push(s);
  }
  return { y, oh, ow };
}

/** Values spaced at least `gap` apart, shuffled: no two pooled candidates are within a finite-difference step. */
function distinct(n: number, seed: number, gap = 0.05): Float32Array {
  const r = randomData(n, seed);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => r[a] - r[b]);
  const out = new Float32Array(n);
  order.forEach((idx, rank) => (out[idx] = (rank - n / 2) * gap));
  return out;
}

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    describe("conv2d", () => {
      it("by hand: a 2×2 filter over a 3×3 image, with bias", () => {
        // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,0],[0,−1]] (top-left minus bottom-right), b = 10
        const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
        const w = tensor([1, 0, 0, -1], [1, 1, 2, 2]);
        const y = ops.conv2d(x, w, tensor([10]));
        expect(y.shape).toEqual([1, 1, 2, 2]);
        expect(y.toArray()).toEqual(Float32Array.from([10 - 4, 10 - 4, 10 - 4, 10 - 4]));
        // padding 1: corner (0, 0) sees only x[0,0] under the filter's −1 tap → −1; stride 2 keeps 2×2 of the 4×4
        const p = ops.conv2d(x, w, null, { padding: 1, stride: 2 });
        expect(p.shape).toEqual([1, 1, 2, 2]);
        expect(p.toArray()).toEqual(Float32Array.from([-1, -3, -7, 5 - 9]));
      });

      const cases: [string, Geo, Parameters<typeof ops.conv2d>[3]][] = [
        ["1→1 3×3 on 5×6", { n: 1, c: 1, h: 5, w: 6, o: 1, kh: 3, kw: 3 }, {}],
        ["3→4 5×5 on 13×13, padding 2", { n: 2, c: 3, h: 13, w: 13, o: 4, kh: 5, kw: 5, pad: [2, 2] }, { padding: 2 }],
        ["2→3 3×3 on 7×7, stride 2, padding 1", { n: 3, c: 2, h: 7, w: 7, o: 3, kh: 3, kw: 3, stride: [2, 2], pad: [1, 1] }, { stride: 2, padding: 1 }],
        ["2→2 3×2 on 6×5, stride [1, 2], padding [0, 1]", { n: 2, c: 2, h: 6, w: 5, o: 2, kh: 3, kw: 2, stride: [1, 2], pad: [0, 1] }, { stride: [1, 2], padding: [0, 1] }],
        ["2→3 3×3 on 9×8, dilation 2", { n: 1, c: 2, h: 9, w: 8, o: 3, kh: 3, kw: 3, dilation: [2, 2] }, { dilation: 2 }],
        ["3→2 3×3 'same' on 5×6", { n: 2, c: 3, h: 5, w: 6, o: 2, kh: 3, kw: 3, pad: [1, 1] }, { padding: "same" }],
        // An even kernel: PyTorch puts the odd padding cell at the bottom/right.
        ["2→2 4×2 'same' on 7×5", { n: 1, c: 2, h: 7, w: 5, o: 2, kh: 4, kw: 2, pad: [1, 0], padAfter: [2, 1] }, { padding: "same" }],
        ["16→4 1×1 on 3×3 (pointwise)", { n: 2, c: 16, h: 3, w: 3, o: 4, kh: 1, kw: 1 }, {}],
      ];
      for (const [label, g, opts] of cases) {
        it(`${label} equals the float64 definition`, () => {
          const x = randomData(g.n * g.c * g.h * g.w, 11);
          const wt = randomData(g.o * g.c * g.kh * g.kw, 12);
          const b = randomData(g.o, 13);
          const ref = convRef(x, wt, b, g);
          const y = ops.conv2d(tensor(x, [g.n, g.c, g.h, g.w]), tensor(wt, [g.o, g.c, g.kh, g.kw]), tensor(b, [g.o]), opts);
          expect(y.shape).toEqual([g.n, g.o, ref.oh, ref.ow]);
          expectClose(y.toArray(), ref.y, 1e-5, 1e-5);
        });
      }
      it("'same' keeps height and width", () => {
        const y = ops.conv2d(tensor(randomData(2 * 3 * 5 * 6, 1), [2, 3, 5, 6]), tensor(randomData(4 * 3 * 4 * 4, 2), [4, 3, 4, 4]), null, { padding: "same" });
        expect(y.shape).toEqual([2, 4, 5, 6]);
      });

      const gradCases: [string, number[], number[], Parameters<typeof ops.conv2d>[3]][] = [
        ["3×3, 2→3 channels, 5×6 image", [2, 2, 5, 6], [3, 2, 3, 3], {}],
        ["stride 2, padding 1", [1, 2, 7, 7], [2, 2, 3, 3], { stride: 2, padding: 1 }],
        ["dilation 2, padding [1, 0]", [1, 1, 7, 6], [2, 1, 2, 3], { dilation: 2, padding: [1, 0] }],
        ["'same' with an even kernel", [1, 2, 5, 4], [2, 2, 2, 4], { padding: "same" }],
      ];
      for (const [label, xs, ws, opts] of gradCases) {
        it(`gradient w.r.t. input, weight and bias: ${label}`, () => {
          expectGradcheck((x, w, b) => ops.conv2d(x, w, b, opts), [{ shape: xs }, { shape: ws }, { shape: [ws[0]] }]);
        });
      }
      it("gradient without bias, and with a constant input (first layer) or a constant weight", () => {
        expectGradcheck((x, w) => ops.conv2d(x, w, null, { padding: 1 }), [{ shape: [2, 2, 4, 5] }, { shape: [3, 2, 3, 3] }]);
        expectGradcheck((x, w, b) => ops.conv2d(x, w, b), [{ shape: [2, 1, 6, 6], grad: false }, { shape: [2, 1, 3, 3] }, { shape: [2] }]);
        expectGradcheck((x, w) => ops.conv2d(x, w), [{ shape: [2, 2, 5, 5] }, { shape: [2, 2, 3, 3], grad: false }]);
      });

      it("errors name the op and the shapes", () => {
        const z = (s: number[]) => tensor(new Float32Array(s.reduce((p, d) => p * d, 1)), s);
        expect(() => ops.conv2d(z([1, 28, 28]), z([8, 1, 5, 5]))).toThrow(/conv2d: input has shape \[1, 28, 28\], expected 4-D \[batch, 1, height, width\]/);
        expect(() => ops.conv2d(z([2, 3, 8, 8]), z([8, 1, 5, 5]))).toThrow(/conv2d: input has shape \[2, 3, 8, 8\] with 3 channels, expected 1/);
        expect(() => ops.conv2d(z([1, 1, 4, 4]), z([8, 1, 5, 5]))).toThrow(/conv2d: kernel 5×5 is larger than the padded input 4×4 \(input \[1, 1, 4, 4\], padding \[0, 0\]\)/);
        expect(() => ops.conv2d(z([1, 1, 4, 4]), z([8, 1, 3, 3]), null, { dilation: 2 })).toThrow(/conv2d: kernel 3×3 \(5×5 dilated\) is larger than the padded input 4×4/);
        expect(() => ops.conv2d(z([1, 1, 4, 4]), z([8, 1, 3, 3]), null, { stride: 0 })).toThrow(/conv2d: stride must be positive integers, got 0/);
        expect(() => ops.conv2d(z([1, 1, 4, 4]), z([8, 1, 3, 3]), null, { padding: -1 })).toThrow(/conv2d: padding must be non-negative integers, got -1/);
        expect(() => ops.conv2d(z([1, 1, 4, 4]), z([8, 1, 3, 3]), null, { padding: "same", stride: 2 })).toThrow(/conv2d: padding "same" needs stride 1/);
        expect(() => ops.conv2d(z([1, 1, 4, 4]), z([8, 1, 3, 3]), z([4]))).toThrow(/conv2d: bias has shape \[4\], expected \[8\]/);
        expect(() => ops.conv2d(z([1, 1, 4, 4]), z([8, 9]))).toThrow(/conv2d: weight has shape \[8, 9\], expected \[outChannels, inChannels, kernelH, kernelW\]/);
      });
    });

    describe("maxPool2d", () => {
      it("by hand: 2×2 windows of a 4×4 map, and the gradient goes to each window's winner", () => {
        const x = tensor([1, 5, 2, 0, 3, 4, 8, 1, 0, 0, 1, 2, 9, 0, 3, 7], [1, 1, 4, 4], { requiresGrad: true });
        const y = ops.maxPool2d(x, 2);
        expect(y.toArray()).toEqual(Float32Array.from([5, 8, 9, 7]));
        y.backward(tensor([1, 2, 3, 4], [1, 1, 2, 2]));
        expect(x.grad!.toArray()).toEqual(Float32Array.from([0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 4]));
      });
      it("3×3 windows, stride 2, padding 1 on 5×6: padding is never the max", () => {
        const x = tensor(Float32Array.from({ length: 30 }, (_, i) => -1 - i), [1, 1, 5, 6]);
        const y = ops.maxPool2d(x, 3, { stride: 2, padding: 1 });
        expect(y.shape).toEqual([1, 1, 3, 3]);
        // all values negative: each window's max is its top-left in-image cell
        expect(y.toArray()).toEqual(Float32Array.from([-1, -2, -4, -7, -8, -10, -19, -20, -22]));
      });
      for (const [label, shape, k, opts] of [
        ["2×2 on [2, 3, 6, 6]", [2, 3, 6, 6], 2, {}],
        ["3×3 stride 2 padding 1 on [1, 2, 7, 5]", [1, 2, 7, 5], 3, { stride: 2, padding: 1 }],
        ["overlapping 3×2 stride 1 on [2, 1, 5, 6]", [2, 1, 5, 6], [3, 2], { stride: 1 }],
      ] as const) {
        it(`gradient, ${label}`, () => {
          const n = shape.reduce<number>((a, d) => a * d, 1);
          expectGradcheck((x) => ops.maxPool2d(x, k as number | [number, number], opts), [{ shape: [...shape], data: distinct(n, 7) }]);
        });
      }
    });

    describe("avgPool2d", () => {
      it("by hand, with and without counting the padding", () => {
        const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
        expect(ops.avgPool2d(x, 2, { stride: 1 }).toArray()).toEqual(Float32Array.from([3, 4, 6, 7]));
        // 2×2 windows, stride 2, padding 1: windows {1}, {2,3}, {4,7}, {5,6,8,9}
        const inc = ops.avgPool2d(x, 2, { padding: 1 });
        expectClose(inc.toArray(), [1 / 4, 5 / 4, 11 / 4, 28 / 4], 1e-7);
        const exc = ops.avgPool2d(x, 2, { padding: 1, countIncludePad: false });
        expectClose(exc.toArray(), [1, 5 / 2, 11 / 2, 7], 1e-7);
      });
      for (const countIncludePad of [true, false]) {
        it(`gradient, 3×3 stride 2 padding 1 on [2, 2, 5, 6], countIncludePad ${countIncludePad}`, () => {
          expectGradcheck((x) => ops.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad }), [{ shape: [2, 2, 5, 6] }]);
        });
      }
      it("errors name the op and the shapes", () => {
        const z = (s: number[]) => tensor(new Float32Array(s.reduce((p, d) => p * d, 1)), s);
        expect(() => ops.avgPool2d(z([3, 4, 4]), 2)).toThrow(/avgPool2d: input has shape \[3, 4, 4\], expected 4-D/);
        expect(() => ops.maxPool2d(z([1, 1, 2, 2]), 3)).toThrow(/maxPool2d: window 3×3 is larger than the padded input 2×2/);
        expect(() => ops.maxPool2d(z([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(/maxPool2d: padding \[2, 2\] must be at most half the window 2×2/);
        expect(() => ops.maxPool2d(z([1, 1, 4, 4]), 2, { stride: 0 })).toThrow(/maxPool2d: stride must be positive integers, got 0/);
      });
    });

    describe("batchNorm", () => {
      it("train mode by hand: [4, 1] → standardized, then γ·x̂ + β", () => {
        // x = 1, 2, 3, 6: mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5
        const y = ops.batchNorm(tensor([[1], [2], [3], [6]]), { training: true, weight: tensor([2]), bias: tensor([1]), eps: 0 });
        const s = Math.sqrt(3.5);
        expectClose(y.toArray(), [1 - 4 / s, 1 - 2 / s, 1, 1 + 6 / s], 1e-6);
      });
      it("eval mode by hand: uses the running statistics", () => {
        const y = ops.batchNorm(tensor([[1, 2], [3, 4]]), { training: false, runningMean: tensor([1, 0]), runningVar: tensor([4, 1]), eps: 0 });
        expectClose(y.toArray(), [0, 2, 1, 4], 1e-7);
      });
      const shapes = [[6, 3], [3, 2, 4], [2, 3, 3, 2]];
      for (const shape of shapes) {
        it(`train-mode gradient w.r.t. x, γ, β on ${JSON.stringify(shape)}`, () => {
          const c = shape[1];
          expectGradcheck(
            (x, g, b) => ops.batchNorm(x, { training: true, weight: g, bias: b }),
            [{ shape }, { shape: [c], lo: 0.5, hi: 1.5 }, { shape: [c] }],
          );
        });
      }
      it("train-mode gradient without γ, β (affine false)", () => {
        expectGradcheck((x) => ops.batchNorm(x, { training: true }), [{ shape: [2, 3, 2, 2] }]);
      });
      it("eval-mode gradient w.r.t. x, γ, β", () => {
        const rm = tensor([0.1, -0.2, 0.3]);
        const rv = tensor([0.5, 1.5, 2]);
        expectGradcheck(
          (x, g, b) => ops.batchNorm(x, { training: false, weight: g, bias: b, runningMean: rm, runningVar: rv }),
          [{ shape: [2, 3, 2, 2] }, { shape: [3] }, { shape: [3] }],
        );
      });
      it("training updates the running estimates in place (unbiased variance)", () => {
        const rm = tensor([0, 10]);
        const rv = tensor([1, 1]);
        // channel 0: 1, 3 → mean 2, unbiased var 2; channel 1: 2, 2 → mean 2, var 0
        ops.batchNorm(tensor([[1, 2], [3, 2]]), { training: true, runningMean: rm, runningVar: rv, momentum: 0.5 });
        expectClose(rm.toArray(), [1, 6], 1e-7);
        expectClose(rv.toArray(), [1.5, 0.5], 1e-7);
      });
      it("errors", () => {
        expect(() => ops.batchNorm(tensor([[1, 2]]), { training: true })).toThrow(/batchNorm: input \[1, 2\] has 1 value per channel; training needs more than 1/);
        expect(() => ops.batchNorm(tensor([[1, 2], [3, 4]]), { training: true, weight: tensor([1, 2, 3]) })).toThrow(/batchNorm: weight has shape \[3\], expected \[2\] for input \[2, 2\]/);
        expect(() => ops.batchNorm(tensor([[1, 2], [3, 4]]), { training: false })).toThrow(/batchNorm: evaluation needs runningMean and runningVar/);
      });
    });
  });
}
