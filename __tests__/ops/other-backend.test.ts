import * as tf from '@tensorflow/tfjs';
import { useBackendWithoutOurKernels } from '../helpers/backends';
import { activationNames, activations, derivativeFor, hasKernel, opFor } from 'tfjs-activations';
import { kernelName, tapedKernelName } from '../../src/kernels';
import { alphasOf } from '../helpers/alphas';

/*
 * A backend the library has no kernels for (as tensorflow, tfjs-node's, is here when installed):
 * a second cpu backend under another name, with tf's cpu kernels registered for it. The ops must
 * take the composite path there, and under a tape register their taped forward on first use.
 */
const OTHER = 'tfjsActivationsOther';

useBackendWithoutOurKernels(OTHER);

/** Finite points away from the relu kink. */
const Z = [-6, -2.5, -1, -0.25, 0.25, 1, 2.5, 6];

describe('on a backend without kernels of ours', () => {
  it.each(activationNames)('%s: forward, gradient and second derivative are right through the composite path', (name) => {
    const def = activations[name];
    expect(hasKernel(def, 'forward')).toBe(false);
    expect(hasKernel(def, 'backward')).toBe(false);
    for (const alpha of alphasOf(name)) {
      const x = tf.tensor1d(Z);
      const before = tf.memory().numTensors;
      const y = opFor(name)(x, alpha);
      const g = tf.grad((v: tf.Tensor) => opFor(name)(v, alpha))(x);
      const g2 = tf.grad(tf.grad((v: tf.Tensor) => opFor(name)(v, alpha)))(x);
      Z.forEach((z, i) => {
        expect(y.dataSync()[i]).toBeCloseTo(def.reference.value(z, alpha), 6);
        expect(g.dataSync()[i]).toBeCloseTo(def.reference.derivative(z, alpha), 6);
        expect(g2.dataSync()[i]).toBeCloseTo(def.reference.secondDerivative(z, alpha), 5);
      });
      tf.dispose([y, g, g2]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    }
  });

  it.each(activationNames)('%s: under a tape the forward is our taped kernel (registered here on first use), the backward tf ops', async (name) => {
    const def = activations[name];
    const x = tf.tensor1d(Z);
    const info = await tf.profile(() => tf.grad((v: tf.Tensor) => opFor(name)(v, 0.2))(x));
    tf.dispose([x, info.result as tf.Tensor]);
    const names = info.kernels.map((k) => k.name);
    const saved = def.saves(0.2);
    expect(tf.getKernel(tapedKernelName(def, saved), OTHER)).toBeDefined();
    expect(names).toContain(tapedKernelName(def, saved));
    expect(names).not.toContain(kernelName(def, 'backward'));
  });

  it.each(activationNames)("%s: derivativeFor (g' without dy) is right through the composite path, float32 and leak-free", (name) => {
    const def = activations[name];
    for (const alpha of alphasOf(name)) {
      const x = tf.tensor1d(Z);
      const before = tf.memory().numTensors;
      const d = derivativeFor(name)(x, alpha);
      expect(d.dtype).toBe('float32');
      Z.forEach((z, i) => expect(d.dataSync()[i]).toBeCloseTo(def.reference.derivative(z, alpha), 6));
      d.dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    }
  });
});
