// summary(): the layers of a model, their output shapes and parameter counts, found by running
// one input through the model with every module's forward wrapped to record what it returns.
import { getBackend } from "../backend/index.js";
import { noGrad } from "../autograd/engine.js";
import { scope } from "../memory/scope.js";
import { fmt, type Shape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { Module } from "./module.js";

export interface LayerRow {
  name: string;
  layer: string;
  outputShape: number[];
  params: number;
}

/** The model's layers, output shapes and parameter counts for an input of `inputShape`. */
export function layerTable(model: Module, inputShape: Shape): LayerRow[] {
  const rows: LayerRow[] = [];
  const restore: (() => void)[] = [];
  const visit = (m: Module, name: string, depth: number): void => {
    const own = m.namedParameters().length - m.namedChildren().reduce((s, [, c]) => s + c.namedParameters().length, 0);
    const isLeaf = m.namedChildren().length === 0;
    if (depth > 0 && (isLeaf || own > 0)) {
      const row: LayerRow = { name, layer: m.describe(), outputShape: [], params: 0 };
      rows.push(row);
      row.params = isLeaf ? m.parameterCount() : 0;
      const original = m.forward;
      m.forward = (...xs: Tensor[]) => {
        const y = original.apply(m, xs);
        row.outputShape = [...y.shape];
        return y;
      };
      restore.push(() => {
        m.forward = original;
      });
    }
    for (const [n, c] of m.namedChildren()) visit(c, depth === 0 ? n : `${name}.${n}`, depth + 1);
  };
  visit(model, "", 0);
  const wasTraining = model.training;
  try {
    model.eval();
    scope(() => {
      noGrad(() => model.forward(new Tensor(getBackend(), inputShape).set(new Float32Array(inputShape.reduce((a, d) => a * d, 1)))));
    });
  } finally {
    restore.forEach((r) => r());
    model.train(wasTraining);
  }
  return rows;
}

/**
 * A printable table of the model's layers for an input of `inputShape` (batch axis included).
 * @example console.log(summary(mlp, [1, 784]));
 */
export function summary(model: Module, inputShape: Shape): string {
  const rows = layerTable(model, inputShape);
  const total = model.parameterCount();
  const header = `${"layer".padEnd(12)} ${"type".padEnd(34)} ${"output shape".padEnd(18)} ${"params".padStart(10)}`;
  const lines = [header, "-".repeat(header.length)];
  for (const r of rows) lines.push(`${r.name.padEnd(12)} ${r.layer.padEnd(34)} ${fmt(r.outputShape).padEnd(18)} ${r.params.toLocaleString("en-US").padStart(10)}`);
  lines.push("-".repeat(header.length), `total trainable parameters: ${total.toLocaleString("en-US")}`);
  return lines.join("\n");
}
