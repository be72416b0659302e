// Attention, step by step, on numbers small enough to read.
//
// Queries, keys and values. Each position of a sequence asks a question (its query vector q),
// offers a label (its key k) and holds content (its value v). Position i's output is a mix of
// all the values, weighted by how well q_i matches each key:  out_i = Σ_j softmax_j(q_i·k_j)·v_j.
//
// Scaling. A dot product of D random features has a spread of √D, which pushes the softmax into
// picking one key almost surely (and its gradient to ~0); dividing the scores by √D keeps them
// moderate at any head size.
//
// Masking. A mask of −∞ before the softmax gives a pair weight exactly 0. A causal mask hides
// the future (position i sees keys 0…i), which is what lets a language model train on every
// position at once without cheating; a padding mask hides the filler at the end of short inputs.
//
// Heads. nn.MultiheadAttention splits the features into H heads that attend independently, each
// free to look for something else, then mixes their outputs back together.
//
// Run: npx tsx examples/attention.ts
import { nn, ops, ready, tensor } from "../src/index.js";

await ready();

// One sequence of 4 positions, a single head of 2 features: [batch 1, heads 1, T 4, D 2].
// Position 3's query matches position 1's key best.
const q = tensor([[1, 0], [0, 1], [1, 1], [0, 3]], [1, 1, 4, 2]);
const k = tensor([[1, 0], [0, 2], [1, 1], [-1, 0]], [1, 1, 4, 2]);
const v = tensor([[10, 0], [0, 10], [5, 5], [1, 1]], [1, 1, 4, 2]);
const show = (name: string, t: { toArray(): Float32Array }) =>
  console.log(`${name}:`, Array.from(t.toArray(), (x) => +x.toFixed(3)).join(" "));

show("out, every position sees every key", ops.scaledDotProductAttention(q, k, v));
show("out, causal (position i sees 0…i)  ", ops.scaledDotProductAttention(q, k, v, { isCausal: true }));
// A boolean mask: true = attend. Here nobody may look at position 1.
const noOne = { bool: [true, false, true, true, true, false, true, true, true, false, true, true, true, false, true, true], shape: [4, 4] };
show("out, key 1 masked out               ", ops.scaledDotProductAttention(q, k, v, { attnMask: noOne }));

// The same through the layer: projections, 2 heads of 4 features, and the weights it used.
const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
const x = tensor(Array.from({ length: 4 * 8 }, (_, i) => Math.sin(i)), [1, 4, 8]);
const [y, weights] = mha.forward(x, x, x, { isCausal: true });
console.log(`MultiheadAttention: ${x.shape} → ${y.shape}; weights averaged over heads (rows sum to 1, zeros above the diagonal):`);
const w = weights!.toArray();
for (let i = 0; i < 4; i++) console.log("  ", Array.from(w.subarray(i * 4, i * 4 + 4), (p) => p.toFixed(3)).join("  "));

// A transformer block: attention then a feed-forward net, each with a residual connection and a
// layer norm (pre-norm here, as GPT: x + f(LayerNorm(x))). The residual path carries x through
// unchanged, so a deep stack still passes gradients; layer norm keeps each position's features
// at a steady scale. Positional encodings add where each token sits: attention alone is blind to order.
const block = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 32, dropout: 0, batchFirst: true, normFirst: true, activation: "gelu" });
const positions = new nn.SinusoidalPositionalEncoding(8, 16);
show("TransformerEncoderLayer(positions(x)), position 0", ops.slice(block.forward(positions.forward(x), { isCausal: true }), 1, 0, 1));
