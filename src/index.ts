// wasmnn: the public API.
export { ready, setBackend, getBackend, backend } from "./backend/index.js";
export type { Backend, BackendName, ReadyOptions, WasmSource } from "./backend/index.js";
export { Activation, Binary, Unary } from "./backend/opcodes.js";
