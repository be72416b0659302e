// `wasmnn train adding` and `wasmnn train text`: recurrent nets on tasks that show what they claim.
//
// adding: the adding problem at length T for RNN, LSTM and GRU side by side — the gated cells
// learn it, the plain RNN stays at the 0.167 "predict the mean" line (its gradient vanishes over
// the gap). text: a character-level LSTM language model on Moby-Dick, validation in bits/char,
// then a sample.
import { addingProblem, charCorpus, losses, manualSeed, mobyDick, nn, noGrad, ops, optim, Random, scope, tensor, TextStreams, type Tensor } from "../index.js";
import { choice, num, type Options } from "./args.js";
import { loopCheckpoints } from "./checkpoint.js";
import { cpuSince, textHeader, textRow } from "./progress-text.js";
import { trainTextGpt } from "./gpt-text.js";

type CellName = "lstm" | "gru" | "rnn";

function makeCell(cell: CellName, input: number, hidden: number, numLayers = 1): nn.RecurrentBase {
  if (cell === "lstm") return new nn.LSTM(input, hidden, { numLayers });
  if (cell === "gru") return new nn.GRU(input, hidden, { numLayers });
  return new nn.RNN(input, hidden, { numLayers });
}

/** Rows [from, to) of a [N, T, F] sample-major set as a time-major [T, B, F] array. */
function timeMajor(x: Float32Array, T: number, F: number, rows: ArrayLike<number>): Float32Array {
  const B = rows.length;
  const out = new Float32Array(T * B * F);
  for (let b = 0; b < B; b++) {
    const n = rows[b];
    for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out[(t * B + b) * F + f] = x[(n * T + t) * F + f];
  }
  return out;
}

interface Curve {
  cell: CellName;
  mse: number[];
  reached: { step: number; seconds: number } | null;
  seconds: number;
}

/**
 * Train one cell on the adding problem; the validation MSE every `every` steps. Saved (--save) as
 * Sequential(cell, head): the head then reads every step, and its last output is the answer.
 */
async function trainAddingCell(cell: CellName, o: { T: number; hidden: number; steps: number; batch: number; lr: number; every: number; seed: number; clip: number }, options: Options): Promise<Curve> {
  manualSeed(o.seed);
  const rnn = makeCell(cell, 2, o.hidden);
  const head = new nn.Linear(o.hidden, 1);
  const params = [...rnn.parameters(), ...head.parameters()];
  const opt = new optim.Adam(params, { lr: o.lr });
  const files = await loopCheckpoints(options, new nn.Sequential(rnn, head), opt, [o.T, 1, 2], cell);
  const valid = addingProblem({ length: o.T, count: 1000, seed: o.seed + 1000 });
  const vx = timeMajor(valid.x, o.T, 2, Array.from({ length: valid.length }, (_, i) => i));
  const predictLast = (x: Tensor, B: number): Tensor => head.forward(ops.reshape(rnn.forwardWithState(x).h, [B, o.hidden]));
  const validate = (): number =>
    scope(() => noGrad(() => losses.mse(predictLast(tensor(vx, [o.T, valid.length, 2]), valid.length), tensor(valid.y, [valid.length, 1])).item()));
  // Fresh sequences every step: the training set is as large as the run needs.
  const train = addingProblem({ length: o.T, count: o.steps * o.batch, seed: o.seed });
  const curve: Curve = { cell, mse: [validate()], reached: null, seconds: 0 };
  const t0 = performance.now();
  for (let step = 1; step <= o.steps; step++) {
    const rows = Array.from({ length: o.batch }, (_, i) => (step - 1) * o.batch + i);
    scope(() => {
      const x = tensor(timeMajor(train.x, o.T, 2, rows), [o.T, o.batch, 2]);
      const y = tensor(train.y.subarray(rows[0], rows[0] + o.batch), [o.batch, 1]);
      const loss = losses.mse(predictLast(x, o.batch), y);
      opt.zeroGrad();
      loss.backward();
      if (o.clip > 0) nn.clipGradNorm(params, o.clip);
      opt.step();
    });
    if (step % o.every === 0) {
      const m = validate();
      curve.mse.push(m);
      if (curve.reached === null && m < 0.01) curve.reached = { step, seconds: (performance.now() - t0) / 1000 };
    }
  }
  curve.seconds = (performance.now() - t0) / 1000;
  await files.save();
  return curve;
}

