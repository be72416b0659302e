// A character-level GPT on Moby-Dick: the transformer version of examples/char-lstm.ts.
//
// The LSTM reads one character at a time and carries a state; the GPT instead sees a window of
// `context` characters at once and predicts the next character at every position in parallel.
// A causal mask keeps position t from looking at t + 1…, so all 64 predictions of a window are
// honest and train together. Each of the 3 blocks is pre-norm: x + attention(LayerNorm(x)), then
// x + MLP(LayerNorm(x)); token and learned position embeddings go in, and the output layer reuses
// the token embedding (tied weights) to score the next character.
//
// generate() keeps a key/value cache: the keys and values of the characters already written, so
// each new character costs one position of work instead of the whole window again.
//
// Run: npx tsx examples/char-gpt.ts   (the full run with a budget: npx wasmnn train text --model gpt)
import { charCorpus, losses, manualSeed, mobyDick, models, nn, ops, optim, ready, Random, scope } from "../src/index.js";

await ready();
manualSeed(1);
const { vocab, train, valid } = charCorpus(await mobyDick(), 0.1);
const B = 16, CONTEXT = 64, STEPS = 300;
const model = models.gpt({ vocab: vocab.size, context: CONTEXT, dim: 96, heads: 4, layers: 3 });
const opt = new optim.AdamW(model.parameters(), { lr: 3e-3, betas: [0.9, 0.99], weightDecay: 0.1 });
const rng = new Random(1);
const x = new Float32Array(B * CONTEXT), y = new Float32Array(B * CONTEXT);

for (let step = 0; step < STEPS; step++) {
  opt.lr = 3e-3 * Math.min(1, (step + 1) / 50); // a short warm-up: Adam's early steps are noisy
  for (let b = 0; b < B; b++) {
    const s = Math.floor(rng.next() * (train.length - CONTEXT - 1));
    for (let t = 0; t < CONTEXT; t++) [x[b * CONTEXT + t], y[b * CONTEXT + t]] = [train[s + t], train[s + t + 1]];
  }
  const loss = scope(() => {
    const logits = model.logits(x, B, CONTEXT); // [B, 64, vocab]: a prediction at every position
    const l = losses.crossEntropy(ops.reshape(logits, [B * CONTEXT, vocab.size]), y);
    opt.zeroGrad();
    l.backward();
    nn.clipGradNorm(model.parameters(), 1);
    opt.step();
    return l.item();
  });
  if (step % 50 === 0) console.log(`step ${step}: ${(loss / Math.LN2).toFixed(3)} bits/char`);
}

// Held-out: windows of 64 characters, 32 apart, each scoring only its last 32 predictions.
console.log(`held-out: ${models.windowedBits(model, valid.subarray(0, 20_001), 32).bits.toFixed(3)} bits/char on 20,000 characters`);
console.log("The whale " + vocab.decode(model.generate(vocab.encode("The whale "), 200, { temperature: 0.8, rng: new Random(1) })));
