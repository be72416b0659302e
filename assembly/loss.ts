// Loss functions, fused: each kernel returns the mean loss and writes d(loss)/d(input) in the
// same pass over memory, since backpropagation always needs both. The loss is accumulated in f64:
// it is one number summed over a whole batch, and training curves compare it across epochs.
import { addSquares64, hsum64 } from "./sum64";

/**
 * Softmax cross-entropy over `rows` independent rows of `cols` logits:
 * loss = mean_r (log Σ_j e^{x_rj} − x_r,label_r), grad_rj = (softmax(x_r)_j − [j = label_r]) / rows.
 * logits and grad are rows×cols, row-major; labels holds `rows` class indices stored as f32, each
 * in [0, cols) (asserted in debug builds only). grad may alias logits exactly: the row max and the
 * label's logit are read before the row is overwritten; it must not alias labels. Stable for any
 * finite logits: the row max is subtracted before exp.
 */
export function softmaxCrossEntropy(logitsPtr: usize, labelsPtr: usize, gradPtr: usize, rows: i32, cols: i32): f64 {
  const invRows = <f32>(1.0 / <f64>rows);
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const x = logitsPtr + ((<usize>r * <usize>cols) << 2);
    const g = gradPtr + ((<usize>r * <usize>cols) << 2);
    const label = <i32>load<f32>(labelsPtr + (<usize>r << 2));
    assert(label >= 0 && label < cols, "softmaxCrossEntropy: label out of range");

    // Pass 1: the row max.
    let vmax = f32x4.splat(-Infinity);
    let j = 0;
    for (; j + 4 <= cols; j += 4) vmax = f32x4.max(vmax, v128.load(x + (<usize>j << 2)));
    let m = max<f32>(
      max<f32>(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)),
      max<f32>(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)),
    );
    for (; j < cols; j++) m = max<f32>(m, load<f32>(x + (<usize>j << 2)));
    const shifted = <f64>load<f32>(x + (<usize>label << 2)) - <f64>m;

    // Pass 2: e^{x − max} staged in grad, so pass 3 scales instead of recomputing exp.
    let sum: f64 = 0;
    for (j = 0; j < cols; j++) {
      const e = Mathf.exp(load<f32>(x + (<usize>j << 2)) - m);
      store<f32>(g + (<usize>j << 2), e);
      sum += <f64>e;
    }
    // log Σ e^{x − max} − (x_label − max); sum ≥ 1 since the max contributes e^0.
    total += Math.log(sum) - shifted;

    // Pass 3: grad = e / (sum · rows), minus 1/rows at the label.
    const scale = <f32>(1.0 / (sum * <f64>rows));
    const vscale = f32x4.splat(scale);
    for (j = 0; j + 4 <= cols; j += 4) {
      const p = g + (<usize>j << 2);
      v128.store(p, f32x4.mul(v128.load(p), vscale));
    }
    for (; j < cols; j++) {
      const p = g + (<usize>j << 2);
      store<f32>(p, load<f32>(p) * scale);
    }
    const gl = g + (<usize>label << 2);
    store<f32>(gl, load<f32>(gl) - invRows);
  }
  return total / <f64>rows;
}

/**
 * Mean squared error: loss = Σ (p − t)² / n, grad = 2(p − t)/n. pred, target, grad hold n floats;
 * grad may alias pred or target (each element is read before it is written).
 */
export function mse(predPtr: usize, targetPtr: usize, gradPtr: usize, n: i32): f64 {
  const scale = <f32>(2.0 / <f64>n);
  const vscale = f32x4.splat(scale);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const d = f32x4.sub(v128.load(predPtr + o), v128.load(targetPtr + o));
    acc = addSquares64(acc, d);
    v128.store(gradPtr + o, f32x4.mul(d, vscale));
  }
  let total = hsum64(acc);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(predPtr + o) - load<f32>(targetPtr + o);
    total += <f64>d * <f64>d;
    store<f32>(gradPtr + o, d * scale);
  }
  return total / <f64>n;
}

/**
 * Binary cross-entropy of σ(x) against targets t ∈ [0, 1], from the logits x:
 * loss = mean of max(x, 0) − x·t + log(1 + e^−|x|) (never overflows: the exponent is ≤ 0),
 * grad = (σ(x) − t)/n. logits, target, grad hold n floats; grad may alias either input.
 */
export function bceWithLogits(logitsPtr: usize, targetPtr: usize, gradPtr: usize, n: i32): f64 {
  const invN = <f32>(1.0 / <f64>n);
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(logitsPtr + o);
    const t = load<f32>(targetPtr + o);
    const e = Mathf.exp(-Mathf.abs(x));
    total += <f64>(max<f32>(x, 0) - x * t + Mathf.log1p(e));
    // σ(x) from the same e^−|x|: 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) below, both without overflow.
    const s: f32 = x >= 0 ? <f32>1 / (<f32>1 + e) : e / (<f32>1 + e);
    store<f32>(gradPtr + o, (s - t) * invN);
  }
  return total / <f64>n;
}
