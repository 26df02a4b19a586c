import * as tf from '@tensorflow/tfjs';
import { activationNames, activations } from 'tfjs-activations';
import { hasKernel, runBackward, runForward } from '../../src/kernels';
import { compositeBackward } from '../../src/kernels/composite';
import { setBackend } from '../helpers/backends';
import { float32Sweep, ulpDistance } from '../helpers/float32';
import { alphasOf, expectBackwardMatches, expectSameValues, savedFor, values } from './helpers';

/*
 * The cpu kernels: at every size they run the definitions' wasm SIMD bodies over a scratch heap
 * in 16384-element chunks (src/kernels/cpu.ts; a JS loop below 64 elements once gave other
 * bits). Sizes straddle that old threshold and the chunk edges.
 */

const CHUNK = 16384;
const SIMD_SIZES = [64, 65, 71, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5];
const SMALL_SIZES = [0, 1, 7, 63];

/** Test values, with a NaN as the first element of the second chunk too. */
function chunkValues(n: number, seed: number, lo = -6, hi = 6): Float32Array {
  const v = values(n, seed, lo, hi);
  if (n > CHUNK) v[CHUNK] = NaN;
  return v;
}

beforeAll(() => setBackend('cpu'));

describe.each(activationNames)('%s backward on cpu', (name) => {
  const def = activations[name];

  it('has our fused kernel', () => {
    expect(hasKernel(def, 'backward', 'cpu')).toBe(true);
  });

  it.each([...SMALL_SIZES, ...SIMD_SIZES])('size %i (SIMD chunks): equals tf\'s float32 ops computing the same formula (bit for bit, or within the derivativeUlp / derivativeAbs it states where routines differ)', (n) => {
    for (const alpha of alphasOf(name)) {
      tf.tidy(() => {
        const x = tf.tensor1d(chunkValues(n, n + 3));
        const dy = tf.tensor1d(chunkValues(n, n + 5, -2, 2));
        const s = savedFor(name, x, alpha);
        expectBackwardMatches(def, runBackward(def, dy, s, alpha), compositeBackward(def, dy, s, alpha), dy);
        expectBackwardMatches(def, runBackward(def, null, s, alpha), compositeBackward(def, null, s, alpha), null);
      });
    }
  });

  it('takes an int32 dy (converted in the chunk copy) and leaks no tensors', () => {
    const n = CHUNK + 9;
    const x = tf.tensor1d(chunkValues(n, 1));
    const s = savedFor(name, x, alphasOf(name)[1] ?? 0);
    const dyInt = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => (i % 7) - 3), 'int32');
    const dyFloat = tf.cast(dyInt, 'float32');
    const before = tf.memory().numTensors;
    const a = runBackward(def, dyInt, s, 0.2);
    const b = runBackward(def, dyFloat, s, 0.2);
    expectSameValues(a, b);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, s, dyInt, dyFloat]);
  });
});

const simdForward = activationNames.filter((a) => activations[a].wasm.forwardOn.includes('cpu'));

describe.each(simdForward)('%s forward on cpu (SIMD)', (name) => {
  const def = activations[name];
  const cases = alphasOf(name).flatMap((alpha) => [...SMALL_SIZES, ...SIMD_SIZES].map((n) => [n, alpha] as const));

  // Against tf's own kernel where it has one; against the float64 reference (rounded to float32)
  // where tf's way is a tfjs-layers composite, which cancels (gelu's 1 + erf below 0).
  const yardstick = def.tfKernel != null ? "tf's cpu kernel" : 'the float64 reference';
  it.each(cases)(`size %i, alpha %p: within its ulps of ${yardstick} at every size (one SIMD path), NaN, +-0, +-inf, +-1 exact`, (n, alpha) => {
    tf.tidy(() => {
      const xv = chunkValues(n, n + 11, -10, 10);
      const x = tf.tensor1d(xv);
      const ours = runForward(def, x, alpha).dataSync();
      const theirs = def.tfKernel != null ? def.builtin(x, alpha).dataSync() : Float32Array.from(xv, (v) => def.reference.value(v, alpha));
      const xs = x.dataSync();
      const exact = (i: number) => Object.is(ours[i], theirs[i]) || (Number.isNaN(ours[i]) && Number.isNaN(theirs[i]));
      let worst = 0;
      for (let i = 0; i < n; i++) {
        // Exact where tf gives a special value and is right (tf's elu(-1e-45) is 0, softsign(inf) NaN);
        // against the reference only non-finite ones (gelu(-1e-45) rounds to -0 there, ours to
        // -1e-45: one subnormal step, which forwardUlp allows).
        const special = !Number.isFinite(theirs[i]) || (def.tfKernel != null && (theirs[i] === 0 || Math.abs(theirs[i]) === 1));
        if (special && Object.is(theirs[i], Math.fround(def.reference.value(xs[i], alpha)))) expect(exact(i)).toBe(true);
        // Only where tf is right to 1 ulp: tfjs-layers' hardSigmoid cancels near -2.5 (thousands
        // of ulps), softsign(inf) is inf / inf = NaN there; the float64 test below covers ours.
        if (ulpDistance(theirs[i], def.reference.value(xs[i], alpha)) <= 1) worst = Math.max(worst, ulpDistance(ours[i], theirs[i]));
      }
      // How far the SIMD forward may be from tf's cpu kernel: the definition states it.
      expect(worst).toBeLessThanOrEqual(def.tolerance.forwardUlp);
    });
  });

  it.each(alphasOf(name))('alpha %p: within 1 ulp (or the ulps it states) of the float64 reference over the dense float32 sweep, subnormal results included', (alpha) => {
    const z = float32Sweep(1 / 256);
    const got = tf.tidy(() => runForward(def, tf.tensor1d(z), alpha).dataSync());
    let worst = 0;
    for (let i = 0; i < z.length; i++) worst = Math.max(worst, ulpDistance(got[i], def.reference.value(z[i], alpha)));
    expect(worst).toBeLessThanOrEqual(def.tolerance.referenceUlp);
  });
});
