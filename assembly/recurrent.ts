// Recurrent cells: the gate nonlinearities and state update of one time step, fused, and their
// backward; plus the embedding lookup that feeds tokens into them.
//
// A recurrent layer runs, per step t, one GEMM h_{t−1}·W_hhᵀ (the input part x_t·W_ihᵀ is computed
// for all steps at once before the loop) and then ONE of these kernels, instead of a chain of
// slice/sigmoid/tanh/mul/add ops that would each sweep the B×H values again. Backward is the same:
// one kernel per step turns d(loss)/d(h_t) into the gate pre-activation gradients, and the weight
// gradients are GEMMs over all steps at once.
//
// Layout: row-major, batch rows. Gate blocks are contiguous within a row, in PyTorch's order
// (LSTM: i, f, g, o; GRU: r, z, n), each `hidden` wide. Sigmoid and tanh run four lanes at a time
// on a polynomial exp (expNonPos4); scalar tails use Mathf.exp.

/** σ(v) without overflow: exp only ever sees −|v| (as the activation kernels). */
// @ts-ignore: decorator
@inline
function sigmoid(v: f32): f32 {
  const e = Mathf.exp(-Mathf.abs(v));
  const q: f32 = 1 / (1 + e);
  return v >= 0 ? q : e * q;
}

/**
 * tanh(v) = sign(v)·(1 − e)/(1 + e) with e = exp(−2|v|): one exp, no overflow, and for small |v|
 * the 1 − e cancellation costs only a few ulps of absolute error.
 */
// @ts-ignore: decorator
@inline
function tanhf(v: f32): f32 {
  const e = Mathf.exp(-2 * Mathf.abs(v));
  const t: f32 = (1 - e) / (1 + e);
  return v >= 0 ? t : -t;
}

// Vector exp for the gate nonlinearities: Wasm has no exp instruction, and calling Mathf.exp per
// element made the fused LSTM step cost 2× the recurrent GEMM. Cephes' expf scheme: exp(x) =
// 2ⁿ·exp(r), n = round(x·log₂e), r = x − n·ln2 split in two constants so r is exact to f32, and a
// degree-6 polynomial for exp(r) on |r| ≤ ln2/2 — within 2 ulp of the true value. x is clamped to
// ±87 so that 2ⁿ stays a normal float and 1/(1 + exp(87)) does not reach the (slow) subnormals.
// n is rounded by adding 1.5·2²³: the sum's low mantissa bits are then n itself, so 2ⁿ is built
// from them with one integer add and shift (nearest + trunc_sat cost a dozen x86 instructions).
//
// The constants are read from a static table rather than written as f32x4.splat(c): V8 rebuilds a
// v128 constant from immediates at every use (several instructions, never hoisted out of a loop),
// and with ~15 per exp that cost more than the arithmetic. A load from the table is one
// instruction. The clamp uses pmin/pmax, single instructions, where min/max pay for NaN semantics.
const K = memory.data<f32>([
  -87.0, -87.0, -87.0, -87.0, // 0: lower clamp
  87.0, 87.0, 87.0, 87.0, // 1: upper clamp
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341, // 2: log₂e
  12582912.0, 12582912.0, 12582912.0, 12582912.0, // 3: 1.5·2²³, rounds to an integer
  0.693359375, 0.693359375, 0.693359375, 0.693359375, // 4: ln2, high part
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, // 5: ln2, low part
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, // 6..11: exp(r) polynomial
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1.0, 1.0, 1.0, 1.0, // 12
  2.0, 2.0, 2.0, 2.0, // 13
], 16);
/** The (bit pattern of the) integer 127 − bits(1.5·2²³), four lanes, turns the rounded sum into 2ⁿ's exponent. */
const EXP_BIAS = memory.data<i32>([127 - 0x4b400000, 127 - 0x4b400000, 127 - 0x4b400000, 127 - 0x4b400000], 16);

// @ts-ignore: decorator
@inline
function k(i: i32): v128 {
  return v128.load(K + (<usize>i << 4));
}

// @ts-ignore: decorator
@inline
function exp4(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, k(0)), k(1));
  const y = f32x4.add(f32x4.mul(xc, k(2)), k(3));
  const n = f32x4.sub(y, k(3));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, k(4))), f32x4.mul(n, k(5)));
  let p = k(6);
  p = f32x4.add(f32x4.mul(p, r), k(7));
  p = f32x4.add(f32x4.mul(p, r), k(8));
  p = f32x4.add(f32x4.mul(p, r), k(9));
  p = f32x4.add(f32x4.mul(p, r), k(10));
  p = f32x4.add(f32x4.mul(p, r), k(11));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), k(12));
  const scale = i32x4.shl(i32x4.add(y, v128.load(EXP_BIAS)), 23);
  return f32x4.mul(p, scale);
}

