import * as tf from '@tensorflow/tfjs';
import { activationNames, activations } from 'tfjs-activations';
import { kernelName, runBackward, runForward } from '../../src/kernels';
import * as loader from '../../src/kernels/wasm/loader';
import { setBackend } from '../helpers/backends';
import { float32Sweep, ulpDistance } from '../helpers/float32';
import { alphasOf, savedFor, values } from './helpers';

/*
 * The cpu kernels' JS loops: what runs where the engine gives no wasm SIMD module (kernelInstance
 * returns null, as it does without SIMD). Every other test runs the SIMD bodies, so nothing else
 * reaches these loops (mutation testing found them uncovered: docs/mutation.md). The loops
 * compute in double and round once, so they are within the definition's ulps of the float64
 * reference, not bit-equal to the SIMD path.
 */

jest.mock('../../src/kernels/wasm/loader', () => {
  const actual = jest.requireActual<typeof loader>('../../src/kernels/wasm/loader');
  return { ...actual, kernelInstance: jest.fn(() => null) };
});

/** Every 3rd point of the sweep: the loops are generic, a sparser grid shows the same. */
const Z = float32Sweep(1 / 16).filter((_, i) => i % 3 === 0);

beforeAll(() => setBackend('cpu'));

/**
 * How far the JS loops may be from the float64 reference: 1 ulp, or 1e-6 absolute (per unit of
 * |dy|). The absolute part is the rendered expressions' own error where they cancel: gelu's
 * z/2 (1 + erf(z/sqrt 2)) gives -3.1e-7 at -inf (its SIMD forward is a hand-written WAT body
 * instead), silu's a subnormal where the limit is 0, derivatives from the saved output a + alpha
 * near a = -alpha (alpha as a float32 there).
 */
const ULPS = 1;
const ABS = 1e-6;

/** The first element outside the allowance, or '' when all are within it. */
function firstMiss(got: Float32Array, want: (i: number) => number, scale: (i: number) => number = () => 1): string {
  for (let i = 0; i < got.length; i++) {
    const w = want(i);
    if (Number.isNaN(w) ? Number.isNaN(got[i]) : ulpDistance(got[i], w) <= ULPS || Math.abs(got[i] - w) <= ABS * scale(i)) continue;
    return `at ${i}: ${got[i]} vs ${w}`;
  }
  return '';
}

describe.each(activationNames)('%s on cpu without wasm SIMD (the JS loops)', (name) => {
  const def = activations[name];

  it.each(alphasOf(name))('alpha %p: forward within 1 ulp or 1e-6 of the float64 reference', (alpha) => {
    const got = tf.tidy(() => runForward(def, tf.tensor1d(Z), alpha).dataSync() as Float32Array);
    expect(firstMiss(got, (i) => def.reference.value(Z[i], alpha))).toBe('');
  });

  it.each(alphasOf(name))('alpha %p: backward with and without dy within 1 ulp or 1e-6 |dy| of the float64 derivative from the saved value', (alpha) => {
    tf.tidy(() => {
      const n = 3000;
      const s = savedFor(name, tf.tensor1d(values(n, 7)), alpha);
      // Finite dy: an infinite one times a derivative that is 1e-9 where the limit is 0 is the
      // absolute allowance above, magnified without bound.
      const dy = tf.tensor1d(values(n, 9, -2, 2).map((v) => (Number.isFinite(v) ? v : 1.5)));
      const sv = s.dataSync();
      const dyv = dy.dataSync();
      const d = (i: number) => def.reference.derivativeFromSaved(sv[i], alpha);
      expect(firstMiss(runBackward(def, null, s, alpha).dataSync() as Float32Array, d)).toBe('');
      expect(firstMiss(runBackward(def, dy, s, alpha).dataSync() as Float32Array, (i) => dyv[i] * d(i), (i) => Math.abs(dyv[i]))).toBe('');
    });
  });
});

describe('cpu kernels without wasm SIMD', () => {
  it('asked the loader for a module and got none (so the tests above ran the JS loops)', () => {
    tf.tidy(() => runForward(activations.tanh, tf.tensor1d([0.5]), 0));
    expect(loader.kernelInstance).toHaveBeenCalled();
  });

  it("a tensor with no numeric values on the cpu backend (complex64) is a named Error, not a TypeError", () => {
    const x = tf.complex([1, 2], [3, 4]);
    expect(() => tf.engine().runKernel(kernelName(activations.tanh, 'forward'), { x }, { alpha: 0 })).toThrow(
      /cpu kernel got a tensor without numeric values \(complex64\)/,
    );
    x.dispose();
  });
});
