import * as tf from '@tensorflow/tfjs';
import { checkActivation, gradcheck } from 'tfjs-activations/gradcheck';
import { activationNames } from 'tfjs-activations';
import type { ActivationCheckOptions, GradcheckFunction, GradcheckOptions } from 'tfjs-activations/gradcheck';
import { checkAll } from '../../benchmarks/src/check/checkAll';
import type { CheckAllOptions } from '../../benchmarks/src/check/checkAll';
import { setBackend } from '../helpers/backends';

/** Options as a JavaScript caller may pass them, wrong types included. */
const loose = <T>(v: unknown): T => v as T;

/** d/dx x^2 claimed as 200x: a gradient wrong by 100x. */
const wrongSquare: GradcheckFunction = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return { value: tf.square(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(200, saved[0])) };
}) as unknown as GradcheckFunction;

describe('gradcheck validates every option (issue 12 rows 6 to 9)', () => {
  beforeAll(() => setBackend('cpu'));
  const x = () => tf.tensor1d([0.5, -1.25, 2]);

  it('atol NaN is an Error, not ok: true for a gradient wrong by 100x (row 6)', async () => {
    await expect(gradcheck(wrongSquare, [x()], { atol: NaN })).rejects.toThrow(/^gradcheck: option atol must be a finite number >= 0, got NaN$/);
    // The same check without the bad option fails the gradient, as it should.
    expect((await gradcheck(wrongSquare, [x()])).ok).toBe(false);
  });

  it("atol '1' (a string) is an Error (row 7)", async () => {
    await expect(gradcheck((v) => tf.square(v), [x()], loose<GradcheckOptions>({ atol: '1' }))).rejects.toThrow(
      /^gradcheck: option atol must be a finite number >= 0, got the string "1"$/,
    );
  });

  it('directions 0 is an Error (row 8)', async () => {
    await expect(gradcheck((v) => tf.square(v), [x()], { directions: 0 })).rejects.toThrow(/^gradcheck: option directions must be an integer >= 1, got 0$/);
  });

  it('f null or not a function is an Error naming gradcheck and f (row 9)', async () => {
    await expect(gradcheck(loose<GradcheckFunction>(null), [x()])).rejects.toThrow(/^gradcheck: f must be a function of tensors, got null$/);
    await expect(gradcheck(loose<GradcheckFunction>('square'), [x()])).rejects.toThrow(/^gradcheck: f must be a function/);
  });

  it.each([
    ['eps', 0, /eps must be a finite number > 0/],
    ['eps', Infinity, /eps must be a finite number > 0/],
    ['rtol', -1, /rtol must be a finite number >= 0/],
    ['order', 3, /order must be one of 1, 2, got 3/],
    ['seed', NaN, /seed must be an integer/],
    ['seed', 1.5, /seed must be an integer/],
    ['kinks', [0, NaN], /kinks must be an array of finite numbers/],
    ['kinks', 0, /kinks must be an array of finite numbers/],
    ['noiseUlps', -1, /noiseUlps must be a finite number >= 0/],
    ['maxJacobian', 1.5, /maxJacobian must be an integer >= 0/],
    ['maxElementwise', '10', /maxElementwise must be an integer >= 0, got the string "10"/],
    ['atoll', 1, /unknown option "atoll" \(known: eps, atol/],
  ])('option %s = %p is an Error', async (key, value, message) => {
    await expect(gradcheck((v) => tf.square(v), [x()], loose<GradcheckOptions>({ [key]: value }))).rejects.toThrow(message);
  });

  it('options that are not an object are an Error; inputs are checked as before', async () => {
    await expect(gradcheck((v) => tf.square(v), [x()], loose<GradcheckOptions>(null))).rejects.toThrow(/^gradcheck: options must be an object/);
    await expect(gradcheck((v) => tf.square(v), [])).rejects.toThrow(/^gradcheck: inputs must be a non-empty array/);
  });

  // The seventh session's mutation run of gradcheck.ts lines 1-182 found these unread.
  it('f returning a non-tensor or a non-float32 tensor is an Error naming what f must return', async () => {
    await expect(gradcheck(loose<GradcheckFunction>(() => 1), [x()])).rejects.toThrow(/^gradcheck: f must return a Tensor or an array of Tensors$/);
    await expect(gradcheck(loose<GradcheckFunction>((v: tf.Tensor) => [tf.square(v), null]), [x()])).rejects.toThrow(/^gradcheck: f must return a Tensor or an array of Tensors$/);
    await expect(gradcheck((v) => tf.cast(v, 'int32'), [x()])).rejects.toThrow(/^gradcheck: f must return float32 tensors, got int32$/);
  });

  it('the default is no kinks: none in the settings or the report', async () => {
    const r = await gradcheck((v) => tf.square(v), [x()]);
    expect(r.settings.kinks).toEqual([]);
    expect(r.kinks.values).toEqual([]);
  });
});

describe("gradcheck without tf's gradients registered", () => {
  beforeAll(() => setBackend('cpu'));

  /** tf's gradient registry (a Map in tf's globals, shared by every copy of tfjs-core). */
  function gradRegistry(): Map<string, unknown> {
    const registry = (globalThis as { _tfGlobals?: Map<string, unknown> })._tfGlobals?.get('gradRegistry');
    if (!(registry instanceof Map)) throw new Error('tfjs-core keeps no gradRegistry in globalThis._tfGlobals');
    return registry as Map<string, unknown>;
  }

  /** Runs `body` with the given kernels' gradients taken out of the registry, then puts them back. */
  async function without(kernels: string[], body: () => Promise<void>): Promise<void> {
    const registry = gradRegistry();
    const saved = kernels.map((k) => [k, registry.get(k)] as const);
    for (const k of kernels) registry.delete(k);
    try {
      await body();
    } finally {
      for (const [k, g] of saved) registry.set(k, g);
    }
  }
  const message = /^gradcheck: tf's gradients are not registered; import '@tensorflow\/tfjs'/;

  it('is an Error saying what to import, when either of the two it looks for is missing', async () => {
    for (const kernels of [[tf.Multiply, tf.Sigmoid], [tf.Multiply], [tf.Sigmoid]]) {
      await without(kernels, () => expect(gradcheck((v) => tf.square(v), [tf.tensor1d([0.5])])).rejects.toThrow(message));
    }
    // Put back, it runs again.
    expect((await gradcheck((v) => tf.square(v), [tf.tensor1d([0.5])])).ok).toBe(true);
  });
});

describe('checkActivation and checkAll validate every option (rows 10, 11)', () => {
  beforeAll(() => setBackend('cpu'));

  it.each([
    ['points', -5, /^checkActivation: option points must be an integer >= 1, got -5$/],
    ['points', 0, /points must be an integer >= 1, got 0/],
    ['points', NaN, /points must be an integer >= 1, got NaN/],
    ['orders', [3], /^checkActivation: option orders must be a non-empty array of 1 and\/or 2/],
    ['orders', [], /orders must be a non-empty array/],
    ['orders', 1, /orders must be a non-empty array/],
    ['range', NaN, /^checkActivation: option range must be a finite number > 0, got NaN$/],
    ['range', 0, /range must be a finite number > 0/],
    ['split', -1, /split must be a finite number >= 0/],
    ['fdPoints', 0, /fdPoints must be an integer >= 1/],
    ['fdRange', -8, /fdRange must be a finite number > 0/],
    ['seed', 'x', /seed must be an integer/],
    ['alpha', 1e39, /alpha must be a finite number/],
    ['tolerances', 5, /tolerances must be an object/],
    ['tolerances', { forwardUlps: -1 }, /option tolerances.forwardUlps must be a finite number >= 0/],
    ['tolerances', { fowardUlps: 1 }, /unknown option "fowardUlps"/],
    ['point', 5, /unknown option "point"/],
  ])('checkActivation option %s = %p is an Error', async (key, value, message) => {
    await expect(checkActivation('sigmoid', loose<ActivationCheckOptions>({ [key]: value }))).rejects.toThrow(message);
  });

  it('an unknown activation is an Error naming the known ones', async () => {
    await expect(checkActivation(loose<'sigmoid'>('toString'))).rejects.toThrow(new RegExp(`^checkActivation: unknown activation "toString" \\(known: ${activationNames.join(', ')}\\)$`));
  });

  it.each([
    ['backends', ['cpu', 'gpu'], /^checkAll: option backends must be a non-empty array of cpu, wasm, tensorflow, webgl, webgpu/],
    ['backends', [], /backends must be a non-empty array/],
    ['activations', ['sigmoid', 'bogus'], new RegExp(`^checkAll: option activations must be a non-empty array of ${activationNames.join(', ')}`)],
    ['orders', [0], /^checkAll: option orders must be a non-empty array of 1 and\/or 2/],
    ['check', { points: 0 }, /^checkAll: option check.points must be an integer >= 1/],
    ['check', { orders: [1] }, /^checkAll: unknown option "orders" in check/],
    ['runners', { webgl: 5 }, /^checkAll: option runners.webgl must be a function/],
    ['runner', {}, /^checkAll: unknown option "runner"/],
  ])('checkAll option %s = %p is an Error', async (key, value, message) => {
    await expect(checkAll(loose<CheckAllOptions>({ backends: ['cpu'], [key]: value }))).rejects.toThrow(message);
  });

  it('valid options still run (a small sweep passes)', async () => {
    const r = await checkActivation('tanh', { points: 11, fdPoints: 4, orders: [1] });
    expect(r.ok).toBe(true);
    expect(r.sweep.points).toBe(11);
  });
});
