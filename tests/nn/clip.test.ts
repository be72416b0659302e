// clipGradNorm and clipGradValue against values worked out by hand.
import { beforeEach, describe, expect, it } from "vitest";
import { nn, ready, setBackend, tensor, type Tensor } from "../../src/index.js";

function withGrad(values: number[], grad: number[]): Tensor {
  const p = tensor(values, [values.length], { requiresGrad: true });
  p.grad = tensor(grad, [grad.length]);
  return p;
}

beforeEach(async () => {
  await ready();
});

describe("clipGradNorm", () => {
  it("rescales all gradients together when their joint 2-norm exceeds maxNorm", () => {
    for (const b of ["js", "wasm"] as const) {
      setBackend(b);
      const a = withGrad([0, 0], [3, 0]);
      const c = withGrad([0], [4]);
      const none = tensor([1], [1], { requiresGrad: true });
      const total = nn.clipGradNorm([a, c, none], 1);
      expect(total).toBeCloseTo(5, 6);
      const s = 1 / (5 + 1e-6);
      expect(a.grad!.toArray()[0]).toBeCloseTo(3 * s, 6);
      expect(c.grad!.toArray()[0]).toBeCloseTo(4 * s, 6);
      expect(none.grad).toBeNull();
    }
  });

  it("leaves gradients under the limit untouched; supports the max-norm and p-norms", () => {
    const a = withGrad([0, 0], [0.3, -0.4]);
    expect(nn.clipGradNorm([a], 1)).toBeCloseTo(0.5, 6);
    expect(Array.from(a.grad!.toArray())).toEqual([Math.fround(0.3), Math.fround(-0.4)]);
    const m = withGrad([0, 0], [2, -8]);
    expect(nn.clipGradNorm([m], 4, Infinity)).toBe(8);
    expect(m.grad!.toArray()[1]).toBeCloseTo(-4, 5);
    const l1 = withGrad([0, 0], [1, -3]);
    expect(nn.clipGradNorm([l1], 100, 1)).toBeCloseTo(4, 6);
  });

  it("throws on a non-finite norm and on bad arguments", () => {
    const a = withGrad([0, 0], [NaN, 1]);
    expect(() => nn.clipGradNorm([a], 1)).toThrow(/clipGradNorm: the total gradient norm is NaN/);
    expect(nn.clipGradNorm([a], 1, 2, { errorIfNonfinite: false })).toBeNaN();
    expect(() => nn.clipGradNorm([a], -1)).toThrow(/clipGradNorm: maxNorm must be a finite number ≥ 0, got -1/);
  });
});

describe("clipGradValue", () => {
  it("clamps each value into [−c, c]", () => {
    for (const b of ["js", "wasm"] as const) {
      setBackend(b);
      const a = withGrad([0, 0, 0, 0], [-3, -0.5, 0.25, 7]);
      nn.clipGradValue([a], 1);
      expect(Array.from(a.grad!.toArray())).toEqual([-1, -0.5, 0.25, 1]);
    }
    expect(() => nn.clipGradValue([], NaN)).toThrow(/clipGradValue: clipValue must be a finite number ≥ 0, got NaN/);
  });
});
