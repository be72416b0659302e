// --save DIR and --resume DIR, shared by every `wasmnn train` task. A task with several models
// names each, and each goes in its own subdirectory (DIR/name).
import { checkpoint, resume, save, type Callback, type io, type nn, type optim } from "../index.js";
import { join } from "node:path";
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

/** What resumableLoop checks on resuming: the task, and the options that shape every step. */
type RunOptions = Record<string, number | string>;

/** The task, run options and loop state in a checkpoint's trainer_state.json; undefined when it cannot be read (resume then says why). */
async function savedRun(dir: string): Promise<{ task?: string; run?: RunOptions; loop?: string } | undefined> {
  const { readFile } = await import("node:fs/promises");
  const text = await readFile(join(dir, "trainer_state.json"), "utf8").catch(() => undefined);
  try {
    const m = text === undefined ? undefined : (JSON.parse(text) as { metadata?: { task?: string; run?: string; loop?: string } }).metadata;
    return m && { task: m.task, run: m.run === undefined ? undefined : (JSON.parse(m.run) as RunOptions), loop: m.loop };
  } catch {
    return undefined;
  }
}

/**
 * For a task with its own training loop that goes on bit for bit. With --resume DIR the weights,
 * the optimizer state, the random generators and the loop's own state (its step, its data
 * generator, its running sums: `S`, kept as JSON in the checkpoint's metadata) are restored, and
 * the task continues after the saved step; save(state) writes a checkpoint to --save DIR, which
 * the task does every so many steps and at the end. A run stopped at any point and resumed from
 * its last checkpoint with the same options ends exactly as one that never stopped. `run` holds
 * the options that shape every step; a checkpoint saved with other values is refused. The task
 * calls finished(why) if the restored state is already at the end of its budget (an error), else
 * started() (which says where it resumed).
 */
export async function resumableLoop<S extends { step: number }>(o: Options, task: string, model: nn.AnyModule, optimizer: io.Optimizers, run: RunOptions, inputShape?: readonly number[]): Promise<{ resumed?: S; finished(why: string): void; started(): void; save(state: S): Promise<void> }> {
  const d = dirs(o);
  let resumed: S | undefined;
  if (d.resume) {
    const saved = await savedRun(d.resume);
    if (saved !== undefined) {
      const before = saved.run;
      if (saved.task !== task || saved.loop === undefined || before === undefined) throw new Error(`--resume ${d.resume}: not a checkpoint of ${task} (it holds no ${task} training state)`);
      const changed = Object.keys({ ...before, ...run }).filter((k) => before[k] !== run[k]);
      if (changed.length > 0) throw new Error(`--resume ${d.resume}: the checkpoint was trained with ${changed.map((k) => `${k} ${before[k]}`).join(", ")}; this run has ${changed.map((k) => `${k} ${run[k]}`).join(", ")}`);
    }
    const { metadata } = await resume(d.resume, model, optimizer);
    if (metadata.loop === undefined) throw new Error(`--resume ${d.resume}: not a checkpoint of ${task} (it holds no ${task} training state)`);
    resumed = JSON.parse(metadata.loop) as S;
  }
  return {
    resumed,
    finished(why: string) {
      if (resumed) throw new Error(`--resume ${d.resume}: the checkpoint is after step ${resumed.step}, ${why}; nothing is left to train`);
    },
    started() {
      if (resumed) console.log(`resumed from ${d.resume} after step ${resumed.step}`);
    },
    async save(state: S) {
      if (!d.save) return;
      const metadata = { ...shapeMetadata(inputShape), task, run: JSON.stringify(run), loop: JSON.stringify(state) };
      await save(model, d.save, { optimizer, epoch: 0, metadata });
      console.log(`  checkpoint after step ${state.step} saved to ${d.save}`);
    },
  };
}
