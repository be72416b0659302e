// Elementwise arithmetic: forward values against float64, gradients against finite differences,
// for every broadcasting pattern wasmnn supports (including the stretched-left operand).
import { beforeAll, describe, expect, it } from "vitest";
import { ops, ready, setBackend, tensor, type Tensor } from "../../src/index.js";
import { broadcastRef, expectClose, expectGradcheck, randomData, type InputSpec } from "../gradcheck.js";

type BinaryName = "add" | "sub" | "mul" | "div";
const binaries: Record<BinaryName, { f: (a: Tensor, b: Tensor) => Tensor; ref: (x: number, y: number) => number }> = {
  add: { f: ops.add, ref: (x, y) => x + y },
  sub: { f: ops.sub, ref: (x, y) => x - y },
  mul: { f: ops.mul, ref: (x, y) => x * y },
  div: { f: ops.div, ref: (x, y) => x / y },
};

// [a shape, b shape, what the case is]
const patterns: [number[], number[], string][] = [
  [[3, 4], [3, 4], "equal shapes"],
  [[3, 4], [], "scalar tensor"],
  [[3, 4], [1], "one-element vector"],
  [[5, 3], [3], "bias vector [N,C]+[C]"],
  [[4, 3], [4, 1], "per-row [N,C]+[N,1]"],
  [[2, 3, 2, 2], [1, 3, 1, 1], "per-channel [N,C,H,W]+[1,C,1,1]"],
  [[2, 3, 2, 2], [3, 1, 1], "per-channel [N,C,H,W]+[C,1,1]"],
  [[3], [4, 3], "stretched left: [C]+[N,C]"],
  [[4, 1], [4, 3], "stretched left: [N,1]+[N,C]"],
  [[], [2, 3], "stretched left: scalar+[N,C]"],
  [[1, 3, 1, 1], [2, 3, 2, 2], "stretched left: per-channel"],
  [[4, 1], [1, 3], "both stretched: [N,1]+[1,C]"],
];

const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);