export async function trainAdding(o: Options): Promise<void> {
  const which = choice(o, "cell", ["all", "lstm", "gru", "rnn"] as const, "all");
  const cfg = {
    T: num(o, "length", 50),
    hidden: num(o, "hidden", 64),
    steps: num(o, "steps", 3000),
    batch: num(o, "batch-size", 32),
    lr: num(o, "lr", 3e-3),
    every: num(o, "every", 100),
    seed: num(o, "seed", 1),
    clip: num(o, "clip", 1),
  };
  const cells: CellName[] = which === "all" ? ["lstm", "gru", "rnn"] : [which];
  console.log(`adding problem, T = ${cfg.T}: hidden ${cfg.hidden}, batch ${cfg.batch}, Adam lr ${cfg.lr}, clip ${cfg.clip}, ${cfg.steps} steps; validation MSE on 1,000 held-out sequences (predicting the mean scores ≈ 0.167)`);
  const curves: Curve[] = [];
  for (const c of cells) {
    const curve = await trainAddingCell(c, cfg, o);
    curves.push(curve);
    const r = curve.reached ? `reached MSE < 0.01 at step ${curve.reached.step} (${curve.reached.seconds.toFixed(1)} s)` : "never reached MSE < 0.01";
    console.log(`  ${c.toUpperCase()}: final ${curve.mse[curve.mse.length - 1].toFixed(4)}, ${r}; ${curve.seconds.toFixed(1)} s, ${((cfg.steps * cfg.batch) / curve.seconds).toFixed(0)} sequences/s`);
  }
  console.log(`\n${"step".padStart(6)}${curves.map((c) => c.cell.toUpperCase().padStart(10)).join("")}`);
  for (let k = 0; k < curves[0].mse.length; k++) {
    console.log(`${String(k * cfg.every).padStart(6)}${curves.map((c) => c.mse[k].toFixed(4).padStart(10)).join("")}`);
  }
}

/** Embedding → LSTM → Linear over the vocabulary: a character-level language model. */
export class CharModel extends nn.Module {
  readonly embed: nn.Embedding;
  readonly rnn: nn.LSTM;
  readonly out: nn.Linear;

  constructor(readonly vocab: number, embedDim: number, readonly hidden: number, readonly layers: number) {
    super();
    this.embed = this.child("embed", new nn.Embedding(vocab, embedDim));
    this.rnn = this.child("rnn", new nn.LSTM(embedDim, hidden, { numLayers: layers }));
    this.out = this.child("out", new nn.Linear(hidden, vocab));
    // Forget gates start open (bias 1, Jozefowicz et al., 2015): the cell state is kept by default
    // and gradients reach back through it from the first update on.
    for (const [name, p] of this.rnn.namedParameters()) {
      if (!name.startsWith("bias_hh")) continue;
      const b = p.toArray();
      b.fill(1, hidden, 2 * hidden);
      p.set(b);
    }
  }

  /** ids [T, B] (time-major, flattened) → logits [T·B, vocab] and the final state. */
  step(ids: Float32Array, T: number, B: number, state?: { h: Tensor; c: Tensor }): { logits: Tensor; h: Tensor; c: Tensor } {
    // rnn(embed(ids)) computed the cheap way round. The LSTM's input part of the gates,
    // embed(id)·W_ihᵀ + b_ih, depends on the character alone: project the whole embedding table
    // once ([vocab, 4·hidden], 89 rows) and gather a row per character, instead of projecting
    // all T·B embedded characters (512 rows in training; a tenth of the step's arithmetic).
    const table = this.rnn.inputProjection(this.embed.weight);
    const r = this.rnn.forwardProjected(ops.embedding(table, tensor(ids, [T, B])), state?.h, state?.c);
    return { logits: this.out.forward(ops.reshape(r.output, [T * B, this.hidden])), h: r.h, c: r.c };
  }

  forward(ids: Tensor): Tensor {
    const [T, B] = ids.shape;
    return this.step(ids.toArray(), T, B).logits;
  }
}

/** A copy of a state without its graph (truncated BPTT: gradients stop at the chunk boundary). */
function detach(s: { h: Tensor; c: Tensor }): { h: Tensor; c: Tensor } {
  return noGrad(() => ({ h: tensor(s.h.toArray(), s.h.shape), c: tensor(s.c.toArray(), s.c.shape) }));
}

/**
 * Mean cross-entropy in bits/char over `ids`, read as B streams with the state carried along;
 * with `maxChunks`, only the first maxChunks·T characters of each stream (a fixed sample spread
 * over the whole text, cheaper than all of it). With B = 1 the text is read once, in order, as a
 * reader would; more streams are faster but each starts from a blank state. `chars`: how many
 * characters were predicted (each stream's last partial chunk is left out).
 */
