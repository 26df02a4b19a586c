/*
 * Float32 arithmetic facts the checkers need: units in the last place, ulp distances, and a
 * seeded PRNG. Plain JS (no tfjs, no Node APIs), so it runs in a browser page too.
 */

import { checkNumberArg } from '../validate';

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** 2^-23: the float32 machine epsilon (ulp of 1). */
export const FLOAT32_EPSILON = 1.1920928955078125e-7;
/** Smallest positive subnormal float32: the ulp of every value below 2^-125. */
const FLOAT32_MIN_SUBNORMAL = 1.401298464324817e-45;
const FLOAT32_MAX = 3.4028234663852886e38;

/** Bits of a float32 mapped onto a line where neighbouring floats differ by 1 and -0 == +0. */
function ordinal(x: number): number {
  f32[0] = x;
  const bits = i32[0];
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/**
 * Distance between two numbers in float32 units in the last place, after rounding both to
 * float32. 0 for equal values (+0 and -0 count as equal) and for NaN vs NaN; Infinity when
 * exactly one is NaN or when one is infinite and the other is not equal to it.
 */
export function ulpDistance(a: number, b: number): number {
  if (typeof a !== 'number' || typeof b !== 'number') throw new Error(`ulpDistance: a and b must be numbers, got ${typeof a} and ${typeof b}`);
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const fa = Math.fround(a);
  const fb = Math.fround(b);
  if (fa === fb) return 0;
  if (!Number.isFinite(fa) || !Number.isFinite(fb)) return Infinity;
  return Math.abs(ordinal(fa) - ordinal(fb));
}

/** The float32 ulp at x: the gap from |x| (rounded to float32) to the next float32 away from 0. */
export function ulp(x: number): number {
  if (typeof x !== 'number') throw new Error(`ulp: x must be a number, got ${typeof x}`);
  const ax = Math.abs(Math.fround(x));
  if (!Number.isFinite(ax)) return Infinity;
  if (ax >= FLOAT32_MAX) return 2.028240960365167e31; // 2^104, the gap below FLOAT32_MAX
  f32[0] = ax;
  i32[0] += 1;
  return Math.max(f32[0] - ax, FLOAT32_MIN_SUBNORMAL);
}

/** Mulberry32: a tiny seeded PRNG, so every random choice of a check is reproducible. */
export function seededRandom(seed: number): () => number {
  checkNumberArg('seededRandom', 'seed', seed, { integer: true });
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random sign times a magnitude in [0.5, 1.5): never near 0, so no element of a random
 * direction or cotangent hides an error by weighting it with a tiny factor.
 */
export function randomWeight(random: () => number): number {
  const m = 0.5 + random();
  return random() < 0.5 ? -m : m;
}
