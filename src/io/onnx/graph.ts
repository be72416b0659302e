// An ONNX graph under construction, and its encoding. ONNX (Open Neural Network Exchange) is a
// protobuf ModelProto: a graph of operator nodes (Gemm, Conv, LSTM, ...) over named values, the
// weights as initializer tensors, and the operator-set version the nodes follow. The bytes are
// written by protobufjs from the official schema (src/io/onnx/schema.ts), not by hand.
import type protobuf from "protobufjs/light.js";
import { ONNX_SCHEMA } from "./schema.js";

/**
 * An attribute value, tagged with its ONNX type.
 *
 * @property f A float (FLOAT).
 * @property i An integer (INT).
 * @property s A string (STRING).
 * @property ints A list of integers (INTS).
 * @property floats A list of floats (FLOATS).
 * @property strings A list of strings (STRINGS).
 */
export type Attr = { f: number } | { i: number } | { s: string } | { ints: number[] } | { floats: number[] } | { strings: string[] };

const ATTR_TYPE = { f: 1, i: 2, s: 3, floats: 6, ints: 7, strings: 8 } as const;
/** TensorProto.DataType. */
const FLOAT = 1;
export const INT64 = 7;

/** The IR version that goes with each operator-set version (onnx/helper.py's VERSION_TABLE). */
const IR_VERSION: Record<number, number> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
export const OPSETS = Object.keys(IR_VERSION).map(Number);

let modelProto: protobuf.Type | null = null;

/**
 * The ModelProto type. protobufjs is a CommonJS package: it is imported when an export runs, so
 * that a page importing wasmnn as plain ES modules (no bundler) never has to resolve it.
 */
async function ModelProto(): Promise<protobuf.Type> {
  if (modelProto === null) {
    const pb = ((await import("protobufjs/light.js")) as unknown as { default: typeof protobuf }).default;
    modelProto = pb.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace).lookupType("onnx.ModelProto");
  }
  return modelProto;
}

function encodeAttr(name: string, a: Attr): Record<string, unknown> {
  const [key, value] = Object.entries(a)[0] as [keyof typeof ATTR_TYPE, unknown];
  const v = key === "s" ? new TextEncoder().encode(value as string) : key === "strings" ? (value as string[]).map((s) => new TextEncoder().encode(s)) : value;
  return { name, type: ATTR_TYPE[key], [key]: v };
}

/** An ONNX graph being built: nodes in order, initializers (the weights), unique value names. */
export class OnnxGraph {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Record<string, unknown>[] = [];
  private readonly used = new Set<string>();

  /** @param opset The ONNX opset the graph targets. */
  constructor(readonly opset: number) {}

  /** A fresh value name starting with `base`. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** A float32 initializer (a weight) of the given dims; returns its name. */
  weight(name: string, dims: readonly number[], data: ArrayLike<number>): string {
    const bytes = new Uint8Array(data.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
    return this.initializer(name, dims, FLOAT, bytes);
  }

  /** An int64 initializer (a shape, an axis list); `dims` [] makes a scalar of one value. */
  int64s(name: string, data: readonly number[], dims: readonly number[] = [data.length]): string {
    const bytes = new Uint8Array(data.length * 8);
    const view = new DataView(bytes.buffer);
    data.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
    return this.initializer(name, dims, INT64, bytes);
  }

  private initializer(name: string, dims: readonly number[], type: number, raw: Uint8Array): string {
    const n = this.unique(name);
    this.initializers.push({ name: n, dims: [...dims], data_type: type, raw_data: raw });
    return n;
  }

  /** Add a node; returns the names of its `outputs` outputs. An empty input name skips an optional input. */
  node(op: string, inputs: string[], attrs: Record<string, Attr> = {}, outputs = 1, base = op.toLowerCase()): string[] {
    const outs = Array.from({ length: outputs }, () => this.unique(base));
    this.nodes.push({ op_type: op, name: this.unique(`${op}_node`), input: inputs, output: outs, attribute: Object.entries(attrs).map(([k, a]) => encodeAttr(k, a)) });
    return outs;
  }

  /** One-output node. */
  op(op: string, inputs: string[], attrs: Record<string, Attr> = {}, base?: string): string {
    return this.node(op, inputs, attrs, 1, base)[0];
  }

  /**
   * The ModelProto bytes, with one input (float, or int64 for token ids) and one float output.
   * Dims that are strings are symbolic.
   */
  async encode(input: { name: string; dims: (number | string)[]; int64?: boolean }, output: { name: string; dims: (number | string)[] }, docString: string): Promise<Uint8Array> {
    const valueInfo = (v: { name: string; dims: (number | string)[]; int64?: boolean }) => ({
      name: v.name,
      type: { tensor_type: { elem_type: v.int64 ? INT64 : FLOAT, shape: { dim: v.dims.map((d) => (typeof d === "string" ? { dim_param: d } : { dim_value: d })) } } },
    });
    const model = {
      ir_version: IR_VERSION[this.opset],
      opset_import: [{ domain: "", version: this.opset }],
      producer_name: "wasmnn",
      doc_string: docString,
      graph: { name: "wasmnn", node: this.nodes, initializer: this.initializers, input: [valueInfo(input)], output: [valueInfo(output)] },
    };
    const type = await ModelProto();
    return type.encode(type.fromObject(model)).finish();
  }
}
