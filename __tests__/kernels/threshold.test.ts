import * as tf from '@tensorflow/tfjs';
import { activationNames, activations, derivativeFor, derivativeFromOutputFor, opFor } from 'tfjs-activations';
import { alphasOf } from '../helpers/alphas';
import { setBackend } from '../helpers/backends';

/*
 * The cpu kernels run a JS loop or the wasm SIMD body depending on the element count; the same
 * element must give the same bits either way (issue 12 row 13: tanh'(3.9524183) differed by
 * 1089 ulp between n = 1 and n = 64).
 */

const VALUES = Float32Array.from([3.9524183, -3.9524183, 0.1, -0.7, 0.75, 2.5, -9.1, 17.3, -30, 1e-5, -1e-20, 0, -0, NaN, Infinity, -Infinity,
  1.401298464324817e-45, 3.4028234663852886e38, 0.37, -5.5]);

function bits(v: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(v).buffer));
}

/** f applied to each value alone (n = 1, 32: below any threshold) and inside 64- and 1000-element tensors. */
function sameBitsAtEverySize(f: (x: tf.Tensor) => tf.Tensor): void {
  for (const size of [1, 32, 64, 1000]) {
    const got: number[] = [];
    for (let start = 0; start < VALUES.length; start++) {
      const x = new Float32Array(size).fill(0.5);
      x[size - 1] = VALUES[start];
      const out = tf.tidy(() => f(tf.tensor1d(x)).dataSync());
      got.push(out[size - 1]);
    }
    const want = tf.tidy(() => Array.from(f(tf.tensor1d(VALUES)).dataSync()));
    // NaN's payload may differ between paths; NaN must stay NaN.
    const canon = (vs: number[]) => bits(vs.map((v) => (Number.isNaN(v) ? NaN : v)));
    expect({ size, bits: canon(got) }).toEqual({ size, bits: canon(want) });
  }
}

describe('cpu: the same bits below and above the SIMD threshold', () => {
  beforeAll(() => setBackend('cpu'));

  it.each(activationNames)('%s: forward, gradient, derivative and derivative from output', (name) => {
    for (const alpha of alphasOf(name)) {
      const op = opFor(name);
      sameBitsAtEverySize((x) => op(x, alpha));
      sameBitsAtEverySize((x) => tf.grad((v: tf.Tensor) => op(v, alpha))(x, tf.fill(x.shape, 0.75)));
      sameBitsAtEverySize((x) => derivativeFor(name)(x, alpha));
      if (activations[name].saves(alpha) === 'output') sameBitsAtEverySize((x) => derivativeFromOutputFor(name)(op(x, alpha), alpha));
    }
  });

  it("tanh'(3.9524183) is the same at n = 1 and n = 64 (the issue's case)", () => {
    const one = derivativeFor('tanh')([3.9524183]).dataSync()[0];
    const many = derivativeFor('tanh')(new Float32Array(64).fill(3.9524183)).dataSync()[0];
    expect(one).toBe(many);
  });
});
