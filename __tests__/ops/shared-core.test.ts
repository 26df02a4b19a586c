import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as lib from 'tfjs-activations';

/*
 * Two copies of the library over ONE tfjs-core (two bundles that dedupe tfjs, or a library and
 * an app each depending on tfjs-activations): the second copy finds every kernel registered by
 * the first and must leave them as they are, without tf's "already registered" warning.
 * registration.test.ts's second copy reloads tfjs-core as well, so it cannot see this; here the
 * copy is loaded in isolation with tfjs-core mocked by the instance already loaded.
 */
describe('a second copy of the library sharing one tfjs-core', () => {
  it('keeps the first copy\'s kernels and warns nothing', () => {
    const names = lib.activationNames.flatMap((n) => (['forward', 'backward'] as const).map((p) => lib.kernelName(lib.activations[n], p)));
    const x = tf.tensor1d([-1, 0, 2]);
    // The first copy's taped forward kernels (registered at first use under a tape) too.
    const grad = (copy: typeof lib): number[] => Array.from(tf.grad((v: tf.Tensor) => copy.tanh(v))(x).dataSync());
    const want = grad(lib);
    const taped = tf.getKernelsForBackend('cpu').filter((k) => k.kernelName.includes('tanh') && !names.includes(k.kernelName));
    expect(taped.length).toBeGreaterThan(0);
    const before = names.map((name) => tf.getKernel(name, 'cpu'));
    expect(before.every((k) => k != null)).toBe(true);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    let second: typeof lib | undefined;
    try {
      jest.isolateModules(() => {
        jest.doMock('@tensorflow/tfjs-core', () => tf);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        second = require('tfjs-activations') as typeof lib;
      });
      expect(second).toBeDefined();
      expect(second).not.toBe(lib); // a second copy indeed
      names.forEach((name, i) => expect(tf.getKernel(name, 'cpu')).toBe(before[i]));
      expect(grad(second as typeof lib)).toEqual(want);
      for (const k of taped) expect(tf.getKernel(k.kernelName, 'cpu')).toBe(k);
      expect(warn.mock.calls.filter((args) => String(args[0]).includes('already registered'))).toEqual([]);
    } finally {
      warn.mockRestore();
      jest.dontMock('@tensorflow/tfjs-core');
    }
    // And both copies' ops run on the shared kernels.
    expect(Array.from((second as typeof lib).tanh(x).dataSync())).toEqual(Array.from(lib.tanh(x).dataSync()));
  });
});
