// --save DIR and --resume DIR, shared by every `wasmnn train` task. A task with several models
// names each, and each goes in its own subdirectory (DIR/name).
import { checkpoint, resume, save, type Callback, type io, type nn, type optim } from "../index.js";
import type { Options } from "./args.js";

function dirs(o: Options, name?: string): { save?: string; resume?: string } {
  const at = (v: string | boolean | undefined, flag: string) => {
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") throw new Error(`--${flag}: expected a directory, got "${String(v)}"`);
    return name ? `${v}/${name}` : v;
  };
  return { save: at(o.save, "save"), resume: at(o.resume, "resume") };
}

/** The metadata `wasmnn export` reads: the shape of one input batch (batch 1). */
const shapeMetadata = (inputShape?: readonly number[]) => (inputShape ? { input_shape: JSON.stringify(inputShape) } : undefined);

/**
 * For a task trained by fit: with --resume DIR the model, the optimizer and the random state are
 * restored and training goes on after the saved epoch, as if never stopped; with --save DIR a
 * checkpoint is written after every epoch. Spread the result into fit's options.
 * @example await fit(model, train, { epochs, optimizer: opt, loss, ...(await fitCheckpoints(o, model, opt, epochs, [1, 784])) });
 */
export async function fitCheckpoints(o: Options, model: nn.Module, optimizer: optim.Optimizer, epochs: number, inputShape?: readonly number[], name?: string): Promise<{ initialEpoch: number; callbacks: Callback[] }> {
  const d = dirs(o, name);
  let initialEpoch = 0;
  if (d.resume) {
    initialEpoch = (await resume(d.resume, model, optimizer)).epoch;
    if (initialEpoch >= epochs) throw new Error(`--resume ${d.resume}: the checkpoint is after epoch ${initialEpoch}; ask for more --epochs than that to train on`);
    console.log(`resumed from ${d.resume} after epoch ${initialEpoch}`);
  }
  const callbacks = d.save ? [checkpoint(d.save, { optimizer, metadata: shapeMetadata(inputShape) })] : [];
  return { initialEpoch, callbacks };
}

/**
 * For a task with its own training loop: --resume DIR restores the weights and optimizer state
 * before training (the task then trains its whole budget from there: a warm start), and the
 * returned save() writes them to --save DIR afterwards.
 */
export async function loopCheckpoints(o: Options, model: nn.Module, optimizer: io.Optimizers, inputShape?: readonly number[], name?: string): Promise<{ save(): Promise<void> }> {
  const d = dirs(o, name);
  if (d.resume) {
    await resume(d.resume, model, optimizer);
    console.log(`resumed the weights and optimizer state of ${d.resume}`);
  }
  return {
    async save() {
      if (!d.save) return;
      await save(model, d.save, { optimizer, epoch: 0, metadata: shapeMetadata(inputShape) });
      console.log(`saved to ${d.save}`);
    },
  };
}
