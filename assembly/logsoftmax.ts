// Log-softmax: log(softmax(x)) = x − max − log Σ exp(x − max), row-wise, computed directly. Taking
// the log of a softmax output instead would turn every probability that underflows to 0 into −∞;
// this form stays finite for any finite row.
import { EXP_MIN, exp1, expv, hmax, hsum } from "./simd";

/**
 * y = x − max − log Σ_j exp(x_j − max) for each row of a row-major rows×cols matrix. y may alias x.
 * exp runs four lanes at a time (simd.ts, within ~2 ulp); the row sum in four f32 lanes.
 */
export function logSoftmax(xPtr: usize, yPtr: usize, rows: i32, cols: i32): void {
  if (cols <= 0) return;
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const x = xPtr + <usize>r * rowBytes;
    const y = yPtr + <usize>r * rowBytes;
    let mv = f32x4.splat(-Infinity);
    let j = 0;
    for (; j + 4 <= cols; j += 4) mv = f32x4.max(mv, v128.load(x + (<usize>j << 2)));
    let m = hmax(mv);
    for (; j < cols; j++) m = max(m, load<f32>(x + (<usize>j << 2)));

    const mm = f32x4.splat(m);
    let sv = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= cols; j += 4) sv = f32x4.add(sv, expv(f32x4.sub(v128.load(x + (<usize>j << 2)), mm)));
    let s = hsum(sv);
    for (; j < cols; j++) {
      const z = load<f32>(x + (<usize>j << 2)) - m;
      if (z >= EXP_MIN) s += exp1(z);
    }

    const shift = m + Mathf.log(s);
    const sh = f32x4.splat(shift);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(y + o, f32x4.sub(v128.load(x + o), sh));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(y + o, load<f32>(x + o) - shift);
    }
  }
}

/**
 * dx = dy − exp(y)·Σ_j dy_j, row-wise, y the logSoftmax output (exp(y) is the softmax). dx may
 * alias dy.
 */
export function logSoftmaxBackward(yPtr: usize, dyPtr: usize, dxPtr: usize, rows: i32, cols: i32): void {
  if (cols <= 0) return;
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    const y = yPtr + off;
    const dy = dyPtr + off;
    const dx = dxPtr + off;
    let sv = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) sv = f32x4.add(sv, v128.load(dy + (<usize>j << 2)));
    let s = hsum(sv);
    for (; j < cols; j++) s += load<f32>(dy + (<usize>j << 2));

    const ss = f32x4.splat(s);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(dx + o, f32x4.sub(v128.load(dy + o), f32x4.mul(expv(v128.load(y + o)), ss)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(dx + o, load<f32>(dy + o) - exp1(load<f32>(y + o)) * s);
    }
  }
}
