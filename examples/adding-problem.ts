// The adding problem: can a network remember a number for 50 steps?
//
// Each input sequence is 50 steps of (value, marker). Two steps carry marker 1; the target is the
// sum of their values. A recurrent net reads the sequence one step at a time, updating a hidden
// state h_t = f(x_t, h_{t−1}) with the same weights at every step, and predicts from the last h.
//
// Training unrolls the loop into a 50-layer-deep net with shared weights and backpropagates
// through it (backpropagation through time, BPTT). In a plain RNN the gradient reaching the first
// marker is multiplied ~40 times by W_hhᵀ·diag(tanh′): it vanishes, and the RNN never learns more
// than the mean (MSE ≈ 0.167). The LSTM's cell state is updated additively under a forget gate,
// c_t = f⊙c_{t−1} + i⊙g, so the gradient can pass back unchanged while f ≈ 1; the GRU's update
// gate does the same for h. Both get below 0.01.
//
// Run: npx tsx examples/adding-problem.ts   (the CLI version: npx wasmnn train adding)
import { addingProblem, losses, manualSeed, nn, noGrad, ops, optim, ready, scope, tensor, type Tensor } from "../src/index.js";

await ready();
const T = 50, HIDDEN = 64, BATCH = 32, STEPS = 1500;
const train = addingProblem({ length: T, count: STEPS * BATCH, seed: 1 });
const valid = addingProblem({ length: T, count: 500, seed: 2 });

for (const Cell of [nn.LSTM, nn.GRU, nn.RNN]) {
  manualSeed(1);
  const rnn = new Cell(2, HIDDEN, { batchFirst: true }); // input [batch, T, 2]
  const head = new nn.Linear(HIDDEN, 1); // reads the last hidden state
  const params = [...rnn.parameters(), ...head.parameters()];
  const opt = new optim.Adam(params, { lr: 3e-3 });
  const predict = (x: Tensor, n: number): Tensor => head.forward(ops.reshape(rnn.forwardWithState(x).h, [n, HIDDEN]));
  const line: string[] = [];
  for (let step = 0; step <= STEPS; step++) {
    if (step % 250 === 0) {
      const mse = scope(() => noGrad(() => losses.mse(predict(tensor(valid.x, [500, T, 2]), 500), tensor(valid.y, [500, 1])).item()));
      line.push(mse.toFixed(4));
    }
    if (step === STEPS) break;
    scope(() => {
      const x = tensor(train.x.subarray(step * BATCH * T * 2, (step + 1) * BATCH * T * 2), [BATCH, T, 2]);
      const y = tensor(train.y.subarray(step * BATCH, (step + 1) * BATCH), [BATCH, 1]);
      const loss = losses.mse(predict(x, BATCH), y);
      opt.zeroGrad();
      loss.backward(); // BPTT: one backward pass through all 50 steps
      nn.clipGradNorm(params, 1); // long unrolls can also explode: bound the step
      opt.step();
    });
  }
  console.log(`${Cell.name.padEnd(5)} validation MSE every 250 steps: ${line.join("  ")}`);
}
