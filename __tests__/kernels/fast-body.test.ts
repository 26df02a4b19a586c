import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { defineActivation, opFor } from 'tfjs-activations';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';
import { halfSquareSpec } from '../helpers/throwaway';

/*
 * A WAT body's fast form (WatBody.fast, src/kernels/wasm/source.ts): the module runs it over
 * blocks of 64 elements and reruns a block holding a lane below its min vector by vector, with
 * the next 8 blocks. Whatever the block loop does, each vector's bits must be those of the
 * choice made for that vector alone.
 */

// Long enough for the block loop to fail, skip 8 blocks, take the fast form again and fail once
// more, then the 8-element loop (64 elements) and the one-lane tail (3).
const BLOCKS = 12;
const N = 64 * BLOCKS + 64 + 3;
const LOW_AT = [64 + 5, 64 * 11 + 40, N - 2]; // in block 1, block 11, the tail

describe('a user body with a fast form', () => {
  // g(z) = z^2 / 2; the fast form adds 2^-20 (exact for these z), so which form ran shows in the bits.
  const OFFSET = 2 ** -20;
  const half = '(f32x4.mul (v128.const f32x4 0.5 0.5 0.5 0.5) (f32x4.mul (local.get $z) (local.get $z)))';
  defineActivation(halfSquareSpec('halfSquareFast', {
    watForward: { code: half, locals: [], fast: { min: 0, code: `(f32x4.add ${half} (v128.const f32x4 ${OFFSET} ${OFFSET} ${OFFSET} ${OFFSET}))` } },
  }));
  // Multiples of 1/8 in [0, 4), and -1 at LOW_AT; NaN (which the fast form takes) in block 3.
  const zs = Array.from({ length: N }, (_, i) => (LOW_AT.includes(i) ? -1 : i === 64 * 3 + 9 ? NaN : (i % 32) / 8));
  const tail = N - (N % 8);
  const fastFor = (i: number): boolean => {
    const group = i < tail ? zs.slice(i - (i % 4), i - (i % 4) + 4) : [zs[i]];
    return group.every((z) => !(z < 0));
  };

  it.each(NODE_BACKENDS)('takes the fast form exactly for vectors with no lane below its min, on %s', async (backend) => {
    await setBackend(backend);
    const got = tf.tidy(() => Array.from(opFor('halfSquareFast')(tf.tensor1d(zs)).dataSync()));
    const want = zs.map((z, i) => (z * z) / 2 + (fastFor(i) ? OFFSET : 0));
    expect(got).toEqual(want);
    // The fixture holds both kinds inside the block loop, after the skipped blocks, and in the tail.
    expect([fastFor(64 + 4), fastFor(64 + 8), fastFor(64 * 10), fastFor(64 * 11 + 40), fastFor(N - 2), fastFor(N - 1)]).toEqual([false, true, true, false, false, true]);
  });
});

describe('silu forward: the block loop keeps each vector\'s bits', () => {
  // Lanes below -80 take the float64 form (1 ulp), the others the float32 one (3 ulp): a lane's
  // bits depend on its vector's other lanes. Each vector alone is run repeated to 64 elements (one
  // block of equal vectors: the fast form runs for it only where it runs for the vector; cpu's
  // SIMD path starts at 64), each tail lane likewise.
  const zs = Array.from({ length: N }, (_, i) => (LOW_AT.includes(i) ? -100 : Math.fround(Math.sin(i * 12.9898) * 20)));
  const tail = N - (N % 8);

  it.each(NODE_BACKENDS)('on %s', async (backend) => {
    await setBackend(backend);
    const silu = opFor('silu');
    tf.tidy(() => {
      const got = silu(tf.tensor1d(zs)).dataSync();
      let differ = 0;
      for (let v = 0; v < tail; v += 4) {
        const group = zs.slice(v, v + 4);
        const alone = silu(tf.tensor1d(Array.from({ length: 64 }, (_, j) => group[j % 4]))).dataSync();
        for (let k = 0; k < 4; k++) if (!Object.is(alone[k], got[v + k])) differ++;
      }
      for (let i = tail; i < N; i++) if (!Object.is(silu(tf.fill([64], zs[i], 'float32')).dataSync()[0], got[i])) differ++;
      expect(differ).toBe(0);
    });
  });
});
