// The thread pool: GEMM (every form) split into blocks of rows of op(A) over two threads gives the
// one-thread result bit for bit (no k loop is split), errors in a worker surface as Errors in the
// caller, and an idle pool does not keep Node from exiting.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { backend, ready, threads } from "../../src/backend/index.js";
import { PARALLEL_MIN, WasmBackend } from "../../src/backend/wasm/index.js";
import { instantiateCore } from "../../src/backend/wasm/load.js";
import type { Backend } from "../../src/backend/index.js";
import { expectExact, get, put, seeded } from "./harness.js";

const ROOT = join(import.meta.dirname, "..", "..");

let pooled: Backend;
let single: WasmBackend;

beforeAll(async () => {
  await ready({ threads: 2 });
  pooled = backend("wasm");
  single = new WasmBackend(await instantiateCore(undefined, false, "plain"));
});

/**
 * (m, n, k), all above the size where the pool is used (PARALLEL_MIN = 2²² multiply-adds): odd m (an odd block edge), m
 * not a multiple of the thread count, n with an edge panel, k cut into several blocks.
 */
const SHAPES: [number, number, number][] = [[257, 64, 257], [300, 130, 784], [512, 512, 512], [33, 784, 256], [4, 1024, 1100]];

function run(b: Backend, m: number, n: number, k: number, transB: boolean, accumulate: boolean, packed: boolean, transA = false): Float32Array {
  const a = put(b, seeded(m * k, 1)), bb = put(b, seeded(k * n, 2)), c = put(b, seeded(m * n, 3));
  if (packed) {
    const pb = b.heap.alloc(b.packedBBytes(n, k));
    b.packB(bb, pb, n, k, transB);
    b.gemmPacked(a, pb, c, m, n, k, transA, accumulate);
  } else {
    b.gemm(a, bb, c, m, n, k, transA, transB, accumulate);
  }
  return get(b, c, m * n);
}

describe("ready({ threads })", () => {
  it("reports the threads in force", () => {
    expect(threads()).toBe(2);
    for (const [m, n, k] of SHAPES) expect(m * n * k).toBeGreaterThanOrEqual(PARALLEL_MIN);
  });

  for (const [m, n, k] of SHAPES) {
    const forms = [["NN", false, false, false], ["NT", true, false, false], ["TN", false, false, true], ["TT", true, false, true], ["packed B", false, true, false], ["packed B, Aᵀ", false, true, true]] as const;
    for (const [form, transB, packed, transA] of forms) {
      it(`gemm ${form} ${m}×${n}×${k} on two threads equals one thread bit for bit`, () => {
        for (const accumulate of [false, true]) {
          expectExact(run(pooled, m, n, k, transB, accumulate, packed, transA), run(single, m, n, k, transB, accumulate, packed, transA), `${form} ${m}×${n}×${k}${accumulate ? " +=" : ""}`);
        }
      });
    }
  }

  it("surfaces an error in a worker as an Error in the caller, and keeps working", () => {
    const [m, n, k] = [512, 512, 512];
    const a = put(pooled, seeded(m * k, 6)), bb = put(pooled, seeded(k * n, 7));
    // C placed so that the first half of its rows (the caller's) fit in memory and the second
    // half (the worker's) do not: the worker traps.
    const end = pooled.heap.byteLength;
    const c = end - (m / 2) * n * 4;
    expect(() => pooled.gemm(a, bb, c, m, n, k, false, false, false)).toThrow(/^wasmnn thread pool: thread 1: memory access out of bounds/);
    expectExact(run(pooled, m, n, k, false, false, false), run(single, m, n, k, false, false, false), "after the error");
  });

  it("refuses a thread count that is not a positive integer, naming it", async () => {
    const probe = (t: string) => spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e",
      `import { ready } from "./src/backend/index.ts"; await ready({ threads: ${t} }).catch((e) => console.log(e.message));`], { cwd: ROOT, encoding: "utf8" });
    expect(probe("0").stdout.trim()).toBe('ready: threads is 0, expected "auto" or an integer from 1 to 256');
    expect(probe("1.5").stdout.trim()).toBe('ready: threads is 1.5, expected "auto" or an integer from 1 to 256');
  });

  it("does not keep Node from exiting, and auto takes one thread per core", () => {
    const t0 = Date.now();
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", [
      'import { availableParallelism } from "node:os";',
      'import { ready, threads, backend } from "./src/backend/index.ts";',
      'await ready({ threads: "auto" });',
      "const b = backend(\"wasm\"); const p = b.heap.alloc(4 * 256 * 256);",
      "b.gemm(p, p, b.heap.alloc(4 * 256 * 256), 256, 256, 256, false, false, false);",
      "console.log(threads() === availableParallelism());",
    ].join("\n")], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("true");
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
