// `wasmnn train text --model gpt`: a character-level GPT on Moby-Dick, on the same split, held-out
// text and bits/char measure as the LSTM of `train text` (src/cli/recurrent.ts).
//
// A transformer reads a finite context, so the held-out text is scored with overlapping windows:
// windows of `context` characters, `stride` = context/2 apart; the first window scores all its
// predictions, each later one only its last `stride`, so every character is predicted from at
// least context/2 characters before it (except at the very start).
import { charCorpus, losses, manualSeed, mobyDick, models, ops, optim, nn, Random, scope, type RandomState } from "../index.js";
import { num, type Options } from "./args.js";
import { resumableLoop } from "./checkpoint.js";
import { cpuSince, textHeader, textRow } from "./progress-text.js";

/**
 * The default recipe, chosen on a one-core budget of 4.5 M characters (what 10 idle-core minutes
 * give at ≈ 7,500 characters per CPU second). A training step is mostly GEMM (≈ 45 % of the
 * profile); the exact GELU was a third of it through the scalar exp until it moved to four lanes.
 * A transformer learns less per character early than the LSTM (3.05 bits/char on the held-out
 * sample after 0.44 M characters, where the LSTM is at 2.40 after 0.49 M), as nanoGPT's small
 * CPU recipe does too; this one ends at 2.188 over the whole held-out text after 4.5 M.
 * Held-out bits/char after the first 0.25 M characters: lr 3e−3 3.454, 5e−3 3.365, and 8e−3 at
 * batch 8 3.407. A 4-layer, 128-wide model ran at 0.37× the characters per second of this one,
 * side by side, and trailed per character as well (3.604 against 3.568 at 0.15 M).
 */
/** A run's state between two steps, for checkpoints: the step, the characters and seconds trained, the progress sums, the window sampler. */
interface GptLoopState {
  step: number;
  chars: number;
  trained: number;
  nextReport: number;
  running: number;
  seen: number;
  rng: RandomState;
}

/** Steps between two checkpoints with --save (≈ 70 s of the default run). */
const CHECKPOINT_EVERY = 500;

const GPT_DEFAULTS = { context: 64, dim: 96, heads: 4, layers: 3, batch: 16, lr: 5e-3, beta2: 0.99, weightDecay: 0.1, dropout: 0, warmup: 100, minutes: 10 };

