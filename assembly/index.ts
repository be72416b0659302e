// The Wasm core: every kernel family, re-exported. One family per file.
export * from "./memory";
