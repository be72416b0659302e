// Recurrent layers as differentiable ops: a whole unroll over T steps is ONE op, and its backward
// is backpropagation through time (BPTT) over the same steps in reverse.
//
// A recurrent net applies the same cell at every step, feeding its state back in:
//   RNN:  h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)          (or relu)
//   LSTM: [i f g o] = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh; c_t = σ(f)⊙c_{t−1} + σ(i)⊙tanh(g);
//         h_t = σ(o)⊙tanh(c_t)
//   GRU:  [r z n] gates with the hidden part of n inside the reset product (see gruCell).
// Unrolled, that is a deep net with shared weights, one layer per step; BPTT is ordinary
// backpropagation through it. Done op by op it would record ~10 tiny ops per step; here the
// forward loop runs inside one op, saving what the backward loop needs (gate activations,
// cell states), so the graph holds one node per layer and direction whatever T is.
//
// Cost per step: one GEMM h·W_hhᵀ and one fused cell kernel (src/backend/types.ts); W_hh is packed
// for the GEMM once per unroll (Backend.packB), not once per step. The input
// projection x·W_ihᵀ is one GEMM over all T·B rows before the loop, since every x_t is known. In
// backward, per step: one fused cell-backward kernel and one GEMM dGates·W_hh for d/dh_{t−1};
// the weight gradients dW_ih = dGatesᵀ·X (with db = Σ dGates riding along as the column of ones
// folded into X), dW_hh = dGatesᵀ·H_prev and dX = dGates·W_ih are each one GEMM over all steps
// after the loop.
//
// Outputs are packed into one tensor: rows 0..T−1 are h at each time (the output sequence), and
// for the LSTM one more row holds the final cell state c_T. The layer slices it (slice is
// differentiable), so gradients reaching the sequence, the final h and the final c all arrive
// here as one d(packed).
import { Activation, Binary } from "../backend/opcodes.js";
import type { Backend } from "../backend/types.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { keep } from "../memory/scope.js";
import { record } from "./engine.js";
import { backendOf, empty } from "./util.js";

/** A recurrent cell's equations: LSTM, GRU, or the Elman RNN with tanh or relu. */
export type CellKind = "lstm" | "gru" | "rnnTanh" | "rnnRelu";

/**
 * Weights of one layer and direction, PyTorch's layout: W_ih [G·H, in], W_hh [G·H, H], biases
 * [G·H]. wIh null: the input is already projected (see recurrentSequence), and bIh is null too.
 */
export interface CellWeights {
  /** W_ih [G·H, in] (weight_ih), or null when the input is already projected. */
  wIh: Tensor | null;
  /** W_hh [G·H, H] (weight_hh). */
  wHh: Tensor;
  /** b_ih [G·H] (bias_ih), or null. */
  bIh: Tensor | null;
  /** b_hh [G·H] (bias_hh), or null. */
  bHh: Tensor | null;
}

/** Gate blocks per cell: the rows of W_ih are G blocks of H. */
export function gateCount(kind: CellKind): number {
  return kind === "lstm" ? 4 : kind === "gru" ? 3 : 1;
}

/**
 * Run a recurrent cell over a whole sequence. x [T, B, in], h0 [B, H], c0 [B, H] (LSTM only, else
 * null). reverse: process t = T−1 … 0 (the backward direction of a bidirectional layer); outputs
 * stay at their own time index. Returns packed [T, B, H] (rows: h_t), or [T + 1, B, H] for the
 * LSTM (last row: the final cell state).
 *
 * Projected input (w.wIh and w.bIh null): x [T, B, G·H] already holds x_t·W_ihᵀ + b_ih, the input
 * part of every step's pre-activations. A caller whose inputs come from a small vocabulary
 * computes that projection once per vocabulary entry and gathers rows of it (see the LSTM's
 * forwardProjected), instead of a GEMM over all T·B rows; dx is then d(projection).
 */
