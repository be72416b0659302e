// `wasmnn train sequence --task reverse|sort|copy`: a small transformer encoder learns an exact
// sequence-to-sequence map over sequences of `length` symbols from an alphabet of 10. Every
// output position is predicted at once from the whole input (no causal mask): position i must
// find, by attention, the input position that holds its answer — i itself for copy, L − 1 − i
// for reverse, the i-th smallest for sort. --attention PNG draws what each head looks at.
import { losses, manualSeed, models, nn, noGrad, ops, optim, Random, scope, tensor, type RandomState } from "../index.js";
import { attentionPicture } from "../viz/attention.js";
import { choice, num, type Options } from "./args.js";
import { resumableLoop } from "./checkpoint.js";

export type SequenceTask = "reverse" | "sort" | "copy";
export const ALPHABET = 10;

/** n random sequences of `length` symbols and their targets, row-major [n, length]. */
export function sequenceData(task: SequenceTask, n: number, length: number, rng: Random): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(n * length);
  const y = new Float32Array(n * length);
  for (let s = 0; s < n; s++) {
    const row = Array.from({ length }, () => Math.floor(rng.next() * ALPHABET));
    const out = task === "reverse" ? [...row].reverse() : task === "sort" ? [...row].sort((a, b) => a - b) : row;
    x.set(row, s * length);
    y.set(out, s * length);
  }
  return { x, y };
}

/** Fraction of sequences predicted exactly right, and of symbols. */
export function sequenceAccuracy(model: models.SequenceTransformer, data: { x: Float32Array; y: Float32Array }, length: number): { sequences: number; symbols: number } {
  const n = data.x.length / length;
  let good = 0;
  let symbols = 0;
  const batch = 250;
  for (let s0 = 0; s0 < n; s0 += batch) {
    const b = Math.min(batch, n - s0);
    const logits = scope(() => noGrad(() => model.forward(tensor(data.x.subarray(s0 * length, (s0 + b) * length), [b, length])).toArray()));
    for (let s = 0; s < b; s++) {
      let all = true;
      for (let t = 0; t < length; t++) {
        const row = logits.subarray((s * length + t) * ALPHABET, (s * length + t + 1) * ALPHABET);
        let arg = 0;
        for (let c = 1; c < ALPHABET; c++) if (row[c] > row[arg]) arg = c;
        if (arg === data.y[(s0 + s) * length + t]) symbols++;
        else all = false;
      }
      if (all) good++;
    }
  }
  return { sequences: good / n, symbols: symbols / (n * length) };
}

export interface SequenceConfig {
  task: SequenceTask;
  length: number;
  dim: number;
  heads: number;
  layers: number;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
}

export const SEQUENCE_DEFAULTS = { length: 16, dim: 64, heads: 4, layers: 2, steps: 1500, batch: 64, lr: 3e-3, seed: 1 };

/** A run's state between two steps, for checkpoints: the step reached, the data generator, the loss summed since the last report. */
interface SequenceLoopState {
  step: number;
  rng: RandomState;
  running: number;
}

/** Steps between two progress lines (and checkpoints, with --save). */
const REPORT_EVERY = 250;

/** Training on fresh random sequences every step, one step at a time: AdamW, warm-up then linear decay to 0. */
export class SequenceRun {
  readonly model: models.SequenceTransformer;
  readonly optimizer: optim.AdamW;
  /** Draws the training sequences. */
  readonly rng: Random;
  /** Steps done. */
  step = 0;

  constructor(readonly c: SequenceConfig) {
    manualSeed(c.seed);
    this.model = models.sequenceTransformer({ symbols: ALPHABET, length: c.length, dim: c.dim, heads: c.heads, layers: c.layers });
    this.optimizer = new optim.AdamW(this.model.parameters(), { lr: c.lr, betas: [0.9, 0.98], weightDecay: 0.01 });
    this.rng = new Random(c.seed + 7);
  }