export function bitsPerChar(model: CharModel, ids: Int32Array, B = 32, T = 100, maxChunks = Infinity): { bits: number; chars: number } {
  const streams = new TextStreams(ids, B, T);
  const chunks = Math.min(streams.chunks, maxChunks);
  let state: { h: Tensor; c: Tensor } | undefined;
  let total = 0;
  for (let k = 0; k < chunks; k++) {
    const { x, y } = streams.chunk(k);
    const r = scope(() =>
      noGrad(() => {
        const s = model.step(x, T, B, state);
        return { loss: losses.crossEntropy(s.logits, y).item(), h: s.h, c: s.c };
      }),
    );
    if (state) {
      state.h.dispose();
      state.c.dispose();
    }
    state = { h: r.h, c: r.c };
    total += r.loss;
  }
  if (state) {
    state.h.dispose();
    state.c.dispose();
  }
  return { bits: total / chunks / Math.LN2, chars: chunks * T * B };
}

/** Continue `prime` by sampling one character at a time from softmax(logits / temperature). */
export function sample(model: CharModel, vocab: { encode(s: string): Int32Array; decode(ids: ArrayLike<number>): string; size: number }, prime: string, length: number, temperature: number, rng: Random): string {
  const out: number[] = [];
  let state: { h: Tensor; c: Tensor } | undefined;
  let ids = Float32Array.from(vocab.encode(prime));
  for (let i = 0; i < length; i++) {
    const r = scope(() =>
      noGrad(() => {
        const s = model.step(ids, ids.length, 1, state);
        const last = ops.slice(s.logits, 0, ids.length - 1, ids.length).toArray();
        return { last, h: s.h, c: s.c };
      }),
    );
    state?.h.dispose();
    state?.c.dispose();
    state = { h: r.h, c: r.c };
    let max = -Infinity;
    for (const v of r.last) max = Math.max(max, v / temperature);
    const p = Array.from(r.last, (v) => Math.exp(v / temperature - max));
    let u = rng.next() * p.reduce((a, b) => a + b, 0);
    let next = 0;
    while (next < p.length - 1 && (u -= p[next]) > 0) next++;
    out.push(next);
    ids = Float32Array.of(next);
  }
  state?.h.dispose();
  state?.c.dispose();
  return prime + vocab.decode(out);
}

/**
 * The default recipe: the best of those compared on a one-thread budget.
 * Batches (8 M characters each, 192 units, held-out bits/char read as 32 streams): 32 streams of
 * 64 steps at Adam 0.015 give 2.125; 64 × 64 at 0.02 trail it all along; 16 × 64 at 0.01 give
 * 2.083, 8 × 64 at 0.007 2.121, and 16 × 32 at 0.01 2.075. More, smaller updates win until the
 * per-update cost catches up.
 * Sizes, at 16 × 32 and the characters 10 minutes give each: 192 units 2.062 (9.1 M characters),
 * 256 units 2.047 (5.1 M, read as one stream). 320 and 384 units learn no more per character
 * than 256 over their first 1.5 M, at 1.5× and 2× the cost.
 * Two layers of 128, dropout (0.1 or 0.2 before the output, with epochs shifted against the chunk
 * grid), AdamW decay 0.05 and a decay to a thirtieth all did no better, though train ends ~0.1
 * below held-out. Adam at 0.01 learns far faster early than the usual 2e-3.
 * Schedules, at 256 units and 5.6 M characters (read as one stream): an exponential decay to a
 * tenth 2.030 (2.015 with an average of the weights over the last ~1,000 updates); a linear decay
 * to zero 2.015 (averaging adds nothing then: 2.013); linear with Adam's β₂ = 0.99 instead of
 * 0.999, 1.999. Linear from 0.015 trailed from the start (2.358 against 2.281 at 1.1 M), and so
 * did an embedding of 64 (2.318); one of 16 kept level (2.207 against 2.205 at 1.7 M).
 * Regularization, at 6.4 M characters (what 10 minutes now give) and seeds 2 and 3, where plain
 * Adam ends at 2.014 and 2.011: AdamW's decoupled weight decay 0.02 gives 1.990 and 1.994; 0.05
 * gives 2.011 (seed 2); dropout 0.1 before the output layer 2.022 (seed 2). By then train is
 * ~0.12 bits below held-out, and the decay, shrinking with the learning rate, narrows it late.
 * The default seed, 1, ran 10 minutes to 1.997 with plain Adam and to 1.977 with the decay;
 * seeds 2 and 3, two 10-minute runs side by side, to 1.991 and 1.988.
 */
const TEXT_DEFAULTS = { hidden: 256, embed: 32, layers: 1, batch: 16, seqLen: 32, lr: 1e-2, beta2: 0.99, weightDecay: 0.02, minutes: 10 };

