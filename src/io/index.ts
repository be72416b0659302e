// Model files: safetensors with PyTorch's names, config.json, checkpoints, ONNX export.
export { readSafetensors, readSafetensorsHeader, writeSafetensors, MAX_HEADER_BYTES, type SafetensorsFile, type TensorRecord, type TensorToWrite, type ReadOptions } from "./safetensors.js";
export { DTYPES, f16ToNumber, numberToF16, bf16ToNumber, type DType } from "./dtypes.js";
export { registerLayer, moduleConfig, buildModule, ConfigReader, type LayerEntry, type ModuleConfig, type Json } from "./config.js";
export { toSafetensors, fromSafetensors, toFiles, configJson, load, loadWeights, type ModelFiles, type ModelSource, type StateDict, type SafetensorsOptions, type LoadOptions } from "./model-files.js";
export { save, resume, checkpoint, checkpointFiles, type SaveOptions, type Optimizers } from "./checkpoint.js";
export { exportOnnx, registerOnnx, OnnxGraph, type OnnxEntry, type OnnxContext, type OnnxOptions, type Attr } from "./onnx/index.js";
