// Capsule ops (Sabour, Frosst & Hinton, 2017, "Dynamic Routing Between Capsules"), each backward
// beside its forward. A capsule is a vector: its length is the probability that an entity (a
// stroke, a digit) is present, its direction the entity's pose. The kernels and the calculus of
// each backward are in src/backend/js/capsule.ts (the reference) and assembly/capsule.ts.
import { Binary } from "../backend/opcodes.js";
import { bytesText, sizeClass } from "../memory/heap.js";
import type { Backend } from "../backend/types.js";
import { fmt, normAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { owning } from "../memory/scope.js";
import { record } from "./engine.js";
import { transpose } from "./shape.js";
import { backendOf, checkOpOptions, empty } from "./util.js";

/** x with axis `a` moved to the end, the other axes in order (a chain of recorded swaps). */
function axisToEnd(x: Tensor, a: number): Tensor {
  for (let k = a; k < x.rank - 1; k++) x = transpose(x, k, k + 1);
  return x;
}

/** The inverse of axisToEnd. */
function endToAxis(x: Tensor, a: number): Tensor {
  for (let k = x.rank - 1; k > a; k--) x = transpose(x, k - 1, k);
  return x;
}

/** squash along the last axis: one kernel forward, one backward. */
function squashLast(s: Tensor): Tensor {
  const be = backendOf("squash", s);
  const dim = s.shape[s.rank - 1];
  const rows = s.size / dim;
  const v = empty(be, s.shape);
  be.squash(s.ptr, v.ptr, rows, dim);
  return record(v, "squash", [s], (g) => {
    const ds = empty(be, s.shape);
    be.squashBackward(s.ptr, g.ptr, ds.ptr, rows, dim);
    return [ds];
  });
}

/**
 * The squash nonlinearity of capsules, along `axis` (default the last):
 *
 *   v = (‖s‖² / (1 + ‖s‖²)) · s / ‖s‖  =  s · ‖s‖ / (1 + ‖s‖²)
 *
 * It keeps the direction of s and maps its length n to n²/(1 + n²) ∈ [0, 1): short vectors shrink
 * to nearly zero, long ones to just under 1, so the length can be read as a probability. Computed
 * in the second form, a zero vector gives zero and a zero gradient (never NaN): near 0, v ≈ n·s.
 * @example ops.squash(tensor([[3, 4]])) // length 5 → 25/26: [[0.5769, 0.7692]]
 */
export function squash(s: Tensor, axis = -1): Tensor {
  backendOf("squash", s);
  if (s.rank < 1 || s.size === 0) throw new Error(`squash: input has shape ${fmt(s.shape)}, expected at least one non-empty axis`);
  const a = normAxis(axis, s.rank, "squash");
  if (a === s.rank - 1) return squashLast(s);
  // The moved copies belong to the result: freed with it outside a scope.
  return owning(() => endToAxis(squashLast(axisToEnd(s, a)), a));
}

/**
 * The Euclidean length ‖x‖ of the vectors along `axis` (default the last), PyTorch's
 * `x.norm(dim=axis)`. Its gradient is x/‖x‖, taken as 0 at x = 0 (a subgradient) instead of NaN.
 * @example ops.norm(tensor([[3, 4], [0, 0]])) // [5, 0]
 */
export function norm(x: Tensor, axis = -1, keepDims = false): Tensor {
  const be = backendOf("norm", x);
  if (x.rank < 1) throw new Error(`norm: input has shape ${fmt(x.shape)}, expected at least one axis`);
  const a = normAxis(axis, x.rank, "norm");
  // The moved copy is the recorded input: it belongs to the result, freed with it outside a scope.
  return owning(() => normOf(be, x, a, a === x.rank - 1 ? x : axisToEnd(x, a), keepDims));
}

/** ‖xl‖ over its last axis, which is axis a of x. */
function normOf(be: Backend, x: Tensor, a: number, xl: Tensor, keepDims: boolean): Tensor {
  const dim = xl.shape[xl.rank - 1];
  const rows = dim === 0 ? 0 : xl.size / dim;
  const outShape = keepDims ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  const n = empty(be, outShape);
  be.vectorNorm(xl.ptr, n.ptr, rows, dim);
  // The length of an empty vector is 0, as in PyTorch (the kernel sees no rows to write).
  if (dim === 0) be.fill(n.ptr, n.size, 0);
  return record(n, "norm", [xl], (g) => {
    const dx = empty(be, xl.shape);
    be.vectorNormBackward(xl.ptr, n.ptr, g.ptr, dx.ptr, rows, dim);
    return [dx];
  });
}

/** dst [c, a, x] = src [a, c, x]: the first two axes swapped, one strided block copy per a. */
function swapLeading(be: Backend, srcPtr: number, dstPtr: number, a: number, c: number, x: number): void {
  for (let k = 0; k < a; k++) be.copyBlocks(srcPtr + k * c * x * 4, dstPtr + k * x * 4, c, x, x, a * x);
}

/**
 * The prediction vectors of a capsule layer, û_j|i = W_ij · u_i: every input capsule i's vote for
 * the pose of every output capsule j. u: [batch, inCaps, inDim]; weight: [inCaps, outCaps,
 * outDim, inDim] (one outDim×inDim matrix per pair); result [batch, inCaps, outCaps, outDim].
 * Backward: du_i = Σ_j W_ijᵀ·dû_j|i, dW_ij = Σ_batch dû_j|i·u_iᵀ.
 *
 * For each input capsule i this is one GEMM, [batch, inDim]·W_iᵀ with W_i read as
 * [outCaps·outDim, inDim], so the op runs the batched GEMM over i on u and û with their first two
 * axes swapped. A dedicated kernel (one dot product of length inDim per output, the backward as
 * axpy loops) avoided the two copies but lost: forward + backward, batch 32, 288 → 10×16
 * capsules, inDim 8 (CPU time, medians, interleaved): kernel 22.7 ms, swaps + batched GEMM 9.5 ms
 * on Wasm (2.4×); 133 vs 44 ms on JS; at 1,152 input capsules 83 vs 37 ms (Wasm).
 *
 * @example const uHat = ops.capsulePredictions(randn([2, 6, 8]), randn([6, 3, 4, 8])); // [2, 6, 3, 4]
 */
export function capsulePredictions(u: Tensor, weight: Tensor): Tensor {
  const be = backendOf("capsulePredictions", u, weight);
  if (weight.rank !== 4) throw new Error(`capsulePredictions: weight has shape ${fmt(weight.shape)}, expected [inCapsules, outCapsules, outDim, inDim]`);
  const [inCaps, outCaps, outDim, inDim] = weight.shape;
  if (u.rank !== 3 || u.shape[1] !== inCaps || u.shape[2] !== inDim) {
    throw new Error(`capsulePredictions: input has shape ${fmt(u.shape)}, expected [batch, ${inCaps}, ${inDim}] for a weight of shape ${fmt(weight.shape)}`);
  }
  const batch = u.shape[0];
  const rows = outCaps * outDim;
  const uT = empty(be, [inCaps, batch, inDim]);
  swapLeading(be, u.ptr, uT.ptr, batch, inCaps, inDim);
  const yT = empty(be, [inCaps, batch, rows]);
  be.gemmBatched(uT.ptr, weight.ptr, yT.ptr, inCaps, batch, rows, inDim, false, true, false, batch * inDim, rows * inDim, batch * rows);
  const uhat = empty(be, [batch, inCaps, outCaps, outDim]);
  swapLeading(be, yT.ptr, uhat.ptr, inCaps, batch, rows);
  yT.dispose();
  const backward = (g: Tensor) => {
    const gT = empty(be, [inCaps, batch, rows]);
    swapLeading(be, g.ptr, gT.ptr, batch, inCaps, rows);
    let du: Tensor | null = null;
    let dw: Tensor | null = null;
    if (weight.requiresGrad) {
      dw = empty(be, weight.shape);
      be.gemmBatched(gT.ptr, uT.ptr, dw.ptr, inCaps, rows, inDim, batch, true, false, false, batch * rows, batch * inDim, rows * inDim);
    }
    if (u.requiresGrad) {
      const duT = empty(be, uT.shape);
      be.gemmBatched(gT.ptr, weight.ptr, duT.ptr, inCaps, batch, inDim, rows, false, false, false, batch * rows, rows * inDim, batch * inDim);
      du = empty(be, u.shape);
      swapLeading(be, duT.ptr, du.ptr, inCaps, batch, inDim);
      duT.dispose();
    }
    gT.dispose();
    return [du, dw];
  };
  return record(uhat, "capsulePredictions", [u, weight], backward, () => uT.dispose());
}

/** Where the gradient of routing flows: see dynamicRouting. */
export type RoutingGradient = "all" | "last";

/** Options of dynamicRouting. */
export interface RoutingOptions {
  /** "all" (default): through every iteration; "last": through û of the last iteration only. */
  gradient?: RoutingGradient;
}

/** What dynamicRouting returns: the output capsules and the final coupling coefficients. */
export interface RoutingResult {
  /** The output capsules v_j, [batch, outCaps, outDim]. */
  v: Tensor;
  /** The coupling coefficients c_ij of the last iteration, [batch, inCaps, outCaps] (no gradient); each row sums to 1. */
  couplings: Tensor;
}

/**
 * Routing by agreement. uHat: the prediction vectors û_j|i, [batch, inCaps, outCaps, outDim].
 *
 *   b_ij = 0
 *   repeat `iterations` times:
 *     c_i = softmax_j(b_i)              how input capsule i splits its vote among the outputs
 *     s_j = Σ_i c_ij · û_j|i            each output's input: the votes, weighted
 *     v_j = squash(s_j)
 *     b_ij += û_j|i · v_j               (not after the last) votes that agree with v_j get more of it
 *
 * An input capsule whose prediction points where the output already points sends more of itself
 * there: a part finds the whole it belongs to.
 *
 * Gradients. With `gradient: "all"` (the default) backpropagation runs through every iteration,
 * the unrolled loop differentiated exactly: d(v) reaches û through each s_j, through each
 * agreement û·v and through each softmax of b — what the finite-difference checks verify.
 * With "last", as several reference implementations do (they stop the gradient of û inside the
 * loop), the coupling coefficients are treated as constants: only s = Σ_i c_ij·û_j|i of the last
 * iteration sends d(s) to û (dû = c·ds); the backward pass is cheaper and the gradient is that of
 * a weighted sum with fixed weights.
 *
 * @example const { v, couplings } = ops.dynamicRouting(randn([2, 6, 3, 4]), 3); // v [2, 3, 4], couplings [2, 6, 3]
 */
export function dynamicRouting(uHat: Tensor, iterations: number, options: RoutingOptions = {}): RoutingResult {
  const be = backendOf("dynamicRouting", uHat);
  checkOpOptions("dynamicRouting", options);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`dynamicRouting: routingIterations must be an integer ≥ 1, got ${iterations}`);
  if (uHat.rank !== 4) throw new Error(`dynamicRouting: prediction vectors have shape ${fmt(uHat.shape)}, expected [batch, inCapsules, outCapsules, outDim]`);
  const gradient = options.gradient ?? "all";
  if (gradient !== "all" && gradient !== "last") throw new Error(`dynamicRouting: gradient must be "all" or "last", got "${String(gradient)}"`);
  const [batch, inCaps, outCaps, dim] = uHat.shape;
  // Every iteration keeps its c, s and v for backward: refuse a count the heap could never hold
  // before running (and allocating) for minutes.
  const perIteration = sizeClass(batch * inCaps * outCaps * 4) + 2 * sizeClass(batch * outCaps * dim * 4);
  if (iterations * perIteration > be.heap.maxBytes) {
    throw new Error(`dynamicRouting: ${iterations} iterations would keep ${bytesText(iterations * perIteration)} for backward, more than the ${bytesText(be.heap.maxBytes)} heap`);
  }
  const rows = batch * inCaps;
  const logits = empty(be, [batch, inCaps, outCaps]);
  be.fill(logits.ptr, logits.size, 0);
  const cs: Tensor[] = [];
  const ss: Tensor[] = [];
  const vs: Tensor[] = [];
  for (let t = 0; t < iterations; t++) {
    const c = empty(be, logits.shape);
    be.softmax(logits.ptr, c.ptr, rows, outCaps);
    const s = empty(be, [batch, outCaps, dim]);
    be.routingWeightedSum(c.ptr, uHat.ptr, s.ptr, batch, inCaps, outCaps, dim);
    const v = empty(be, s.shape);
    be.squash(s.ptr, v.ptr, batch * outCaps, dim);
    if (t < iterations - 1) be.routingAgreement(uHat.ptr, v.ptr, logits.ptr, batch, inCaps, outCaps, dim, true);
    cs.push(c);
    ss.push(s);
    vs.push(v);
  }
  logits.dispose();
  const out = vs[iterations - 1];
  const couplings = empty(be, cs[iterations - 1].shape);
  be.copy(cs[iterations - 1].ptr, couplings.ptr, couplings.size);
  const saved = [...cs, ...ss, ...vs.slice(0, -1)];
  const backward = (g: Tensor) => [gradient === "all" ? routingBackwardAll(uHat, cs, ss, vs, g) : routingBackwardLast(uHat, cs, ss, g)];
  const v = record(out, "dynamicRouting", [uHat], backward, () => {
    for (const t of saved) t.dispose();
  });
  return { v, couplings };
}

