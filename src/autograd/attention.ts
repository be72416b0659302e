// Scaled dot-product attention (Vaswani et al., 2017), as one differentiable op:
//
//   Attention(Q, K, V) = softmax(scale·Q·Kᵀ + M)·V,   scale = 1/√D by default.
//
// Each query row of Q asks "which keys match me?": its dot products with every key, scaled so
// that their spread does not grow with the head size D, become weights by a row softmax, and
// the output is that weighted mix of the value rows. M masks pairs out (−∞ before the softmax,
// so their weight is exactly 0): future positions in a causal model, padding in a batch.
//
// Cost: Q·Kᵀ and P·V are batched GEMMs over the B·H score matrices; scale, mask and the row
// softmax are one fused kernel (Backend.attentionSoftmax). Backward, with P saved:
//   dV = Pᵀ·dO,  dP = dO·Vᵀ,  dS = scale·P ⊙ (dP − rowsum(dP ⊙ P)),  dQ = dS·K,  dK = dSᵀ·Q
// (four more GEMMs and one fused kernel). P lives as long as the graph node: its release hook
// frees it once backward has used it.
import type { Backend } from "../backend/types.js";
import { Binary } from "../backend/opcodes.js";
import { keep } from "../memory/scope.js";
import { rng } from "../tensor/random.js";
import { describe } from "../tensor/check.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { isGradEnabled, record } from "./engine.js";
import { backendOf, checkOpOptions, empty } from "./util.js";

/** A boolean mask by value: `bool[i]` truthy or falsy, laid out row-major in `shape`. */
export interface BoolMask {
  /** The mask values, row-major; true (or nonzero) = masked. */
  bool: ArrayLike<boolean | number>;
  /** The mask's shape. */
  shape: readonly number[];
}

/** An additive float mask (a Tensor: added to the scaled scores, −∞ removes a pair) or a boolean one. */
export type AttentionMask = Tensor | BoolMask;

/** Options of scaledDotProductAttention, as PyTorch's F.scaled_dot_product_attention. */
export interface AttentionOptions {
  /**
   * Broadcastable to [B, H, Tq, Tk]. Boolean: true = take part in attention (PyTorch's
   * scaled_dot_product_attention). A float mask is added to the scores and gets no gradient.
   */
  attnMask?: AttentionMask | null;
  /** Query i attends to keys 0…i only (top-left aligned, as PyTorch). Not with attnMask. */
  isCausal?: boolean;
  /** Dropout on the attention weights, applied whenever > 0 (a module passes 0 in eval mode). */
  dropoutP?: number;
  /** Default 1/√D. */
  scale?: number;
}

/** A mask resolved to [b, h, q, Tk] additive floats, b ∈ {1, B}, h ∈ {1, H}, q ∈ {1, Tq}. */
export interface ResolvedMask {
  data: Float32Array;
  b: number;
  h: number;
  q: number;
}

/**
 * Read a mask into additive floats right-aligned against [B, H, Tq, Tk]. `boolMasks`: what a true
 * entry of a boolean mask means ("attend" in SDPA, "mask" in MultiheadAttention).
 */
/** Throw unless mask is a live Tensor or a { bool, shape } mask, naming `who` and `what`. */
export function checkMask(who: string, what: string, mask: unknown): asserts mask is AttentionMask {
  const m = mask as Partial<BoolMask>;
  const ok = mask instanceof Tensor ? !mask.disposed : mask !== null && typeof mask === "object" && Array.isArray(m.shape) && m.bool !== null && typeof m.bool === "object" && typeof m.bool.length === "number";
  if (!ok) throw new Error(`${who}: ${what} is ${mask instanceof Tensor ? `a disposed Tensor${fmt(mask.shape)}` : describe(mask)}, expected a Tensor or { bool, shape }`);
}

