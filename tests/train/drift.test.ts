// One Adam step of LeNet from identical weights on the same 32 MNIST digits, Wasm against JS: the
// loss, every gradient, every updated weight (and batch norm's running statistics) agree to
// float32 rounding. scripts/lenet-drift.ts shows why 200 steps on one batch still end 1e-2 apart:
// a max-pool window whose two best candidates are closer than their rounding picks a different
// winner on each backend (step 11 there), and training on one over-fitted batch amplifies that
// jump, as it amplifies a 1e-5 nudge of the initial weights within one backend.
//
// Tolerances, with ε = 2⁻²³ (float32's half-ulp of 1):
// - gradients: 1e-5 × the tensor's largest |g| (84 ε). A weight gradient is a sum of up to
//   32·24·24 = 18,432 products (conv1), summed in another order by the SIMD kernel than by the JS
//   loop; the largest difference measured is 1.8e-6 of max |g| (batch norm's conv1), while a lost
//   term of that sum would move it by ≈ 1/18,432 = 5e-5.
// - weights after the step: 2 ε × the largest of max |w| and lr. Adam's first update is
//   lr·g/(|g| + 1e-8) = ±lr wherever |g| ≫ 1e-8 (the smallest nonzero |g| here is 3.8e-7), so
//   gradients within 1e-5 give the same update, and what remains is the rounding of w − update.
import { beforeAll, describe, expect, it } from "vitest";
import { loadMnist, losses, manualSeed, models, optim, ready, scope, setBackend, tensor, type BackendName } from "../../src/index.js";

const EPS = 2 ** -23;
const LR = 1e-3;
let x: Float32Array;
let y: Float32Array;

beforeAll(async () => {
  await ready();
  const { train } = await loadMnist({ trainSize: 32, testSize: 0, shape: "image" });
  x = train.x;
  y = train.y;
});

interface Step {
  loss: number;
  /** Per parameter name: its values before the step, its gradient, its values after. */
  params: Map<string, { before: Float32Array; grad: Float32Array; after: Float32Array }>;
  buffers: Map<string, Float32Array>;
}

/** Forward, cross-entropy, backward and one Adam step on `backend`, from the weights in `init`. */
function oneStep(backend: BackendName, options: models.LenetOptions, init: ReturnType<ReturnType<typeof models.lenet>["stateDict"]>): Step {
  setBackend(backend);
  const model = models.lenet(options);
  model.loadStateDict(init);
  const opt = new optim.Adam(model.parameters(), { lr: LR });
  const before = model.namedParameters().map(([, p]) => p.toArray());
  const loss = scope(() => {
    const l = losses.crossEntropy(model.forward(tensor(x, [32, 1, 28, 28])), y);
    l.backward();
    return l.item();
  });
  const grads = model.namedParameters().map(([, p]) => p.grad!.toArray());
  opt.step();
  const params = new Map(model.namedParameters().map(([k, p], i) => [k, { before: before[i], grad: grads[i], after: p.toArray() }]));
  const buffers = new Map(model.namedBuffers().map(([k, b]) => [k, b.toArray()]));
  opt.dispose();
  for (const p of model.parameters()) {
    p.grad?.dispose();
    p.dispose();
  }
  for (const [, b] of model.namedBuffers()) b.dispose();
  return { loss, params, buffers };
}

const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

for (const [label, options] of [["lenet()", {}], ["lenet({ batchNorm: true })", { batchNorm: true }]] as const) {
  describe(`one Adam step of ${label}, wasm against js`, () => {
    let wasm: Step;
    let js: Step;
    beforeAll(() => {
      setBackend("wasm");
      manualSeed(1);
      const init = models.lenet(options).stateDict();
      wasm = oneStep("wasm", options, init);
      js = oneStep("js", options, init);
    });

    it("computes the same loss", () => {
      expect(wasm.loss).toBeGreaterThan(2);
      expect(Math.abs(wasm.loss - js.loss)).toBeLessThanOrEqual(4 * EPS * wasm.loss);
    });

    it("computes every gradient within 1e-5 of the tensor's largest", () => {
      expect([...wasm.params.keys()]).toEqual([...js.params.keys()]);
      for (const [k, w] of wasm.params) {
        const g = js.params.get(k)!.grad;
        expect(maxAbs(g), k).toBeGreaterThan(1e-3);
        expect(maxDiff(w.grad, g), k).toBeLessThanOrEqual(1e-5 * maxAbs(g));
      }
    });

    it("updates every weight to within 2 ε of the largest of max |w| and lr", () => {
      for (const [k, w] of wasm.params) {
        const j = js.params.get(k)!;
        expect(maxDiff(w.before, j.before), k).toBe(0);
        expect(maxDiff(w.after, j.after), k).toBeLessThanOrEqual(2 * EPS * Math.max(maxAbs(j.after), LR));
      }
    });

    it("takes Adam's first step, w − lr·g/(|g| + 1e-8), on each backend from its own gradient", () => {
      for (const step of [wasm, js]) {
        for (const [k, { before, grad, after }] of step.params) {
          const want = before.map((v, i) => v - (LR * grad[i]) / (Math.abs(grad[i]) + 1e-8));
          expect(maxDiff(after, want), k).toBeLessThanOrEqual(2 * EPS * Math.max(maxAbs(want), LR));
        }
      }
    });

    it("keeps the same batch-norm running statistics", () => {
      expect(wasm.buffers.size).toBe(options.batchNorm ? 6 : 0);
      for (const [k, b] of wasm.buffers) {
        const j = js.buffers.get(k)!;
        expect(maxDiff(b, j), k).toBeLessThanOrEqual(1e-5 * maxAbs(j));
      }
    });
  });
}