export async function trainText(o: Options): Promise<void> {
  if (choice(o, "model", ["lstm", "gpt"] as const, "lstm") === "gpt") return trainTextGpt(o);
  choice(o, "cell", ["lstm"] as const, "lstm");
  const hidden = num(o, "hidden", TEXT_DEFAULTS.hidden);
  const embedDim = num(o, "embed", TEXT_DEFAULTS.embed);
  const layers = num(o, "layers", TEXT_DEFAULTS.layers);
  const B = num(o, "batch-size", TEXT_DEFAULTS.batch);
  const T = num(o, "seq-len", TEXT_DEFAULTS.seqLen);
  const lr = num(o, "lr", TEXT_DEFAULTS.lr);
  const minutes = num(o, "minutes", TEXT_DEFAULTS.minutes);
  // A budget of characters instead of minutes: the same run on any machine, at any load, bit for bit.
  const charBudget = num(o, "chars", 0);
  const temperature = num(o, "temperature", 0.7);
  const seed = num(o, "seed", 1);
  manualSeed(seed);
  const { vocab, train, valid } = charCorpus(await mobyDick(), 0.1);
  console.log(`Moby-Dick: ${train.length} training and ${valid.length} held-out characters (the last 10 %), ${vocab.size} distinct`);
  const model = new CharModel(vocab.size, embedDim, hidden, layers);
  const beta2 = num(o, "beta2", TEXT_DEFAULTS.beta2);
  const weightDecay = num(o, "weight-decay", TEXT_DEFAULTS.weightDecay);
  console.log(
    `model: Embedding(${vocab.size}, ${embedDim}) → LSTM(${embedDim}→${hidden}, layers ${layers}) → Linear(${hidden}→${vocab.size}), ${model.parameterCount()} parameters; ` +
      `batch ${B}, T ${T}, AdamW lr ${lr} (β₂ ${beta2}, weight decay ${weightDecay}) decaying linearly to 0 over ${charBudget > 0 ? `${charBudget} characters` : `${minutes} min`}, gradient norm clipped at 5`,
  );
  const opt = new optim.AdamW(model.parameters(), { lr, betas: [0.9, beta2], weightDecay });
  // A warm start: the budget and its learning-rate decay run again from the restored weights.
  const files = await loopCheckpoints(o, model, opt);
  const streams = new TextStreams(train, B, T);
  // The running figure: the first 500 characters of 40 streams spread over the held-out text
  // (20,000 characters, ~2 s, each stream starting from a blank state); the whole of it once, at
  // the end, read in order as one stream.
  const probe = (): number => bitsPerChar(model, valid, 40, 100, 5).bits;
  console.log(textHeader(`a fixed 20,000-character sample`));
  const t0 = performance.now();
  const cpuSeconds = cpuSince();
  let state: { h: Tensor; c: Tensor } | undefined;
  let chars = 0;
  let k = 0;
  let nextReport = 60;
  let running = 0;
  let seen = 0;
  let reached: string | null = null;
  for (;;) {
    const elapsed = (performance.now() - t0) / 1000;
    const done = charBudget > 0 ? chars / charBudget : elapsed / (minutes * 60);
    if (done >= 1) break;
    // Linear decay to zero over the budget: large steps while the loss falls fast, ever smaller
    // ones to settle, the last ones too small to add noise.
    opt.lr = lr * (1 - done);
    if (k === streams.chunks) {
      k = 0;
      state?.h.dispose();
      state?.c.dispose();
      state = undefined;
    }
    const { x, y } = streams.chunk(k++);
    const r = scope(() => {
      const s = model.step(x, T, B, state);
      const loss = losses.crossEntropy(s.logits, y);
      opt.zeroGrad();
      loss.backward();
      nn.clipGradNorm(model.parameters(), 5);
      opt.step();
      return { loss: loss.item(), ...detach(s) };
    });
    state?.h.dispose();
    state?.c.dispose();
    state = { h: r.h, c: r.c };
    running += r.loss;
    seen++;
    chars += T * B;
    if (elapsed >= nextReport) {
      nextReport += 60;
      const bpc = probe();
      const cpu = cpuSeconds();
      if (reached === null && bpc <= 2) reached = `${(elapsed / 60).toFixed(1)} min (${cpu.toFixed(0)} s of CPU)`;
      console.log(textRow(elapsed, cpu, chars, running / seen / Math.LN2, bpc));
      running = 0;
      seen = 0;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds();
  const full = bitsPerChar(model, valid, 1, 100);
  console.log(
    `trained ${(seconds / 60).toFixed(1)} min (${cpu.toFixed(0)} s of CPU), ${chars} characters (${(chars / train.length).toFixed(2)} epochs, ` +
      `${(chars / seconds).toFixed(0)} chars/s, ${(chars / cpu).toFixed(0)} per CPU second)`,
  );
  console.log(
    `validation: ${full.bits.toFixed(3)} bits/char over the held-out text read once, in order (${full.chars} characters predicted)` +
      `${reached ? `; the sample first reached ≤ 2.0 at ${reached}` : ""}`,
  );
  console.log(`\nsample (temperature ${temperature}):\n${sample(model, vocab, "The whale ", 300, temperature, new Random(seed))}`);
  await files.save();
}