export function resolveMask(who: string, mask: AttentionMask, B: number, H: number, Tq: number, Tk: number, boolMasks: "attend" | "mask"): ResolvedMask {
  const isTensor = mask instanceof Tensor;
  checkMask(who, "attention mask", mask);
  const shape = [...mask.shape];
  const want = `[${B}, ${H}, ${Tq}, ${Tk}]`;
  if (shape.length < 1 || shape.length > 4) throw new Error(`${who}: attention mask has shape ${fmt(shape)}, expected a shape broadcastable to ${want}`);
  const [b, h, q, k] = [...new Array(4 - shape.length).fill(1), ...shape] as number[];
  if (k !== Tk || (q !== 1 && q !== Tq) || (h !== 1 && h !== H) || (b !== 1 && b !== B)) {
    throw new Error(`${who}: attention mask has shape ${fmt(shape)}, expected a shape broadcastable to ${want}`);
  }
  const raw = isTensor ? mask.toArray() : mask.bool;
  if (raw.length !== b * h * q * k) throw new Error(`${who}: boolean mask holds ${raw.length} values for shape ${fmt(shape)}`);
  const attend = boolMasks === "attend";
  const one = (i: number): number => (isTensor ? (raw[i] as number) : Boolean(raw[i]) === attend ? 0 : -Infinity);
  // One head's mask shared by every batch entry cannot be reached by (group, stride): expand it.
  const B2 = b === 1 && h === H && H > 1 ? B : b;
  const data = new Float32Array(B2 * h * q * k);
  const per = h * q * k;
  for (let bb = 0; bb < B2; bb++) for (let i = 0; i < per; i++) data[bb * per + i] = one((b === 1 ? 0 : bb) * per + i);
  return { data, b: B2, h, q };
}

/** The sum of two resolved masks, broadcast to their joint shape. */
export function combineMasks(a: ResolvedMask, c: ResolvedMask, B: number, H: number, Tq: number, Tk: number): ResolvedMask {
  const h = Math.max(a.h, c.h) > 1 ? H : 1;
  // Per-head masks need a batch axis (see resolveMask).
  const b = Math.max(a.b, c.b) > 1 || h > 1 ? B : 1;
  const q = Math.max(a.q, c.q) > 1 ? Tq : 1;
  const data = new Float32Array(b * h * q * Tk);
  const at = (m: ResolvedMask, bb: number, hh: number, qq: number, j: number): number =>
    m.data[(((m.b === 1 ? 0 : bb) * m.h + (m.h === 1 ? 0 : hh)) * m.q + (m.q === 1 ? 0 : qq)) * Tk + j];
  for (let bb = 0; bb < b; bb++)
    for (let hh = 0; hh < h; hh++)
      for (let qq = 0; qq < q; qq++)
        for (let j = 0; j < Tk; j++) data[((bb * h + hh) * q + qq) * Tk + j] = at(a, bb, hh, qq, j) + at(c, bb, hh, qq, j);
  return { data, b, h, q };
}

/** Where the operands of one attention call live and how they are laid out. */
export interface AttendGeometry {
  /** B·H score matrices. */
  batch: number;
  heads: number;
  tq: number;
  tk: number;
  d: number;
  dv: number;
  /** Floats between consecutive key / value matrices (tk·d and tk·dv, or more for a KV cache). */
  kStride: number;
  vStride: number;
  scale: number;
  causal: boolean;
}

/** The forward pass on raw pointers: out [batch, tq, dv] ← softmax(scale·Q·Kᵀ + M)·V. Returns P (and the dropout mask). */
export function attendForward(
  be: Backend, qPtr: number, kPtr: number, vPtr: number, outPtr: number, g: AttendGeometry, mask: ResolvedMask | null, dropoutP = 0,
): { p: Tensor; drop: Tensor | null } {
  const { batch, tq, tk, d, dv } = g;
  const p = empty(be, [batch, tq, tk]);
  be.gemmBatched(qPtr, kPtr, p.ptr, batch, tq, tk, d, false, true, false, tq * d, g.kStride, tq * tk);
  let maskT: Tensor | null = null;
  if (mask) {
    maskT = empty(be, [mask.data.length]).set(mask.data);
    const group = mask.h === 1 ? g.heads : 1;
    // Matrix i = b·H + h reads mask ⌊i / group⌋: per batch entry (h = 1) or per matrix (h = H).
    const batchStride = mask.b === 1 ? 0 : mask.q * tk;
    be.attentionSoftmax(p.ptr, maskT.ptr, p.ptr, batch, tq, tk, g.scale, g.causal, group, batchStride, mask.q === 1 ? 0 : tk);
    maskT.dispose();
  } else {
    be.attentionSoftmax(p.ptr, 0, p.ptr, batch, tq, tk, g.scale, g.causal, 1, 0, 0);
  }
  let drop: Tensor | null = null;
  let pd = p;
  if (dropoutP > 0) {
    drop = empty(be, p.shape);
    const v = be.heap.f32(drop.ptr, drop.size);
    const r = rng();
    const keepScale = 1 / (1 - dropoutP);
    for (let i = 0; i < v.length; i++) v[i] = r.next() < dropoutP ? 0 : keepScale;
    pd = empty(be, p.shape);
    be.binary(Binary.Mul, p.ptr, drop.ptr, pd.ptr, p.size, p.size, 1);
  }
  be.gemmBatched(pd.ptr, vPtr, outPtr, batch, tq, dv, tk, false, false, false, tq * tk, g.vStride, tq * dv);
  if (drop) {
    // Backward recomputes P ⊙ mask from P and the mask; keeping both is cheaper than three copies.
    pd.dispose();
  }
  return { p, drop };
}

