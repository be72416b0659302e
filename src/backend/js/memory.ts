// Memory kernels, reference implementation. Arrays are views over the heap made by the caller.

export function copyBlocks(src: Float32Array, dst: Float32Array, blocks: number, blockLen: number, srcStride: number, dstStride: number): void {
  for (let b = 0; b < blocks; b++) {
    dst.set(src.subarray(b * srcStride, b * srcStride + blockLen), b * dstStride);
  }
}

export function transpose(x: Float32Array, out: Float32Array, batch: number, rows: number, cols: number): void {
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const o = b * size;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out[o + j * rows + i] = x[o + i * cols + j];
    }
  }
}
