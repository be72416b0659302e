// safetensors: the byte layout (checked byte by byte), the number formats (every F16 pattern
// round-trips, rounding ties go to even, BF16 is the top half of F32), and state dicts through
// toSafetensors / fromSafetensors and JSON.
import { beforeAll, describe, expect, it } from "vitest";
import { fromSafetensors, io, manualSeed, models, ready, setBackend, toSafetensors } from "../../src/index.js";

const { readSafetensors, writeSafetensors, f16ToNumber, numberToF16, bf16ToNumber } = io;

beforeAll(async () => {
  await ready();
});

describe("number formats", () => {
  it("F16: known values, rounding to nearest even, overflow and subnormals", () => {
    const cases: [number, number][] = [
      [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [0, 0], [-0, 0x8000],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // exactly half the smallest subnormal: ties to even (0)
      [3 * 2 ** -25, 0x0002], // 1.5 units: ties to even (2)
      [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: ties to even (1)
      [1 + 3 * 2 ** -11, 0x3c02], // halfway between 1 + 2⁻¹⁰ and 1 + 2⁻⁹: ties to even
      [65520, 0x7c00], // halfway between 65504 and 65536: rounds up to Infinity
      [Infinity, 0x7c00], [-Infinity, 0xfc00],
    ];
    for (const [x, bits] of cases) expect(numberToF16(x), `${x}`).toBe(bits);
    expect(f16ToNumber(0x3555)).toBeCloseTo(1 / 3, 3);
    expect(Number.isNaN(f16ToNumber(numberToF16(NaN)))).toBe(true);
  });

  it("F16: every one of the 65,536 patterns decodes and encodes back to itself (NaNs stay NaN)", () => {
    let mismatches = 0;
    for (let h = 0; h < 65536; h++) {
      const x = f16ToNumber(h);
      if (Number.isNaN(x)) {
        if (!Number.isNaN(f16ToNumber(numberToF16(x)))) mismatches++;
      } else if (numberToF16(x) !== h) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("BF16 is the upper half of the F32 pattern", () => {
    expect(bf16ToNumber(0x3f80)).toBe(1);
    expect(bf16ToNumber(0xc040)).toBe(-3);
    expect(bf16ToNumber(0x3eaa)).toBe(0.33203125);
  });
});

describe("the byte layout", () => {
  it("an 8-byte little-endian header length, a JSON header padded to 8 bytes, then the data", () => {
    const bytes = writeSafetensors([["w", { shape: [2], data: [1, -2] }], ["n", { shape: [], data: [7], dtype: "I64" }]], { format: "pt" });
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({ __metadata__: { format: "pt" }, w: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, n: { dtype: "I64", shape: [], data_offsets: [8, 16] } });
    expect(bytes.length).toBe(8 + n + 16);
    expect(view.getFloat32(8 + n, true)).toBe(1);
    expect(view.getFloat32(8 + n + 4, true)).toBe(-2);
    expect(view.getBigInt64(8 + n + 8, true)).toBe(7n);
  });

  it("reads every dtype back: F32 and F64 exactly, F16 and BF16 to their precision, I64 as integers", () => {
    const data = [0.1, -3.5, 1e-3, 250];
    const bytes = writeSafetensors([
      ["f32", { shape: [4], data, dtype: "F32" }],
      ["f16", { shape: [2, 2], data, dtype: "F16" }],
      ["f64", { shape: [4], data, dtype: "F64" }],
      ["i64", { shape: [2], data: [-5, 2 ** 40], dtype: "I64" }],
    ]);
    const { tensors } = readSafetensors(bytes);
    expect(Array.from(tensors.get("f32")!.data)).toEqual(Array.from(Float32Array.from(data)));
    expect(Array.from(tensors.get("f64")!.data)).toEqual(Array.from(Float32Array.from(data)));
    expect(tensors.get("f16")!.shape).toEqual([2, 2]);
    tensors.get("f16")!.data.forEach((v, i) => expect(Math.abs(v - data[i])).toBeLessThanOrEqual(Math.abs(data[i]) * 2 ** -11));
    expect(tensors.get("i64")!.data).toBeInstanceOf(Float64Array);
    expect(Array.from(tensors.get("i64")!.data)).toEqual([-5, 2 ** 40]);
    expect(tensors.get("f16")!.dtype).toBe("F16");
  });
});

for (const name of ["js", "wasm"] as const) {
  describe(`state dicts (${name})`, () => {
    beforeAll(() => setBackend(name));

    it("toSafetensors → fromSafetensors → loadStateDict is bit-exact, with PyTorch's keys and I64 num_batches_tracked", () => {
      manualSeed(3);
      const a = models.lenet({ batchNorm: true, channels: [2, 3] });
      manualSeed(4);
      const b = models.lenet({ batchNorm: true, channels: [2, 3] });
      const bytes = toSafetensors(a, { metadata: { note: "hello" } });
      const { tensors, metadata } = readSafetensors(bytes);
      expect([...tensors.keys()]).toEqual(Object.keys(a.stateDict()));
      expect(tensors.get("1.num_batches_tracked")!.dtype).toBe("I64");
      expect(tensors.get("0.weight")!.dtype).toBe("F32");
      expect(metadata.format).toBe("pt");
      expect(metadata.note).toBe("hello");
      b.loadStateDict(fromSafetensors(bytes));
      for (const [k, v] of Object.entries(a.stateDict())) expect(Array.from(b.stateDict()[k].data), k).toEqual(Array.from(v.data));
    });

    it("F16 on request: half the bytes, weights within F16 rounding", () => {
      manualSeed(5);
      const m = models.mlp({ inputs: 20, hidden: [30], outputs: 4 });
      const full = toSafetensors(m);
      const half = toSafetensors(m, { dtype: "F16" });
      expect(half.length).toBeLessThan(full.length * 0.6);
      const back = fromSafetensors(half);
      for (const [k, v] of Object.entries(m.stateDict())) {
        v.data.forEach((x, i) => expect(Math.abs(back[k].data[i] - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25));
      }
    });

    it("JSON.stringify(stateDict) is faithful: parsed back, it loads bit for bit; non-finite values throw", () => {
      manualSeed(6);
      const a = models.mlp({ inputs: 5, hidden: [7], outputs: 3 });
      const b = models.mlp({ inputs: 5, hidden: [7], outputs: 3 });
      const json = JSON.stringify(a.stateDict());
      expect(JSON.parse(json)["0.weight"].shape).toEqual([7, 5]);
      b.loadStateDict(JSON.parse(json));
      expect(toSafetensors(b)).toEqual(toSafetensors(a));
      const sd = a.stateDict();
      sd["2.bias"].data[1] = NaN;
      expect(() => JSON.stringify(sd)).toThrow('stateDict: "2.bias" holds NaN at index 1, which JSON cannot represent');
    });
  });
}
