// Run by relaxed.test.ts in a Node child process (with or without relaxed SIMD enabled): loads the
// core with ready({ simd: argv[2] }) and prints, as JSON, the core in force and one GEMM whose
// result tells a fused multiply-add from a rounded product and sum, or the error ready() threw.
import { backend, ready, simd, type SimdMode } from "../../src/backend/index.js";
import { get, put } from "./harness.js";

try {
  await ready({ simd: process.argv[2] as SimdMode, debug: false });
  const wasm = backend("wasm");
  // a·b with a = b = 1 + 2⁻¹²: exactly 1 + 2⁻¹¹ + 2⁻²⁴, which rounds (a tie, to even) to 1 + 2⁻¹¹.
  // Added to c = −(1 + 2⁻¹¹): a fused multiply-add keeps 2⁻²⁴, a rounded product gives 0.
  const a = put(wasm, [1 + 2 ** -12]);
  const c = put(wasm, [-(1 + 2 ** -11)]);
  wasm.gemm(a, a, c, 1, 1, 1, false, false, true);
  console.log(JSON.stringify({ simd: simd(), gemm: get(wasm, c, 1)[0] }));
} catch (err) {
  console.log(JSON.stringify({ error: (err as Error).message }));
}
