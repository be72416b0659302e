// nn.BatchNorm1d / nn.BatchNorm2d against values computed by hand: train-mode output, the
// running mean/variance updates (unbiased variance, momentum, cumulative average), eval-mode
// output, PyTorch's buffer names, gradients, and bad input leaving the state untouched.
import { beforeAll, describe, expect, it } from "vitest";
import { nn, ops, ready, setBackend, tensor } from "../../src/index.js";
import { expectClose, expectGradcheck } from "../gradcheck.js";

const EPS = 1e-5;

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    // x [2, 2, 1, 2]: channel 0 holds 1, 3 (sample 0) and 5, 7 (sample 1): mean 4, biased variance
    // (9 + 1 + 1 + 9)/4 = 5, unbiased 20/3. Channel 1 holds 2, 2 and 2, 6: mean 3, biased
    // variance (1 + 1 + 1 + 9)/4 = 3, unbiased 4.
    const x = [1, 3, 2, 2, 5, 7, 2, 6];
    const chan = [0, 0, 1, 1, 0, 0, 1, 1];
    const gamma = [2, 0.5];
    const beta = [0, 1];

    function bn2d(): InstanceType<typeof nn.BatchNorm2d> {
      const bn = new nn.BatchNorm2d(2);
      bn.weight!.set(gamma);
      bn.bias!.set(beta);
      return bn;
    }

    it("train mode: normalizes with the batch mean and biased variance, then γ·x̂ + β", () => {
      const bn = bn2d();
      const y = bn.forward(tensor(x, [2, 2, 1, 2]));
      const mean = [4, 3];
      const variance = [5, 3];
      expectClose(y.toArray(), x.map((v, i) => (gamma[chan[i]] * (v - mean[chan[i]])) / Math.sqrt(variance[chan[i]] + EPS) + beta[chan[i]]), 1e-6, 1e-6);
    });

    it("running mean/variance: (1 − 0.1)·old + 0.1·batch, unbiased variance; num_batches_tracked counts", () => {
      const bn = bn2d();
      expect(bn.runningMean!.toArray()).toEqual(Float32Array.from([0, 0]));
      expect(bn.runningVar!.toArray()).toEqual(Float32Array.from([1, 1]));
      bn.forward(tensor(x, [2, 2, 1, 2]));
      expectClose(bn.runningMean!.toArray(), [0.4, 0.3], 1e-7);
      expectClose(bn.runningVar!.toArray(), [0.9 + 2 / 3, 0.9 + 0.4], 1e-6);
      bn.forward(tensor(x, [2, 2, 1, 2]));
      expectClose(bn.runningMean!.toArray(), [0.9 * 0.4 + 0.4, 0.9 * 0.3 + 0.3], 1e-6);
      expectClose(bn.runningVar!.toArray(), [0.9 * (0.9 + 2 / 3) + 2 / 3, 0.9 * 1.3 + 0.4], 1e-6);
      expect(bn.numBatchesTracked!.item()).toBe(2);
      expect(Object.keys(bn.stateDict())).toEqual(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    });

    it("eval mode: normalizes with the running estimates, changes nothing, works for one sample", () => {
      const bn = bn2d();
      bn.forward(tensor(x, [2, 2, 1, 2]));
      bn.eval();
      const rm = [0.4, 0.3];
      const rv = [0.9 + 2 / 3, 1.3];
      const y = bn.forward(tensor(x, [2, 2, 1, 2]));
      expectClose(y.toArray(), x.map((v, i) => (gamma[chan[i]] * (v - rm[chan[i]])) / Math.sqrt(rv[chan[i]] + EPS) + beta[chan[i]]), 1e-6, 1e-6);
      expectClose(bn.runningMean!.toArray(), rm, 1e-7);
      expect(bn.numBatchesTracked!.item()).toBe(1);
      const one = bn.forward(tensor([3, -1], [1, 2, 1, 1]));
      expectClose(one.toArray(), [(2 * (3 - 0.4)) / Math.sqrt(rv[0] + EPS), (0.5 * (-1 - 0.3)) / Math.sqrt(1.3 + EPS) + 1], 1e-6, 1e-6);
    });

    it("momentum null: a cumulative average over the batches seen", () => {
      const bn = new nn.BatchNorm1d(1, { momentum: null });
      bn.forward(tensor([[1], [3]])); // mean 2, unbiased variance 2
      bn.forward(tensor([[4], [8], [6]])); // mean 6, unbiased variance 4
      expectClose(bn.runningMean!.toArray(), [4], 1e-6);
      expectClose(bn.runningVar!.toArray(), [3], 1e-6);
    });

    it("BatchNorm1d on [N, C] and [N, C, L] by hand", () => {
      const bn = new nn.BatchNorm1d(2, { momentum: 0.5 });
      // channel 0: 1, 3, 5 → mean 3, variance 8/3 (unbiased 4); channel 1: 10, 20, 60 → mean 30, variance 1400/3 (unbiased 700)
      const y = bn.forward(tensor([[1, 10], [3, 20], [5, 60]]));
      const s0 = Math.sqrt(8 / 3 + EPS);
      const s1 = Math.sqrt(1400 / 3 + EPS);
      expectClose(y.toArray(), [-2 / s0, -20 / s1, 0, -10 / s1, 2 / s0, 30 / s1], 1e-6, 1e-5);
      expectClose(bn.runningMean!.toArray(), [1.5, 15], 1e-6);
      expectClose(bn.runningVar!.toArray(), [2.5, 350.5], 1e-6, 1e-6);
      // [N, C, L]: the statistics run over the batch and the length
      const seq = new nn.BatchNorm1d(1, { affine: false });
      const z = seq.forward(tensor([1, 2, 3, 6], [2, 1, 2]));
      const s = Math.sqrt(3.5 + EPS);
      expectClose(z.toArray(), [-2 / s, -1 / s, 0, 3 / s], 1e-6);
      expect(seq.parameters()).toEqual([]);
    });

    it("trackRunningStats false: batch statistics in eval mode too, no buffers", () => {
      const bn = new nn.BatchNorm1d(1, { trackRunningStats: false, affine: false }).eval();
      const s = Math.sqrt(3.5 + EPS);
      expectClose(bn.forward(tensor([[1], [2], [3], [6]])).toArray(), [-2 / s, -1 / s, 0, 3 / s], 1e-6);
      expect(Object.keys(bn.stateDict())).toEqual([]);
    });

    it("gradients in train and eval mode through the layer's γ and β", () => {
      const train = new nn.BatchNorm2d(3);
      expectGradcheck((t, g, b) => ops.batchNorm(t, { training: true, weight: g, bias: b, runningMean: train.runningMean, runningVar: train.runningVar }), [
        { shape: [2, 3, 2, 2] }, { shape: [3], lo: 0.5, hi: 1.5 }, { shape: [3] },
      ]);
      const bn = bn2d();
      ops.sum(bn.forward(tensor(x, [2, 2, 1, 2]))).backward();
      // Σ over a channel of γ·x̂ + β: dβ = count of values (4), dγ = Σx̂ = 0
      expectClose(bn.bias!.grad!.toArray(), [4, 4], 1e-6);
      expectClose(bn.weight!.grad!.toArray(), [0, 0], 1e-5);
    });

    it("bad input: errors name the layer and shapes; state untouched", () => {
      const bn = bn2d();
      bn.forward(tensor(x, [2, 2, 1, 2]));
      const before = bn.stateDict();
      expect(() => bn.forward(tensor(x, [2, 4, 1, 1]))).toThrow(/^BatchNorm2d\(2\): input has shape \[2, 4, 1, 1\], expected \[batch, 2, height, width\] \(NCHW\)/);
      expect(() => bn.forward(tensor(x, [4, 2]))).toThrow(/^BatchNorm2d\(2\): input has shape \[4, 2\], expected \[batch, 2, height, width\]/);
      expect(() => bn.forward(tensor([1, 2], [1, 2, 1, 1]))).toThrow(/batchNorm: input \[1, 2, 1, 1\] has 1 value per channel; training needs more than 1/);
      expect(() => new nn.BatchNorm1d(3).forward(tensor([[1, 2], [3, 4]]))).toThrow(/^BatchNorm1d\(3\): input has shape \[2, 2\], expected \[batch, 3\] or \[batch, 3, length\]/);
      expect(bn.stateDict()).toEqual(before);
      expect(() => new nn.BatchNorm2d(0)).toThrow(/BatchNorm2d: numFeatures must be a positive integer, got 0/);
      expect(() => new nn.BatchNorm2d(2, { momentum: 2 })).toThrow(/BatchNorm2d: momentum must be in \[0, 1\] or null, got 2/);
    });
  });
}