export function recurrentSequence(kind: CellKind, x: Tensor, h0: Tensor, c0: Tensor | null, w: CellWeights, reverse: boolean): Tensor {
  const op = kind;
  const wIh = w.wIh; // null: x is already projected
  const all = [x, h0, ...(c0 ? [c0] : []), ...(wIh ? [wIh] : []), w.wHh, ...(w.bIh ? [w.bIh] : []), ...(w.bHh ? [w.bHh] : [])];
  const be = backendOf(op, ...all);
  const G = gateCount(kind);
  if (x.rank !== 3) throw new Error(`${op}: input has shape ${fmt(x.shape)}, expected [T, batch, features]`);
  const [T, B, I] = x.shape;
  const H = w.wHh.shape[1];
  if (T === 0) throw new Error(`${op}: input has shape ${fmt(x.shape)}: the sequence is empty`);
  if (wIh === null) {
    if (w.bIh) throw new Error(`${op}: a projected input already holds b_ih; got b_ih ${fmt(w.bIh.shape)} as well`);
    if (I !== G * H || w.wHh.shape[0] !== G * H) throw new Error(`${op}: projected input has shape ${fmt(x.shape)}, expected [T, batch, ${w.wHh.shape[0]}] (the gates' width for W_hh ${fmt(w.wHh.shape)})`);
  } else if (wIh.shape[0] !== G * H || wIh.shape[1] !== I || w.wHh.shape[0] !== G * H) {
    throw new Error(`${op}: weights ${fmt(wIh.shape)}, ${fmt(w.wHh.shape)} do not fit input ${fmt(x.shape)} with hidden size ${H}`);
  }
  if (h0.size !== B * H || (c0 && c0.size !== B * H)) throw new Error(`${op}: initial state has shape ${fmt(h0.shape)}, expected [${B}, ${H}]`);
  if ((kind === "lstm") !== (c0 !== null)) throw new Error(`${op}: a cell state is given to ${kind === "lstm" ? "LSTM without one" : "a cell without one"}`);

  const BH = B * H;
  const GH = G * H;
  const time = (s: number): number => (reverse ? T - 1 - s : s);
  const at = (t: Tensor, row: number, rowSize: number): number => t.ptr + row * rowSize * 4;
  const out = empty(be, [kind === "lstm" ? T + 1 : T, B, H]);
  const hPrev = (s: number): number => (s === 0 ? h0.ptr : at(out, time(s - 1), BH));

  // The input projection for every step at once, the bias folded in (LSTM, RNN: b_ih + b_hh; GRU:
  // b_ih) as one more input column of ones and one more weight column: xa = [x 1], wa = [W_ih b].
  // The GEMM then writes the gates without first broadcasting the bias over T·B rows, and in
  // backward the same column gives Σ dG, the bias gradient, from the dW_ih GEMM.
  const gates = empty(be, [T, B, GH]);
  const rowBias = kind === "gru" ? w.bIh : sumBiases(be, w.bIh, w.bHh);
  const K = rowBias && wIh ? I + 1 : I;
  let xa = x;
  if (wIh === null) {
    // The caller's projection, plus b_hh for the LSTM and RNN (the GRU adds it inside the step).
    if (rowBias) be.binary(Binary.Add, x.ptr, rowBias.ptr, gates.ptr, gates.size, GH, 1);
    else be.copy(x.ptr, gates.ptr, gates.size);
    rowBias?.dispose();
  } else if (rowBias) {
    xa = empty(be, [T * B, K]);
    be.copyBlocks(x.ptr, xa.ptr, T * B, I, I, K);
    be.fill(xa.ptr + I * 4, 1, 1);
    be.copyBlocks(xa.ptr + I * 4, xa.ptr + (K + I) * 4, T * B - 1, 1, 0, K);
    const wa = empty(be, [GH, K]);
    be.copyBlocks(wIh.ptr, wa.ptr, GH, I, I, K);
    be.copyBlocks(rowBias.ptr, wa.ptr + I * 4, GH, 1, 1, K);
    be.gemm(xa.ptr, wa.ptr, gates.ptr, T * B, GH, K, false, true, false);
    wa.dispose();
    if (rowBias !== w.bIh) rowBias.dispose();
  } else {
    be.gemm(x.ptr, wIh.ptr, gates.ptr, T * B, GH, I, false, true, false);
  }

  // The saved activations belong to the graph node, not to the caller's scope: `release` frees them
  // once backward() has consumed the node or `out` is disposed (at once when nothing is recorded).
  const saved: Tensor[] = [keep(gates)];
  if (xa !== x) saved.push(keep(xa));
  let cs: Tensor | null = null;
  let tcs: Tensor | null = null;
  let gh: Tensor | null = null;
  // op(W_hh) = W_hhᵀ, [H, G·H], the B of every step's h·W_hhᵀ.
  const wHhT = packed(be, w.wHh, GH, H, true);
  if (kind === "lstm") {
    cs = empty(be, [T, B, H]);
    tcs = empty(be, [T, B, H]);
    saved.push(keep(cs), keep(tcs));
    for (let s = 0; s < T; s++) {
      const t = time(s);
      const g = at(gates, t, B * GH);
      be.gemmPacked(hPrev(s), wHhT.ptr, g, B, GH, H, false, true);
      const cPrev = s === 0 ? c0!.ptr : at(cs, time(s - 1), BH);
      be.lstmCell(g, cPrev, at(cs, t, BH), at(out, t, BH), at(tcs, t, BH), B, H);
    }
    be.copy(at(cs, time(T - 1), BH), at(out, T, BH), BH);
  } else if (kind === "gru") {
    gh = empty(be, [T, B, GH]);
    saved.push(keep(gh));
    for (let s = 0; s < T; s++) {
      const t = time(s);
      const ght = at(gh, t, B * GH);
      if (w.bHh) be.copyBlocks(w.bHh.ptr, ght, B, GH, 0, GH);
      be.gemmPacked(hPrev(s), wHhT.ptr, ght, B, GH, H, false, w.bHh !== null);
      be.gruCell(at(gates, t, B * GH), ght, hPrev(s), at(out, t, BH), B, H);
    }
  } else {
    const act = kind === "rnnTanh" ? Activation.Tanh : Activation.ReLU;
    for (let s = 0; s < T; s++) {
      const t = time(s);
      const g = at(gates, t, BH);
      be.gemmPacked(hPrev(s), wHhT.ptr, g, B, H, H, false, true);
      be.activation(act, g, at(out, t, BH), BH, 0);
    }
  }
  wHhT.dispose();

  record(out, op, all, (grad) => {
    // dG holds d/d(gate pre-activations) for every time step (GRU: of the input part gi).
    const dG = empty(be, [T, B, GH]);
    const dGh = kind === "gru" ? empty(be, [T, B, GH]) : dG;
    const dh = empty(be, [B, H]);
    const dc = kind === "lstm" ? empty(be, [B, H]) : null;
    be.copy(at(grad, time(T - 1), BH), dh.ptr, BH);
    if (dc) be.copy(at(grad, T, BH), dc.ptr, BH);
    let dh0: Tensor | null = null;
    let dc0: Tensor | null = null;
    // W_hh itself, [G·H, H], the B of every step's dGates·W_hh.
    const wHh = packed(be, w.wHh, H, GH, false);
    for (let s = T - 1; s >= 0; s--) {
      const t = time(s);
      const dgt = at(dG, t, B * GH);
      if (kind === "lstm") {
        const cPrev = s === 0 ? c0!.ptr : at(cs!, time(s - 1), BH);
        be.lstmCellBackward(at(gates, t, B * GH), cPrev, at(tcs!, t, BH), dh.ptr, dc!.ptr, dgt, B, H);
      } else if (kind === "gru") {
        // dh becomes dh ⊙ z (the direct path to h_{t−1}); the GEMM below adds the gated one.
        be.gruCellBackward(at(gates, t, B * GH), at(gh!, t, B * GH), hPrev(s), dh.ptr, dgt, at(dGh, t, B * GH), dh.ptr, B, H);
      } else {
        const act = kind === "rnnTanh" ? Activation.Tanh : Activation.ReLU;
        be.activationBackward(act, at(gates, t, BH), at(out, t, BH), dh.ptr, dgt, BH, 0);
      }
      // d/dh_{t−1} = dGates_t·W_hh (+ dh ⊙ z for the GRU) + what the output at t−1 received.
      const keepDirect = kind === "gru";
      if (s > 0) {
        if (keepDirect) be.binary(Binary.Add, dh.ptr, at(grad, time(s - 1), BH), dh.ptr, BH, BH, 1);
        else be.copy(at(grad, time(s - 1), BH), dh.ptr, BH);
        be.gemmPacked(at(dGh, t, B * GH), wHh.ptr, dh.ptr, B, H, GH, false, true);
      } else if (h0.requiresGrad) {
        dh0 = empty(be, h0.shape);
        if (keepDirect) be.copy(dh.ptr, dh0.ptr, BH);
        be.gemmPacked(at(dGh, t, B * GH), wHh.ptr, dh0.ptr, B, H, GH, false, keepDirect);
      }
    }
    wHh.dispose();
    if (c0?.requiresGrad) {
      dc0 = empty(be, c0.shape);
      be.copy(dc!.ptr, dc0.ptr, BH);
    }

    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(be, x.shape);
      if (wIh === null) be.copy(dG.ptr, dx.ptr, dx.size);
      else be.gemm(dG.ptr, wIh.ptr, dx.ptr, T * B, I, GH, false, false, false);
    }
    // Weight gradients sum over every step and batch row, k = T·B. Computed transposed, dWᵀ = Xᵀ·dG
    // ([in, G·H], then one transpose), because the GEMM's packed path runs the long k at a much
    // better rate with the wide G·H side as its n (256×64×1600: 3.9 → 2.6 ms).
    let dwIh: Tensor | null = null;
    let dbSum: Tensor | null = null;
    const biasGrad = (w.bIh?.requiresGrad ?? false) || (kind !== "gru" && (w.bHh?.requiresGrad ?? false));
    if (wIh === null) {
      if (biasGrad) {
        dbSum = empty(be, [GH]);
        be.sumAxis(dG.ptr, dbSum.ptr, 1, T * B, GH);
      }
    } else if (wIh.requiresGrad || (K > I && biasGrad)) {
      // [xa]ᵀ·dG: rows 0..I−1 are dW_ihᵀ, row I (when the bias was folded in) is Σ dG.
      const tmp = empty(be, [K, GH]);
      be.gemm(xa.ptr, dG.ptr, tmp.ptr, K, GH, T * B, true, false, false);
      if (wIh.requiresGrad) {
        dwIh = empty(be, wIh.shape);
        be.transpose(tmp.ptr, dwIh.ptr, 1, I, GH);
      }
      if (K > I && biasGrad) {
        dbSum = empty(be, [GH]);
        be.copy(tmp.ptr + I * GH * 4, dbSum.ptr, GH);
      }
      tmp.dispose();
    }
    let dwHh: Tensor | null = null;
    if (w.wHh.requiresGrad) {
      // Step s used h_{s−1}: for the forward direction time t ≥ 1 read out[t − 1], for the reverse
      // one time t ≤ T − 2 read out[t + 1]; the first step read h0. Two GEMMs cover every step.
      dwHh = empty(be, w.wHh.shape);
      const tmp = empty(be, [H, GH]);
      const first = time(0);
      be.gemm(h0.ptr, at(dGh, first, B * GH), tmp.ptr, H, GH, B, true, false, false);
      if (T > 1) {
        const dgFrom = reverse ? 0 : 1;
        const hFrom = reverse ? 1 : 0;
        be.gemm(at(out, hFrom, BH), at(dGh, dgFrom, B * GH), tmp.ptr, H, GH, (T - 1) * B, true, false, true);
      }
      be.transpose(tmp.ptr, dwHh.ptr, 1, H, GH);
      tmp.dispose();
    }
    // Bias gradients: Σ over steps and rows of dG. The LSTM and RNN add b_ih and b_hh to the same
    // pre-activations, so both get the same sum; the GRU's b_hh gets Σ dGh.
    let dbIh: Tensor | null = null;
    let dbHh: Tensor | null = null;
    if (w.bIh?.requiresGrad) dbIh = copyOf(be, dbSum!);
    if (w.bHh?.requiresGrad) {
      if (kind !== "gru") dbHh = copyOf(be, dbSum!);
      else {
        dbHh = empty(be, w.bHh.shape);
        be.sumAxis(dGh.ptr, dbHh.ptr, 1, T * B, GH);
      }
    }
    dbSum?.dispose();
    dG.dispose();
    if (dGh !== dG) dGh.dispose();
    dh.dispose();
    dc?.dispose();
    return [dx, dh0, ...(c0 ? [dc0] : []), ...(wIh ? [dwIh] : []), dwHh, ...(w.bIh ? [dbIh] : []), ...(w.bHh ? [dbHh] : [])];
  }, () => {
    for (const t of saved) t.dispose();
  });
  return out;
}

/** op(W) (k×n) packed once for many GEMMs; see Backend.packB. */
function packed(be: Backend, w: Tensor, n: number, k: number, transB: boolean): Tensor {
  const out = empty(be, [be.packedBBytes(n, k) / 4]);
  be.packB(w.ptr, out.ptr, n, k, transB);
  return out;
}

function copyOf(be: Backend, t: Tensor): Tensor {
  const out = empty(be, t.shape);
  be.copy(t.ptr, out.ptr, t.size);
  return out;
}

/** b_ih + b_hh (either may be absent), the one bias row the LSTM and RNN add to every step. */
function sumBiases(be: Backend, a: Tensor | null, b: Tensor | null): Tensor | null {
  if (!a && !b) return null;
  const out = empty(be, (a ?? b)!.shape);
  if (a && b) be.binary(Binary.Add, a.ptr, b.ptr, out.ptr, out.size, out.size, 1);
  else be.copy((a ?? b)!.ptr, out.ptr, out.size);
  return out;
}
