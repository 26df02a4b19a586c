import * as tf from '@tensorflow/tfjs';
import { activationNames, activations, derivativeFor, opFor } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { ulpDistance } from 'tfjs-activations/gradcheck';
import { tapedKernelName } from 'tfjs-activations/kernels';
import { alphasOf } from '../helpers/alphas';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';

/*
 * What the README's conventions state exactly, where the tolerance-based suites cannot tell:
 * the signs of zeros and the limits at +-0, +-inf and NaN (the float64 reference is every other
 * suite's yardstick, so it must give the op's own bits there), which tensor each op saves for
 * its backward, and leaky ReLU's one ulp from tf's cpu forward.
 */

const SPECIAL = [0, -0, Infinity, -Infinity, NaN];

/** Same float32 value, -0 and +0 told apart, any NaN equal to any NaN. */
const sameBits = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  it.each(activationNames)('%s and its derivative at +-0, +-inf and NaN give the float64 reference rounded to float32, zero signs included', (name) => {
    const def = activations[name];
    for (const alpha of alphasOf(name)) {
      const x = tf.tensor1d(SPECIAL);
      const [value, slope] = tf.tidy(() => [opFor(name)(x, alpha).dataSync(), derivativeFor(name)(x, alpha).dataSync()]);
      x.dispose();
      SPECIAL.forEach((z, i) => {
        const at = `${name}(${Object.is(z, -0) ? '-0' : z}, alpha ${alpha})`;
        expect([at, sameBits(value[i], Math.fround(def.reference.value(z, alpha)))]).toEqual([at, true]);
        expect([`${at}'`, sameBits(slope[i], Math.fround(def.reference.derivative(z, alpha)))]).toEqual([`${at}'`, true]);
      });
    }
  });
});

describe.each(NODE_BACKENDS)('tanh on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  // forwardUlp is the distance from tf's cpu kernel, Math.tanh rounded once (tf's wasm tanh is
  // another C routine, 2 ulp from ours). On cpu the JS loop, were it run, would give 0.
  it("is the SIMD routine (simdForwardOn): within its forwardUlp (1) of tf's cpu kernel, and reaching it", () => {
    const def = activations.tanh;
    const z = Float32Array.from({ length: 8001 }, (_, i) => (i - 4000) / 400);
    tf.tidy(() => {
      const x = tf.tensor1d(z);
      const ours = opFor('tanh')(x).dataSync();
      let worst = 0;
      for (let i = 0; i < z.length; i++) worst = Math.max(worst, ulpDistance(ours[i], Math.fround(Math.tanh(z[i]))));
      expect(worst).toBe(def.tolerance.forwardUlp);
    });
  });
});

describe('what backward reads (README, conventions: the saves column and leaky ReLU\'s rule)', () => {
  beforeAll(() => setBackend('cpu'));

  // Written out, not read from the specs: a spec that saved the other tensor would still give
  // the same gradients, only keep the other tensor alive.
  const saved: Record<ActivationName, (alpha: number) => 'output' | 'input'> = {
    sigmoid: () => 'output',
    tanh: () => 'output',
    relu: () => 'output',
    leakyRelu: (alpha) => (alpha > 0 ? 'output' : 'input'),
    elu: (alpha) => (alpha > 0 ? 'output' : 'input'),
    selu: () => 'output',
    softplus: () => 'output',
    softsign: () => 'output',
    relu6: () => 'input',
    hardSigmoid: () => 'input',
    gelu: () => 'input',
    geluTanh: () => 'input',
    silu: () => 'input',
    mish: () => 'input',
  };

  it('covers every built-in', () => {
    expect(Object.keys(saved).sort()).toEqual([...activationNames].sort());
  });

  it.each(activationNames)('%s under tf.grad saves the tensor the README names', async (name) => {
    const def = activations[name];
    const x = tf.tensor1d([-2, -0.5, 0.5, 2]);
    for (const alpha of alphasOf(name)) {
      const info = await tf.profile(() => tf.grad((v: tf.Tensor) => opFor(name)(v, alpha))(x));
      tf.dispose(info.result as tf.Tensor);
      expect([alpha, info.kernels.map((k) => k.name)]).toEqual([alpha, expect.arrayContaining([tapedKernelName(def, saved[name](alpha))])]);
    }
    x.dispose();
  });

  it('leakyRelu on cpu: within its forwardUlp (1) of tf.leakyRelu with the double alpha, and reaching it; tf with Math.fround(alpha) bit for bit', () => {
    const def = activations.leakyRelu;
    const z = Float32Array.from({ length: 4096 }, (_, i) => -Math.fround(1 + i / 64));
    tf.tidy(() => {
      const x = tf.tensor1d(z);
      const ours = opFor('leakyRelu')(x, 0.2).dataSync();
      const double = tf.leakyRelu(x, 0.2).dataSync();
      const rounded = tf.leakyRelu(x, Math.fround(0.2)).dataSync();
      let worst = 0;
      for (let i = 0; i < z.length; i++) worst = Math.max(worst, ulpDistance(ours[i], double[i]));
      expect(worst).toBe(def.tolerance.forwardUlp);
      expect(Array.from(ours)).toEqual(Array.from(rounded));
    });
  });

  it("leakyRelu of int32 input on cpu: tf.leakyRelu's own result (README, dtypes), which a float32 alpha would miss", () => {
    tf.tidy(() => {
      const xi = tf.tensor1d(Array.from({ length: 200 }, (_, i) => -1 - i), 'int32');
      for (const alpha of [0.01, 0.3]) {
        const ours = opFor('leakyRelu')(xi, alpha);
        const theirs = tf.leakyRelu(xi, alpha);
        expect(ours.dtype).toBe(theirs.dtype);
        expect(Array.from(ours.dataSync())).toEqual(Array.from(theirs.dataSync()));
        // Cast first and run our kernel (alpha a float32) and the bits differ: this test can tell.
        const cast = opFor('leakyRelu')(tf.cast(xi, 'float32'), alpha).dataSync();
        expect(Array.from(cast)).not.toEqual(Array.from(theirs.dataSync()));
      }
    });
  });
});
