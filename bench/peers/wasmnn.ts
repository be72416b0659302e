// wasmnn on its Wasm backend, as a child of the peers suite beside each peer's child:
// `node wasmnn.js --task NAME [--quick] [--simd plain|relaxed]` (relaxed: on Node 20 with
// --experimental-wasm-relaxed-simd). The steps are those of wasmnn's own rows (bench/mlp.ts,
// bench/cnn.ts, bench/rnn.ts, bench/gemm.ts), timed as the peers' are.
import { pathToFileURL } from "node:url";
import { backend, ready, setBackend, type SimdMode } from "../../src/index.js";
import { lenetStep } from "../cnn.js";
import { gemmCall } from "../gemm.js";
import { mlpStep } from "../mlp.js";
import { trainStep } from "../rnn.js";
import { BATCH, childTask, GEMM_N, report, timeStep, type Measured, type Task } from "./protocol.js";

function measure(task: Task, quick: boolean): Measured {
  setBackend("wasm");
  if (task === "gemm") {
    const { call, release } = gemmCall(backend("wasm"), "NN", GEMM_N, GEMM_N, GEMM_N);
    const seconds = timeStep(call, quick);
    release();
    return { seconds };
  }
  if (task === "lstm") return { seconds: timeStep(trainStep("lstm"), quick) };
  const { step, dispose } = task === "mlp" ? mlpStep(BATCH) : lenetStep();
  const seconds = timeStep(step, quick);
  dispose();
  return { seconds };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const { task, quick } = childTask(argv);
  await ready({ simd: argv.includes("--simd") ? (argv[argv.indexOf("--simd") + 1] as SimdMode) : "auto" });
  report(() => measure(task, quick));
}
