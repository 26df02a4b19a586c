import fc from 'fast-check';

/*
 * fast-check generators for the property tests: float32 values that favour the cases where
 * activations go wrong (signed zeros, subnormals, infinities, NaNs of either sign, the float32
 * extremes, the kinks), shapes of rank 0 to 6 with empty dimensions, and alphas of every sign.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 whose bits are `bits` (NaN payloads and sign bits kept, as a Float32Array keeps them). */
export function fromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0];
}

export const FLT_MAX = 3.4028234663852886e38;
export const FLT_MIN_NORMAL = 1.1754943508222875e-38;

/** NaN with the sign bit clear or set, quiet or with a random payload. */
const nan = fc.oneof(
  fc.constantFrom(fromBits(0x7fc00000), fromBits(0xffc00000)),
  fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 0x7fffff })).map(([neg, payload]) => fromBits((neg ? 0x80000000 : 0) | 0x7f800000 | payload)),
);

/** Subnormals of either sign, by their bits. */
const subnormal = fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 0x7fffff })).map(([neg, m]) => fromBits((neg ? 0x80000000 : 0) | m));

const specials = fc.constantFrom(0, -0, Infinity, -Infinity, FLT_MAX, -FLT_MAX, FLT_MIN_NORMAL, -FLT_MIN_NORMAL, 1.401298464324817e-45, -1.401298464324817e-45);

/** Any float32 at all, by its bits (NaNs and infinities included). */
const anyBits = fc.integer({ min: 0, max: 0xffffffff }).map(fromBits);

/** Where the activations bend and saturate: around the kink at 0, sigmoid's and tanh's ranges. */
const interesting = fc.oneof(
  fc.float({ min: -20, max: 20, noNaN: true }),
  fc.float({ min: Math.fround(-1e-3), max: Math.fround(1e-3), noNaN: true }),
  fc.float({ min: -100, max: 100, noNaN: true }),
);

/** One float32 input value, with the special cases far more often than uniform sampling gives them. */
export const float32Value: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: interesting, weight: 8 },
  { arbitrary: specials, weight: 2 },
  { arbitrary: nan, weight: 1 },
  { arbitrary: subnormal, weight: 1 },
  { arbitrary: anyBits, weight: 2 },
);

/** Shapes of rank 0 to 6; a dimension is 0 now and then (empty tensors); at most 4096 elements. */
export const shape: fc.Arbitrary<number[]> = fc
  .array(fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 6 }, { arbitrary: fc.integer({ min: 4, max: 12 }), weight: 2 }), {
    maxLength: 6,
  })
  .filter((dims) => dims.reduce((a, b) => a * b, 1) <= 4096);

/** alphas of leaky ReLU: negative, zero, between, above 1, small and large (float32-finite). */
export const alpha: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, 0.01, 0.2, 1, 1.5, -0.5, -1),
  fc.float({ min: -10, max: 10, noNaN: true }),
  fc.float({ min: Math.fround(-1e6), max: Math.fround(1e6), noNaN: true }),
);

/** The seed: FC_SEED when set (to replay a failure), else a fixed one, so every run is the same. */
export function seed(): number {
  const env = process.env.FC_SEED;
  if (env === undefined || env === '') return 20261201;
  const n = Number(env);
  if (!Number.isInteger(n)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(env)}`);
  return n;
}
