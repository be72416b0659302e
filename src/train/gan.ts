// The adversarial training loop. Each step takes a batch of real samples and:
//
// 1. updates the discriminator D, with the generator frozen, to tell real from generated:
//        L_D = BCE(D(x), 1 − s) + BCE(D(G(z)), 0)
//    (s is the one-sided label smoothing of Salimans et al., 2016: a target of 0.9 instead of 1
//    for real samples keeps D from growing overconfident logits that give G useless gradients);
// 2. updates the generator G, through D but stepping only G's parameters, with the
//    non-saturating loss (Goodfellow et al., 2014)
//        L_G = BCE(D(G(z)), 1) = −mean log σ(D(G(z))).
//    The minimax game's own loss, mean log(1 − σ(D(G(z)))), is flat exactly when G is bad and D
//    rejects its samples confidently (σ → 0), so G would learn nothing at the start; −log σ is
//    steep there instead, with the same fixed point.
//
// Two optimizers, one per network, so that each keeps its own moment estimates.
import { add, neg } from "../autograd/arithmetic.js";
import { noGrad } from "../autograd/engine.js";
import { binaryCrossEntropy } from "../autograd/loss.js";
import { getBackend } from "../backend/index.js";
import { validateDataset, type Dataset } from "../data/dataset.js";
import { scope } from "../memory/scope.js";
import type { Module } from "../nn/module.js";
import type { Optimizer } from "../optim/optimizer.js";
import { Random } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";
import { batchTensors, checkBatchSize } from "./evaluate.js";
import { ProgressBar } from "./progress.js";

/** What the loop needs of a GAN (models.gan gives it). */
export interface Adversaries {
  /** G: latent noise → a sample. */
  readonly generator: Module;
  /** D: a sample → one logit, real or generated. */
  readonly discriminator: Module;
  /** Size of the latent vector z. */
  readonly latent: number;
  /** Set train or eval mode on both networks. */
  train(mode?: boolean): unknown;
}

/** Options of fitGan: epochs, batch size, one optimizer per network, and the loss variants. */
export interface GanFitOptions {
  /** Passes over the real data. */
  epochs: number;
  /** Real samples per discriminator step (default 64). */
  batchSize?: number;
  /** The optimizer over the generator's parameters. */
  generatorOptimizer: Optimizer;
  /** The optimizer over the discriminator's parameters. */
  discriminatorOptimizer: Optimizer;
  /** One-sided label smoothing s: real samples get target 1 − s (default 0). */
  labelSmoothing?: number;
  /** "nonSaturating" (default) or the original "minimax" generator loss, for comparison. */
  generatorLoss?: "nonSaturating" | "minimax";
  /** Discriminator updates per generator update (default 1). */
  discriminatorSteps?: number;
  /** Seed of the shuffling and of the noise z (default 0). */
  seed?: number;
  /** A line per epoch (and a progress bar in terminals) (default true). */
  verbose?: boolean;
  /** Where verbose lines go (default console.log). */
  log?: (line: string) => void;
  /** Called after each epoch; fitGan awaits a returned promise. */
  onEpochEnd?: (logs: GanEpochLogs) => void | Promise<void>;
}

/** What fitGan reports after each epoch: both losses and the discriminator's mean outputs. */
export interface GanEpochLogs {
  /** 1 for the first epoch. */
  epoch: number;
  /** Mean discriminator loss over the epoch's steps. */
  dLoss: number;
  /** Mean generator loss over the epoch's steps. */
  gLoss: number;
  /** Mean probability D gave real samples (σ of its logits). */
  dReal: number;
  /** Mean probability D gave generated samples, at its own update. */
  dFake: number;
  /** Wall time of the epoch. */
  seconds: number;
}

function constant(shape: number[], value: number): Tensor {
  const t = new Tensor(getBackend(), shape);
  t.backend.fill(t.ptr, t.size, value);
  return t;
}

