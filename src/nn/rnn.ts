// Recurrent layers: the shared machinery (layers, directions, initial and final states), the plain
// RNN and its single-step cell. LSTM and GRU (lstm.ts, gru.ts) are the same machinery with
// another cell.
//
// A recurrent layer reads a sequence one step at a time and carries a hidden state h from step to
// step: h_t = f(x_t, h_{t−1}). The same weights serve every step, so one layer handles sequences
// of any length, and h can remember what it saw. The plain RNN, h_t = tanh(W_ih x_t + W_hh h_{t−1}
// + b), is the simplest such cell; its weakness is that the gradient reaching step t − k has been
// multiplied k times by W_hhᵀ·diag(tanh′), so over long gaps it vanishes (or explodes).
import { isGradEnabled } from "../autograd/engine.js";
import { recurrentSequence, gateCount, type CellKind, type CellWeights } from "../autograd/recurrent.js";
import { getBackend } from "../backend/index.js";
import { bytesText } from "../memory/heap.js";
import { owning, scope } from "../memory/scope.js";
import { linear } from "../autograd/matmul.js";
import { concat, reshape, slice, transpose } from "../autograd/shape.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { uniform } from "./init.js";
import { checkInput, checkOptions, Module, parameter } from "./module.js";

/** Options shared by RNN, LSTM and GRU, as in PyTorch. */
export interface RecurrentOptions {
  /** Stacked layers; layer k > 0 reads the output sequence of layer k − 1 (default 1). */
  numLayers?: number;
  /** Learnable biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Inputs and outputs as [batch, T, features] instead of [T, batch, features] (default false). */
  batchFirst?: boolean;
  /** A second pass over the sequence in reverse; outputs of both directions are concatenated (default false). */
  bidirectional?: boolean;
}

/** What a recurrent layer returns: the output sequence and the final states. */
export interface RecurrentOutput {
  /** [T, batch, D·hidden] ([batch, T, D·hidden] with batchFirst): the top layer's h at every step. */
  output: Tensor;
  /** `[layers·D, batch, hidden]`: the last h of each layer and direction (D = 2 when bidirectional). */
  h: Tensor;
  /** LSTM only: the last cell state, shaped like h. */
  c?: Tensor;
}

/** The per-layer weights of PyTorch's recurrent modules. */
function cellWeights(who: string, register: (name: string, t: Tensor) => Tensor, suffix: string, G: number, inF: number, H: number, bias: boolean): CellWeights {
  // All four sizes are checked first: weight_ih may fit where weight_hh cannot, and would be left behind.
  const limit = getBackend().heap.maxBytes;
  if (G * H * (inF + H + 2) * 4 > limit) throw new Error(`${who}: the weights of ${inF} inputs and ${H} hidden units (${G * H} × ${inF + H + 2} values) are more than the ${bytesText(limit)} heap holds`);
  // PyTorch's init for every recurrent weight and bias: U(±1/√hidden).
  const init = uniform(1 / Math.sqrt(H));
  return {
    wIh: register(`weight_ih${suffix}`, parameter([G * H, inF], init, who)),
    wHh: register(`weight_hh${suffix}`, parameter([G * H, H], init, who)),
    bIh: bias ? register(`bias_ih${suffix}`, parameter([G * H], init, who)) : null,
    bHh: bias ? register(`bias_hh${suffix}`, parameter([G * H], init, who)) : null,
  };
}