/** Backward on raw pointers: dQ, dK, dV (any pointer 0: not wanted) from dO and the saved P. */
export function attendBackward(
  be: Backend, qPtr: number, kPtr: number, vPtr: number, dOutPtr: number, p: Tensor, drop: Tensor | null, g: AttendGeometry,
  dqPtr: number, dkPtr: number, dvPtr: number,
): void {
  const { batch, tq, tk, d, dv } = g;
  const ts = tq * tk;
  let pd = p;
  if (drop) {
    pd = empty(be, p.shape);
    be.binary(Binary.Mul, p.ptr, drop.ptr, pd.ptr, p.size, p.size, 1);
  }
  if (dvPtr) be.gemmBatched(pd.ptr, dOutPtr, dvPtr, batch, tk, dv, tq, true, false, false, ts, tq * dv, tk * dv);
  if (drop) pd.dispose();
  const dS = empty(be, p.shape);
  be.gemmBatched(dOutPtr, vPtr, dS.ptr, batch, tq, tk, dv, false, true, false, tq * dv, g.vStride, ts);
  if (drop) be.binary(Binary.Mul, dS.ptr, drop.ptr, dS.ptr, dS.size, dS.size, 1);
  be.attentionSoftmaxBackward(p.ptr, dS.ptr, dS.ptr, batch * tq, tk, g.scale);
  if (dqPtr) be.gemmBatched(dS.ptr, kPtr, dqPtr, batch, tq, d, tk, false, false, false, ts, g.kStride, tq * d);
  if (dkPtr) be.gemmBatched(dS.ptr, qPtr, dkPtr, batch, tk, d, tq, true, false, false, ts, tq * d, tk * d);
  dS.dispose();
}

export function checkOptions(who: string, o: AttentionOptions, D: number): { scale: number; causal: boolean; dropoutP: number } {
  const scale = o.scale ?? 1 / Math.sqrt(D);
  if (!Number.isFinite(scale)) throw new Error(`${who}: scale must be a finite number, got ${o.scale}`);
  const dropoutP = o.dropoutP ?? 0;
  if (!(dropoutP >= 0 && dropoutP < 1)) throw new Error(`${who}: dropoutP must be in [0, 1), got ${o.dropoutP}`);
  const causal = o.isCausal === true;
  if (causal && o.attnMask) throw new Error(`${who}: give attnMask or isCausal, not both`);
  return { scale, causal, dropoutP };
}

/**
 * softmax(scale·Q·Kᵀ + M)·V for q [B, H, Tq, D], k [B, H, Tk, D], v [B, H, Tk, Dv] → [B, H, Tq, Dv],
 * as PyTorch's F.scaled_dot_product_attention. A query whose keys are all masked gets zeros.
 * @example
 * const q = randn([2, 4, 10, 16]), k = randn([2, 4, 10, 16]), v = randn([2, 4, 10, 16]);
 * const out = ops.scaledDotProductAttention(q, k, v, { isCausal: true }); // [2, 4, 10, 16]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const who = "scaledDotProductAttention";
  const { B, H, Tq, Tk, D } = checkQkv(who, q, k, v);
  checkOpOptions(who, options);
  const o = checkOptions(who, options, D);
  const mask = options.attnMask ? resolveMask(who, options.attnMask, B, H, Tq, Tk, "attend") : null;
  return attention(who, q, k, v, { ...o, mask, weights: false }).out;
}

/** The shapes of q, k, v checked against each other. */
export function checkQkv(who: string, q: Tensor, k: Tensor, v: Tensor): { B: number; H: number; Tq: number; Tk: number; D: number; Dv: number } {
  backendOf(who, q, k, v);
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) {
    throw new Error(`${who}: query, key and value must be [batch, heads, T, headDim]; got ${fmt(q.shape)}, ${fmt(k.shape)}, ${fmt(v.shape)}`);
  }
  const [B, H, Tq, D] = q.shape;
  const [kb, kh, Tk, kd] = k.shape;
  const [vb, vh, Tv, Dv] = v.shape;
  if (kb !== B || kh !== H || kd !== D) throw new Error(`${who}: key has shape ${fmt(k.shape)}, expected [${B}, ${H}, Tk, ${D}] for query ${fmt(q.shape)}`);
  if (vb !== B || vh !== H || Tv !== Tk) throw new Error(`${who}: key and value have different lengths or batches: key ${fmt(k.shape)}, value ${fmt(v.shape)}`);
  return { B, H, Tq, Tk, D, Dv };
}