/** σ(v) = 1/(1 + exp(−v)) four lanes at a time; the clamp in exp4 keeps both tails finite. */
// @ts-ignore: decorator
@inline
function sigmoid4(v: v128): v128 {
  const one = k(12);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(v))));
}

/**
 * tanh(v) = 1 − 2/(1 + exp(2v)) four lanes at a time: one exp, no sign select. Near 0 the
 * subtraction leaves an absolute error of about one ulp of 1 (as 1 − exp(−2|v|) would).
 */
// @ts-ignore: decorator
@inline
function tanh4(v: v128): v128 {
  const one = k(12);
  return f32x4.sub(one, f32x4.div(k(13), f32x4.add(one, exp4(f32x4.add(v, v)))));
}

/**
 * LSTM step (Hochreiter & Schmidhuber, 1997, with the forget gate of Gers et al., 2000).
 * gates [batch, 4·hidden] holds the pre-activations x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, blocks i, f, g, o;
 * they are overwritten with the activations i = σ, f = σ, g = tanh, o = σ (backward needs them).
 * c = f ⊙ cPrev + i ⊙ g, tc = tanh(c), h = o ⊙ tc; cPrev, c, h, tc are [batch, hidden].
 * c may alias cPrev; nothing else aliases.
 */
export function lstmCell(gatesPtr: usize, cPrevPtr: usize, cPtr: usize, hPtr: usize, tcPtr: usize, batch: i32, hidden: i32): void {
  const hb = <usize>hidden << 2;
  // Two sweeps per row. Fused into one, each step chains i, f, g → c → tanh(c), two exps deep
  // at ~100 cycles of latency, and the core waits on it; split, every step of a sweep is one
  // independent exp, so out-of-order execution overlaps several and the step costs its
  // throughput (measured 2.6× faster at B=32, H=64).
  for (let b = 0; b < batch; b++) {
    const row = gatesPtr + <usize>b * (hb << 2);
    const s = <usize>b * hb;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const o = row + (<usize>j << 2);
      v128.store(o, sigmoid4(v128.load(o)));
      v128.store(o + hb, sigmoid4(v128.load(o + hb)));
      v128.store(o + 2 * hb, tanh4(v128.load(o + 2 * hb)));
      v128.store(o + 3 * hb, sigmoid4(v128.load(o + 3 * hb)));
    }
    for (; j < hidden; j++) {
      const o = row + (<usize>j << 2);
      store<f32>(o, sigmoid(load<f32>(o)));
      store<f32>(o + hb, sigmoid(load<f32>(o + hb)));
      store<f32>(o + 2 * hb, tanhf(load<f32>(o + 2 * hb)));
      store<f32>(o + 3 * hb, sigmoid(load<f32>(o + 3 * hb)));
    }
    j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const o = <usize>j << 2;
      const g = row + o;
      const c = f32x4.add(f32x4.mul(v128.load(g + hb), v128.load(cPrevPtr + s + o)), f32x4.mul(v128.load(g), v128.load(g + 2 * hb)));
      const tc = tanh4(c);
      v128.store(cPtr + s + o, c);
      v128.store(tcPtr + s + o, tc);
      v128.store(hPtr + s + o, f32x4.mul(v128.load(g + 3 * hb), tc));
    }
    for (; j < hidden; j++) {
      const o = <usize>j << 2;
      const g = row + o;
      const c = load<f32>(g + hb) * load<f32>(cPrevPtr + s + o) + load<f32>(g) * load<f32>(g + 2 * hb);
      const tc = tanhf(c);
      store<f32>(cPtr + s + o, c);
      store<f32>(tcPtr + s + o, tc);
      store<f32>(hPtr + s + o, load<f32>(g + 3 * hb) * tc);
    }
  }
}

/**
 * Backward of lstmCell. act [batch, 4·hidden] are the saved activations i, f, g, o; cPrev and tc as
 * in the forward step. dh: d(loss)/d(h_t), all paths summed. dc: on entry d(loss)/d(c_t) from the
 * step after (zero at the last step unless the final cell state is used); on exit d(loss)/d(c_{t−1}).
 * dGates [batch, 4·hidden] receives d(loss)/d(pre-activations), blocks i, f, g, o:
 *   dc_t = dc + dh ⊙ o ⊙ (1 − tc²);  di = dc_t ⊙ g ⊙ i(1 − i);  df = dc_t ⊙ cPrev ⊙ f(1 − f);
 *   dg = dc_t ⊙ i ⊙ (1 − g²);  do = dh ⊙ tc ⊙ o(1 − o);  dcPrev = dc_t ⊙ f.
 * dGates must not alias act.
 */
