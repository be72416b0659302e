// convTranspose2d as a differentiable op: forward against a float64 scatter written from the
// definition, the output-size formula, the adjoint identity with conv2d, gradients against finite
// differences on both backends, Wasm vs JS parity, and errors.
import { beforeAll, describe, expect, it } from "vitest";
import { ops, ready, scope, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

interface Geo {
  n: number; c: number; h: number; w: number; o: number; kh: number; kw: number;
  stride?: [number, number]; pad?: [number, number]; outPad?: [number, number]; dilation?: [number, number];
}

/**
 * The definition, in float64: every input value stamps its filter onto the output,
 *   y[b, o, iy·s − p + i·d, ix·s − p + j·d] += x[b, c, iy, ix] · w[c, o, i, j],
 * on an output of (H − 1)·s − 2p + d(k − 1) + outputPadding + 1 rows; stamps falling outside are dropped.
 */
function scatterRef(x: ArrayLike<number>, wt: ArrayLike<number>, bias: ArrayLike<number> | null, g: Geo): { y: Float64Array; oh: number; ow: number } {
  const [sh, sw] = g.stride ?? [1, 1];
  const [ph, pw] = g.pad ?? [0, 0];
  const [oph, opw] = g.outPad ?? [0, 0];
  const [dh, dw] = g.dilation ?? [1, 1];
  const oh = (g.h - 1) * sh - 2 * ph + dh * (g.kh - 1) + oph + 1;
  const ow = (g.w - 1) * sw - 2 * pw + dw * (g.kw - 1) + opw + 1;
  const y = new Float64Array(g.n * g.o * oh * ow);
  for (let b = 0; b < g.n; b++) for (let o = 0; o < g.o; o++) y.fill(bias ? bias[o] : 0, (b * g.o + o) * oh * ow, (b * g.o + o + 1) * oh * ow);
  for (let b = 0; b < g.n; b++) for (let c = 0; c < g.c; c++) for (let iy = 0; iy < g.h; iy++) for (let ix = 0; ix < g.w; ix++) {
    const v = x[((b * g.c + c) * g.h + iy) * g.w + ix];
    for (let o = 0; o < g.o; o++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
      const yy = iy * sh - ph + i * dh;
      const yx = ix * sw - pw + j * dw;
      if (yy < 0 || yx < 0 || yy >= oh || yx >= ow) continue;
      y[((b * g.o + o) * oh + yy) * ow + yx] += v * wt[((c * g.o + o) * g.kh + i) * g.kw + j];
    }
  }
  return { y, oh, ow };
}

type Opts = Parameters<typeof ops.convTranspose2d>[3];
const cases: [string, Geo, Opts][] = [
  ["1→1 3×3 on 4×5", { n: 1, c: 1, h: 4, w: 5, o: 1, kh: 3, kw: 3 }, {}],
  ["3→2 3×3 stride 2 padding 1 outputPadding 1 on 7×7 (the decoder's doubling)", { n: 2, c: 3, h: 7, w: 7, o: 2, kh: 3, kw: 3, stride: [2, 2], pad: [1, 1], outPad: [1, 1] }, { stride: 2, padding: 1, outputPadding: 1 }],
  ["2→3 4×4 stride 2 padding 1 on 5×6", { n: 2, c: 2, h: 5, w: 6, o: 3, kh: 4, kw: 4, stride: [2, 2], pad: [1, 1] }, { stride: 2, padding: 1 }],
  ["2→2 3×2 stride [3, 1] padding [1, 0] outputPadding [2, 0] on 3×4", { n: 1, c: 2, h: 3, w: 4, o: 2, kh: 3, kw: 2, stride: [3, 1], pad: [1, 0], outPad: [2, 0] }, { stride: [3, 1], padding: [1, 0], outputPadding: [2, 0] }],
  ["2→3 3×3 dilation 2 padding 2 on 5×4", { n: 1, c: 2, h: 5, w: 4, o: 3, kh: 3, kw: 3, pad: [2, 2], dilation: [2, 2] }, { dilation: 2, padding: 2 }],
  // outputPadding may reach the stride when the dilation is larger (PyTorch's rule: < stride or < dilation)
  ["1→2 2×2 stride 1 dilation 3 outputPadding 2 on 4×3", { n: 2, c: 1, h: 4, w: 3, o: 2, kh: 2, kw: 2, dilation: [3, 3], outPad: [2, 2] }, { dilation: 3, outputPadding: 2 }],
  ["4→1 1×1 stride 2 on 3×3 (a sparse upsampling)", { n: 1, c: 4, h: 3, w: 3, o: 1, kh: 1, kw: 1, stride: [2, 2] }, { stride: 2 }],
  ["16→8 5×5 stride 2 padding 2 outputPadding 1 on 7×7", { n: 3, c: 16, h: 7, w: 7, o: 8, kh: 5, kw: 5, stride: [2, 2], pad: [2, 2], outPad: [1, 1] }, { stride: 2, padding: 2, outputPadding: 1 }],
];

for (const name of ["js", "wasm"] as const) {
  describe(`${name}: convTranspose2d`, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("by hand: a 2×2 filter stamped by a 2×2 image with stride 2, with bias", () => {
      // Stride 2 = filter size: the four stamps tile the 4×4 output without overlapping.
      const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
      const w = tensor([1, 10, 100, 1000], [1, 1, 2, 2]);
      const y = ops.convTranspose2d(x, w, tensor([0.5]), { stride: 2 });
      expect(y.shape).toEqual([1, 1, 4, 4]);
      expect(y.toArray()).toEqual(Float32Array.from([
        1.5, 10.5, 2.5, 20.5,
        100.5, 1000.5, 200.5, 2000.5,
        3.5, 30.5, 4.5, 40.5,
        300.5, 3000.5, 400.5, 4000.5,
      ]));
      // Stride 1: the stamps overlap and add up; padding 1 then crops one cell from every side.
      const full = ops.convTranspose2d(x, w);
      expect(full.toArray()).toEqual(Float32Array.from([1, 12, 20, 103, 1234, 2040, 300, 3400, 4000]));
      expect(ops.convTranspose2d(x, w, null, { padding: 1 }).toArray()).toEqual(Float32Array.from([1234]));
    });

    for (const [label, g, opts] of cases) {
      it(`${label} equals the float64 scatter, with the output size (H − 1)·s − 2p + d(k − 1) + op + 1`, () => {
        const x = randomData(g.n * g.c * g.h * g.w, 21);
        const wt = randomData(g.c * g.o * g.kh * g.kw, 22);
        const b = randomData(g.o, 23);
        const ref = scatterRef(x, wt, b, g);
        const y = ops.convTranspose2d(tensor(x, [g.n, g.c, g.h, g.w]), tensor(wt, [g.c, g.o, g.kh, g.kw]), tensor(b, [g.o]), opts);
        expect(y.shape).toEqual([g.n, g.o, ref.oh, ref.ow]);
        expectClose(y.toArray(), ref.y, 1e-5, 1e-5);
        const noBias = ops.convTranspose2d(tensor(x, [g.n, g.c, g.h, g.w]), tensor(wt, [g.c, g.o, g.kh, g.kw]), null, opts);
        expectClose(noBias.toArray(), scatterRef(x, wt, null, g).y, 1e-5, 1e-5);
      });
    }

    it("output sizes: MNIST's 7 → 14 → 28 with 3×3 stride 2 padding 1 outputPadding 1, and without outputPadding 7 → 13", () => {
      const up = (h: number, c: number, o: number, op: number) =>
        ops.convTranspose2d(tensor(new Float32Array(2 * c * h * h), [2, c, h, h]), tensor(new Float32Array(c * o * 9), [c, o, 3, 3]), null, { stride: 2, padding: 1, outputPadding: op }).shape;
      expect(up(7, 32, 16, 1)).toEqual([2, 16, 14, 14]);
      expect(up(14, 16, 1, 1)).toEqual([2, 1, 28, 28]);
      expect(up(7, 32, 16, 0)).toEqual([2, 16, 13, 13]);
    });

    it("is the adjoint of conv2d with the same weight and settings: ⟨convT(x), y⟩ = ⟨x, conv(y)⟩", () => {
      // w is [4, 3, 3, 3]: a conv 3 → 4 channels and a transposed conv 4 → 3 channels.
      const opts = { stride: 2, padding: 1, dilation: 1 };
      const w = tensor(randomData(4 * 3 * 9, 31), [4, 3, 3, 3]);
      const x = tensor(randomData(2 * 4 * 5 * 5, 32), [2, 4, 5, 5]);
      const t = ops.convTranspose2d(x, w, null, opts); // [2, 3, 9, 9]
      expect(t.shape).toEqual([2, 3, 9, 9]);
      const y = tensor(randomData(2 * 3 * 9 * 9, 33), [2, 3, 9, 9]);
      const c = ops.conv2d(y, w, null, opts); // [2, 4, 5, 5]
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
      expect(dot(t.toArray(), y.toArray())).toBeCloseTo(dot(x.toArray(), c.toArray()), 3);
    });

    const gradCases: [string, number[], number[], Opts][] = [
      ["3×3, 2→3 channels, 4×5 image", [2, 2, 4, 5], [2, 3, 3, 3], {}],
      ["stride 2, padding 1, outputPadding 1", [2, 3, 3, 3], [3, 2, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }],
      ["stride [2, 3], padding [0, 1], non-square kernel", [1, 2, 3, 4], [2, 2, 2, 3], { stride: [2, 3], padding: [0, 1] }],
      ["dilation 2, padding 1, outputPadding 1", [1, 2, 4, 3], [2, 2, 3, 2], { dilation: 2, padding: 1, outputPadding: 1 }],
    ];
    for (const [label, xs, ws, opts] of gradCases) {
      it(`gradient w.r.t. input, weight and bias: ${label}`, () => {
        const res = expectGradcheck((x, w, b) => ops.convTranspose2d(x, w, b, opts), [{ shape: xs }, { shape: ws }, { shape: [ws[1]] }]);
        expect(res.checked).toBe(xs.reduce((a, d) => a * d, 1) + ws.reduce((a, d) => a * d, 1) + ws[1]);
      });
    }
    it("gradient without bias, and with a constant input or a constant weight", () => {
      expectGradcheck((x, w) => ops.convTranspose2d(x, w, null, { stride: 2 }), [{ shape: [2, 2, 3, 3] }, { shape: [2, 3, 3, 3] }]);
      expectGradcheck((x, w, b) => ops.convTranspose2d(x, w, b, { padding: 1 }), [{ shape: [2, 1, 4, 4], grad: false }, { shape: [1, 2, 3, 3] }, { shape: [2] }]);
      expectGradcheck((x, w) => ops.convTranspose2d(x, w, null, { stride: 2, padding: 1 }), [{ shape: [2, 2, 3, 4] }, { shape: [2, 2, 3, 3], grad: false }]);
    });

    it("errors name the op and the shapes", () => {
      const z = (s: number[]) => tensor(new Float32Array(s.reduce((p, d) => p * d, 1)), s);
      expect(() => ops.convTranspose2d(z([32, 7, 7]), z([32, 16, 3, 3]))).toThrow(/convTranspose2d: input has shape \[32, 7, 7\], expected 4-D \[batch, 32, height, width\]/);
      expect(() => ops.convTranspose2d(z([2, 16, 7, 7]), z([32, 16, 3, 3]))).toThrow(/convTranspose2d: input has shape \[2, 16, 7, 7\] with 16 channels, expected 32/);
      expect(() => ops.convTranspose2d(z([2, 32, 7, 7]), z([32, 16]))).toThrow(/convTranspose2d: weight has shape \[32, 16\], expected \[inChannels, outChannels, kernelH, kernelW\]/);
      expect(() => ops.convTranspose2d(z([2, 32, 7, 7]), z([32, 16, 3, 3]), z([32]))).toThrow(/convTranspose2d: bias has shape \[32\], expected \[16\]/);
      expect(() => ops.convTranspose2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }))
        .toThrow(/convTranspose2d: outputPadding \[2, 2\] must be smaller than the stride \[2, 2\] or the dilation \[1, 1\]/);
      expect(() => ops.convTranspose2d(z([1, 1, 1, 1]), z([1, 1, 3, 3]), null, { padding: 2 }))
        .toThrow(/convTranspose2d: input \[1, 1, 1, 1\] gives an output of -1×-1 \(padding \[2, 2\] removes more than the 3×3 kernel adds\), expected at least 1×1/);
      expect(() => ops.convTranspose2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), null, { stride: 0 })).toThrow(/convTranspose2d: stride must be positive integers, got 0/);
      expect(() => ops.convTranspose2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), null, { padding: -1 })).toThrow(/convTranspose2d: padding must be non-negative integers, got -1/);
    });
  });
}

