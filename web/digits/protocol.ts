// What the draw-a-digit page and its worker say to each other (besides postTraining's progress).
export type ModelName = "cnn" | "mlp";

export type ToWorker =
  /** `data`: the URL of the compact MNIST file, beside the page. */
  | { type: "train"; model: ModelName; epochs: number; data: string }
  /** 784 pixels in [0, 1], row-major, white ink on black as in MNIST. */
  | { type: "predict"; pixels: Float32Array }
  /** A model file (safetensors, its architecture in the metadata, as toSafetensors or save() write it). */
  | { type: "load"; bytes: ArrayBuffer; name: string; data: string }
  | { type: "save" };

export interface Filters {
  count: number;
  size: number;
  values: Float32Array;
}

export type FromWorker =
  | { type: "loaded"; train: number; test: number; bytes: number }
  | { type: "evaluated"; epoch: number; accuracy: number; seconds: number; filters: Filters | null }
  | { type: "loadedModel"; name: string; parameters: number; accuracy: number; filters: Filters | null }
  | { type: "saved"; bytes: Uint8Array }
  | { type: "probs"; probs: number[] }
  | { type: "failed"; message: string };
