// nn.Embedding: row lookup, gradients that accumulate over repeated ids, parity, bad ids.
import { beforeEach, describe, expect, it } from "vitest";
import { manualSeed, nn, ops, ready, setBackend, tensor } from "../../src/index.js";

beforeEach(async () => {
  await ready();
  manualSeed(1);
});

describe("Embedding", () => {
  it("looks up rows and scatters gradients, repeated ids accumulating", () => {
    for (const b of ["js", "wasm"] as const) {
      setBackend(b);
      const emb = new nn.Embedding(4, 3);
      emb.loadStateDict({ weight: { shape: [4, 3], data: [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32] } });
      const ids = tensor([[2, 0], [2, 2]]);
      const y = emb.forward(ids);
      expect(y.shape).toEqual([2, 2, 3]);
      expect(Array.from(y.toArray())).toEqual([20, 21, 22, 0, 1, 2, 20, 21, 22, 20, 21, 22]);
      const w = tensor(Array.from({ length: 12 }, (_, i) => i + 1), [2, 2, 3]);
      ops.sum(ops.mul(y, w)).backward();
      // row 2 is used three times: its gradient is the sum of the three upstream rows
      expect(Array.from(emb.weight.grad!.toArray())).toEqual([4, 5, 6, 0, 0, 0, 1 + 7 + 10, 2 + 8 + 11, 3 + 9 + 12, 0, 0, 0]);
    }
  });

  it("initializes N(0, 1) as PyTorch and takes plain arrays", () => {
    const emb = new nn.Embedding(200, 50);
    const v = emb.weight.toArray();
    const mean = v.reduce((a, x) => a + x, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / v.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
    expect(emb.forward([3, 7]).shape).toEqual([2, 50]);
    expect(emb.namedParameters().map(([k]) => k)).toEqual(["weight"]);
  });

  it("rejects ids out of range or not integers", () => {
    const emb = new nn.Embedding(5, 2);
    expect(() => emb.forward([1, 5])).toThrow(/Embedding\(5, 2\): index 5 at position 1 of ids \[2\] is not an integer in \[0, 4\]/);
    expect(() => emb.forward(tensor([[0.5]]))).toThrow(/index 0.5 at position 0 of ids \[1, 1\]/);
    expect(() => emb.forward([-1])).toThrow(/index -1/);
    expect(() => new nn.Embedding(0, 3)).toThrow(/Embedding: numEmbeddings must be a positive integer, got 0/);
  });

  it("ops.embedding gathers rows of any table, differentiable in the table, and names itself in errors", () => {
    const table = tensor([[1, 2], [3, 4], [5, 6]], undefined, { requiresGrad: true });
    const y = ops.embedding(table, [2, 2, 0]);
    expect(Array.from(y.toArray())).toEqual([5, 6, 5, 6, 1, 2]);
    ops.sum(ops.mul(y, tensor([[1, 10], [100, 1000], [-1, -2]]))).backward();
    expect(Array.from(table.grad!.toArray())).toEqual([-1, -2, 0, 0, 101, 1010]);
    expect(() => ops.embedding(table, [3])).toThrow("embedding: index 3 at position 0 of ids [1] is not an integer in [0, 2]");
    expect(() => ops.embedding(tensor([1, 2]), [0])).toThrow("embedding: table has shape [2], expected [rows, dim]");
  });
});