/** The op behind scaledDotProductAttention, on checked shapes and a resolved mask; `weights`: also return P (no gradient). */
export function attention(
  who: string, q: Tensor, k: Tensor, v: Tensor,
  o: { scale: number; causal: boolean; dropoutP: number; mask: ResolvedMask | null; weights: boolean },
): { out: Tensor; weights: Tensor | null } {
  const be = q.backend;
  const [B, H, Tq, D] = q.shape;
  const Tk = k.shape[2];
  const Dv = v.shape[3];
  const g: AttendGeometry = { batch: B * H, heads: H, tq: Tq, tk: Tk, d: D, dv: Dv, kStride: Tk * D, vStride: Tk * Dv, scale: o.scale, causal: o.causal };
  const out = empty(be, [B, H, Tq, Dv]);
  const { p, drop } = attendForward(be, q.ptr, k.ptr, v.ptr, out.ptr, g, o.mask, o.dropoutP);
  const weights = o.weights ? copyWeights(be, p, drop, [B, H, Tq, Tk]) : null;
  return {
    out: recordAttention(who, out, [q, k, v], p, drop, (dOut) => {
      const dq = q.requiresGrad ? empty(be, q.shape) : null;
      const dk = k.requiresGrad ? empty(be, k.shape) : null;
      const dv = v.requiresGrad ? empty(be, v.shape) : null;
      attendBackward(be, q.ptr, k.ptr, v.ptr, dOut.ptr, p, drop, g, dq?.ptr ?? 0, dk?.ptr ?? 0, dv?.ptr ?? 0);
      return [dq, dk, dv];
    }),
    weights,
  };
}

/** P after dropout, as a fresh tensor outside the graph. */
function copyWeights(be: Backend, p: Tensor, drop: Tensor | null, shape: readonly number[]): Tensor {
  const w = empty(be, shape);
  if (drop) be.binary(Binary.Mul, p.ptr, drop.ptr, w.ptr, p.size, p.size, 1);
  else be.copy(p.ptr, w.ptr, p.size);
  return w;
}

/** Record an attention output whose backward reads the saved P (and dropout mask), freed by the release hook. */
function recordAttention(who: string, out: Tensor, inputs: Tensor[], p: Tensor, drop: Tensor | null, backward: (g: Tensor) => (Tensor | null)[]): Tensor {
  if (isGradEnabled()) {
    keep(p);
    if (drop) keep(drop);
  }
  return record(out, who, inputs, backward, () => {
    p.dispose();
    drop?.dispose();
  });
}

/**
 * Self-attention over a packed qkv [3, B, H, T, D] (splitHeads(x·W_inᵀ, H, 3)): the same op as
 * scaledDotProductAttention on its three slices, without copying them apart, and with one
 * gradient tensor for all three. Returns [B, H, T, D] and, with `weights`, P itself (after
 * dropout, without a gradient).
 */
export function packedSelfAttention(qkv: Tensor, options: AttentionOptions & { mask?: ResolvedMask | null; weights?: boolean } = {}): { out: Tensor; weights: Tensor | null } {
  const who = "packedSelfAttention";
  const be = backendOf(who, qkv);
  if (qkv.rank !== 5 || qkv.shape[0] !== 3) throw new Error(`${who}: expected [3, batch, heads, T, headDim], got ${fmt(qkv.shape)}`);
  const [, B, H, T, D] = qkv.shape;
  const o = checkOptions(who, options, D);
  const part = B * H * T * D;
  const g: AttendGeometry = { batch: B * H, heads: H, tq: T, tk: T, d: D, dv: D, kStride: T * D, vStride: T * D, scale: o.scale, causal: o.causal };
  const out = empty(be, [B, H, T, D]);
  const [qPtr, kPtr, vPtr] = [qkv.ptr, qkv.ptr + 4 * part, qkv.ptr + 8 * part];
  const { p, drop } = attendForward(be, qPtr, kPtr, vPtr, out.ptr, g, options.mask ?? null, o.dropoutP);
  const weights = options.weights ? copyWeights(be, p, drop, [B, H, T, T]) : null;
  const y = recordAttention(who, out, [qkv], p, drop, (dOut) => {
    const dqkv = empty(be, qkv.shape);
    attendBackward(be, qPtr, kPtr, vPtr, dOut.ptr, p, drop, g, dqkv.ptr, dqkv.ptr + 4 * part, dqkv.ptr + 8 * part);
    return [dqkv];
  });
  return { out: y, weights };
}