/**
 * L_D = BCE(realLogits, 1 − smoothing) + BCE(fakeLogits, 0).
 *
 * @example const dLoss = discriminatorLoss(tensor([[2]]), tensor([[-2]])); // −log σ(2) − log(1 − σ(−2)) = 0.2539
 */
export function discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor, smoothing = 0): Tensor {
  return add(binaryCrossEntropy(realLogits, constant([...realLogits.shape], 1 - smoothing)), binaryCrossEntropy(fakeLogits, constant([...fakeLogits.shape], 0)));
}

/**
 * The generator's loss on D's logits for its samples: −mean log σ(l) (non-saturating) or mean log(1 − σ(l)) (minimax).
 *
 * @example const gLoss = generatorLoss(tensor([[0]])); // non-saturating: −log σ(0) = 0.6931
 */
export function generatorLoss(fakeLogits: Tensor, kind: "nonSaturating" | "minimax" = "nonSaturating"): Tensor {
  if (kind === "minimax") return neg(binaryCrossEntropy(fakeLogits, constant([...fakeLogits.shape], 0)));
  return binaryCrossEntropy(fakeLogits, constant([...fakeLogits.shape], 1));
}

function meanSigmoid(logits: Tensor): number {
  const v = logits.toArray();
  let s = 0;
  for (const l of v) s += 1 / (1 + Math.exp(-l));
  return s / v.length;
}

function noise(n: number, latent: number, r: Random): Tensor {
  const z = new Tensor(getBackend(), [n, latent]);
  const v = z.backend.heap.f32(z.ptr, z.size);
  for (let i = 0; i < v.length; i++) v[i] = r.normal();
  return z;
}

const YIELD_MS = 30;

/**
 * Train a GAN on the samples of `data` (its targets are ignored). Returns the per-epoch logs of
 * both losses.
 * @example
 * const history = await fitGan(g, gaussianRing(), { epochs: 100, batchSize: 128, labelSmoothing: 0.1,
 *   generatorOptimizer: new optim.Adam(g.generator.parameters(), { lr: 1e-3, betas: [0.5, 0.999] }),
 *   discriminatorOptimizer: new optim.Adam(g.discriminator.parameters(), { lr: 1e-3, betas: [0.5, 0.999] }) });
 */
