/** Float32 sweeps and ulp distances for tests. */

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** Maps a float32 to an integer line where adjacent floats differ by 1 (and -0 == +0). */
function ordinal(x: number): number {
  f32[0] = x;
  const bits = i32[0];
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** Distance in float32 units in the last place; 0 for equal values and for NaN vs NaN. */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const fa = Math.fround(a);
  const fb = Math.fround(b);
  if (fa === fb) return 0;
  if (!Number.isFinite(fa) || !Number.isFinite(fb)) return Infinity;
  return Math.abs(ordinal(fa) - ordinal(fb));
}

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
    1.401298464324817e-45, -1.401298464324817e-45, 1.1754943508222875e-38, -1.1754943508222875e-38];
  for (let z = -20; z <= 20; z += linearStep) values.push(z);
  for (let e = -45; e <= 4; e += 0.05) {
    const m = Math.pow(10, e);
    values.push(m, -m);
  }
  return Float32Array.from(values);
}
