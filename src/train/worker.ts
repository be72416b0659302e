// Training off the main thread. A page that trains on its own thread stutters: fit yields to the
// event loop between batches, but each batch still holds the thread while it runs. In a Web
// Worker (or a Node worker_thread) the page keeps all of its time. The worker runs fit with the
// callback postTraining hands it; the callback posts each batch's and each epoch's logs, and at
// the end the trained weights as a state dict (its arrays transferred, not copied). On the main
// thread, receiveTraining turns those messages into callbacks and a promise of the result.
//
//   // worker.js (new Worker(new URL("./worker.js", import.meta.url), { type: "module" }))
//   import { ready, fit, models, optim, xor, postTraining } from "wasmnn";
//   await ready();
//   const model = models.mlp({ inputs: 2, hidden: [8], outputs: 1, activation: "tanh" });
//   const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
//   await postTraining(self, model, (progress) =>
//     fit(model, xor(), { epochs: 400, batchSize: 4, optimizer, loss: "binaryCrossEntropy", verbose: false, callbacks: [progress] }));
//
//   // page
//   const { weights } = await receiveTraining(worker, { onBatch: (b) => plot(b.loss) });
//   model.loadStateDict(weights);   // the same architecture, built on this thread
import type { Module } from "../nn/module.js";
import type { BatchLogs, Callback, EpochLogs } from "./callbacks.js";

/** A module's parameters and buffers by PyTorch key, as stateDict() gives them. */
export type StateDict = ReturnType<Module["stateDict"]>;

/**
 * The messages postTraining sends; `type` starts with "wasmnn:" so that a worker can mix in its own.
 *
 * @property type "wasmnn:batch", "wasmnn:epoch", "wasmnn:done" or "wasmnn:error".
 * @property logs A batch's or an epoch's logs.
 * @property history Every epoch's logs.
 * @property weights The trained weights.
 * @property message The error's message.
 */
export type TrainingMessage =
  | { type: "wasmnn:batch"; logs: BatchLogs }
  | { type: "wasmnn:epoch"; logs: EpochLogs }
  | { type: "wasmnn:done"; history: EpochLogs[]; weights: StateDict }
  | { type: "wasmnn:error"; message: string };

/** Where a worker posts: `self` in a Web Worker, `parentPort` in a worker_thread. */
export interface PostPort {
  /** Send a message, transferring the listed buffers. */
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
}

/** Options of postTraining. */
export interface PostTrainingOptions {
  /** Post every n-th batch's logs (default 1: every batch); 0 posts none. */
  batchEvery?: number;
}

/**
 * In a worker: run `train` (which calls fit with the callback it is given) and post its progress,
 * then the trained weights, to the thread that started the worker. A failure is posted as an
 * error message and rethrown. Returns fit's history.
 *
 * @example // worker.ts: train, posting every 10th batch's logs and then the weights
 * await ready();
 * const model = models.mlp({ inputs: 2, hidden: [8], outputs: 1, activation: "tanh" });
 * await postTraining(self, model, (progress) => fit(model, xor(), { epochs: 200, batchSize: 4, optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }), loss: "binaryCrossEntropy", callbacks: [progress], verbose: false }), { batchEvery: 10 });
 */
export async function postTraining(
  port: PostPort,
  model: Module,
  train: (progress: Callback) => Promise<EpochLogs[]>,
  options: PostTrainingOptions = {},
): Promise<EpochLogs[]> {
  const every = options.batchEvery ?? 1;
  if (!Number.isInteger(every) || every < 0) throw new Error(`postTraining: batchEvery must be a non-negative integer, got ${every}`);
  let step = 0;
  const progress: Callback = {
    onBatchEnd(logs) {
      if (every > 0 && step++ % every === 0) port.postMessage({ type: "wasmnn:batch", logs } satisfies TrainingMessage, []);
    },
    onEpochEnd(logs) {
      port.postMessage({ type: "wasmnn:epoch", logs } satisfies TrainingMessage, []);
    },
  };
  try {
    const history = await train(progress);
    const weights = model.stateDict();
    const transfer = [...new Set(Object.values(weights).map((w) => w.data.buffer as ArrayBuffer))];
    port.postMessage({ type: "wasmnn:done", history, weights } satisfies TrainingMessage, transfer);
    return history;
  } catch (err) {
    port.postMessage({ type: "wasmnn:error", message: (err as Error).message } satisfies TrainingMessage, []);
    throw err;
  }
}

/**
 * A Web Worker (message events) or a Node worker_threads Worker (an EventEmitter).
 *
 * @property addEventListener Listen to message and error events (Web Worker).
 * @property removeEventListener Stop listening (Web Worker).
 * @property on Listen to message and error events (worker_threads).
 * @property off Stop listening (worker_threads).
 */
export type WorkerLike =
  | { addEventListener(type: string, listener: (event: { data?: unknown; message?: string }) => void): void; removeEventListener(type: string, listener: (event: { data?: unknown; message?: string }) => void): void }
  | { on(event: string, listener: (value: unknown) => void): unknown; off(event: string, listener: (value: unknown) => void): unknown };

/** What receiveTraining calls as the worker's messages arrive. */
export interface ReceiveTrainingHandlers {
  /** With each batch's logs that the worker posts. */
  onBatch?(logs: BatchLogs): void;
  /** With each epoch's logs. */
  onEpoch?(logs: EpochLogs): void;
}

function isTrainingMessage(m: unknown): m is TrainingMessage {
  return typeof m === "object" && m !== null && typeof (m as { type?: unknown }).type === "string" && (m as { type: string }).type.startsWith("wasmnn:");
}

/**
 * On the main thread: call the handlers on each progress message of a worker that runs
 * postTraining, and resolve with its history and trained weights (reject on its error, or if
 * the worker itself fails). Messages that are not postTraining's are left to other listeners.
 *
 * @property history Every epoch's logs.
 * @property weights The trained weights.
 *
 * @example const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
 * const { history, weights } = await receiveTraining(worker, { onBatch: (logs) => console.log(logs.loss) });
 * model.loadStateDict(weights); // the page's copy of the model now holds the trained weights
 */
export function receiveTraining(worker: WorkerLike, handlers: ReceiveTrainingHandlers = {}): Promise<{ history: EpochLogs[]; weights: StateDict }> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown): void => {
      if (!isTrainingMessage(m)) return;
      if (m.type === "wasmnn:batch") handlers.onBatch?.(m.logs);
      else if (m.type === "wasmnn:epoch") handlers.onEpoch?.(m.logs);
      else {
        detach();
        if (m.type === "wasmnn:done") resolve({ history: m.history, weights: m.weights });
        else reject(new Error(`training in the worker failed: ${m.message}`));
      }
    };
    const onError = (e: unknown): void => {
      detach();
      const message = e instanceof Error ? e.message : ((e as { message?: string }).message ?? String(e));
      reject(new Error(`the training worker failed: ${message}`));
    };
    let detach: () => void;
    if ("on" in worker) {
      worker.on("message", onMessage);
      worker.on("error", onError);
      detach = () => {
        worker.off("message", onMessage);
        worker.off("error", onError);
      };
    } else {
      const onEvent = (e: { data?: unknown }): void => onMessage(e.data);
      worker.addEventListener("message", onEvent);
      worker.addEventListener("error", onError);
      detach = () => {
        worker.removeEventListener("message", onEvent);
        worker.removeEventListener("error", onError);
      };
    }
  });
}
