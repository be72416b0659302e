// The Wasm core: every kernel family, re-exported. One family per file; each kernel opens with
// its contract (layout, shapes, aliasing). Kernels never allocate and never validate.
export * from "./memory";
export * from "./gemm";
export * from "./elementwise";
export * from "./activation";
export * from "./reduce";
export * from "./loss";
export * from "./optim";
export * from "./conv";
export * from "./pool";
export * from "./norm";
export * from "./recurrent";
export * from "./distance";
export * from "./capsule";
export * from "./layernorm";
export * from "./logsoftmax";
export * from "./attention";

/** 1 when this core was built with relaxed SIMD (fused multiply-adds, see madd in simd.ts), else 0. */
export function relaxedSimd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
