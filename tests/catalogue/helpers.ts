// Helpers of the bad-input catalogue: a case is a thunk that must throw a wasmnn Error whose
// message matches; where a model or optimizer is involved, its weights and its stateDict() must be
// bit-for-bit what they were before the call.
import { expect } from "vitest";
import { losses, manualSeed, nn, optim, scope, tensor, type Tensor } from "../../src/index.js";

export interface Case {
  name: string;
  run: () => unknown;
  message: RegExp;
}

/**
 * Bit patterns of every parameter (null once a case disposed it: it is compared no further) and
 * of the optimizer's stateDict(): what "unchanged" means.
 */
export function snapshot(params: readonly Tensor[], opt: optim.Optimizer): { params: (number[] | null)[]; opt: unknown } {
  const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));
  const state = opt.stateDict();
  return {
    params: params.map((p) => (p.disposed ? null : bits(p.toArray()))),
    opt: { ...state, state: state.state.map((e) => e && { step: e.step, buffers: Object.entries(e.buffers).map(([k, v]) => [k, bits(v)]) }) },
  };
}

/** A small model with gradients and optimizer state after two real steps. */
export function trained(make: (ps: Tensor[]) => optim.Optimizer) {
  manualSeed(7);
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
  const opt = make(model.parameters());
  const x = tensor([0.5, -1, 2, 1, 0.25, -0.5], [2, 3]);
  for (let i = 0; i < 3; i++) {
    scope(() => {
      opt.zeroGrad();
      losses.crossEntropy(model.forward(x), [0, 1]).backward();
      if (i < 2) opt.step(); // the third gradient is left in place for step() cases
    });
  }
  return { model, opt, params: model.parameters(), x };
}

export const optimizers: [string, (ps: Tensor[]) => optim.Optimizer][] = [
  ["SGD", (ps) => new optim.SGD(ps, { lr: 0.1 })],
  ["SGD + momentum", (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.1 })],
  ["SGD + Nesterov", (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
  ["Adam", (ps) => new optim.Adam(ps, { lr: 0.01 })],
  ["AdamW", (ps) => new optim.AdamW(ps, { lr: 0.01 })],
  ["RMSprop", (ps) => new optim.RMSprop(ps, { lr: 0.01 })],
  ["RMSprop + momentum", (ps) => new optim.RMSprop(ps, { lr: 0.01, momentum: 0.5 })],
];

/** Cases that touch a model and an optimizer: message and bit-for-bit unchanged state. */
export interface StateCase {
  name: string;
  run: (t: ReturnType<typeof trained>) => unknown;
  message: RegExp;
}

export function expectCase(run: () => unknown, message: RegExp): void {
  let error: unknown = null;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expectError(error, message);
}

/** A wasmnn Error (not a TypeError or RangeError from deep inside) whose message matches. */
function expectError(error: unknown, message: RegExp): void {
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(TypeError);
  expect(error).not.toBeInstanceOf(RangeError);
  expect((error as Error).message).toMatch(message);
}

export function expectStateCase(c: StateCase, make: (ps: Tensor[]) => optim.Optimizer = optimizers[3][1]): void {
  const t = trained(make);
  const before = snapshot(t.params, t.opt);
  const lr = t.opt.lr;
  expectCase(() => c.run(t), c.message);
  const after = snapshot(t.params, t.opt);
  before.params = before.params.map((p, i) => (after.params[i] === null ? null : p));
  expect(after).toEqual(before);
  expect(t.opt.lr).toBe(lr);
  t.opt.dispose();
}

/** Bit patterns of every parameter and buffer of a module (its stateDict()), and its train/eval mode. */
export function moduleBits(m: nn.Module): { training: boolean; state: [string, number[]][] } {
  const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));
  return { training: m.training, state: Object.entries(m.stateDict()).map(([k, v]) => [k, bits(v.data)]) };
}

/** A call on a module that must throw `message` and leave every weight and buffer bit-for-bit as it was. */
export interface ModuleCase<M extends nn.Module = nn.Module> {
  name: string;
  make: () => M;
  run: (m: M) => unknown;
  message: RegExp;
}

export function expectModuleCase<M extends nn.Module>(c: ModuleCase<M>): void {
  const m = c.make();
  const before = moduleBits(m);
  expectCase(() => c.run(m), c.message);
  expect(moduleBits(m)).toEqual(before);
}

/** As expectCase, for a call that returns a promise: it must reject with a wasmnn Error matching `message`. */
export async function expectRejection(run: () => Promise<unknown>, message: RegExp): Promise<void> {
  let error: unknown = null;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expectError(error, message);
}