function positiveInt(layer: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${layer}: ${name} must be a positive integer, got ${v}`);
}

function flag(layer: string, name: string, v: boolean): boolean {
  if (typeof v !== "boolean") throw new Error(`${layer}: ${name} must be true or false, got ${describe(v)}`);
  return v;
}

/**
 * Run fn; when no graph will be recorded (noGrad, or nothing requires a gradient), free the
 * layer's intermediates (zero states, packed outputs, slices) so that only what fn returns stays
 * alive, even outside a scope. With a graph they must live: the backward rules read them.
 */
function freeingIntermediates<T>(inputs: readonly (Tensor | undefined)[], params: Iterable<Tensor>, fn: () => T): T {
  // With a graph, the intermediates live as long as what fn returns; without one, not past fn.
  if (isGradEnabled() && (inputs.some((t) => t?.requiresGrad) || [...params].some((p) => p.requiresGrad))) return owning(fn);
  return scope(fn);
}

function zerosState(like: Tensor, B: number, H: number): Tensor {
  const t = new Tensor(like.backend, [B, H]);
  like.backend.fill(t.ptr, t.size, 0);
  return t;
}

/**
 * RNN, LSTM and GRU: stacked, optionally bidirectional runs of one cell kind over a sequence.
 *
 * @example const lstm: nn.RecurrentBase = new nn.LSTM(8, 16, { numLayers: 2 });
 * const { output, h } = lstm.forwardWithState(randn([5, 3, 8])); // output [5, 3, 16], h [2, 3, 16]
 */
export abstract class RecurrentBase extends Module {
  /** Stacked layers; layer l > 0 reads the outputs of layer l − 1. */
  readonly numLayers: number;
  /** Whether the cells have b_ih and b_hh. */
  readonly bias: boolean;
  /** Inputs and outputs are [batch, seq, feature] instead of [seq, batch, feature]. */
  readonly batchFirst: boolean;
  /** A second pass runs backwards in time; outputs concatenate both directions. */
  readonly bidirectional: boolean;
  /** weights[layer][direction]. */
  protected readonly weights: CellWeights[][] = [];

  /**
   * @param kind The cell's gate equations: RNN (tanh or relu), LSTM or GRU.
   * @param inputSize Features of each input step x_t.
   * @param hiddenSize Features of the hidden state h_t.
   */
  constructor(protected readonly kind: CellKind, readonly inputSize: number, readonly hiddenSize: number, options: RecurrentOptions = {}) {
    super();
    checkOptions(this.constructor.name, options);
    const name = this.constructor.name;
    positiveInt(name, "inputSize", inputSize);
    positiveInt(name, "hiddenSize", hiddenSize);
    this.numLayers = options.numLayers ?? 1;
    positiveInt(name, "numLayers", this.numLayers);
    this.bias = flag(name, "bias", options.bias ?? true);
    this.batchFirst = flag(name, "batchFirst", options.batchFirst ?? false);
    this.bidirectional = flag(name, "bidirectional", options.bidirectional ?? false);
    const D = this.bidirectional ? 2 : 1;
    const G = gateCount(kind);
    const register = (n: string, t: Tensor): Tensor => this.param(n, t);
    for (let l = 0; l < this.numLayers; l++) {
      const inF = l === 0 ? inputSize : hiddenSize * D;
      const dirs: CellWeights[] = [];
      for (let d = 0; d < D; d++) dirs.push(cellWeights(name, register, `_l${l}${d === 1 ? "_reverse" : ""}`, G, inF, hiddenSize, this.bias));
      this.weights.push(dirs);
    }
  }

  /** Check shapes and run every layer and direction; the layers' forward() wrap this. */
  protected run(x: Tensor, h0?: Tensor, c0?: Tensor, projected = false): RecurrentOutput {
    return freeingIntermediates([x, h0, c0], this.parameters(), () => this.runLayers(x, h0, c0, projected));
  }

  /** The output sequence alone: the final states are intermediates, freed as the others are. */
  protected runOutput(x: Tensor, h0?: Tensor, c0?: Tensor): Tensor {
    return freeingIntermediates([x, h0, c0], this.parameters(), () => this.runLayers(x, h0, c0, false).output);
  }

  private runLayers(x: Tensor, h0: Tensor | undefined, c0: Tensor | undefined, projected: boolean): RecurrentOutput {
    const D = this.bidirectional ? 2 : 1;
    const L = this.numLayers;
    const H = this.hiddenSize;
    if (projected && D === 2) throw new Error(`${this.describe()}: forwardProjected takes one direction's projection; a bidirectional layer needs forwardWithState`);
    const F = projected ? gateCount(this.kind) * H : this.inputSize;
    const expectX = this.batchFirst ? `[batch, T, ${F}]` : `[T, batch, ${F}]`;
    const what = projected ? "projected input" : "input";
    checkInput(this.describe(), x, what);
    if (x.rank !== 3 || x.shape[2] !== F) throw new Error(`${this.describe()}: ${what} has shape ${fmt(x.shape)}, expected ${expectX}`);
    const [T, B] = this.batchFirst ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]];
    if (T === 0) throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}: the sequence is empty (T = 0)`);
    if (B === 0) throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}: the batch is empty`);
    const expectState = `[${L * D}, ${B}, ${H}]`;
    for (const [n, s] of [["h0", h0], ["c0", c0]] as const) {
      // null is an absent state, as PyTorch's None.
      if (s != null) checkInput(this.describe(), s, `initial state ${n}`);
      if (s != null && (s.rank !== 3 || s.shape[0] !== L * D || s.shape[1] !== B || s.shape[2] !== H)) {
        throw new Error(`${this.describe()}: initial state ${n} has shape ${fmt(s.shape)}, expected ${expectState} (layers·directions, batch, hidden)`);
      }
    }
    if (c0 != null && this.kind !== "lstm") throw new Error(`${this.describe()}: got a cell state c0, but only an LSTM has one`);

    const lstm = this.kind === "lstm";
    let input = this.batchFirst ? transpose(x, 0, 1) : x;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let l = 0; l < L; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const k = l * D + d;
        const h = h0 ? reshape(slice(h0, 0, k, k + 1), [B, H]) : zerosState(x, B, H);
        const c = lstm ? (c0 ? reshape(slice(c0, 0, k, k + 1), [B, H]) : zerosState(x, B, H)) : null;
        const w = this.weights[l][d];
        const packed = recurrentSequence(this.kind, input, h, c, projected && l === 0 ? { ...w, wIh: null, bIh: null } : w, d === 1);
        const seq = lstm ? slice(packed, 0, 0, T) : packed;
        const last = d === 1 ? 0 : T - 1;
        hs.push(slice(seq, 0, last, last + 1));
        if (lstm) cs.push(slice(packed, 0, T, T + 1));
        outs.push(seq);
      }
      input = D === 2 ? concat(outs, 2) : outs[0];
    }
    const output = this.batchFirst ? transpose(input, 0, 1) : input;
    const h = hs.length === 1 ? hs[0] : concat(hs, 0);
    if (!lstm) return { output, h };
    return { output, h, c: cs.length === 1 ? cs[0] : concat(cs, 0) };
  }

  /** The output sequence and the final states (h, and c for the LSTM); forward() returns the output only. */
  forwardWithState(x: Tensor, h0?: Tensor, c0?: Tensor): RecurrentOutput {
    return this.run(x, h0, c0);
  }

  /**
   * The first layer's input part of the gate pre-activations, x·W_ihᵀ + b_ih: [..., inputSize] →
   * [..., G·hidden] (G = 4 gates for the LSTM, 3 for the GRU, 1 for the RNN).
   */
  inputProjection(x: Tensor): Tensor {
    const w = this.weights[0][0];
    return linear(x, w.wIh!, w.bIh);
  }

  /**
   * forwardWithState with the first layer's input already projected: xw [T, batch, G·hidden]
   * ([batch, T, G·hidden] with batchFirst) holds inputProjection(x_t) at every step. For inputs
   * from a small vocabulary that is cheaper than forwardWithState: project the V vocabulary
   * vectors once, [V, G·hidden], and gather one row per token (ops.embedding) instead of
   * multiplying all T·batch inputs. Same result, same gradients (through the projection).
   * One direction only; layers above the first run as in forwardWithState.
   * @example
   * const table = lstm.inputProjection(embed.weight);            // [V, 4H], V ≪ T·B
   * const { output } = lstm.forwardProjected(ops.embedding(table, ids));
   */
  forwardProjected(xw: Tensor, h0?: Tensor, c0?: Tensor): RecurrentOutput {
    return this.run(xw, h0, c0, true);
  }

  override describe(): string {
    const extras = [
      this.numLayers > 1 ? `layers ${this.numLayers}` : "",
      this.bidirectional ? "bidirectional" : "",
      this.batchFirst ? "batchFirst" : "",
      this.bias ? "" : "no bias",
    ].filter((s) => s !== "");
    return `${this.constructor.name}(${this.inputSize}→${this.hiddenSize}${extras.length ? ", " + extras.join(", ") : ""})`;
  }
}