for (const name of ["js", "wasm"] as const) {
  describe(name, () => {
    beforeAll(async () => {
      await ready();
      setBackend(name);
    });

    for (const [opName, { f, ref }] of Object.entries(binaries) as [BinaryName, (typeof binaries)[BinaryName]][]) {
      describe(opName, () => {
        for (const [as, bs, label] of patterns) {
          // Divisors kept in [0.5, 1.5]: away from 0, where 1/b and its derivatives blow up.
          const bLo = opName === "div" ? 0.5 : -1;
          const bHi = opName === "div" ? 1.5 : 1;

          it(`forward, ${label}: ${JSON.stringify(as)} ${opName} ${JSON.stringify(bs)}`, () => {
            const a = randomData(size(as), 11);
            const b = randomData(size(bs), 12, bLo, bHi);
            const out = f(tensor(a, as), tensor(b, bs));
            const want = broadcastRef(a, as, b, bs, ref);
            expect(out.shape).toEqual(want.shape);
            expectClose(out.toArray(), want.data, 1e-6, 1e-6);
          });

          it(`gradient, ${label}: ${JSON.stringify(as)} ${opName} ${JSON.stringify(bs)}`, () => {
            const specs: InputSpec[] = [{ shape: as }, { shape: bs, lo: bLo, hi: bHi }];
            expectGradcheck(f, specs);
          });
        }

        it("gradient with respect to one operand only (the other a constant)", () => {
          expectGradcheck(f, [{ shape: [4, 3] }, { shape: [3], lo: bLo(opName), hi: 1.5, grad: false }]);
          expectGradcheck(f, [{ shape: [3], grad: false }, { shape: [4, 3], lo: bLo(opName), hi: 1.5 }]);
        });
      });
    }

    describe("unary", () => {
      // [name, op, float64 reference, input range]: log, sqrt and fractional powers need x > 0,
      // and are fed x ≥ 0.5 to keep their third derivatives (the finite-difference error) small.
      const unaries: [string, (x: Tensor) => Tensor, (x: number) => number, Partial<InputSpec>][] = [
        ["neg", ops.neg, (x) => -x, {}],
        ["mulScalar(-2.5)", (x) => ops.mulScalar(x, -2.5), (x) => -2.5 * x, {}],
        ["addScalar(0.75)", (x) => ops.addScalar(x, 0.75), (x) => x + 0.75, {}],
        ["exp", ops.exp, Math.exp, {}],
        ["log", ops.log, Math.log, { lo: 0.5, hi: 2 }],
        ["sqrt", ops.sqrt, Math.sqrt, { lo: 0.5, hi: 2 }],
        ["square", ops.square, (x) => x * x, {}],
        ["pow(3)", (x) => ops.pow(x, 3), (x) => x ** 3, {}],
        ["pow(2.5)", (x) => ops.pow(x, 2.5), (x) => x ** 2.5, { lo: 0.5, hi: 2 }],
        ["pow(-1.5)", (x) => ops.pow(x, -1.5), (x) => x ** -1.5, { lo: 0.5, hi: 2 }],
        ["abs", ops.abs, Math.abs, { avoidZero: 0.05 }],
      ];
      for (const [label, f, ref, range] of unaries) {
        it(`${label}: forward`, () => {
          const spec: InputSpec = { shape: [3, 7], ...range };
          const lo = range.lo ?? -1;
          const hi = range.hi ?? 1;
          const x = randomData(21, 5, lo, hi);
          const y = f(tensor(x, [3, 7]));
          expect(y.shape).toEqual(spec.shape);
          expectClose(y.toArray(), Array.from(x, ref), 1e-6, 2e-6);
        });
        it(`${label}: gradient`, () => {
          expectGradcheck(f, [{ shape: [3, 7], ...range }]);
        });
      }

      it("abs has gradient 0 at exactly 0 (not NaN), ±1 elsewhere", () => {
        const x = tensor([-2, 0, 3], [3], { requiresGrad: true });
        ops.sum(ops.abs(x)).backward();
        expect(Array.from(x.grad!.toArray())).toEqual([-1, 0, 1]);
      });

      it("mulScalar and addScalar by hand", () => {
        expect(Array.from(ops.mulScalar(tensor([1, -2, 0.5]), 4).toArray())).toEqual([4, -8, 2]);
        expect(Array.from(ops.addScalar(tensor([1, -2, 0.5]), -1).toArray())).toEqual([0, -3, -0.5]);
        expect(Array.from(ops.pow(tensor([2, 3]), 2).toArray())).toEqual([4, 9]);
      });
    });

    describe("errors", () => {
      it("operands that do not broadcast name the op and both shapes", () => {
        expect(() => ops.mul(tensor(new Float32Array(12), [3, 4]), tensor(new Float32Array(5), [5]))).toThrow(/^mul: shapes \[3, 4\] and \[5\] do not broadcast$/);
        expect(() => ops.add(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(4), [2, 2]))).toThrow(/add: shapes \[2, 3\] and \[2, 2\] do not broadcast/);
      });

      it("a broadcast wasmnn's kernels cannot express names both shapes", () => {
        expect(() => ops.sub(tensor(new Float32Array(60), [3, 4, 5]), tensor(new Float32Array(15), [3, 1, 5]))).toThrow(/sub: cannot broadcast \[3, 4, 5\] with \[3, 1, 5\]/);
        expect(() => ops.div(tensor(new Float32Array(15), [3, 1, 5]), tensor(new Float32Array(60), [3, 4, 5]))).toThrow(/div: cannot broadcast \[3, 1, 5\] with \[3, 4, 5\]/);
      });

      it("a disposed operand is named", () => {
        const a = tensor([1, 2]);
        a.dispose();
        expect(() => ops.add(a, tensor([1, 2]))).toThrow(/add: input Tensor\[2\] was disposed/);
        expect(() => ops.exp(a)).toThrow(/exp: input Tensor\[2\] was disposed/);
      });
    });
  });
}

function bLo(op: BinaryName): number {
  return op === "div" ? 0.5 : -1;
}
