// Transformer throughput, on wasm and js:
//   - attention forward+backward, GFLOP/s: nn.MultiheadAttention self-attention (in-projection,
//     scaled dot-product attention with a causal mask, out-projection) at batch 16, T 128, E 128,
//     4 heads, and the attention core (ops.scaledDotProductAttention) alone; FLOPs counted as
//     the GEMMs' 2·m·n·k (the causal half of the scores is computed and counted all the same),
//     with the same run's `gemm peak` beside it for the ratio;
//   - GPT training tokens/s for the default `train text --model gpt` configuration, by wall and
//     by CPU time;
//   - generation tokens/s with and without the key/value cache (63 tokens after a 1-token prompt,
//     inside the 64-token context).
// Run alone: `npx tsx bench/transformer.ts [--quick]` (release build of the core).
import { pathToFileURL } from "node:url";
import { losses, manualSeed, models, nn, ops, optim, Random, ready, scope, setBackend, tensor } from "../src/index.js";
import type { BenchOptions } from "./index.js";
import { cpuClock, formatTable, timePerCall, type Row } from "./harness.js";
import { jsPeak, wasmPeak } from "./gemm.js";

const B = 16, T = 128, E = 128, H = 4;
/** The default char-GPT of `train text --model gpt` (src/cli/gpt-text.ts). */
export const GPT_BENCH = { vocab: 89, context: 64, dim: 96, heads: 4, layers: 3, batch: 16 };
/** The model's options of GPT_BENCH (models.gpt refuses the batch size, which is not one). */
const { batch: _batch, ...GPT_MODEL } = GPT_BENCH;

function data(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + seed) * 0.5);
}

/** FLOPs of one MHA forward: in-projection 2·N·E·3E, scores and mix 2·2·B·T²·E, out-projection 2·N·E². Backward is twice that. */
const MHA_FLOPS = 3 * (2 * B * T * E * 3 * E + 4 * B * T * T * E + 2 * B * T * E * E);
const SDPA_FLOPS = 3 * (4 * B * T * T * E);

function mhaStep(): () => void {
  manualSeed(1);
  const mha = new nn.MultiheadAttention(E, H, { batchFirst: true });
  const xs = data(B * T * E, 1);
  return () =>
    scope(() => {
      const x = tensor(xs, [B, T, E], { requiresGrad: true });
      const [y] = mha.forward(x, x, x, { isCausal: true, needWeights: false });
      y.backward(y);
      mha.zeroGrad();
    });
}

function sdpaStep(): () => void {
  const D = E / H;
  const q = data(B * H * T * D, 2), k = data(B * H * T * D, 3), v = data(B * H * T * D, 4);
  return () =>
    scope(() => {
      const [tq, tk, tv] = [q, k, v].map((d) => tensor(d, [B, H, T, D], { requiresGrad: true }));
      const y = ops.scaledDotProductAttention(tq, tk, tv, { isCausal: true });
      y.backward(y);
    });
}

function gptStep(): () => void {
  manualSeed(1);
  const c = GPT_BENCH;
  const model = models.gpt(GPT_MODEL);
  const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 0.1 });
  const rng = new Random(1);
  const n = c.batch * c.context;
  return () => {
    const x = Float32Array.from({ length: n }, () => Math.floor(rng.next() * c.vocab));
    const y = Float32Array.from({ length: n }, () => Math.floor(rng.next() * c.vocab));
    scope(() => {
      const loss = losses.crossEntropy(ops.reshape(model.logits(x, c.batch, c.context), [n, c.vocab]), y);
      opt.zeroGrad();
      loss.backward();
      nn.clipGradNorm(model.parameters(), 1);
      opt.step();
    });
  };
}

export async function bench(o: BenchOptions = {}): Promise<Row[]> {
  await ready();
  const rows: Row[] = [];
  const samples = o.quick ? 3 : 5;
  const sampleMs = o.quick ? 60 : 300;
  // Everything here is timed by this process's CPU time, the peak too, so the ratio holds on a shared machine.
  const peak = { wasm: wasmPeak(samples, cpuClock), js: jsPeak(samples, cpuClock) };
  for (const name of ["wasm", "js"] as const) rows.push({ name: "gemm peak (CPU time)", backend: name, value: peak[name], unit: "GFLOP/s" });
  for (const name of ["wasm", "js"] as const) {
    setBackend(name);
    const few = name === "js" ? 3 : samples;
    const mha = MHA_FLOPS / timePerCall(mhaStep(), few, sampleMs, cpuClock) / 1e9;
    rows.push({ name: `MHA fwd+bwd B${B} T${T} E${E} H${H} (CPU)`, backend: name, value: mha, unit: "GFLOP/s" });
    rows.push({ name: `MHA fwd+bwd / gemm peak`, backend: name, value: mha / peak[name], unit: "ratio" });
    const sdpa = SDPA_FLOPS / timePerCall(sdpaStep(), few, sampleMs, cpuClock) / 1e9;
    rows.push({ name: `SDPA fwd+bwd B${B} T${T} D${E / H} H${H} (CPU)`, backend: name, value: sdpa, unit: "GFLOP/s" });
    rows.push({ name: `SDPA fwd+bwd / gemm peak`, backend: name, value: sdpa / peak[name], unit: "ratio" });
  }
  const c = GPT_BENCH;
  for (const name of ["wasm", "js"] as const) {
    setBackend(name);
    const step = gptStep();
    const few = name === "js" ? 3 : samples;
    const label = `GPT train d${c.dim} L${c.layers} T${c.context} B${c.batch}`;
    rows.push({ name: label, backend: name, value: (c.batch * c.context) / timePerCall(step, few, sampleMs), unit: "tokens/s" });
    rows.push({ name: `${label} (CPU)`, backend: name, value: (c.batch * c.context) / timePerCall(step, few, sampleMs, cpuClock), unit: "tok/CPU s" });
  }
  for (const name of ["wasm", "js"] as const) {
    setBackend(name);
    manualSeed(1);
    const model = models.gpt(GPT_MODEL);
    const n = c.context - 1;
    for (const cache of [true, false]) {
      const seconds = timePerCall(() => void model.generate([0], n, { cache, rng: new Random(1) }), name === "js" ? 3 : samples, sampleMs, cpuClock);
      rows.push({ name: `GPT generate ${cache ? "with" : "without"} KV cache (CPU)`, backend: name, value: n / seconds, unit: "tok/CPU s" });
    }
  }
  setBackend("wasm");
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await bench({ quick: process.argv.includes("--quick") });
  console.log(formatTable(rows));
}