export function lstmCellBackward(actPtr: usize, cPrevPtr: usize, tcPtr: usize, dhPtr: usize, dcPtr: usize, dGatesPtr: usize, batch: i32, hidden: i32): void {
  const hb = <usize>hidden << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < batch; b++) {
    const row = actPtr + <usize>b * (hb << 2);
    const drow = dGatesPtr + <usize>b * (hb << 2);
    const s = <usize>b * hb;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const o = <usize>j << 2;
      const i = v128.load(row + o);
      const f = v128.load(row + hb + o);
      const g = v128.load(row + 2 * hb + o);
      const og = v128.load(row + 3 * hb + o);
      const tc = v128.load(tcPtr + s + o);
      const dh = v128.load(dhPtr + s + o);
      const dc = f32x4.add(v128.load(dcPtr + s + o), f32x4.mul(f32x4.mul(dh, og), f32x4.sub(one, f32x4.mul(tc, tc))));
      v128.store(drow + o, f32x4.mul(f32x4.mul(dc, g), f32x4.mul(i, f32x4.sub(one, i))));
      v128.store(drow + hb + o, f32x4.mul(f32x4.mul(dc, v128.load(cPrevPtr + s + o)), f32x4.mul(f, f32x4.sub(one, f))));
      v128.store(drow + 2 * hb + o, f32x4.mul(f32x4.mul(dc, i), f32x4.sub(one, f32x4.mul(g, g))));
      v128.store(drow + 3 * hb + o, f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(og, f32x4.sub(one, og))));
      v128.store(dcPtr + s + o, f32x4.mul(dc, f));
    }
    for (; j < hidden; j++) {
      const o = <usize>j << 2;
      const i = load<f32>(row + o);
      const f = load<f32>(row + hb + o);
      const g = load<f32>(row + 2 * hb + o);
      const og = load<f32>(row + 3 * hb + o);
      const tc = load<f32>(tcPtr + s + o);
      const dh = load<f32>(dhPtr + s + o);
      const dc = load<f32>(dcPtr + s + o) + dh * og * (1 - tc * tc);
      store<f32>(drow + o, dc * g * (i * (1 - i)));
      store<f32>(drow + hb + o, dc * load<f32>(cPrevPtr + s + o) * (f * (1 - f)));
      store<f32>(drow + 2 * hb + o, dc * i * (1 - g * g));
      store<f32>(drow + 3 * hb + o, dh * tc * (og * (1 - og)));
      store<f32>(dcPtr + s + o, dc * f);
    }
  }
}

/**
 * GRU step (Cho et al., 2014, in PyTorch's form). gi [batch, 3·hidden] holds x·W_ihᵀ + b_ih and
 * gh [batch, 3·hidden] holds hPrev·W_hhᵀ + b_hh, blocks r, z, n:
 *   r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n), h = (1 − z) ⊙ n + z ⊙ hPrev.
 * gi is overwritten with r, z, n; gh is only read (backward needs gh_n). h may alias hPrev.
 */
export function gruCell(giPtr: usize, ghPtr: usize, hPrevPtr: usize, hPtr: usize, batch: i32, hidden: i32): void {
  const hb = <usize>hidden << 2;
  for (let b = 0; b < batch; b++) {
    const row = giPtr + <usize>b * 3 * hb;
    const hrow = ghPtr + <usize>b * 3 * hb;
    const s = <usize>b * hb;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const o = <usize>j << 2;
      const r = sigmoid4(f32x4.add(v128.load(row + o), v128.load(hrow + o)));
      const z = sigmoid4(f32x4.add(v128.load(row + hb + o), v128.load(hrow + hb + o)));
      const n = tanh4(f32x4.add(v128.load(row + 2 * hb + o), f32x4.mul(r, v128.load(hrow + 2 * hb + o))));
      v128.store(row + o, r);
      v128.store(row + hb + o, z);
      v128.store(row + 2 * hb + o, n);
      const hp = v128.load(hPrevPtr + s + o);
      v128.store(hPtr + s + o, f32x4.add(n, f32x4.mul(z, f32x4.sub(hp, n))));
    }
    for (; j < hidden; j++) {
      const o = <usize>j << 2;
      const r = sigmoid(load<f32>(row + o) + load<f32>(hrow + o));
      const z = sigmoid(load<f32>(row + hb + o) + load<f32>(hrow + hb + o));
      const n = tanhf(load<f32>(row + 2 * hb + o) + r * load<f32>(hrow + 2 * hb + o));
      store<f32>(row + o, r);
      store<f32>(row + hb + o, z);
      store<f32>(row + 2 * hb + o, n);
      const hp = load<f32>(hPrevPtr + s + o);
      store<f32>(hPtr + s + o, n + z * (hp - n));
    }
  }
}

