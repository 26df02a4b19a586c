import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/*
 * Imports the library only after a backend is active (and switches afterwards), to check that
 * kernel registration does not depend on the order, and that tf's own kernels are untouched.
 */
describe('kernel registration', () => {
  it('works whichever backend is set before or after import, and never replaces tf kernels', async () => {
    await tf.setBackend('wasm');
    const tfSigmoidCpu = tf.getKernel('Sigmoid', 'cpu');
    const tfSigmoidWasm = tf.getKernel('Sigmoid', 'wasm');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('../../src') as typeof import('../../src');

    expect(tf.getKernel('Sigmoid', 'cpu')).toBe(tfSigmoidCpu);
    expect(tf.getKernel('Sigmoid', 'wasm')).toBe(tfSigmoidWasm);
    for (const name of lib.activationNames) {
      expect(tf.getKernel(lib.kernelName(lib.activations[name], 'backward'), 'cpu')).toBeDefined();
    }

    const x = tf.tensor1d([-1, 0, 2]);
    const onWasm = tf.grad((v: tf.Tensor) => lib.sigmoid(v))(x).dataSync();
    await tf.setBackend('cpu');
    expect(lib.hasKernel(lib.activations.sigmoid, 'backward')).toBe(true);
    const onCpu = tf.grad((v: tf.Tensor) => lib.sigmoid(v))(x).dataSync();
    Array.from(onCpu).forEach((v, i) => expect(v).toBeCloseTo(onWasm[i], 7));

    // A second import (e.g. two bundles of the library) must not re-register or warn.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../src');
    });
    // (isolateModules reloads tfjs-core too, which warns about its platform; that is not ours.)
    const ours = warn.mock.calls.filter((args) => String(args[0]).includes('already registered'));
    expect(ours).toEqual([]);
    warn.mockRestore();
  });
});
