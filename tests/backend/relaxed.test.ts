// The relaxed-SIMD core: chosen by ready({ simd }), refused with a clear error where the host lacks
// relaxed SIMD, and held to the same parity tests as the plain core. Node 20 runs relaxed SIMD only
// under --experimental-wasm-relaxed-simd (a V8 flag, which NODE_OPTIONS does not pass on), so each
// case is a child process with the flag set or explicitly cleared.
//
// Tolerance: the relaxed core differs from the plain one only where madd (assembly/simd.ts) is
// used, and there f32x4.relaxed_madd rounds a·b + c once where the plain core rounds a·b and then
// the sum. Every error bound in the kernel tests counts one rounding of relative size u = 2⁻²⁴ per
// product and one per addition (for a k-term dot product, γ_k = k·u/(1 − k·u) times Σ|terms|, Higham
// §3.1); a fused step commits at most the addition's rounding, so the same bounds hold for the
// relaxed core unchanged, and the kernel test files are rerun as they are against it.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const VITEST = join(ROOT, "node_modules", "vitest", "vitest.mjs");
const ON = "--experimental-wasm-relaxed-simd";
const OFF = "--no-experimental-wasm-relaxed-simd";

/** The kernel tests of every family with a madd site: GEMM (all forms), conv, the exp and erfc
 * polynomials (activations, softmax, losses, attention), norms, distances, capsules, Adam. */
const KERNEL_TESTS = ["gemm", "conv", "activation", "loss", "norm", "transformer", "distance", "capsule", "optim"]
  .map((f) => `tests/backend/${f}.test.ts`);

/** Env of a child: no variable of the vitest worker running this file. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: "1", FORCE_COLOR: "0" };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("VITEST") && k !== "NODE_ENV" && k !== "TEST") env[k] = v;
  return { ...env, ...extra };
}

function probe(flag: string, mode: string): { simd?: string; gemm?: number; error?: string } {
  const run = spawnSync(process.execPath, [flag, "--import", "tsx", join(ROOT, "tests", "backend", "relaxed-probe.ts"), mode], { cwd: ROOT, encoding: "utf8", env: childEnv({}) });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!);
}

describe("choosing the core", () => {
  it("with relaxed SIMD, auto and relaxed load the relaxed core, which fuses the multiply-add", () => {
    expect(probe(ON, "auto")).toEqual({ simd: "relaxed", gemm: 2 ** -24 });
    expect(probe(ON, "relaxed")).toEqual({ simd: "relaxed", gemm: 2 ** -24 });
    expect(probe(ON, "plain")).toEqual({ simd: "plain", gemm: 0 });
  });

  it("without relaxed SIMD, auto falls back to the plain core and relaxed is refused", () => {
    expect(probe(OFF, "auto")).toEqual({ simd: "plain", gemm: 0 });
    expect(probe(OFF, "relaxed")).toEqual({
      error: 'ready: simd "relaxed" asked for, but this host does not support relaxed SIMD (Chrome ≥ 114, Node ≥ 22, or Node 20 with --experimental-wasm-relaxed-simd); use simd "auto" or "plain"',
    });
    expect(probe(OFF, "fast")).toEqual({ error: 'ready: simd is "fast", expected "auto", "relaxed" or "plain"' });
  });
});

describe("the relaxed core against the JS reference", () => {
  it("passes every kernel test of the families it changes", () => {
    const run = spawnSync(process.execPath, [VITEST, "run", ...KERNEL_TESTS, `--execArgv=${ON}`, "--reporter=dot"], {
      cwd: ROOT, encoding: "utf8", env: childEnv({ WASMNN_SIMD: "relaxed" }),
    });
    const out = run.stdout + run.stderr;
    expect(run.status, out).toBe(0);
    const files = /Test Files\s+(\d+) passed \((\d+)\)/.exec(out);
    expect(files?.slice(1).map(Number), out).toEqual([KERNEL_TESTS.length, KERNEL_TESTS.length]);
    expect(Number(/Tests\s+(\d+) passed/.exec(out)?.[1]), out).toBeGreaterThan(150);
  });
});