export async function trainTextGpt(o: Options): Promise<void> {
  const d = GPT_DEFAULTS;
  const context = num(o, "context", d.context);
  const dim = num(o, "dim", d.dim);
  const heads = num(o, "heads", d.heads);
  const layers = num(o, "layers", d.layers);
  const B = num(o, "batch-size", d.batch);
  const lr = num(o, "lr", d.lr);
  const beta2 = num(o, "beta2", d.beta2);
  const weightDecay = num(o, "weight-decay", d.weightDecay);
  const dropout = num(o, "dropout", d.dropout);
  const warmup = num(o, "warmup", d.warmup);
  const minutes = num(o, "minutes", d.minutes);
  const charBudget = num(o, "chars", 0);
  const temperature = num(o, "temperature", 0.7);
  const seed = num(o, "seed", 1);
  manualSeed(seed);
  const { vocab, train, valid } = charCorpus(await mobyDick(), 0.1);
  console.log(`Moby-Dick: ${train.length} training and ${valid.length} held-out characters (the last 10 %), ${vocab.size} distinct`);
  const model = models.gpt({ vocab: vocab.size, context, dim, heads, layers, dropout });
  const stride = context / 2;
  console.log(
    `model: GPT(context ${context}, dim ${dim}, heads ${heads}, layers ${layers}, ff ${4 * dim}, tied embeddings, dropout ${dropout}), ${model.parameterCount()} parameters; ` +
      `batch ${B} × ${context}, AdamW lr ${lr} (β₂ ${beta2}, weight decay ${weightDecay} on matrices), warm-up ${warmup} steps then linear decay to 0 over ` +
      `${charBudget > 0 ? `${charBudget} characters` : `${minutes} min`}, gradient norm clipped at 1`,
  );
  // Weight decay on weight matrices only (GPT-2 / nanoGPT): not on biases, norms or positions' scale.
  const decayed = model.namedParameters().filter(([n, p]) => p.rank === 2 && !n.startsWith("wpe")).map(([, p]) => p);
  const rest = model.parameters().filter((p) => !decayed.includes(p));
  const opts = {
    decayed: new optim.AdamW(decayed, { lr, betas: [0.9, beta2], weightDecay }),
    rest: new optim.AdamW(rest, { lr, betas: [0.9, beta2], weightDecay: 0 }),
  };
  const rng = new Random(seed);
  // --save: a checkpoint every CHECKPOINT_EVERY steps and at the end; --resume goes on from one
  // bit for bit (with a --chars budget; a budget of minutes goes on for the minutes left).
  const run = { context, dim, heads, layers, batch: B, lr, beta2, weightDecay, dropout, warmup, minutes, chars: charBudget, seed };
  const files = await resumableLoop<GptLoopState>(o, "train text --model gpt", model, opts, run, [1, context]);
  // Scored in eval mode: dropout off, and the global generator the training draws from untouched.
  const bits = (ids: Int32Array) => {
    model.eval();
    try {
      return models.windowedBits(model, ids, stride);
    } finally {
      model.train();
    }
  };
  const probe = (): number => bits(valid.subarray(0, 20001)).bits;
  const cpuSeconds = cpuSince();
  let { step, chars, trained, nextReport, running, seen } = files.resumed ?? { step: 0, chars: 0, trained: 0, nextReport: 60, running: 0, seen: 0 };
  if (files.resumed) rng.setState(files.resumed.rng);
  const t0 = performance.now() - trained * 1000;
  const budgetDone = (elapsed: number): number => (charBudget > 0 ? chars / charBudget : elapsed / (minutes * 60));
  if (budgetDone(trained) >= 1) files.finished(`the end of its budget (${charBudget > 0 ? `${chars} of ${charBudget} characters` : `${(trained / 60).toFixed(1)} of ${minutes} min`})`);
  files.started();
  console.log(textHeader(`its first 20,000 characters, windows of ${context}, stride ${stride}`));
  const state = (): GptLoopState => ({ step, chars, trained: (performance.now() - t0) / 1000, nextReport, running, seen, rng: rng.getState() });
  const x = new Float32Array(B * context);
  const y = new Float32Array(B * context);
  for (;;) {
    const elapsed = (performance.now() - t0) / 1000;
    const done = budgetDone(elapsed);
    if (done >= 1) break;
    const rate = lr * Math.min(1, (step + 1) / warmup) * (1 - done);
    for (const opt of Object.values(opts)) opt.lr = rate;
    // Random windows of the training text (each a fresh draw, as nanoGPT).
    for (let b = 0; b < B; b++) {
      const s = Math.floor(rng.next() * (train.length - context - 1));
      for (let t = 0; t < context; t++) {
        x[b * context + t] = train[s + t];
        y[b * context + t] = train[s + t + 1];
      }
    }
    const loss = scope(() => {
      const logits = model.logits(x, B, context);
      const l = losses.crossEntropy(ops.reshape(logits, [B * context, vocab.size]), y);
      model.zeroGrad();
      l.backward();
      nn.clipGradNorm(model.parameters(), 1);
      for (const opt of Object.values(opts)) opt.step();
      return l.item();
    });
    running += loss;
    seen++;
    step++;
    chars += B * context;
    if (elapsed >= nextReport) {
      nextReport += 60;
      const bpc = probe();
      const cpu = cpuSeconds();
      console.log(textRow(elapsed, cpu, chars, running / seen / Math.LN2, bpc));
      running = 0;
      seen = 0;
    }
    if (step % CHECKPOINT_EVERY === 0) await files.save(state());
  }
  await files.save(state());
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds();
  const full = bits(valid);
  console.log(
    `trained ${(seconds / 60).toFixed(1)} min (${cpu.toFixed(0)} s of CPU), ${chars} characters in ${step} steps (${(chars / train.length).toFixed(2)} epochs, ` +
      `${(chars / seconds).toFixed(0)} chars/s, ${(chars / cpu).toFixed(0)} per CPU second)`,
  );
  console.log(`validation: ${full.bits.toFixed(3)} bits/char over the whole held-out text (${full.chars} characters predicted; windows of ${context}, stride ${stride})`);
  const prime = "The whale ";
  const text = vocab.decode(model.generate(vocab.encode(prime), 300, { temperature, rng: new Random(seed) }));
  console.log(`\nsample (temperature ${temperature}):\n${prime}${text}`);
}
