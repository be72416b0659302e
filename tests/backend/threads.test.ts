// The thread pool: GEMM (every form) split into blocks of rows of op(A) over two threads gives the
// one-thread result bit for bit (no k loop is split), and so do the elementwise, row, reduction
// and optimizer kernels split into ranges (every element computed as on one thread), and the
// convolutions split by images or output channels; errors in a worker surface as Errors in the
// caller, and an idle pool does not keep Node from exiting.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { backend, ready, threads } from "../../src/backend/index.js";
import { ELEMENTWISE_MIN, PARALLEL_MIN, WasmBackend } from "../../src/backend/wasm/index.js";
import { Activation, Binary, Unary } from "../../src/backend/opcodes.js";
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
 * (m, n, k), all above the size where the pool is used (PARALLEL_MIN multiply-adds): odd m (an
 * odd block edge), m not a multiple of the thread count, n with an edge panel, k cut into several
 * blocks; m ≥ n cuts the rows of op(A), n > m the columns of op(B) (the last three).
 */
const SHAPES: [number, number, number][] = [[257, 64, 257], [300, 130, 784], [512, 512, 512], [33, 784, 256], [4, 1024, 1100], [40, 1001, 300]];

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

  // Lengths above ELEMENTWISE_MIN that are not a multiple of the 64-float grain, 4 lanes or 2 threads.
  const N = ELEMENTWISE_MIN * 3 + 37;
  /** Runs `kernel` on both backends over fresh seeded inputs and compares every output block. */
  function same(name: string, inputs: number[], outputs: number[], kernel: (b: Backend, ins: number[], outs: number[]) => void): void {
    const result = (b: Backend) => {
      const ins = inputs.map((n, i) => put(b, seeded(n, 10 + i, i === 0 ? -3 : 0.1, 3)));
      const outs = outputs.map((n, i) => put(b, seeded(n, 20 + i)));
      kernel(b, ins, outs);
      return [...ins, ...outs].map((p, i) => get(b, p, [...inputs, ...outputs][i]));
    };
    const a = result(pooled), b = result(single);
    a.forEach((got, i) => expectExact(got, b[i], `${name}, block ${i}`));
  }

  for (const op of [Unary.Neg, Unary.Exp, Unary.Sqrt, Unary.MulScalar, Unary.PowScalar]) {
    it(`unary ${Unary[op]} over ${N} floats on two threads equals one thread bit for bit`, () => {
      same(Unary[op], [N], [N], (b, [x], [y]) => b.unary(op, x, y, N, 1.7));
    });
  }
  // A scalar b, a full-length b, a trailing vector (bias add) and a middle axis (a channel).
  const broadcasts: [string, number, number][] = [["scalar", 1, 1], ["zip", N, 1], ["trailing vector", 101, 1], ["middle axis", 7, 577]];
  for (const [form, bn, inner] of broadcasts) {
    it(`binary Div, ${form} b, on two threads equals one thread bit for bit`, () => {
      same(form, [N, bn], [N], (b, [x, y], [out]) => b.binary(Binary.Div, x, y, out, N, bn, inner));
    });
  }
  for (const kind of [Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh, Activation.GELUTanh, Activation.GELU]) {
    it(`activation ${Activation[kind]} and its backward on two threads equal one thread bit for bit`, () => {
      same(Activation[kind], [N, N], [N, N], (b, [x, dy], [y, dx]) => {
        b.activation(kind, x, y, N, 0.1);
        b.activationBackward(kind, x, y, dy, dx, N, 0.1);
      });
    });
  }
  it("softmax, logSoftmax and their backwards by rows on two threads equal one thread bit for bit", () => {
    const rows = 1001, cols = 131;
    same("softmax", [rows * cols, rows * cols], [rows * cols, rows * cols, rows * cols, rows * cols], (b, [x, dy], [y, dx, ly, ldx]) => {
      b.softmax(x, y, rows, cols);
      b.softmaxBackward(y, dy, dx, rows, cols);
      b.logSoftmax(x, ly, rows, cols);
      b.logSoftmaxBackward(ly, dy, ldx, rows, cols);
    });
  });
  it("sumAxis and maxAxis by blocks of outer on two threads equal one thread bit for bit", () => {
    for (const [outer, len, inner] of [[513, 300, 1], [33, 129, 37]]) {
      same(`${outer}×${len}×${inner}`, [outer * len * inner], [outer * inner, outer * inner], (b, [x], [s, m]) => {
        b.sumAxis(x, s, outer, len, inner);
        b.maxAxis(x, m, outer, len, inner);
      });
    }
  });
  it("SGD (Nesterov), RMSprop (momentum) and Adam (and AdamW) steps on two threads equal one thread bit for bit", () => {
    same("sgd", [N], [N, N], (b, [g], [p, buf]) => {
      b.sgdStep(p, g, buf, N, 0.1, 0.9, 0, 1e-4, true, true);
      b.sgdStep(p, g, buf, N, 0.1, 0.9, 0, 1e-4, true, false);
    });
    same("rmsprop", [N], [N, N, N], (b, [g], [p, v, buf]) => b.rmspropStep(p, g, v, buf, N, 0.01, 0.99, 1e-8, 1e-4, 0.9));
    for (const decoupled of [false, true]) {
      same(`adam ${decoupled}`, [N], [N, N, N], (b, [g], [p, m, v]) => {
        b.fill(v, N, 0);
        for (let t = 1; t <= 3; t++) b.adamStep(p, g, m, v, N, 1e-3, 0.9, 0.999, 1e-8, 1e-2, t, decoupled);
      });
    }
  });

  // Convolutions above PARALLEL_MIN multiply-adds: the LeNet shapes (direct path; 1→8 keeps
  // im2col + GEMM for dx), an odd batch and channel count with padding and dilation (direct, padded
  // planes), and a stride-2 one (im2col + GEMM on every pass).
  type Geometry = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  const CONVS: Geometry[] = [
    [32, 1, 28, 28, 8, 5, 5, 24, 24, 1, 1, 0, 0, 1, 1],
    [32, 8, 12, 12, 16, 5, 5, 8, 8, 1, 1, 0, 0, 1, 1],
    [11, 5, 17, 15, 9, 3, 3, 17, 15, 1, 1, 2, 2, 2, 2],
    [9, 6, 33, 31, 10, 3, 3, 17, 16, 2, 2, 1, 1, 1, 1],
  ];
  for (const g of CONVS) {
    it(`conv2d forward (images), input gradient (images) and weight gradient (channels) of ${g.slice(0, 9).join(",")} s${g[9]} p${g[11]} d${g[13]} on two threads equal one thread bit for bit`, () => {
      const [n, c, h, w, o, kh, kw, oh, ow] = g;
      expect(n * o * oh * ow * c * kh * kw).toBeGreaterThanOrEqual(PARALLEL_MIN);
      const [xs, ws, ys] = [n * c * h * w, o * c * kh * kw, n * o * oh * ow];
      same("conv2d", [xs, ws, o, ys], [ys, xs, ws, o], (b, [x, wt, bias, dy], [y, dx, dW, db]) => {
        b.conv2d(x, wt, bias, y, ...g);
        b.conv2dBackwardInput(dy, wt, dx, ...g);
        b.conv2dBackwardWeight(x, dy, dW, db, ...g);
      });
    });
  }

  it("surfaces an error in a part as an Error in the caller naming the kernel and the part, and keeps working", () => {
    const [m, n, k] = [512, 512, 512];
    const a = put(pooled, seeded(m * k, 6)), bb = put(pooled, seeded(k * n, 7));
    // C placed so that the first half of its rows (part 1) fit in memory and the second half
    // (part 2, which the awake worker claims while the caller runs part 1) do not: part 2 traps.
    const end = pooled.heap.byteLength;
    const c = end - (m / 2) * n * 4;
    expect(() => pooled.gemm(a, bb, c, m, n, k, false, false, false)).toThrow(/^wasmnn thread pool: gemmStrided, part 2 of 2: memory access out of bounds$/);
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
