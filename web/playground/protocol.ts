// What the playground page and its training worker say to each other.
import type { DatasetName, Points } from "./data.js";
import type { FeatureId } from "./features.js";

export type ActivationName = "relu" | "tanh" | "sigmoid" | "gelu";
export type OptimizerName = "sgd" | "adam" | "rmsprop";
export type Regularization = "none" | "l2" | "dropout";
export type BackendChoice = "wasm" | "js";

export interface Config {
  dataset: DatasetName;
  /** Noise, a fraction of the square's half-width (0–0.5). */
  noise: number;
  /** Fraction of the points used for training; the rest is the test set. */
  trainRatio: number;
  points: number;
  seed: number;
  features: FeatureId[];
  /** Neurons per hidden layer. */
  hidden: number[];
  activation: ActivationName;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  regularization: Regularization;
  /** λ of the L2 penalty (as weight decay), or the dropout probability. */
  regRate: number;
  backend: BackendChoice;
}

/** Side of the decision-boundary grid, and of each neuron's small map. */
export const BOUNDARY_GRID = 60;
export const NEURON_GRID = 24;

export type ToWorker =
  | { type: "reset"; config: Config }
  | { type: "play" }
  | { type: "pause" }
  | { type: "step" }
  /** Changes that keep the weights: learning rate, batch size, backend. */
  | { type: "set"; lr?: number; batchSize?: number; backend?: BackendChoice };

export interface LayerWeights {
  inputs: number;
  outputs: number;
  /** [outputs, inputs], row-major, as nn.Linear holds them. */
  weight: Float32Array;
  bias: Float32Array;
}

export interface Frame {
  type: "frame";
  epoch: number;
  trainLoss: number;
  testLoss: number;
  /** Training samples per second over the last second of training, and on which backend. */
  samplesPerSecond: number;
  backend: BackendChoice;
  /** p(label 1) over the BOUNDARY_GRID² grid, rows from the top. */
  boundary: Float32Array;
  /** Each hidden layer's neuron outputs over the NEURON_GRID² grid: [units, grid²]. */
  neurons: Float32Array[];
  weights: LayerWeights[];
}

export type FromWorker =
  | { type: "data"; train: Points; test: Points }
  | Frame
  /** The loop has stopped after a pause: no frame follows until the next play or step. */
  | { type: "paused"; epoch: number }
  | { type: "error"; message: string };
