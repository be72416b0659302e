// Reductions, reference implementation. x is viewed as [outer, len, inner] (row-major).

export function sumAxis(x: Float32Array, out: Float32Array, outer: number, len: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let j = 0; j < len; j++) s += x[(o * len + j) * inner + i];
      out[o * inner + i] = s;
    }
  }
}

export function maxAxis(x: Float32Array, out: Float32Array, outer: number, len: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let m = -Infinity;
      for (let j = 0; j < len; j++) m = Math.max(m, x[(o * len + j) * inner + i]);
      out[o * inner + i] = m;
    }
  }
}

export function sumToBroadcast(x: Float32Array, out: Float32Array, outer: number, bn: number, inner: number): void {
  for (let c = 0; c < bn; c++) {
    let s = 0;
    for (let o = 0; o < outer; o++) {
      const base = (o * bn + c) * inner;
      for (let i = 0; i < inner; i++) s += x[base + i];
    }
    out[c] = s;
  }
}

export function sumSquares(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}
