// wasmnn: the public API.
import "./autograd/engine.js"; // installs Tensor.backward
// Types that the API's signatures name, so that the reference links them.
export type { Shape } from "./tensor/shape.js";
export type { Nested } from "./tensor/creation.js";
export type { Node as AutogradNode } from "./tensor/tensor.js";
export type { LinearMemory } from "./memory/heap.js";
export type { ResponseLike } from "./backend/wasm/load.js";
export { Basis } from "./backend/basis.js";
export type { CellKind, CellWeights } from "./autograd/recurrent.js";
export type { Source as DataSource } from "./data/dataset.js";
export type { LossName, LossFn, EarlyStoppingOptions } from "./train/index.js";
export type { Adversaries } from "./train/gan.js";
export type { BlobLike } from "./io/model-files.js";

export { ready, setBackend, getBackend, backend, simd, threads } from "./backend/index.js";
export type { Backend, BackendName, ReadyOptions, SimdMode, WasmSource } from "./backend/index.js";
export { Activation, Binary, Unary } from "./backend/opcodes.js";
export { Tensor } from "./tensor/tensor.js";
export { tensor, zeros, ones, full, rand, randn, type CreateOptions } from "./tensor/creation.js";
export { Random, manualSeed, rng, type RandomState } from "./tensor/random.js";
export { scope, keep, liveTensors } from "./memory/scope.js";
export { Heap } from "./memory/heap.js";
export * as ops from "./autograd/index.js";
export { noGrad } from "./autograd/engine.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as losses from "./losses.js";
export { fit, evaluate, predict, earlyStopping, type FitOptions, type EvalResult, type Callback, type EpochLogs } from "./train/index.js";
export { dataset, splitAt, type Dataset } from "./data/dataset.js";
export { loadMnist, type MnistOptions } from "./data/mnist.js";
export { xor, twoSpirals } from "./data/synthetic.js";
export { regression1d, sinCos, piecewise4, piecewiseRegion, PIECEWISE_FUNCTIONS, type SampleOptions } from "./data/functions.js";
export { kmeans, nearestCenterWidths, type KMeansOptions, type KMeansResult } from "./cluster/kmeans.js";
export { addingProblem, type AddingOptions } from "./data/adding.js";
export { mobyDick, CharVocab, charCorpus, TextStreams } from "./data/text.js";
export { gaussianRing, ringModes, modeCoverage, type RingOptions, type ModeCoverage } from "./data/gaussians.js";
export { fitGan, discriminatorLoss, generatorLoss, formatGanLogs, type GanFitOptions, type GanEpochLogs } from "./train/gan.js";
export * as models from "./models/index.js";
// Model files: safetensors, config.json, checkpoints, ONNX.
export * as io from "./io/index.js";
export { save, load, loadWeights, toSafetensors, fromSafetensors, toFiles, resume, checkpoint, exportOnnx } from "./io/index.js";
// In the browser and in workers: training off the main thread, per-batch logs, MNIST from a compact file.
export { postTraining, receiveTraining, type BatchLogs, type TrainContext, type PostPort, type PostTrainingOptions, type ReceiveTrainingHandlers, type StateDict, type TrainingMessage, type WorkerLike } from "./train/index.js";
export { mnistFile } from "./data/mnist.js";
export type { UrlLike } from "./platform.js";
export { fitCapsNet, capsuleAccuracy, formatCapsNetLogs, type CapsNetFitOptions, type CapsNetEpochLogs, type CapsuleClassifier } from "./train/capsnet.js";
export { affineImage, randomAffine, randomAffineDataset, perturbedMnist, type AffineOptions } from "./data/transform.js";
