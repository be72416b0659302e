// The character LM: its held-out measure (bits per character, and how many characters it covers),
// and the `train text` command end to end on a tiny budget.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { manualSeed, ready, setBackend } from "../../src/index.js";
import { bitsPerChar, CharModel, trainText } from "../../src/cli/recurrent.js";

beforeAll(async () => {
  await ready();
  setBackend("wasm");
});

/** What `train text` prints for these options, line by line. */
async function printed(options: Record<string, string>): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
  try {
    await trainText(options);
  } finally {
    log.mockRestore();
  }
  return lines;
}

describe("bitsPerChar", () => {
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

describe("train text", () => {
  it("trains for its time budget, then reports held-out bits/char over the whole held-out text and a sample", async () => {
    const out = (await printed({ hidden: "16", embed: "4", "batch-size": "4", "seq-len": "8", minutes: "0.05" })).join("\n");
    expect(out).toContain("AdamW lr 0.01 (β₂ 0.99, weight decay 0.02) decaying linearly to 0 over 0.05 min");
    const trained = /trained [\d.]+ min \(\d+ s of CPU\), (\d+) characters/.exec(out);
    expect(Number(trained?.[1])).toBeGreaterThan(0);
    // Three seconds of a 16-unit model: well under the 6.48 bits of a uniform guess over 89
    // characters, far from the default run's ~2.
    const v = /validation: ([\d.]+) bits\/char over the held-out text read once, in order \((\d+) characters predicted\)/.exec(out);
    expect(Number(v?.[1])).toBeLessThan(Math.log2(89) - 1);
    expect(Number(v?.[1])).toBeGreaterThan(2.5);
    expect(Number(v?.[2])).toBe(121_200);
    expect(/sample \(temperature 0\.7\):\nThe whale .{300}/s.test(out)).toBe(true);
  });

  it("with a budget of characters instead of minutes, runs the same twice from one seed, bit for bit", async () => {
    // Timings differ from run to run; the figures may not.
    const run = async (): Promise<string[]> =>
      (await printed({ hidden: "8", embed: "4", "batch-size": "4", "seq-len": "8", chars: "8000", seed: "5" })).filter(
        (l) => l.startsWith("validation:") || l.startsWith("\nsample") || l.includes("decaying"),
      );
    const a = await run();
    expect(a).toHaveLength(3);
    expect(a[0]).toContain("decaying linearly to 0 over 8000 characters");
    expect(a[1]).toMatch(/^validation: \d\.\d{3} bits\/char/);
    expect(await run()).toEqual(a);
  });
});