export async function fitGan(gan: Adversaries, data: Dataset, options: GanFitOptions): Promise<GanEpochLogs[]> {
  const batchSize = options.batchSize ?? 64;
  checkBatchSize("fitGan", batchSize);
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new Error(`fitGan: epochs must be a positive integer, got ${options.epochs}`);
  const s = options.labelSmoothing ?? 0;
  if (!(s >= 0 && s < 0.5)) throw new Error(`fitGan: labelSmoothing must be in [0, 0.5), got ${s}`);
  const kind = options.generatorLoss ?? "nonSaturating";
  if (kind !== "nonSaturating" && kind !== "minimax") throw new Error(`fitGan: generatorLoss must be "nonSaturating" or "minimax", got "${String(kind)}"`);
  const dSteps = options.discriminatorSteps ?? 1;
  if (!Number.isInteger(dSteps) || dSteps < 1) throw new Error(`fitGan: discriminatorSteps must be a positive integer, got ${dSteps}`);
  validateDataset("fitGan", data);
  const gOpt = options.generatorOptimizer;
  const dOpt = options.discriminatorOptimizer;
  const gParams = new Set(gan.generator.parameters());
  const dParams = new Set(gan.discriminator.parameters());
  if (!gOpt.params.every((p) => gParams.has(p))) throw new Error("fitGan: generatorOptimizer holds parameters that are not the generator's");
  if (!dOpt.params.every((p) => dParams.has(p))) throw new Error("fitGan: discriminatorOptimizer holds parameters that are not the discriminator's");

  const log = options.log ?? ((line: string) => console.log(line));
  const verbose = options.verbose ?? true;
  const r = new Random(options.seed ?? 0);
  const order = Array.from({ length: data.length }, (_, i) => i);
  const history: GanEpochLogs[] = [];
  gan.train();
  const D = gan.discriminator;
  const G = gan.generator;

  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    r.shuffle(order);
    const bar = verbose ? new ProgressBar(`epoch ${epoch}/${options.epochs}`, data.length) : null;
    const t0 = performance.now();
    let lastYield = t0;
    const sums = { d: 0, g: 0, real: 0, fake: 0, dSteps: 0, gSteps: 0 };
    let step = 0;
    for (let from = 0; from < data.length; from += batchSize, step++) {
      const to = Math.min(from + batchSize, data.length);
      const n = to - from;
      scope(() => {
        const real = batchTensors(data, order, from, to).x;
        // The discriminator's update: G's samples enter as constants (made without a graph),
        // so no gradient reaches G here.
        const fake = noGrad(() => G.forward(noise(n, gan.latent, r)));
        const realLogits = D.forward(real);
        const fakeLogits = D.forward(fake);
        const dLoss = discriminatorLoss(realLogits, fakeLogits, s);
        const dValue = dLoss.item();
        if (!Number.isFinite(dValue)) throw new Error(`fitGan: the discriminator loss is ${dValue} at epoch ${epoch}, step ${step}; training stopped before this update (try a smaller learning rate)`);
        dOpt.zeroGrad();
        dLoss.backward();
        dOpt.step();
        dOpt.zeroGrad();
        sums.d += dValue;
        sums.real += meanSigmoid(realLogits);
        sums.fake += meanSigmoid(fakeLogits);
        sums.dSteps++;
        if (step % dSteps !== dSteps - 1) return;
        // The generator's update: the gradient flows through D into G and only G steps. D's
        // parameters are frozen for this pass, so backward skips their weight gradients (a third
        // of D's backward work) instead of computing them only to throw them away.
        // The rules read requiresGrad when backward runs, so D stays frozen until then.
        for (const p of dParams) p.requiresGrad = false;
        let gValue: number;
        try {
          const gLoss = generatorLoss(D.forward(G.forward(noise(n, gan.latent, r))), kind);
          gValue = gLoss.item();
          if (!Number.isFinite(gValue)) throw new Error(`fitGan: the generator loss is ${gValue} at epoch ${epoch}, step ${step}; training stopped before this update (try a smaller learning rate)`);
          gOpt.zeroGrad();
          gLoss.backward();
        } finally {
          for (const p of dParams) p.requiresGrad = true;
        }
        gOpt.step();
        sums.g += gValue;
        sums.gSteps++;
      });
      bar?.update(to, `D ${(sums.d / sums.dSteps).toFixed(4)}  G ${(sums.g / Math.max(1, sums.gSteps)).toFixed(4)}`);
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise((res) => setTimeout(res, 0));
        lastYield = performance.now();
      }
    }
    bar?.end();
    const logs: GanEpochLogs = {
      epoch,
      dLoss: sums.d / sums.dSteps,
      gLoss: sums.gSteps > 0 ? sums.g / sums.gSteps : NaN,
      dReal: sums.real / sums.dSteps,
      dFake: sums.fake / sums.dSteps,
      seconds: (performance.now() - t0) / 1000,
    };
    history.push(logs);
    if (verbose) log(formatGanLogs(logs, options.epochs));
    await options.onEpochEnd?.(logs);
  }
  return history;
}

/**
 * One line for an epoch's logs: "epoch 3/20  D loss 1.2340  G loss 0.8760  D(real) 0.612  D(fake) 0.391  (1.2 s)".
 *
 * @example console.log(formatGanLogs({ epoch: 1, dLoss: 1.2, gLoss: 0.9, dReal: 0.6, dFake: 0.4, seconds: 1.5 }, 10));
 */
export function formatGanLogs(l: GanEpochLogs, epochs: number): string {
  return `epoch ${l.epoch}/${epochs}  D loss ${l.dLoss.toFixed(4)}  G loss ${l.gLoss.toFixed(4)}  D(real) ${l.dReal.toFixed(3)}  D(fake) ${l.dFake.toFixed(3)}  (${l.seconds.toFixed(1)} s)`;
}
