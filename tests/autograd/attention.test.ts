// scaledDotProductAttention: values against a float64 implementation written here, gradients
// against finite differences (no mask, causal, boolean and additive masks, key padding,
// cross-attention with Tq ≠ Tk and Dv ≠ D), Wasm/JS parity at T = 1, 7, 33 and head dims 1, 3,
// 16, fully masked rows, and the errors.
import { beforeAll, describe, expect, it } from "vitest";
import { liveTensors, ops, ready, scope, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck, randomData } from "../gradcheck.js";

/** softmax(scale·q·kᵀ + mask)·v in f64; mask(b, h, i, j) additive, −∞ excluded; all-masked rows → 0. */
function sdpaRef(q: Float32Array, k: Float32Array, v: Float32Array, [B, H, Tq, D]: number[], Tk: number, Dv: number, mask: (b: number, h: number, i: number, j: number) => number, scale = 1 / Math.sqrt(D)): Float64Array {
  const out = new Float64Array(B * H * Tq * Dv);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const m = b * H + h;
      for (let i = 0; i < Tq; i++) {
        const s = new Float64Array(Tk);
        let max = -Infinity;
        for (let j = 0; j < Tk; j++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[(m * Tq + i) * D + d] * k[(m * Tk + j) * D + d];
          s[j] = scale * dot + mask(b, h, i, j);
          max = Math.max(max, s[j]);
        }
        if (max === -Infinity) continue;
        let sum = 0;
        for (let j = 0; j < Tk; j++) sum += (s[j] = Math.exp(s[j] - max));
        for (let j = 0; j < Tk; j++) for (let d = 0; d < Dv; d++) out[(m * Tq + i) * Dv + d] += (s[j] / sum) * v[(m * Tk + j) * Dv + d];
      }
    }
  return out;
}

