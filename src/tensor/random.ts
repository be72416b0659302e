// Seeded randomness. Every random number in wasmnn (initial weights, dropout masks, shuffling,
// generated data sets) comes from a Random, so that one seed gives the same run every time.

/**
 * sfc32, a small fast counter-based generator with a 128-bit state (Doty-Humphrey's PractRand
 * suite finds no bias in it); seeded through splitmix32 so that nearby seeds give unrelated streams.
 *
 * @example const r = new Random(7); const u = r.uniform(); const z = r.normal(0, 1); // the same two numbers for every Random(7)
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed = 0) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The whole state, to save and restore (checkpoints): four 32-bit words and the kept normal. */
  getState(): RandomState {
    return { words: [this.a, this.b, this.c, this.d], spare: this.spare };
  }

  /** Continue exactly where a getState() left off. */
  setState(state: RandomState): void {
    const { words, spare } = state;
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w) && w >= -(2 ** 31) && w < 2 ** 32)) {
      throw new Error(`Random.setState: words must be four 32-bit integers, got ${JSON.stringify(words)}`);
    }
    if (spare !== null && !(typeof spare === "number" && Number.isFinite(spare))) throw new Error(`Random.setState: spare must be a finite number or null, got ${JSON.stringify(spare)}`);
    [this.a, this.b, this.c, this.d] = words.map((w) => w | 0);
    this.spare = spare;
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * Shuffle in place (Fisher–Yates).
   *
   * @property length The number of elements.
   */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

/** A Random's full state, as getState() gives it and setState() takes it (checkpoints save it). */
export interface RandomState {
  /** The generator's four 32-bit state words. */
  words: number[];
  /** The second normal of the last Box–Muller pair, not yet returned (or null). */
  spare: number | null;
}

let global = new Random(0);

/**
 * Reseed the generator behind randn, rand, initializers, dropout and shuffling (PyTorch's manual_seed).
 *
 * @example manualSeed(42); // randn, initializers and shuffles now reproduce run after run
 */
export function manualSeed(seed: number): void {
  global = new Random(seed);
}

/**
 * The global generator.
 *
 * @example const order = rng().shuffle([0, 1, 2, 3]); // the global generator that manualSeed seeds
 */
export function rng(): Random {
  return global;
}
