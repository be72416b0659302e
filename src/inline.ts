// wasmnn with the Wasm core inlined as base64, in every environment (Node included): for
// bundlers or runtimes where the core must not be a file of its own. Same API as the main entry,
// which in browsers already falls back to this copy; `ready()` takes no location here.
//   import { ready, nn } from "wasmnn/inline";
import { ready as readyWith, type ReadyOptions } from "./index.js";
import { decodeBase64 } from "./backend/wasm/load.js";
import { wasmBase64 } from "./wasm-inline.js";

export * from "./index.js";

/** Instantiate the inlined Wasm core (once) and make a backend current. */
export async function ready(options: Omit<ReadyOptions, "wasm"> = {}): Promise<void> {
  return readyWith({ ...options, wasm: decodeBase64(wasmBase64), debug: false });
}
