// Kernel parity for the transformer kernels: layerNorm, logSoftmax and the fused attention
// softmax, Wasm against the JS reference at awkward sizes (SIMD tails), with guard floats after
// every output. Tolerances: the Wasm kernels sum in four f32 lanes where the reference sums in
// f64 (≈ cols·U relative on a sum), and exp runs on a polynomial within ~2 ulp; each bound below
// is a small multiple of that.
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/index.js";
import { bothBackends, closeness, expectGuard, get, guarded, put, seeded, U } from "./harness.js";

let js: Backend;
let wasm: Backend;
beforeAll(async () => {
  ({ js, wasm } = await bothBackends());
});

const COLS = [1, 3, 4, 7, 17, 33, 130];

function layerNormOn(b: Backend, x: Float32Array, g: Float32Array | null, beta: Float32Array | null, rows: number, cols: number) {
  const n = rows * cols;
  const xp = put(b, x);
  const yp = guarded(b, n);
  const mp = guarded(b, rows);
  const rp = guarded(b, rows);
  b.layerNorm(xp, g ? put(b, g) : 0, beta ? put(b, beta) : 0, yp, mp, rp, rows, cols, 1e-5);
  expectGuard(b, yp, n, `${b.name} layerNorm y`);
  return { y: get(b, yp, n), mean: get(b, mp, rows), rstd: get(b, rp, rows), xp, mp, rp };
}

describe("layerNorm and layerNormBackward", () => {
  for (const affine of [true, false]) {
    it(`match the reference${affine ? "" : " without affine"} (rows 1, 5; cols ${COLS.join(", ")})`, () => {
      for (const rows of [1, 5]) {
        for (const cols of COLS) {
          const n = rows * cols;
          // A large common offset: the two-pass variance must not cancel.
          const x = seeded(n, cols * 31 + rows, -2, 2).map((v) => v + 10);
          const g = affine ? seeded(cols, cols + 1, 0.5, 1.5) : null;
          const beta = affine ? seeded(cols, cols + 2) : null;
          const a = layerNormOn(js, x, g, beta, rows, cols);
          const w = layerNormOn(wasm, x, g, beta, rows, cols);
          const tol = (cols + 30) * U;
          expect(closeness(w.y, a.y, tol * 4, tol), `y rows ${rows} cols ${cols}`).toBeLessThanOrEqual(1);
          expect(closeness(w.rstd, a.rstd, 0, tol), `rstd cols ${cols}`).toBeLessThanOrEqual(1);

          const dy = seeded(n, cols * 7 + rows);
          const back = (b: Backend, r: typeof a) => {
            const dxp = guarded(b, n);
            const dgp = guarded(b, cols, 99);
            const dbp = guarded(b, cols, 99);
            b.layerNormBackward(put(b, dy), r.xp, r.mp, r.rp, g ? put(b, g) : 0, dxp, affine ? dgp : 0, affine ? dbp : 0, rows, cols);
            expectGuard(b, dxp, n, `${b.name} dx`);
            return { dx: get(b, dxp, n), dg: get(b, dgp, cols), db: get(b, dbp, cols) };
          };
          const bj = back(js, a);
          const bw = back(wasm, w);
          // dx has cancelling terms (g − mean(g) − x̂·mean(g·x̂)): an absolute bound on the scale of g·rstd.
          expect(closeness(bw.dx, bj.dx, 8 * tol * 4, tol * 4), `dx cols ${cols}`).toBeLessThanOrEqual(1);
          if (affine) {
            expect(closeness(bw.dg, bj.dg, rows * tol * 4, tol * 4), `dγ cols ${cols}`).toBeLessThanOrEqual(1);
            expect(closeness(bw.db, bj.db, rows * tol, tol), `dβ cols ${cols}`).toBeLessThanOrEqual(1);
          } else {
            expect(Array.from(bw.dg).every((v) => v === 99), "dγ untouched when not asked for").toBe(true);
          }
        }
      }
    });
  }
});

describe("logSoftmax and logSoftmaxBackward", () => {
  it(`match the reference (cols ${COLS.join(", ")}), stay finite where softmax underflows`, () => {
    for (const cols of COLS) {
      const rows = 3;
      const n = rows * cols;
      const x = seeded(n, cols * 13, -8, 8);
      x[0] = -120; // e^(−120 − max) underflows f32: log(softmax) would be −∞
      const run = (b: Backend) => {
        const yp = guarded(b, n);
        b.logSoftmax(put(b, x), yp, rows, cols);
        expectGuard(b, yp, n, `${b.name} logSoftmax`);
        return get(b, yp, n);
      };
      const yj = run(js);
      const yw = run(wasm);
      expect(yw.every(Number.isFinite)).toBe(true);
      expect(closeness(yw, yj, (cols + 20) * U * 8, (cols + 20) * U), `cols ${cols}`).toBeLessThanOrEqual(1);
      const dy = seeded(n, cols + 5);
      const back = (b: Backend) => {
        const dxp = guarded(b, n);
        b.logSoftmaxBackward(put(b, yj), put(b, dy), dxp, rows, cols);
        expectGuard(b, dxp, n, `${b.name} logSoftmaxBackward`);
        return get(b, dxp, n);
      };
      expect(closeness(back(wasm), back(js), (cols + 8) * U * 4, (cols + 8) * U), `backward cols ${cols}`).toBeLessThanOrEqual(1);
    }
  });
});

