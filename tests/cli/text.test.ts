// The character LM's held-out measure: bits per character, and how many characters it covers.
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, ready, setBackend } from "../../src/index.js";
import { bitsPerChar, CharModel } from "../../src/cli/recurrent.js";

describe("bitsPerChar", () => {
  beforeAll(async () => {
    await ready();
    setBackend("wasm");
  });

  it("is log₂(vocabulary) for a model whose output layer is zero, over every full chunk of every stream", () => {
    manualSeed(3);
    const model = new CharModel(5, 2, 3, 1);
    model.out.weight.set(new Float32Array(15));
    model.out.bias!.set(new Float32Array(5));
    const ids = Int32Array.from({ length: 251 }, (_, i) => (i * 7) % 5);
    // Zero logits: every character has probability 1/5, whatever the state, so −log₂(1/5) per character.
    const one = bitsPerChar(model, ids, 1, 10); // one stream of 250 predictions, 25 chunks
    expect(one.bits).toBeCloseTo(Math.log2(5), 5);
    expect(one.chars).toBe(250);
    const two = bitsPerChar(model, ids, 2, 10); // streams of 125: 12 full chunks each
    expect(two.chars).toBe(240);
    expect(bitsPerChar(model, ids, 2, 10, 3).chars).toBe(60);
  });

  it("carries the state from chunk to chunk: one stream cut into 10- or 50-step chunks scores the same", () => {
    manualSeed(4);
    const model = new CharModel(5, 2, 3, 1);
    const ids = Int32Array.from({ length: 1001 }, (_, i) => (i * i + 3 * i) % 5);
    const short = bitsPerChar(model, ids, 1, 10);
    const long = bitsPerChar(model, ids, 1, 50);
    expect(short.chars).toBe(1000);
    expect(long.chars).toBe(1000);
    expect(short.bits).toBeCloseTo(long.bits, 5);
    // Cut into 20 streams instead, each of them starts from a blank state and the score moves.
    expect(Math.abs(bitsPerChar(model, ids, 20, 10).bits - short.bits)).toBeGreaterThan(1e-4);
  });
});
