// ONNX export: the registry and its entries.
import "./layers.js";
import "./recurrent.js";
import "./transformer.js";
export { exportOnnx, registerOnnx, type OnnxEntry, type OnnxContext, type OnnxOptions } from "./export.js";
export { OnnxGraph, OPSETS, type Attr } from "./graph.js";