describe("attentionSoftmax and attentionSoftmaxBackward", () => {
  type MaskCase = { name: string; mask: (batch: number, rows: number, cols: number) => { data: Float32Array; group: number; bs: number; rs: number } | null; causal: boolean };
  const H = 2;
  const cases: MaskCase[] = [
    { name: "no mask", mask: () => null, causal: false },
    { name: "causal", mask: () => null, causal: true },
    {
      name: "additive [Tq, Tk] for every matrix",
      mask: (_b, r, c) => ({ data: seeded(r * c, 7, -3, 1).map((v) => (v < -2 ? -Infinity : v)), group: 1, bs: 0, rs: c }),
      causal: false,
    },
    {
      name: "key padding [B, 1, Tk] shared by heads",
      mask: (b, _r, c) => ({ data: Float32Array.from({ length: (b / H) * c }, (_, i) => (i % c >= c - 2 && c > 2 ? -Infinity : 0)), group: H, bs: c, rs: 0 }),
      causal: false,
    },
    {
      name: "per matrix, with fully masked rows",
      mask: (b, r, c) => ({ data: Float32Array.from({ length: b * r * c }, (_, i) => (Math.floor(i / c) % 3 === 1 ? -Infinity : 0)), group: 1, bs: r * c, rs: c }),
      causal: true,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: matches the reference at T = 1, 7, 33 and Tk ≠ Tq; masked entries exactly 0`, () => {
      for (const [rows, cols] of [[1, 1], [7, 7], [33, 33], [5, 17], [3, 130]]) {
        const batch = 2 * H;
        const n = batch * rows * cols;
        const s = seeded(n, rows * 100 + cols, -4, 4);
        const m = c.mask(batch, rows, cols);
        const run = (b: Backend, alias: boolean) => {
          const sp = put(b, s);
          const pp = alias ? sp : guarded(b, n);
          b.attentionSoftmax(sp, m ? put(b, m.data) : 0, pp, batch, rows, cols, 0.7, c.causal, m?.group ?? 1, m?.bs ?? 0, m?.rs ?? 0);
          if (!alias) expectGuard(b, pp, n, `${b.name} P`);
          return get(b, pp, n);
        };
        const pj = run(js, false);
        const pw = run(wasm, false);
        expect(pw.every(Number.isFinite), "no NaN").toBe(true);
        expect(closeness(pw, pj, 1e-30, (cols + 12) * U), `P ${rows}×${cols}`).toBeLessThanOrEqual(1);
        expect(closeness(run(wasm, true), pj, 1e-30, (cols + 12) * U), `P in place ${rows}×${cols}`).toBeLessThanOrEqual(1);
        for (let i = 0; i < n; i++) if (pj[i] === 0) expect(pw[i], `masked entry ${i}`).toBe(0);
        if (c.causal) for (let i = 0; i < n; i++) if (i % cols > Math.floor(i / cols) % rows) expect(pw[i]).toBe(0);

        const dp = seeded(n, cols + rows);
        const back = (b: Backend) => {
          const dsp = guarded(b, n);
          b.attentionSoftmaxBackward(put(b, pj), put(b, dp), dsp, batch * rows, cols, 0.7);
          expectGuard(b, dsp, n, `${b.name} dS`);
          return get(b, dsp, n);
        };
        expect(closeness(back(wasm), back(js), (cols + 8) * U, (cols + 8) * U), `dS ${rows}×${cols}`).toBeLessThanOrEqual(1);
      }
    });
  }

  it("a row with every key masked gives zeros (not NaN), and zero gradients", () => {
    for (const b of [js, wasm]) {
      const sp = put(b, [1, 2, 3, 4, 5, 6]);
      const mp = put(b, [-Infinity, -Infinity, -Infinity, 0, -Infinity, 0]);
      const pp = guarded(b, 6);
      b.attentionSoftmax(sp, mp, pp, 1, 2, 3, 1, false, 1, 0, 3);
      const p = get(b, pp, 6);
      expect(Array.from(p.subarray(0, 3)), b.name).toEqual([0, 0, 0]);
      expect(p[3] + p[5], b.name).toBeCloseTo(1, 6);
      expect(p[4], b.name).toBe(0);
      const dsp = guarded(b, 6);
      b.attentionSoftmaxBackward(pp, put(b, [1, 2, 3, 4, 5, 6]), dsp, 2, 3, 1);
      expect(Array.from(get(b, dsp, 3)), b.name).toEqual([0, 0, 0]);
    }
  });
});