/** Options of RNN: those of every recurrent layer and the nonlinearity. */
export interface RNNOptions extends RecurrentOptions {
  /** "tanh" (default) or "relu". */
  nonlinearity?: "tanh" | "relu";
}

function rnnKind(layer: string, n: string | undefined): CellKind {
  if (n === undefined || n === "tanh") return "rnnTanh";
  if (n === "relu") return "rnnRelu";
  throw new Error(`${layer}: nonlinearity must be "tanh" or "relu", got "${n}"`);
}

/**
 * Elman RNN: h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) (or relu), PyTorch's nn.RNN.
 * forward(x, h0?) returns the output sequence; forwardWithState(x, h0?) also the final h.
 * @example
 * const rnn = new nn.RNN(2, 32, { batchFirst: true });
 * const { output, h } = rnn.forwardWithState(x); // x [B, T, 2] → output [B, T, 32], h [1, B, 32]
 */
export class RNN extends RecurrentBase {
  /** The activation of h_t: tanh (default) or relu. */
  readonly nonlinearity: "tanh" | "relu";

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(rnnKind("RNN", checkOptions("RNN", options).nonlinearity), inputSize, hiddenSize, options);
    this.nonlinearity = this.kind === "rnnRelu" ? "relu" : "tanh";
  }

  forward(x: Tensor, h0?: Tensor): Tensor {
    checkInput(this.describe(), x);
    return this.runOutput(x, h0);
  }
}

