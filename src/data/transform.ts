// Affine perturbations of images: each image shifted and rotated by its own seeded random
// amounts, resampled bilinearly (zero outside the image). A fixed seed gives a fixed set, so two
// models can be compared on exactly the same perturbed digits.
import { Random } from "../tensor/random.js";
import type { Dataset } from "./dataset.js";

/** Ranges of the random shift and rotation of randomAffine, and its seed. */
export interface AffineOptions {
  /** Largest shift along each axis, in pixels (default 2): each image's dx, dy ~ U[−maxShift, maxShift]. */
  maxShift?: number;
  /** Largest rotation about the image centre, in degrees (default 15): angle ~ U[−maxRotation, maxRotation]. */
  maxRotation?: number;
  /** Seed of the shifts and angles (default 0). */
  seed?: number;
}

/**
 * One h×w image (row-major) rotated by `degrees` (counter-clockwise as displayed, y pointing down)
 * about its centre and then shifted by (dx, dy) pixels: out(p) = in(R⁻¹(p − c − d) + c), read
 * bilinearly, 0 outside.
 */
export function affineImage(src: ArrayLike<number>, h: number, w: number, dx: number, dy: number, degrees: number, out = new Float32Array(h * w)): Float32Array {
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const at = (y: number, x: number) => (y >= 0 && y < h && x >= 0 && x < w ? src[y * w + x] : 0);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Inverse map: undo the shift, then the rotation.
      const px = x - cx - dx;
      const py = y - cy - dy;
      const sx = cos * px - sin * py + cx;
      const sy = sin * px + cos * py + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      out[y * w + x] =
        (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
  return out;
}

/**
 * `count` images of h×w stored back to back, each shifted by up to ±maxShift pixels per axis and
 * rotated by up to ±maxRotation degrees, amounts drawn from a generator seeded by `seed`.
 * @example const moved = randomAffine(test.x, test.length, 28, 28, { maxShift: 2, maxRotation: 15, seed: 1 });
 */
export function randomAffine(images: Float32Array, count: number, h: number, w: number, options: AffineOptions = {}): Float32Array {
  const maxShift = options.maxShift ?? 2;
  const maxRotation = options.maxRotation ?? 15;
  if (!(maxShift >= 0) || !(maxRotation >= 0)) throw new Error(`randomAffine: maxShift and maxRotation must be ≥ 0, got ${maxShift} and ${maxRotation}`);
  if (!Number.isInteger(count) || count < 0 || images.length !== count * h * w) {
    throw new Error(`randomAffine: ${images.length} values are not ${count} images of ${h}×${w}`);
  }
  const r = new Random(options.seed ?? 0);
  const out = new Float32Array(images.length);
  for (let i = 0; i < count; i++) {
    const dx = r.uniform(-maxShift, maxShift);
    const dy = r.uniform(-maxShift, maxShift);
    const deg = r.uniform(-maxRotation, maxRotation);
    affineImage(images.subarray(i * h * w, (i + 1) * h * w), h, w, dx, dy, deg, out.subarray(i * h * w, (i + 1) * h * w));
  }
  return out;
}

/** The images of a data set of [1, h, w] or [h·w] samples, each shifted and rotated as by randomAffine; labels kept. */
export function randomAffineDataset(d: Dataset, h: number, w: number, options: AffineOptions = {}): Dataset {
  return { ...d, x: randomAffine(d.x, d.length, h, w, options) };
}

/**
 * The fixed perturbed MNIST test set: every held-out digit shifted by up to ±2 pixels per axis
 * and rotated by up to ±15°, from seed 1.
 *
 * @example const { test } = await loadMnist({ shape: "image" });
 * const shifted = perturbedMnist(test); // the same 2,000 digits, each moved and turned
 * console.log(evaluate(model, shifted, { loss: "crossEntropy" }).accuracy);
 */
export function perturbedMnist(test: Dataset): Dataset {
  return randomAffineDataset(test, 28, 28, { maxShift: 2, maxRotation: 15, seed: 1 });
}
