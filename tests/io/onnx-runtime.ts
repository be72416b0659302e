// ONNX Runtime for the exportOnnx suites: onnxruntime-web (its pure-Wasm build) in Node, one
// session per exported file, all released after the suite, and the largest difference from
// wasmnn seen on each model printed at the end.
import * as ort from "onnxruntime-web";
import { afterAll, beforeAll } from "vitest";
import { ready, setBackend } from "../../src/index.js";

ort.env.wasm.numThreads = 1;

/** Sets up the suite it is called in (wasm backend; sessions released and differences printed after). */
export function onnxRuntime(): {
  /** The output of the file `bytes` on one input. */
  run(bytes: Uint8Array, input: ort.Tensor): Promise<ort.Tensor>;
  /** Note a model's largest |difference| for the summary. */
  record(name: string, max: number): void;
} {
  const sessions: ort.InferenceSession[] = [];
  const worst: [string, number][] = [];
  beforeAll(async () => {
    await ready();
    setBackend("wasm");
  });
  afterAll(async () => {
    for (const s of sessions) await s.release();
    console.log(`ONNX Runtime vs wasmnn, largest |difference| per model:\n${worst.map(([n, d]) => `  ${d.toExponential(2)}  ${n}`).join("\n")}`);
  });
  return {
    async run(bytes, input) {
      const session = await ort.InferenceSession.create(bytes);
      sessions.push(session);
      return (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
    },
    record: (name, max) => void worst.push([name, max]),
  };
}

/** The largest |got[i] − want[i]|. */
export function maxDifference(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
  return max;
}