const none = (): number => 0;
const causal = (_b: number, _h: number, i: number, j: number): number => (j > i ? -Infinity : 0);

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    it("matches a float64 implementation: no mask, causal, boolean [Tq, Tk] and additive [B, 1, Tq, Tk] masks, Tq ≠ Tk, Dv ≠ D", () => {
      const [B, H, Tq, Tk, D, Dv] = [2, 3, 5, 6, 4, 3];
      const q = randomData(B * H * Tq * D, 1, -2, 2);
      const k = randomData(B * H * Tk * D, 2, -2, 2);
      const v = randomData(B * H * Tk * Dv, 3);
      const run = (o: Parameters<typeof ops.scaledDotProductAttention>[3]) =>
        ops.scaledDotProductAttention(tensor(q, [B, H, Tq, D]), tensor(k, [B, H, Tk, D]), tensor(v, [B, H, Tk, Dv]), o).toArray();
      const shape = [B, H, Tq, D];
      expectClose(run({}), sdpaRef(q, k, v, shape, Tk, Dv, none), 1e-6, 1e-5);
      expectClose(run({ isCausal: true }), sdpaRef(q, k, v, shape, Tk, Dv, causal), 1e-6, 1e-5);
      expectClose(run({ scale: 0.3 }), sdpaRef(q, k, v, shape, Tk, Dv, none, 0.3), 1e-6, 1e-5);
      const bool = Array.from({ length: Tq * Tk }, (_, i) => (i * 7) % 5 !== 0); // true = attend (SDPA's convention)
      expectClose(run({ attnMask: { bool, shape: [Tq, Tk] } }), sdpaRef(q, k, v, shape, Tk, Dv, (_b, _h, i, j) => (bool[i * Tk + j] ? 0 : -Infinity)), 1e-6, 1e-5);
      const add = randomData(B * Tq * Tk, 4, -1, 1);
      expectClose(run({ attnMask: tensor(add, [B, 1, Tq, Tk]) }), sdpaRef(q, k, v, shape, Tk, Dv, (b, _h, i, j) => add[(b * Tq + i) * Tk + j]), 1e-6, 1e-5);
      const perHead = randomData(H * Tk, 5, -1, 1); // [H, 1, Tk]: one row per head, shared by the batch
      expectClose(run({ attnMask: tensor(perHead, [H, 1, Tk]) }), sdpaRef(q, k, v, shape, Tk, Dv, (_b, h, _i, j) => perHead[h * Tk + j]), 1e-6, 1e-5);
    });

    const qkv = (B: number, H: number, Tq: number, Tk: number, D: number, Dv = D) => [{ shape: [B, H, Tq, D] }, { shape: [B, H, Tk, D] }, { shape: [B, H, Tk, Dv] }];
    it("gradient: no mask, cross-attention Tq 3, Tk 5, Dv 2 ≠ D 4", () => {
      expectGradcheck((q, k, v) => ops.scaledDotProductAttention(q, k, v), qkv(2, 2, 3, 5, 4, 2));
    });
    it("gradient: causal", () => {
      expectGradcheck((q, k, v) => ops.scaledDotProductAttention(q, k, v, { isCausal: true }), qkv(1, 2, 5, 5, 3));
    });
    it("gradient: boolean mask and key padding ([B, 1, 1, Tk])", () => {
      const bool = Array.from({ length: 12 }, (_, i) => i % 4 !== 2);
      expectGradcheck((q, k, v) => ops.scaledDotProductAttention(q, k, v, { attnMask: { bool, shape: [3, 4] } }), qkv(1, 2, 3, 4, 3));
      const pad = { bool: [true, true, true, false, true, true, false, false], shape: [2, 1, 1, 4] };
      expectGradcheck((q, k, v) => ops.scaledDotProductAttention(q, k, v, { attnMask: pad }), qkv(2, 2, 3, 4, 3));
    });
    it("gradient: additive mask", () => {
      const m = tensor(randomData(12, 9, -2, 2), [3, 4]);
      expectGradcheck((q, k, v) => ops.scaledDotProductAttention(q, k, v, { attnMask: m }), qkv(2, 1, 3, 4, 3));
    });

    it("a query whose keys are all masked gets zeros and passes no gradient; nothing is NaN", () => {
      const q = tensor(randomData(2 * 3, 1), [1, 1, 2, 3], { requiresGrad: true });
      const k = tensor(randomData(2 * 3, 2), [1, 1, 2, 3], { requiresGrad: true });
      const v = tensor(randomData(2 * 3, 3), [1, 1, 2, 3], { requiresGrad: true });
      const y = ops.scaledDotProductAttention(q, k, v, { attnMask: { bool: [false, false, true, false], shape: [2, 2] } });
      const out = y.toArray();
      expect(Array.from(out.subarray(0, 3))).toEqual([0, 0, 0]);
      expectClose(out.subarray(3), v.toArray().subarray(0, 3), 1e-7);
      ops.sum(y).backward();
      for (const t of [q, k, v]) expect(t.grad!.toArray().every(Number.isFinite)).toBe(true);
      expect(Array.from(q.grad!.toArray().subarray(0, 3))).toEqual([0, 0, 0]);
    });

    it("frees its saved probabilities: no tensor outlives a training step", () => {
      const before = liveTensors();
      const q = tensor(randomData(24, 1), [1, 2, 3, 4], { requiresGrad: true });
      scope(() => {
        const y = ops.scaledDotProductAttention(q, q, q, { isCausal: true, dropoutP: 0.5 });
        ops.sum(y).backward();
      });
      q.grad!.dispose();
      q.dispose();
      expect(liveTensors()).toBe(before);
    });

    it("bad input: clear errors naming the op and the shapes", () => {
      const t = (s: number[]) => tensor(new Float32Array(s.reduce((a, d) => a * d, 1)), s);
      const f = ops.scaledDotProductAttention;
      expect(() => f(t([1, 2, 3, 4]), t([1, 2, 5, 4]), t([1, 2, 6, 4]))).toThrow("scaledDotProductAttention: key and value have different lengths or batches: key [1, 2, 5, 4], value [1, 2, 6, 4]");
      expect(() => f(t([1, 2, 3, 4]), t([1, 2, 5, 3]), t([1, 2, 5, 4]))).toThrow("key has shape [1, 2, 5, 3], expected [1, 2, Tk, 4]");
      expect(() => f(t([2, 3, 4]), t([2, 3, 4]), t([2, 3, 4]))).toThrow("must be [batch, heads, T, headDim]");
      expect(() => f(t([1, 2, 3, 4]), t([1, 2, 5, 4]), t([1, 2, 5, 4]), { attnMask: t([3, 4]) })).toThrow(
        "scaledDotProductAttention: attention mask has shape [3, 4], expected a shape broadcastable to [1, 2, 3, 5]",
      );
      expect(() => f(t([1, 2, 3, 4]), t([1, 2, 3, 4]), t([1, 2, 3, 4]), { attnMask: t([3, 3]), isCausal: true })).toThrow("give attnMask or isCausal, not both");
      expect(() => f(t([1, 2, 3, 4]), t([1, 2, 3, 4]), t([1, 2, 3, 4]), { dropoutP: 1 })).toThrow("dropoutP must be in [0, 1), got 1");
    });
  });
}

describe("Wasm and JS agree at T = 1, 7, 33 and head dims 1, 3, 16 (values and gradients, causal)", () => {
  beforeAll(async () => {
    await ready();
  });
  for (const T of [1, 7, 33]) {
    for (const D of [1, 3, 16]) {
      it(`T ${T}, D ${D}`, () => {
        const [B, H] = [2, 2];
        const data = [1, 2, 3].map((s) => randomData(B * H * T * D, s * 10 + T + D, -2, 2));
        const dOut = randomData(B * H * T * D, 99);
        const run = (name: "js" | "wasm") => {
          setBackend(name);
          return scope(() => {
            const [q, k, v] = data.map((d) => tensor(d, [B, H, T, D], { requiresGrad: true }));
            const y = ops.scaledDotProductAttention(q, k, v, { isCausal: true });
            y.backward(tensor(dOut, y.shape));
            return [y.toArray(), ...[q, k, v].map((x) => x.grad!.toArray())];
          });
        };
        const js = run("js");
        const wasm = run("wasm");
        js.forEach((want, i) => expectClose(wasm[i], want, 2e-6, 2e-5));
      });
    }
  }
});