/**
 * The single-step cells: one time step of RNN, LSTM or GRU for step-by-step loops.
 *
 * @example const cell: nn.CellBase = new nn.GRUCell(8, 16);
 * let h = cell.forward(randn([3, 8])); // [3, 16]; feed h back at the next step
 */
export abstract class CellBase extends Module {
  /** @internal The cell's weight_ih, weight_hh, bias_ih and bias_hh. */
  protected readonly w: CellWeights;

  /**
   * @param kind The cell's gate equations: RNN (tanh or relu), LSTM or GRU.
   * @param inputSize Features of the input x.
   * @param hiddenSize Features of the hidden state h.
   */
  constructor(protected readonly kind: CellKind, readonly inputSize: number, readonly hiddenSize: number, bias = true) {
    super();
    positiveInt(this.constructor.name, "inputSize", inputSize);
    positiveInt(this.constructor.name, "hiddenSize", hiddenSize);
    this.w = cellWeights(this.constructor.name, (n, t) => this.param(n, t), "", gateCount(kind), inputSize, hiddenSize, bias);
  }

  /**
   * One step: x [B, in], h, c [B, H] (zeros when absent) → the packed next state (see
   * recurrentSequence), handed to `finish`, which cuts out what the cell returns.
   */
  protected step1<R>(x: Tensor, h: Tensor | undefined, c: Tensor | undefined, finish: (packed: Tensor) => R): R {
    return freeingIntermediates([x, h, c], this.parameters(), () => finish(this.step1Packed(x, h, c)));
  }

  private step1Packed(x: Tensor, h?: Tensor, c?: Tensor): Tensor {
    const H = this.hiddenSize;
    checkInput(this.describe(), x);
    if (x.rank !== 2 || x.shape[1] !== this.inputSize) throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}, expected [batch, ${this.inputSize}]`);
    const B = x.shape[0];
    if (B === 0) throw new Error(`${this.describe()}: input has shape ${fmt(x.shape)}: the batch is empty`);
    for (const [n, s] of [["h", h], ["c", c]] as const) {
      // null is an absent state, as PyTorch's None.
      if (s != null) checkInput(this.describe(), s, `state ${n}`);
      if (s != null && (s.rank !== 2 || s.shape[0] !== B || s.shape[1] !== H)) {
        throw new Error(`${this.describe()}: state ${n} has shape ${fmt(s.shape)}, expected [${B}, ${H}]`);
      }
    }
    const lstm = this.kind === "lstm";
    const hx = h ?? zerosState(x, B, H);
    const cx = lstm ? (c ?? zerosState(x, B, H)) : null;
    return recurrentSequence(this.kind, reshape(x, [1, B, this.inputSize]), hx, cx, this.w, false);
  }

  override describe(): string {
    return `${this.constructor.name}(${this.inputSize}→${this.hiddenSize}${this.w.bIh ? "" : ", no bias"})`;
  }
}

/**
 * One step of the Elman RNN: h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), PyTorch's nn.RNNCell.
 * @example
 * const cell = new nn.RNNCell(2, 16);
 * let h = cell.forward(x0);          // x0 [B, 2] → h [B, 16]
 * h = cell.forward(x1, h);
 */
export class RNNCell extends CellBase {
  /** The activation of h': tanh (default) or relu. */
  readonly nonlinearity: "tanh" | "relu";

  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; nonlinearity?: "tanh" | "relu" } = {}) {
    super(rnnKind("RNNCell", checkOptions("RNNCell", options).nonlinearity), inputSize, hiddenSize, checkOptions("RNNCell", options).bias ?? true);
    this.nonlinearity = this.kind === "rnnRelu" ? "relu" : "tanh";
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    checkInput(this.describe(), x);
    return this.step1(x, h, undefined, (packed) => reshape(packed, [x.shape[0], this.hiddenSize]));
  }
}
