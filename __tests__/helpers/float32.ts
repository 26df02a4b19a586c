/** Float32 sweeps for tests; ulp arithmetic comes from the library's gradcheck. */
import { ulpDistance } from '../../src/gradcheck/float32';

export { ulpDistance };

/** Smallest positive normal float32; below it some kernels (XNNPACK on wasm) flush to zero. */
export const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/** ulp distance that counts a flushed subnormal (|x| < FLOAT32_MIN_NORMAL read as 0) as exact. */
export function ulpDistanceFtz(a: number, b: number): number {
  const flush = (v: number) => (Math.abs(v) < FLOAT32_MIN_NORMAL ? 0 : v);
  return Math.min(ulpDistance(a, b), ulpDistance(flush(a), flush(b)));
}

/**
 * A dense float32 sweep: a fine linear grid over [-20, 20], log-spaced magnitudes from the
 * smallest subnormal to 1e4 on both sides, and the special values (+-0, +-Infinity, NaN, the
 * float32 extremes).
 */
export function float32Sweep(linearStep = 1 / 64): Float32Array {
  const values: number[] = [0, -0, Infinity, -Infinity, NaN, 1e4, -1e4, 3.4028234663852886e38, -3.4028234663852886e38,
    1.401298464324817e-45, -1.401298464324817e-45, FLOAT32_MIN_NORMAL, -FLOAT32_MIN_NORMAL];
  for (let z = -20; z <= 20; z += linearStep) values.push(z);
  for (let e = -45; e <= 4; e += 0.05) {
    const m = Math.pow(10, e);
    values.push(m, -m);
  }
  return Float32Array.from(values);
}
