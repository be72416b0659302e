// Run by relaxed.test.ts in a Node child process (with or without relaxed SIMD enabled): loads the
// core with ready({ simd: argv[2] }) and prints, as JSON, the core in force and one GEMM whose
// result tells a fused multiply-add from a rounded product and sum, or the error ready() threw.
import { backend, ready, simd, type SimdMode } from "../../src/backend/index.js";
import { get, put } from "./harness.js";

try {
  await ready({ simd: process.argv[2] as SimdMode, debug: false });
  const wasm = backend("wasm");
  // A 1×2 by 2×1 product: the first step leaves −(1 + 2⁻¹¹) in the accumulator, exactly; the second
  // adds a·b with a = b = 1 + 2⁻¹², exactly 1 + 2⁻¹¹ + 2⁻²⁴, which rounds (a tie, to even) to
  // 1 + 2⁻¹¹. A fused multiply-add keeps 2⁻²⁴, a rounded product gives 0.
  const a = put(wasm, [-(1 + 2 ** -11), 1 + 2 ** -12]);
  const b = put(wasm, [1, 1 + 2 ** -12]);
  const c = put(wasm, [0]);
  wasm.gemm(a, b, c, 1, 1, 2, false, false, false);
  console.log(JSON.stringify({ simd: simd(), gemm: get(wasm, c, 1)[0] }));
} catch (err) {
  console.log(JSON.stringify({ error: (err as Error).message }));
}