/** dû = c·ds of the last iteration, the coupling coefficients held constant. */
function routingBackwardLast(uHat: Tensor, cs: Tensor[], ss: Tensor[], g: Tensor): Tensor {
  const be = uHat.backend;
  const [batch, inCaps, outCaps, dim] = uHat.shape;
  const last = cs.length - 1;
  const ds = empty(be, g.shape);
  be.squashBackward(ss[last].ptr, g.ptr, ds.ptr, batch * outCaps, dim);
  const du = empty(be, uHat.shape);
  be.routingOuter(cs[last].ptr, ds.ptr, du.ptr, batch, inCaps, outCaps, dim, false);
  ds.dispose();
  return du;
}

/**
 * The unrolled loop differentiated, last iteration first. With db the gradient of the logits b
 * that iteration t + 1 started from (b_{t+1} = b_t + a_t, a_t = û·v_t):
 *   dv_t = g (t last) or Σ_i db_ij·û_j|i, and dû += db·v_t;
 *   ds_t = squash′(s_t)·dv_t; dû += c_t·ds_t;
 *   dc_t = û·ds_t; db_t = softmax′(c_t)·dc_t + db (b_0 = 0 is a constant: not needed at t = 0).
 */
function routingBackwardAll(uHat: Tensor, cs: Tensor[], ss: Tensor[], vs: Tensor[], g: Tensor): Tensor {
  const be = uHat.backend;
  const [batch, inCaps, outCaps, dim] = uHat.shape;
  const du = empty(be, uHat.shape);
  be.fill(du.ptr, du.size, 0);
  const dv = empty(be, g.shape);
  const ds = empty(be, g.shape);
  const dc = empty(be, cs[0].shape);
  let db: Tensor | null = null;
  for (let t = cs.length - 1; t >= 0; t--) {
    if (db === null) be.copy(g.ptr, dv.ptr, g.size);
    else {
      be.routingWeightedSum(db.ptr, uHat.ptr, dv.ptr, batch, inCaps, outCaps, dim);
      be.routingOuter(db.ptr, vs[t].ptr, du.ptr, batch, inCaps, outCaps, dim, true);
    }
    be.squashBackward(ss[t].ptr, dv.ptr, ds.ptr, batch * outCaps, dim);
    be.routingOuter(cs[t].ptr, ds.ptr, du.ptr, batch, inCaps, outCaps, dim, true);
    if (t === 0) break;
    be.routingAgreement(uHat.ptr, ds.ptr, dc.ptr, batch, inCaps, outCaps, dim, false);
    const dbt = empty(be, dc.shape);
    be.softmaxBackward(cs[t].ptr, dc.ptr, dbt.ptr, batch * inCaps, outCaps);
    if (db !== null) {
      be.binary(Binary.Add, dbt.ptr, db.ptr, dbt.ptr, dbt.size, dbt.size, 1);
      db.dispose();
    }
    db = dbt;
  }
  db?.dispose();
  for (const t of [dv, ds, dc]) t.dispose();
  return du;
}