describe("convTranspose2d: wasm against the js reference", () => {
  beforeAll(async () => {
    await ready();
  });

  // Awkward sizes: 1, 3, 7, 17, 33 pixels a side, channel counts that leave SIMD tails.
  const parity: [string, number[], number[], Opts][] = [
    ["1×1 image, 3×3 stride 2", [3, 5, 1, 1], [5, 3, 3, 3], { stride: 2 }],
    ["3×3, 4×4 stride 2 padding 1", [2, 7, 3, 3], [7, 3, 4, 4], { stride: 2, padding: 1 }],
    ["7×7 → 14×14, 32→16", [4, 32, 7, 7], [32, 16, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }],
    ["17×17, 5×5 dilation 2", [2, 3, 17, 17], [3, 2, 5, 5], { dilation: 2, padding: 3 }],
    ["33×17, 3×3 stride [2, 1] outputPadding [1, 0]", [1, 1, 33, 17], [1, 17, 3, 3], { stride: [2, 1], outputPadding: [1, 0] }],
  ];
  for (const [label, xs, ws, opts] of parity) {
    it(`${label}: forward and all three gradients agree`, () => {
      const out: Float32Array[][] = [];
      for (const name of ["js", "wasm"] as const) {
        setBackend(name);
        out.push(scope(() => {
          const x = tensor(randomData(xs.reduce((a, d) => a * d, 1), 41), xs, { requiresGrad: true });
          const w = tensor(randomData(ws.reduce((a, d) => a * d, 1), 42), ws, { requiresGrad: true });
          const b = tensor(randomData(ws[1], 43), [ws[1]], { requiresGrad: true });
          const y = ops.convTranspose2d(x, w, b, opts);
          const r = tensor(randomData(y.size, 44), y.shape);
          ops.sum(ops.mul(y, r)).backward();
          const res = [y.toArray(), x.grad!.toArray(), w.grad!.toArray(), b.grad!.toArray()];
          for (const t of [x, w, b]) t.grad!.dispose();
          return res;
        }));
      }
      const [js, wasm] = out;
      for (let k = 0; k < 4; k++) {
        const scale = Math.max(1, ...Array.from(js[k], Math.abs));
        expectClose(wasm[k], js[k], 1e-5 * scale, 1e-5);
      }
    });
  }
});
