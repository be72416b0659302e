// A character-level language model: an LSTM reads Moby-Dick one character at a time and learns to
// predict the next one. Its loss, in bits per character, is how many yes/no questions it still
// needs per character (a uniform guess over the 89 characters needs log₂ 89 ≈ 6.5).
//
// Characters go in through an Embedding (a learned vector per character), the LSTM carries what it
// has read in its state (h, c), and a Linear layer turns h into scores for the next character. The
// text is read as 32 parallel streams in chunks of 64 characters; the state carries over from chunk
// to chunk, but gradients stop at chunk boundaries (truncated backpropagation through time).
//
// Run: npx tsx examples/char-lstm.ts   (the full run, with a time budget: npx wasmnn train text)
import { charCorpus, losses, manualSeed, mobyDick, nn, noGrad, ops, optim, ready, Random, scope, tensor, TextStreams, type Tensor } from "../src/index.js";

await ready();
manualSeed(1);
const { vocab, train, valid } = charCorpus(await mobyDick(), 0.1); // hold out the last 10 %
const B = 32, T = 64, HIDDEN = 128, STEPS = 300;

const embed = new nn.Embedding(vocab.size, 32);
const lstm = new nn.LSTM(32, HIDDEN);
const out = new nn.Linear(HIDDEN, vocab.size);
const params = [...embed.parameters(), ...lstm.parameters(), ...out.parameters()];
const opt = new optim.Adam(params, { lr: 1e-2 }); // high for Adam, but 300 steps is a short run; clipping keeps it stable

type State = { h: Tensor; c: Tensor } | undefined;
function run(ids: Float32Array, steps: number, batch: number, state: State) {
  const r = lstm.forwardWithState(embed.forward(tensor(ids, [steps, batch])), state?.h, state?.c);
  return { logits: out.forward(ops.reshape(r.output, [steps * batch, HIDDEN])), h: r.h, c: r.c };
}
/** The state as plain values, cut from the graph of the chunk that made it. */
const detach = (s: { h: Tensor; c: Tensor }) => noGrad(() => ({ h: tensor(s.h.toArray(), s.h.shape), c: tensor(s.c.toArray(), s.c.shape) }));

const streams = new TextStreams(train, B, T);
let state: State;
for (let k = 0; k < STEPS; k++) {
  const { x, y } = streams.chunk(k);
  const r = scope(() => {
    const s = run(x, T, B, state);
    const loss = losses.crossEntropy(s.logits, y);
    opt.zeroGrad();
    loss.backward();
    nn.clipGradNorm(params, 5);
    opt.step();
    return { loss: loss.item(), ...detach(s) };
  });
  state = { h: r.h, c: r.c };
  if (k % 50 === 0) console.log(`step ${k}: ${(r.loss / Math.LN2).toFixed(3)} bits/char`);
}

// Held-out loss on the first 20,000 characters of the last 10 %.
const probe = new TextStreams(valid.subarray(0, 20_000), 20, 100);
let total = 0;
let vs: State;
for (let k = 0; k < probe.chunks; k++) {
  const { x, y } = probe.chunk(k);
  const r = scope(() => noGrad(() => {
    const s = run(x, 100, 20, vs);
    return { loss: losses.crossEntropy(s.logits, y).item(), h: s.h, c: s.c };
  }));
  vs = { h: r.h, c: r.c };
  total += r.loss;
}
console.log(`held-out: ${(total / probe.chunks / Math.LN2).toFixed(3)} bits/char`);

// Sampling: feed each drawn character back in; temperature < 1 sharpens the distribution.
const rng = new Random(7);
let s: State;
let ids = Float32Array.from(vocab.encode("The whale "));
let text = "The whale ";
for (let i = 0; i < 300; i++) {
  const r = scope(() => noGrad(() => {
    const o = run(ids, ids.length, 1, s);
    return { last: ops.slice(o.logits, 0, ids.length - 1, ids.length).toArray(), h: o.h, c: o.c };
  }));
  s = { h: r.h, c: r.c };
  const p = Array.from(r.last, (v) => Math.exp(v / 0.7));
  let u = rng.next() * p.reduce((a, b) => a + b, 0);
  let next = 0;
  while (next < p.length - 1 && (u -= p[next]) > 0) next++;
  text += vocab.chars[next];
  ids = Float32Array.of(next);
}
console.log(text);