  /** One step on a fresh batch; its loss. */
  next(): number {
    const { c, model, optimizer: opt } = this;
    const warmup = Math.min(100, c.steps / 10);
    opt.lr = c.lr * Math.min(1, (this.step + 1) / warmup) * (1 - this.step / c.steps);
    const { x, y } = sequenceData(c.task, c.batch, c.length, this.rng);
    const loss = scope(() => {
      const logits = model.forward(tensor(x, [c.batch, c.length]));
      const l = losses.crossEntropy(ops.reshape(logits, [c.batch * c.length, ALPHABET]), y);
      opt.zeroGrad();
      l.backward();
      nn.clipGradNorm(model.parameters(), 1);
      opt.step();
      return l.item();
    });
    this.step++;
    return loss;
  }
}

/** Train for c.steps steps; onProgress after each. */
export function trainSequenceModel(c: SequenceConfig, onProgress?: (step: number, loss: number) => void): models.SequenceTransformer {
  const run = new SequenceRun(c);
  while (run.step < c.steps) {
    const loss = run.next();
    onProgress?.(run.step, loss);
  }
  return run.model;
}

export async function trainSequence(o: Options): Promise<void> {
  const d = SEQUENCE_DEFAULTS;
  const c: SequenceConfig = {
    task: choice(o, "task", ["reverse", "sort", "copy"] as const, "reverse"),
    length: num(o, "length", d.length),
    dim: num(o, "dim", d.dim),
    heads: num(o, "heads", d.heads),
    layers: num(o, "layers", d.layers),
    steps: num(o, "steps", d.steps),
    batch: num(o, "batch-size", d.batch),
    lr: num(o, "lr", d.lr),
    seed: num(o, "seed", d.seed),
  };
  if (!Number.isInteger(c.length) || c.length < 2) throw new Error(`--length: expected an integer ≥ 2, got ${c.length}`);
  console.log(
    `${c.task}: sequences of ${c.length} symbols from ${ALPHABET}; encoder ${c.layers} layers × ${c.heads} heads, dim ${c.dim}, ` +
      `batch ${c.batch}, AdamW ${c.lr}, ${c.steps} steps of fresh random sequences; 1,000 held-out sequences`,
  );
  const run = new SequenceRun(c);
  // --save: a checkpoint at every progress line and at the end; --resume goes on from one bit for bit.
  const files = await resumableLoop<SequenceLoopState>(o, "train sequence", run.model, run.optimizer, { ...c }, [1, c.length]);
  let running = 0;
  if (files.resumed) {
    if (files.resumed.step >= c.steps) files.finished(`the last of the ${c.steps}`);
    run.step = files.resumed.step;
    run.rng.setState(files.resumed.rng);
    running = files.resumed.running;
  }
  files.started();
  const t0 = performance.now();
  while (run.step < c.steps) {
    running += run.next();
    if (run.step % REPORT_EVERY === 0) {
      console.log(`  step ${String(run.step).padStart(5)}: loss ${(running / REPORT_EVERY).toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      running = 0;
      if (run.step < c.steps) await files.save({ step: run.step, rng: run.rng.getState(), running });
    }
  }
  await files.save({ step: run.step, rng: run.rng.getState(), running });
  const model = run.model;
  const held = sequenceData(c.task, 1000, c.length, new Random(c.seed + 1_000_003));
  const acc = sequenceAccuracy(model, held, c.length);
  console.log(`held-out: ${(100 * acc.sequences).toFixed(1)} % of 1,000 sequences exactly right (${(100 * acc.symbols).toFixed(2)} % of symbols)`);
  const png = o.attention;
  if (typeof png === "string") {
    const shown = sequenceData(c.task, 3, c.length, new Random(c.seed + 99));
    const rows = [0, 1, 2].map((i) => {
      const ids = shown.x.subarray(i * c.length, (i + 1) * c.length);
      return { tokens: Array.from(ids, String), maps: model.attentionMaps(ids) };
    });
    attentionPicture(`${c.task}: attention weights of each layer and head for 3 new inputs`, rows, 10).save(png);
    console.log(`attention maps written to ${png}`);
  }
}
