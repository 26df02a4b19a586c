import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { activationNames, activations, kernelName, opFor } from 'tfjs-activations';
import { hasKernel, registerActivationKernels, runBackward, runForward, tapedKernelName } from 'tfjs-activations/kernels';
import { setBackend, useBackendWithoutOurKernels } from '../helpers/backends';

/*
 * How src/kernels/index.ts routes a call, where the values cannot tell (every route gives the
 * same numbers): the route of a backend is looked up once, the engine sees a kernel only where it
 * must (a tape outside any kernel, tf.profile, DEBUG), and a backend without our kernels runs
 * tf's own kernel where the definition names one, the composite tf op elsewhere.
 */

const OTHER = 'tfjsActivationsRoutes';
const x = (): tf.Tensor => tf.tensor1d([-2, -0.5, 0.5, 2]);

afterEach(() => jest.restoreAllMocks());

/**
 * tfjs-core's kernel registry (tf.getKernel reads it; in tfjs 4 the export itself is a
 * non-configurable getter that jest cannot spy on): a Map in tf's globals keyed backend_kernel.
 */
function kernelRegistry(): Map<string, unknown> {
  const globals = (globalThis as { _tfGlobals?: Map<string, unknown> })._tfGlobals;
  const registry = globals?.get('kernelRegistry');
  if (!(registry instanceof Map)) throw new Error('tfjs-core keeps no kernelRegistry in globalThis._tfGlobals');
  return registry as Map<string, unknown>;
}

describe('kernel routes on cpu', () => {
  beforeAll(() => setBackend('cpu'));

  it('are looked up once per backend: later calls, and registering again, query no kernel registry', () => {
    const def = activations.tanh;
    const taped = tapedKernelName(def, def.saves(0));
    const t = x();
    const underTape = (f: (v: tf.Tensor) => tf.Tensor): void => tf.grad(f)(t).dispose();
    // The first calls fill the caches (route, taped kernel).
    tf.dispose(runForward(def, t, 0));
    underTape((v) => opFor('tanh')(v));
    const registry = jest.spyOn(kernelRegistry(), 'get');
    const lookups = (): string[] => registry.mock.calls.map(([key]) => key).filter((key) => key.includes('TfjsActivations'));
    // The engine's own lookups of the taped kernel as it runs it: the op may add none.
    underTape((v) => tf.engine().runKernel(taped, { x: v }, { alpha: 0 }) as tf.Tensor);
    const engineOwn = lookups();
    expect(engineOwn.length).toBeGreaterThan(0);
    registry.mockClear();
    expect(hasKernel(def, 'forward')).toBe(true);
    tf.dispose([runForward(def, t, 0), runBackward(def, null, t, 0)]);
    registerActivationKernels(def);
    underTape((v) => opFor('tanh')(v));
    expect(lookups()).toEqual(engineOwn);
    t.dispose();
  });

  it('call our kernel directly outside a tape, tf.profile and DEBUG, and through the engine where a tape records', () => {
    const def = activations.tanh;
    const t = x();
    const runKernel = jest.spyOn(tf.engine(), 'runKernel');
    const ours = (): string[] => runKernel.mock.calls.map(([name]) => name).filter((name) => name.startsWith('TfjsActivations'));
    tf.dispose([runForward(def, t, 0), runBackward(def, null, t, 0), runBackward(def, t, t, 0)]);
    expect(ours()).toEqual([]);
    // Under a tape (off the gradient's path, so no gradient of these kernels is needed).
    const g = tf.grad((v: tf.Tensor) => {
      tf.dispose([runForward(def, t, 0), runBackward(def, null, t, 0)]);
      return tf.mul(v, 2);
    })(t);
    expect(ours()).toEqual([kernelName(def, 'forward'), kernelName(def, 'backward')]);
    expect(Array.from(g.dataSync())).toEqual([2, 2, 2, 2]);
    tf.dispose([g, t]);
  });

  it('inside another kernel under a tape, call our kernel directly (the engine tapes the outer kernel only)', () => {
    const def = activations.tanh;
    const OUTER = 'TestRoutesOuterKernel';
    tf.registerKernel({
      kernelName: OUTER,
      backendName: 'cpu',
      kernelFunc: ({ inputs }) => runForward(def, inputs.x as tf.Tensor, 0),
    });
    const t = x();
    const runKernel = jest.spyOn(tf.engine(), 'runKernel');
    tf.grad((v: tf.Tensor) => {
      tf.engine().runKernel(OUTER, { x: t }, {});
      return tf.mul(v, 2);
    })(t).dispose();
    expect(runKernel.mock.calls.map(([name]) => name).filter((name) => name === OUTER || name.startsWith('TfjsActivations'))).toEqual([OUTER]);
    tf.unregisterKernel(OUTER, 'cpu');
    t.dispose();
  });
});

describe('on a backend with tf\'s kernels but not ours', () => {
  useBackendWithoutOurKernels(OTHER);

  // The yardstick is tf's own builtin, not the definition's tfKernel (which this is to check):
  // where tf computes the activation in one kernel, the op must run that kernel directly.
  it.each(activationNames)('%s: the forward runs tf\'s own kernel where tf\'s op is one kernel for this alpha, else the composite tf op', async (name) => {
    const def = activations[name];
    for (const alpha of def.hasAlpha ? [1, 0.5] : [0]) {
      const t = x();
      const profile = await tf.profile(() => def.builtin(t, alpha));
      tf.dispose(profile.result as tf.Tensor);
      const oneKernel = profile.kernels.length === 1;
      const builtin = jest.spyOn(def, 'builtin');
      const y = opFor(name)(t, alpha);
      expect({ alpha, oneKernel, builtinCalls: builtin.mock.calls.length }).toEqual({ alpha, oneKernel, builtinCalls: oneKernel ? 0 : 1 });
      expect(y.dataSync()[3]).toBeCloseTo(def.reference.value(2, alpha), 5);
      tf.dispose([t, y]);
      builtin.mockRestore();
    }
  });
});

describe('on a backend with no kernels at all', () => {
  const BARE = 'tfjsActivationsBare';
  beforeAll(async () => {
    tf.registerBackend(BARE, () => new MathBackendCPU(), -1);
    expect(await tf.setBackend(BARE)).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
    tf.removeBackend(BARE);
  });

  it('an op fails with tf\'s error for its missing kernel (the composite ran tf\'s op)', () => {
    const t = tf.tensor1d([1, 2]);
    expect(() => opFor('relu')(t)).toThrow(`'Relu' not registered for backend '${BARE}'`);
  });
});
