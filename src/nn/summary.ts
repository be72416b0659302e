// summary(): the layers of a model, their output shapes and parameter counts, found by running
// one input through the model with every module's forward wrapped to record what it returns.
import { getBackend } from "../backend/index.js";
import { noGrad } from "../autograd/engine.js";
import { scope } from "../memory/scope.js";
import { checkShape, fmt, type Shape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { describe } from "../tensor/check.js";
import { Module, type AnyModule } from "./module.js";

/** One row of summary(): a layer, its output shape and parameter count. */
export interface LayerRow {
  /** The layer's dotted name in the model. */
  name: string;
  /** The layer's describe() text. */
  layer: string;
  /** The shape of its output for the given input shape. */
  outputShape: number[];
  /** Its own trainable values. */
  params: number;
}

/**
 * The model's layers, output shapes and parameter counts for an input of `inputShape`.
 *
 * @example const rows = nn.layerTable(models.lenet(), [1, 1, 28, 28]); // name, layer, outputShape, params per layer
 */
export function layerTable(model: Module, inputShape: Shape): LayerRow[] {
  if (!(model instanceof Module)) throw new Error(`summary: model is ${describe(model)}, expected a Module`);
  checkShape(inputShape, "summary: input");
  const rows: LayerRow[] = [];
  const restore: (() => void)[] = [];
  const visit = (m: AnyModule, name: string, depth: number): void => {
    const own = m.namedParameters().length - m.namedChildren().reduce((s, [, c]) => s + c.namedParameters().length, 0);
    const isLeaf = m.namedChildren().length === 0;
    if (depth > 0 && (isLeaf || own > 0)) {
      const row: LayerRow = { name, layer: m.describe(), outputShape: [], params: 0 };
      rows.push(row);
      row.params = isLeaf ? m.parameterCount() : 0;
      const original = m.forward;
      m.forward = (...xs: unknown[]) => {
        const y = original.apply(m, xs);
        // A layer returning [output, extras] (attention) reports its output's shape.
        const out = Array.isArray(y) ? y[0] : y;
        if (out instanceof Tensor) row.outputShape = [...out.shape];
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
  // Columns as wide as their widest entry, so long layer descriptions stay aligned.
  const cells = rows.map((r) => [r.name, r.layer, fmt(r.outputShape), r.params.toLocaleString("en-US")]);
  const titles = ["layer", "type", "output shape", "params"];
  const widths = titles.map((t, c) => Math.max(t.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((v, c) => (c === 3 ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join("  ");
  const header = line(titles);
  const lines = [header, "-".repeat(header.length), ...cells.map(line)];
  lines.push("-".repeat(header.length), `total trainable parameters: ${total.toLocaleString("en-US")}`);
  return lines.join("\n");
}
