import * as tf from '@tensorflow/tfjs';
import { activationNames, activations, opFor } from 'tfjs-activations';
import { LEAKY_ALPHAS, alphasOf } from '../helpers/alphas';
import { NODE_BACKENDS, setBackend, tfBuiltinUnusable } from '../helpers/backends';
import { float32Sweep, ulpDistance, ulpDistanceFtz } from '../helpers/float32';


describe.each(NODE_BACKENDS)('forward on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  const sweep = float32Sweep();

  // tf's single-kernel built-ins; a tfjs-layers composite (gelu's 1 + erf) cancels where ours
  // does not, so ours is compared with float64 instead (kernels tests, checkActivation, issue14).
  const singleKernel = activationNames.filter((n) => activations[n].tfKernel != null);
  const composite = activationNames.filter((n) => activations[n].tfKernel == null);
  if (composite.length > 0) it.skip.each(composite)("%s: not compared bit for bit: tf's way is a tfjs-layers composite, less accurate than ours", () => undefined);

  // tf 3.21's wasm backend has no Selu or Softplus kernel: nothing of tf's to compare with there.
  const comparable = singleKernel.filter((n) => tfBuiltinUnusable(activations[n], backend, 'forward') == null);
  for (const n of singleKernel) {
    const why = tfBuiltinUnusable(activations[n], backend, 'forward');
    if (why != null) it.skip(`${n} equals tf built-in, and is never less accurate than tf (skipped: ${why})`, () => undefined);
  }
  // Accuracy against float64 for every activation tf's kernels can compare with (composites included).
  const accuracyComparable = activationNames.filter((n) => tfBuiltinUnusable(activations[n], backend, 'forward') == null);

  it.each(comparable)('%s equals tf built-in where tf is right (bit-exact, or within 2 ulp / its forwardUlp where the kernels differ)', (name) => {
    const def = activations[name];
    for (const alpha of alphasOf(name)) {
      const x = tf.tensor1d(sweep);
      const ours = opFor(name)(x, alpha);
      // Our kernels use alpha as a float32 (as tf's wasm kernel and tf's gradients do); tf's cpu
      // forward multiplies by the double. Rounded first, the two are the same computation.
      const theirs = def.builtin(x, Math.fround(alpha));
      const o = ours.dataSync();
      const t = theirs.dataSync();
      let worst = 0;
      let exact = 0;
      let compared = 0;
      for (let i = 0; i < o.length; i++) {
        // Where tf is right (within 4 ulp of float64): tf's elu(-1e-45) is 0, tfjs-layers'
        // hardSigmoid cancels near -2.5, softsign(inf) is NaN, tf's wasm relu6(NaN) is 0.
        if (ulpDistance(t[i], def.reference.value(sweep[i], alpha)) > 4) continue;
        compared++;
        const d = ulpDistance(o[i], t[i]);
        if (d === 0) exact++;
        if (d > worst) worst = d;
      }
      expect(ours.dtype).toBe('float32');
      expect(ours.shape).toEqual(x.shape);
      // Where both use the same algorithm the results are identical; where our kernel computes
      // differently (tanh: a SIMD rational approximation on wasm) each side is within its own
      // ulp of float64, so they may differ by 2.
      expect(worst).toBeLessThanOrEqual(Math.max(2, def.tolerance.forwardUlp));
      expect(compared).toBeGreaterThan(0.75 * o.length); // the sweep's subnormal magnitudes, where tf's elu gives 0, are the rest
      // Same algorithm as tf's (forwardUlp <= 1): mostly the same bits.
      if (def.tolerance.forwardUlp <= 1) expect(exact).toBeGreaterThan(0.97 * compared);
      tf.dispose([x, ours, theirs]);
    }
  });

  it.each(accuracyComparable)('%s is within 1 ulp (or its stated referenceUlp) of float64, and never less accurate than tf', (name) => {
    const def = activations[name];
    for (const alpha of alphasOf(name)) {
      const x = tf.tensor1d(sweep);
      const got = opFor(name)(x, alpha).dataSync();
      // Where tf's way cannot run here (tfjs 3.21's wasm has no Erf, Softplus), the bound is 1 ulp.
      let tfs: Float32Array | null;
      try {
        tfs = def.builtin(x, alpha).dataSync() as Float32Array;
      } catch (e) {
        if (!/not registered/.test((e as Error).message)) throw e;
        tfs = null;
      }
      for (let i = 0; i < sweep.length; i++) {
        const want = def.reference.value(sweep[i], alpha);
        // tf's wasm sigmoid (XNNPACK, which we keep: it is fast) is up to 3 ulp off and flushes
        // subnormal results to 0; everything of ours is within 1 ulp.
        const ours = ulpDistanceFtz(got[i], want);
        const bound = Math.max(def.tolerance.referenceUlp, tfs == null ? 0 : ulpDistanceFtz(tfs[i], want));
        if (ours > bound) {
          throw new Error(`${name}(${sweep[i]}, alpha=${alpha}) = ${got[i]}, want ${want}: ${ours} ulp (tf: ${bound})`);
        }
      }
      x.dispose();
    }
  });

  it('gives the stated limits and NaN', () => {
    const x = tf.tensor1d([-Infinity, Infinity, NaN]);
    expect(Array.from(opFor('sigmoid')(x).dataSync())).toEqual([0, 1, NaN]);
    expect(Array.from(opFor('tanh')(x).dataSync())).toEqual([-1, 1, NaN]);
    expect(Array.from(opFor('relu')(x).dataSync())).toEqual([0, Infinity, NaN]);
    expect(Array.from(opFor('leakyRelu')(x, 0.1).dataSync())).toEqual([-Infinity, Infinity, NaN]);
    expect(Array.from(opFor('leakyRelu')(x, -0.5).dataSync())).toEqual([Infinity, Infinity, NaN]);
    expect(Array.from(opFor('leakyRelu')(x, 0).dataSync())).toEqual([NaN, Infinity, NaN]); // 0 * -inf
  });

  it('leaky ReLU is z if z > 0 else alpha z for every alpha, not max(alpha z, z)', () => {
    const z = [-3, -1, 0, 2, 5];
    for (const alpha of LEAKY_ALPHAS) {
      const got = Array.from(opFor('leakyRelu')(z, alpha).dataSync());
      expect(got).toEqual(z.map((v) => Math.fround(v < 0 ? alpha * v : v)));
    }
    // The seeds' max(alpha z, z) would give 1.5 * 2 = 3 here.
    expect(opFor('leakyRelu')([2], 1.5).dataSync()[0]).toBe(2);
  });
});
