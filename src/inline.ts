// wasmnn with the Wasm core inlined as base64: for bundlers and pages that cannot ship or locate
// a separate .wasm file. Same API as the main entry; `ready()` needs no location.
//   import { ready, nn } from "wasmnn/inline";
import { ready as readyWith, type ReadyOptions } from "./index.js";
import { wasmBase64 } from "./wasm-inline.js";

export * from "./index.js";

function decode(base64: string): Uint8Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Instantiate the inlined Wasm core (once) and make a backend current. */
export async function ready(options: Omit<ReadyOptions, "wasm"> = {}): Promise<void> {
  return readyWith({ ...options, wasm: decode(wasmBase64), debug: false });
}
