// The row softmax of scaled dot-product attention, fused: scale, mask and normalize each row of
// scores in one pass over it, and the matching backward.
//
// Attention weighs the values by how well each query matches each key: for scores S = Q·Kᵀ
// (computed by the batched GEMM), P = softmax(scale·S + M) row by row, M a mask of 0 (attend)
// and −∞ (do not). Masked entries get an exact 0; a row with every entry masked has nothing to
// attend to and gets zeros (a plain softmax would give 0/0 = NaN).
import { EXP_MIN, exp1, expv, hmax, hsum } from "./simd";

/**
 * P = softmax(scale·S + M) over the last axis of S [batch, rows, cols] (row-major; batch = B·H
 * score matrices of rows = Tq queries by cols = Tk keys). P may alias S.
 *
 * Mask (maskPtr 0: none): an additive f32 mask, 0 or −∞ for a boolean one. Row r of matrix i
 * reads cols floats at maskPtr + 4·(⌊i / maskGroup⌋·maskBatchStride + r·maskRowStride): stride 0
 * broadcasts (maskBatchStride 0: one mask for every matrix; maskRowStride 0: one row for every
 * query, as a key-padding mask; maskGroup = H: one mask per batch entry shared by its heads).
 * causal: entries with column j > r are masked (query r sees keys 0…r), and are not computed.
 *
 * exp runs in four lanes (simd.ts, within ~2 ulp); entries whose shifted score falls below
 * EXP_MIN (e^−87) are 0, so −∞ needs no special case. The row sum runs in four f32 lanes and
 * each entry is divided by it (one rounding, as in the reference).
 */
export function attentionSoftmax(
  sPtr: usize, maskPtr: usize, pPtr: usize, batch: i32, rows: i32, cols: i32, scale: f32,
  causal: bool, maskGroup: i32, maskBatchStride: i32, maskRowStride: i32,
): void {
  if (cols <= 0) return;
  const rowBytes = <usize>cols << 2;
  const sc = f32x4.splat(scale);
  for (let i = 0; i < batch; i++) {
    const maskBase = maskPtr ? maskPtr + ((<usize>(i / maskGroup) * <usize>maskBatchStride) << 2) : 0;
    for (let r = 0; r < rows; r++) {
      const row = <usize>(i * rows + r) * rowBytes;
      const s = sPtr + row;
      const p = pPtr + row;
      const mrow = maskPtr ? maskBase + ((<usize>r * <usize>maskRowStride) << 2) : 0;
      const live = causal ? min(r + 1, cols) : cols;

      // z = scale·s + m into p, and the row max.
      let mv = f32x4.splat(-Infinity);
      let j = 0;
      for (; j + 4 <= live; j += 4) {
        const o = <usize>j << 2;
        let z = f32x4.mul(v128.load(s + o), sc);
        if (mrow) z = f32x4.add(z, v128.load(mrow + o));
        v128.store(p + o, z);
        mv = f32x4.max(mv, z);
      }
      let m = hmax(mv);
      for (; j < live; j++) {
        const o = <usize>j << 2;
        let z = load<f32>(s + o) * scale;
        if (mrow) z += load<f32>(mrow + o);
        store<f32>(p + o, z);
        m = max(m, z);
      }
      if (m == -Infinity) {
        // Every key masked: nothing to attend to.
        memory.fill(p, 0, rowBytes);
        continue;
      }

      const mm = f32x4.splat(m);
      let sv = f32x4.splat(0);
      j = 0;
      for (; j + 4 <= live; j += 4) {
        const o = <usize>j << 2;
        const e = expv(f32x4.sub(v128.load(p + o), mm));
        v128.store(p + o, e);
        sv = f32x4.add(sv, e);
      }
      let sum = hsum(sv);
      for (; j < live; j++) {
        const o = <usize>j << 2;
        const z = load<f32>(p + o) - m;
        const e: f32 = z >= EXP_MIN ? exp1(z) : 0;
        store<f32>(p + o, e);
        sum += e;
      }

      const ss = f32x4.splat(sum);
      j = 0;
      for (; j + 4 <= live; j += 4) {
        const o = <usize>j << 2;
        v128.store(p + o, f32x4.div(v128.load(p + o), ss));
      }
      for (; j < live; j++) {
        const o = <usize>j << 2;
        store<f32>(p + o, load<f32>(p + o) / sum);
      }
      if (live < cols) memory.fill(p + (<usize>live << 2), 0, <usize>(cols - live) << 2);
    }
  }
}

/**
 * dS = scale·P ⊙ (dP − Σ_j dP_j·P_j), row-wise over rows×cols (rows = batch·Tq), P the output of
 * attentionSoftmax. Masked entries have P = 0 and get dS = 0, so the mask is not needed again.
 * dS may alias dP.
 */
export function attentionSoftmaxBackward(pPtr: usize, dpPtr: usize, dsPtr: usize, rows: i32, cols: i32, scale: f32): void {
  if (cols <= 0) return;
  const rowBytes = <usize>cols << 2;
  const sc = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    const p = pPtr + off;
    const dp = dpPtr + off;
    const ds = dsPtr + off;
    let dv = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      dv = f32x4.add(dv, f32x4.mul(v128.load(dp + o), v128.load(p + o)));
    }
    let dot = hsum(dv);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      dot += load<f32>(dp + o) * load<f32>(p + o);
    }
    const d = f32x4.splat(dot);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(ds + o, f32x4.mul(sc, f32x4.mul(v128.load(p + o), f32x4.sub(v128.load(dp + o), d))));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(ds + o, scale * (load<f32>(p + o) * (load<f32>(dp + o) - dot)));
    }
  }
}
