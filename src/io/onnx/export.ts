// exportOnnx: a wasmnn model as an ONNX file, to run in ONNX Runtime (or anything that reads
// ONNX) with no converter. Each module type is one registry entry that appends the nodes of its
// forward pass to the graph (src/io/onnx/layers.ts, recurrent.ts); containers emit their
// children. Weights become initializers under their stateDict names ("0.weight"). The model is
// exported in eval mode: dropout is the identity, batch norm uses its running statistics.
import { noGrad } from "../../autograd/engine.js";
import { scope } from "../../memory/scope.js";
import type { AnyModule } from "../../nn/module.js";
import { zeros } from "../../tensor/creation.js";
import { fmt } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { INT64, OnnxGraph, OPSETS } from "./graph.js";

/** What an ONNX emitter gets besides its module: the graph under construction and a way to emit children. */
export interface OnnxContext {
  /** The graph nodes and initializers are appended to. */
  readonly graph: OnnxGraph;
  /** The module's stateDict prefix ("encoder.0."), for initializer names. */
  readonly prefix: string;
  /**
   * Self-attention below applies the causal mask (exportOnnx's isCausal, or a GPT's blocks). An
   * entry reads it only where it applies it: exportOnnx refuses an isCausal that no layer read.
   */
  readonly causal: boolean;
  /**
   * Value x as int64 token ids: the graph's input itself, which is then declared int64, or a
   * Cast of a float value (wasmnn holds ids as f32 integers).
   */
  ids(x: string): string;
  /**
   * Emit a child module on value `x` of shape `shape`, causal as this module unless told;
   * returns its output value and shape.
   *
   * @property name The child's output value.
   * @property shape Its shape.
   */
  child(m: AnyModule, name: string, x: string, shape: readonly number[], causal?: boolean): { name: string; shape: number[] };
}

/** How one layer class is written as ONNX nodes. */
export interface OnnxEntry<M extends AnyModule = AnyModule> {
  /** The layer's class: modules of exactly this class use this entry. */
  cls: abstract new (...args: never[]) => M;
  /** Append m's forward pass on value x (shape `shape`, batch included) and return the output value's name. */
  emit(m: M, x: string, shape: readonly number[], ctx: OnnxContext): string;
  /** The output shape, for a module whose forward(x) alone does not run (default: run it on zeros). */
  outputShape?(m: M, shape: readonly number[]): number[];
}

const entries = new Map<unknown, OnnxEntry>();

/** Add an ONNX mapping for a module type (exact class). */
export function registerOnnx<M extends AnyModule>(entry: OnnxEntry<M>): void {
  entries.set(entry.cls, entry as unknown as OnnxEntry);
}

/** The output shape of m on an input of `shape`, found by running it (on zeros, without a graph). */
function outputShape(m: AnyModule, shape: readonly number[]): number[] {
  return scope(() => noGrad(() => [...(m.forward(zeros(shape)) as Tensor).shape]));
}

/** What every module of one export shares: the graph, its input, and whether that input holds ids. */
interface Export {
  graph: OnnxGraph;
  input: string;
  int64Input: boolean;
  /** Some layer applied the causal mask. */
  causalRead: boolean;
}

function emitModule(e: Export, m: AnyModule, path: string, prefix: string, causal: boolean, x: string, shape: readonly number[]): { name: string; shape: number[] } {
  const entry = entries.get(m.constructor);
  if (entry === undefined) throw new Error(`exportOnnx: ${path} is a ${m.constructor.name}, which has no ONNX mapping`);
  const out = entry.outputShape ? entry.outputShape(m, shape) : outputShape(m, shape);
  const ctx: OnnxContext = {
    graph: e.graph,
    prefix,
    get causal() {
      e.causalRead ||= causal;
      return causal;
    },
    ids: (v) => {
      if (v !== e.input) return e.graph.op("Cast", [v], { to: { i: INT64 } });
      e.int64Input = true;
      return v;
    },
    child: (c, name, cx, cshape, cc = causal) => emitModule(e, c, `${path}.${name}`, `${prefix}${name}.`, cc, cx, cshape),
  };
  return { name: entry.emit(m, x, shape, ctx), shape: out };
}

/** Options of exportOnnx: the opset and which axes stay symbolic. */
export interface OnnxOptions {
  /** Operator-set version, 13 to 21 (default 17). */
  opset?: number;
  /**
   * Axes of the input left symbolic in the file, so that other sizes run too (default [0], the
   * batch). The output's axis of the same index is declared symbolic as well.
   */
  dynamicAxes?: number[];
  /**
   * Export forward(x, { isCausal: true }) of a TransformerEncoder or TransformerEncoderLayer (and
   * a MultiheadAttention as causal self-attention): query i attends to keys 0…i (default false).
   * A GPT is always causal.
   */
  isCausal?: boolean;
}

/**
 * The ONNX bytes of `model` for inputs of `inputShape` (batch included, e.g. [1, 784]).
 * Mapped: Linear, Conv2d, ConvTranspose2d, pooling, batch norm, activations, Dropout, Flatten,
 * Unflatten, Sequential, RNN/LSTM/GRU, Embedding, LayerNorm, MultiheadAttention (self-attention),
 * TransformerEncoderLayer, TransformerEncoder, the positional encodings, the autoencoders, the
 * GAN generator and GPT; any other module is an error naming it. A model that starts with an
 * Embedding (a GPT: ids [batch, T] → logits [batch, T, vocab]) takes int64 token ids.
 * @example
 * const bytes = await exportOnnx(model, [1, 1, 28, 28]);               // then, with onnxruntime:
 * const session = await ort.InferenceSession.create(bytes);
 * const { output } = await session.run({ input: new ort.Tensor("float32", pixels, [1, 1, 28, 28]) });
 */
export async function exportOnnx(model: AnyModule, inputShape: readonly number[], options: OnnxOptions = {}): Promise<Uint8Array> {
  const opset = options.opset ?? 17;
  if (!OPSETS.includes(opset)) throw new Error(`exportOnnx: opset must be one of ${OPSETS.join(", ")}, got ${opset}`);
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`exportOnnx: inputShape must be a list of positive integers (batch included), got ${JSON.stringify(inputShape)}`);
  }
  const dynamic = options.dynamicAxes ?? [0];
  for (const a of dynamic) if (!Number.isInteger(a) || a < 0 || a >= inputShape.length) throw new Error(`exportOnnx: dynamic axis ${a} is not an axis of the input ${fmt(inputShape)}`);
  const wasTraining = model.training;
  model.eval();
  const graph = new OnnxGraph(opset);
  const causal = options.isCausal ?? false;
  if (typeof causal !== "boolean") throw new Error(`exportOnnx: isCausal must be true or false, got ${JSON.stringify(causal)}`);
  const e: Export = { graph, input: graph.unique("input"), int64Input: false, causalRead: false };
  let out: { name: string; shape: number[] };
  try {
    out = emitModule(e, model, "model", "", causal, e.input, inputShape);
  } finally {
    model.train(wasTraining);
  }
  if (causal && !e.causalRead) throw new Error(`exportOnnx: isCausal is for self-attention, and ${model.describe()} has none`);
  const output = graph.op("Identity", [out.name], {}, "output");
  const dims = (shape: readonly number[]) => shape.map((d, i) => (dynamic.includes(i) ? `d${i}` : d));
  return graph.encode({ name: e.input, dims: dims(inputShape), int64: e.int64Input }, { name: output, dims: dims(out.shape) }, model.describe());
}
