// `wasmnn train text --model gpt`: a character-level GPT on Moby-Dick, on the same split, held-out
// text and bits/char measure as the LSTM of `train text` (src/cli/recurrent.ts).
//
// A transformer reads a finite context, so the held-out text is scored with overlapping windows:
// windows of `context` characters, `stride` = context/2 apart; the first window scores all its
// predictions, each later one only its last `stride`, so every character is predicted from at
// least context/2 characters before it (except at the very start).
import { charCorpus, losses, manualSeed, mobyDick, models, noGrad, ops, optim, nn, Random, scope } from "../index.js";
type GPT = models.GPT;
import { num, type Options } from "./args.js";
import { cpuSince, textHeader, textRow } from "./progress-text.js";

/** Mean bits/char over `ids` scored with overlapping windows (see above); maxChars: score only the first maxChars. */
export function gptBitsPerChar(model: GPT, ids: Int32Array, stride: number, maxChars = Infinity, batch = 16): { bits: number; chars: number } {
  const C = model.config.context;
  const end = Math.min(ids.length, maxChars + 1);
  // Window w covers ids [s, s + C) predicting ids[s + 1 … s + C]; it scores positions ≥ from.
  const windows: { s: number; from: number; len: number }[] = [];
  for (let s = 0, from = 0; from < end - 1; s += stride) {
    const len = Math.min(C, end - 1 - s);
    windows.push({ s, from: from - s, len });
    from = s + len;
  }
  let total = 0;
  let count = 0;
  for (let w0 = 0; w0 < windows.length; w0 += batch) {
    const group = windows.slice(w0, w0 + batch);
    const T = Math.max(...group.map((w) => w.len));
    const x = new Float32Array(group.length * T);
    group.forEach((w, b) => {
      for (let t = 0; t < T; t++) x[b * T + t] = ids[w.s + Math.min(t, w.len - 1)];
    });
    const lp = scope(() => noGrad(() => ops.logSoftmax(model.logits(x, group.length, T)).toArray()));
    const V = model.config.vocab;
    group.forEach((w, b) => {
      for (let t = w.from; t < w.len; t++) {
        total -= lp[(b * T + t) * V + ids[w.s + t + 1]];
        count++;
      }
    });
  }
  return { bits: total / count / Math.LN2, chars: count };
}

/**
 * The default recipe (see the README for how it was chosen on a one-core budget).
 */
const GPT_DEFAULTS = { context: 64, dim: 96, heads: 4, layers: 3, batch: 16, lr: 3e-3, beta2: 0.99, weightDecay: 0.1, dropout: 0, warmup: 100, minutes: 10 };

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
  const opts = [
    new optim.AdamW(decayed, { lr, betas: [0.9, beta2], weightDecay }),
    new optim.AdamW(rest, { lr, betas: [0.9, beta2], weightDecay: 0 }),
  ];
  const rng = new Random(seed);
  const probe = (): number => gptBitsPerChar(model, valid.subarray(0, 20001), stride).bits;
  console.log(textHeader(`its first 20,000 characters, windows of ${context}, stride ${stride}`));
  const t0 = performance.now();
  const cpuSeconds = cpuSince();
  let chars = 0;
  let step = 0;
  let nextReport = 60;
  let running = 0;
  let seen = 0;
  const x = new Float32Array(B * context);
  const y = new Float32Array(B * context);
  for (;;) {
    const elapsed = (performance.now() - t0) / 1000;
    const done = charBudget > 0 ? chars / charBudget : elapsed / (minutes * 60);
    if (done >= 1) break;
    const rate = lr * Math.min(1, (step + 1) / warmup) * (1 - done);
    for (const opt of opts) opt.lr = rate;
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
      for (const opt of opts) opt.step();
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
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds();
  const full = gptBitsPerChar(model, valid, stride);
  console.log(
    `trained ${(seconds / 60).toFixed(1)} min (${cpu.toFixed(0)} s of CPU), ${chars} characters in ${step} steps (${(chars / train.length).toFixed(2)} epochs, ` +
      `${(chars / seconds).toFixed(0)} chars/s, ${(chars / cpu).toFixed(0)} per CPU second)`,
  );
  console.log(`validation: ${full.bits.toFixed(3)} bits/char over the whole held-out text (${full.chars} characters predicted; windows of ${context}, stride ${stride})`);
  const prime = "The whale ";
  const text = vocab.decode(model.generate(vocab.encode(prime), 300, { temperature, rng: new Random(seed) }));
  console.log(`\nsample (temperature ${temperature}):\n${prime}${text}`);
}
