// Shape helpers: sizes, formatting, axes, and the broadcast patterns the kernels support.
import { describe, expect, it } from "vitest";
import { broadcastPattern, broadcastShapes, fmt, normAxis, sameShape, sizeOf } from "../../src/tensor/shape.js";

describe("shape helpers", () => {
  it("sizeOf and fmt", () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([5, 0])).toBe(0);
    expect(fmt([])).toBe("[]");
    expect(fmt([32, 784])).toBe("[32, 784]");
  });

  it("sameShape", () => {
    expect(sameShape([2, 3], [2, 3])).toBe(true);
    expect(sameShape([2, 3], [3, 2])).toBe(false);
    expect(sameShape([6], [6, 1])).toBe(false);
  });

  it("normAxis resolves negatives and names out-of-range axes", () => {
    expect(normAxis(-1, 3, "op")).toBe(2);
    expect(normAxis(0, 3, "op")).toBe(0);
    expect(() => normAxis(3, 3, "sum")).toThrow(/sum: axis 3 is out of range for a tensor of rank 3/);
    expect(() => normAxis(-4, 3, "sum")).toThrow(/sum: axis -4 is out of range/);
    expect(() => normAxis(0.5, 3, "sum")).toThrow(/axis 0.5/);
  });

  it("broadcastShapes follows NumPy", () => {
    expect(broadcastShapes([3, 4], [4])).toEqual([3, 4]);
    expect(broadcastShapes([4, 1], [1, 3])).toEqual([4, 3]);
    expect(broadcastShapes([], [2, 3])).toEqual([2, 3]);
    expect(broadcastShapes([2, 1, 5], [3, 1])).toEqual([2, 3, 5]);
    expect(broadcastShapes([3, 4], [5])).toBeNull();
  });

  it("broadcastPattern: element i reads s[⌊i/inner⌋ mod bn]", () => {
    expect(broadcastPattern([], [3, 4])).toEqual({ bn: 1, inner: 1 });
    expect(broadcastPattern([4], [3, 4])).toEqual({ bn: 4, inner: 1 });
    expect(broadcastPattern([3, 1], [3, 4])).toEqual({ bn: 3, inner: 4 });
    expect(broadcastPattern([1, 3, 1, 1], [2, 3, 5, 5])).toEqual({ bn: 3, inner: 25 });
    expect(broadcastPattern([3, 4], [3, 4])).toEqual({ bn: 12, inner: 1 });
    expect(broadcastPattern([3, 1, 5], [3, 4, 5])).toBeNull();
  });
});