/**
 * Backward of gruCell. act [batch, 3·hidden] = saved r, z, n; gh as in the forward step; dh =
 * d(loss)/d(h_t). Writes dGi, dGh [batch, 3·hidden] (gradients of gi and gh) and dhPrev = dh ⊙ z,
 * the direct path only (the caller adds dGh·W_hh):
 *   dn = dh ⊙ (1 − z) ⊙ (1 − n²);  dz = dh ⊙ (hPrev − n) ⊙ z(1 − z);  dr = dn ⊙ gh_n ⊙ r(1 − r);
 *   dGi = [dr, dz, dn], dGh = [dr, dz, dn ⊙ r].
 * No aliasing except dhPrev with dh.
 */
export function gruCellBackward(actPtr: usize, ghPtr: usize, hPrevPtr: usize, dhPtr: usize, dGiPtr: usize, dGhPtr: usize, dhPrevPtr: usize, batch: i32, hidden: i32): void {
  const hb = <usize>hidden << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < batch; b++) {
    const off = <usize>b * 3 * hb;
    const row = actPtr + off;
    const hrow = ghPtr + off;
    const s = <usize>b * hb;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const o = <usize>j << 2;
      const r = v128.load(row + o);
      const z = v128.load(row + hb + o);
      const n = v128.load(row + 2 * hb + o);
      const dh = v128.load(dhPtr + s + o);
      const hp = v128.load(hPrevPtr + s + o);
      const dn = f32x4.mul(f32x4.mul(dh, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
      const dz = f32x4.mul(f32x4.mul(dh, f32x4.sub(hp, n)), f32x4.mul(z, f32x4.sub(one, z)));
      const dr = f32x4.mul(f32x4.mul(dn, v128.load(hrow + 2 * hb + o)), f32x4.mul(r, f32x4.sub(one, r)));
      v128.store(dGiPtr + off + o, dr);
      v128.store(dGiPtr + off + hb + o, dz);
      v128.store(dGiPtr + off + 2 * hb + o, dn);
      v128.store(dGhPtr + off + o, dr);
      v128.store(dGhPtr + off + hb + o, dz);
      v128.store(dGhPtr + off + 2 * hb + o, f32x4.mul(dn, r));
      v128.store(dhPrevPtr + s + o, f32x4.mul(dh, z));
    }
    for (; j < hidden; j++) {
      const o = <usize>j << 2;
      const r = load<f32>(row + o);
      const z = load<f32>(row + hb + o);
      const n = load<f32>(row + 2 * hb + o);
      const dh = load<f32>(dhPtr + s + o);
      const hp = load<f32>(hPrevPtr + s + o);
      const dn = dh * (1 - z) * (1 - n * n);
      const dz = dh * (hp - n) * (z * (1 - z));
      const dr = dn * load<f32>(hrow + 2 * hb + o) * (r * (1 - r));
      store<f32>(dGiPtr + off + o, dr);
      store<f32>(dGiPtr + off + hb + o, dz);
      store<f32>(dGiPtr + off + 2 * hb + o, dn);
      store<f32>(dGhPtr + off + o, dr);
      store<f32>(dGhPtr + off + hb + o, dz);
      store<f32>(dGhPtr + off + 2 * hb + o, dn * r);
      store<f32>(dhPrevPtr + s + o, dh * z);
    }
  }
}

/**
 * Embedding lookup: out[i, :] = weight[idx[i], :] for i < n; weight is [rows, dim]. idx holds row
 * indices stored as f32, already checked to be integers in [0, rows).
 */
export function embedding(weightPtr: usize, idxPtr: usize, outPtr: usize, n: i32, dim: i32, rows: i32): void {
  const rb = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const src = weightPtr + <usize>(<i32>load<f32>(idxPtr + (<usize>i << 2))) * rb;
    memory.copy(outPtr + <usize>i * rb, src, rb);
  }
}

/**
 * Backward of embedding: dw[idx[i], :] += dy[i, :] for i < n, in order, so a repeated index
 * accumulates every occurrence. dw is not cleared here.
 */
export function embeddingBackward(dyPtr: usize, idxPtr: usize, dwPtr: usize, n: i32, dim: i32, rows: i32): void {
  const rb = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const dst = dwPtr + <usize>(<i32>load<f32>(idxPtr + (<usize>i << 2))) * rb;
    const src = dyPtr + <usize>i * rb;
    let j = 0;
    for (; j + 4 <= dim; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
    for (; j < dim; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
    }
  }
}
