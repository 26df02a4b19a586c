import * as tf from '@tensorflow/tfjs';
import { activationNames, activations, derivativeFor, derivativeFromOutputFor, opFor } from 'tfjs-activations';
import { LEAKY_ALPHAS, alphasOf } from '../helpers/alphas';
import { NODE_BACKENDS, setBackend, tfBuiltinUnusable } from '../helpers/backends';
import { float32Sweep } from '../helpers/float32';
import { seededRandom } from '../../src/gradcheck/float32';


/** Float32 tolerance for a gradient: the from-output formulas read a rounded a = g(z). */
function close(got: number, want: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  return Math.abs(got - want) <= 2.5e-7 + 4e-6 * Math.abs(want);
}

/** A deterministic dy in [-2, 2) so the fused kernel's multiply by dy is checked too. */
function dyFor(n: number): tf.Tensor1D {
  const random = seededRandom(12345);
  return tf.tensor1d(Float32Array.from({ length: n }, () => random() * 4 - 2));
}

describe.each(NODE_BACKENDS)('first-order gradients on %s', (backend) => {
  beforeAll(() => setBackend(backend));
  const sweep = float32Sweep(1 / 32);

  it.each(activationNames)('%s: dy * g\'(z) equals the float64 reference', (name) => {
    const def = activations[name];
    for (const alpha of alphasOf(name)) {
      const x = tf.tensor1d(sweep);
      const dy = dyFor(sweep.length);
      const g = tf.grad((v: tf.Tensor) => opFor(name)(v, alpha))(x, dy);
      const got = g.dataSync();
      const dyv = dy.dataSync();
      expect(g.dtype).toBe('float32');
      for (let i = 0; i < sweep.length; i++) {
        const want = dyv[i] * def.reference.derivative(sweep[i], alpha);
        if (!close(got[i], want)) {
          throw new Error(`${backend} ${name}'(${sweep[i]}), alpha=${alpha}: got ${got[i]}, want ${want}`);
        }
      }
      tf.dispose([x, dy, g]);
    }
  });

  // tf's autodiff of a tfjs-layers composite cancels (and gives NaN at +inf for gelu); ours is
  // compared with float64 there instead (kernels tests, checkActivation).
  // (softsign and hardSigmoid state how far their formula is from tf's: autodiffAbs.)
  const comparedWithTf = (n: string) => activations[n].tfKernel != null || activations[n].tolerance.autodiffAbs > 0;
  const composite = activationNames.filter((n) => !comparedWithTf(n));
  if (composite.length > 0) it.skip.each(composite)("%s: not compared with tf's autodiff: tf's way is a tfjs-layers composite, less accurate than ours", () => undefined);
  for (const n of activationNames) {
    const why = tfBuiltinUnusable(activations[n], backend);
    if (why != null) it.skip(`${n}: equals tf autodiff of the built-in (skipped: ${why})`, () => undefined);
  }
  it.each(activationNames.filter((n) => comparedWithTf(n) && tfBuiltinUnusable(activations[n], backend) == null))('%s: equals tf autodiff of the built-in (where tf is right)', (name) => {
    const def = activations[name];
    for (const alpha of alphasOf(name)) {
      const x = tf.tensor1d(sweep);
      const dy = dyFor(sweep.length);
      const ours = tf.grad((v: tf.Tensor) => opFor(name)(v, alpha))(x, dy).dataSync();
      const theirs = tf.grad((v: tf.Tensor) => def.builtin(v, alpha))(x, dy).dataSync();
      const dyv = dy.dataSync();
      for (let i = 0; i < sweep.length; i++) {
        // Where tf gives NaN for a number or a number for NaN, tf is wrong (documented): its
        // leakyRelu and hardSigmoid gradients drop NaN, softsign's quotient is inf / inf at inf.
        // elu's composite for alpha != 1 reads the input where alpha z underflows to -0 and ours
        // reads that output as z = 0 (g' = 1, documented): compare where tf is right.
        const right = dyv[i] * def.reference.derivative(sweep[i], alpha);
        if (Number.isNaN(theirs[i]) !== Number.isNaN(right) || !close(theirs[i], right)) continue;
        if (!close(ours[i], theirs[i])) {
          throw new Error(`${backend} ${name}'(${sweep[i]}), alpha=${alpha}: ours ${ours[i]}, tf ${theirs[i]}`);
        }
      }
      tf.dispose([x, dy]);
    }
  });

  it('follows tf at the kink: relu\'(0) = 0, leakyRelu\'(0) = alpha, also at -0', () => {
    const x = tf.tensor1d([0, -0]);
    expect(Array.from(tf.grad((v: tf.Tensor) => opFor('relu')(v))(x).dataSync())).toEqual([0, 0]);
    for (const alpha of LEAKY_ALPHAS) {
      const g = tf.grad((v: tf.Tensor) => opFor('leakyRelu')(v, alpha))(x).dataSync();
      expect(Array.from(g)).toEqual([Math.fround(alpha), Math.fround(alpha)]);
    }
    expect(tf.grad((v: tf.Tensor) => opFor('sigmoid')(v))(x).dataSync()[0]).toBe(0.25);
    expect(tf.grad((v: tf.Tensor) => opFor('tanh')(v))(x).dataSync()[0]).toBe(1);
  });

  it.each(activationNames)('%s: NaN in gives NaN gradient; +-Infinity give the limits', (name) => {
    for (const alpha of alphasOf(name)) {
      const x = tf.tensor1d([NaN, Infinity, -Infinity]);
      const g = Array.from(tf.grad((v: tf.Tensor) => opFor(name)(v, alpha))(x).dataSync());
      const def = activations[name];
      expect(g[0]).toBeNaN();
      expect(g[1]).toBe(Math.fround(def.reference.derivative(Infinity, alpha)));
      expect(g[2]).toBe(Math.fround(def.reference.derivative(-Infinity, alpha)));
    }
  });

  it.each(activationNames)('%sDerivative(z) and %sDerivativeFromOutput(a) follow the reference', (name) => {
    const def = activations[name];
    for (const alpha of alphasOf(name)) {
      const z = tf.tensor1d(sweep);
      const d = derivativeFor(name)(z, alpha).dataSync();
      for (let i = 0; i < sweep.length; i++) {
        if (!close(d[i], def.reference.derivative(sweep[i], alpha))) {
          throw new Error(`${name}Derivative(${sweep[i]}), alpha=${alpha}: got ${d[i]}`);
        }
      }
      if (def.saves(alpha) === 'output') {
        const a = opFor(name)(z, alpha);
        const fromA = derivativeFromOutputFor(name)(a, alpha).dataSync();
        const av = a.dataSync();
        for (let i = 0; i < sweep.length; i++) {
          const want = def.reference.derivativeFromSaved(av[i], alpha);
          if (!close(fromA[i], want)) throw new Error(`${name}DerivativeFromOutput(${av[i]}): got ${fromA[i]}, want ${want}`);
        }
        a.dispose();
      }
      z.dispose();
    }
  });

  it('leakyReluDerivativeFromOutput refuses alpha <= 0, where a does not determine the side', () => {
    expect(() => derivativeFromOutputFor('leakyRelu')([1], -0.5)).toThrow(/leakyReluDerivativeFromOutput.*alpha = -0.5/);
    expect(() => derivativeFromOutputFor('leakyRelu')([1], 0)).toThrow(/alpha = 0/);
  });

  it('the seeds\' formulas from a: a(1-a), 1-a^2, step, alpha-step', () => {
    const a = [0, 0.25, 0.5, 0.9, 0.999].map(Math.fround);
    const expectClose = (got: ArrayLike<number>, want: number[]) =>
      want.forEach((w, i) => expect(close(got[i], w)).toBe(true));
    expectClose(derivativeFromOutputFor('sigmoid')(a).dataSync(), a.map((v) => v * (1 - v)));
    expectClose(derivativeFromOutputFor('tanh')(a).dataSync(), a.map((v) => 1 - v * v));
    expect(Array.from(derivativeFromOutputFor('relu')([-1, 0, 2]).dataSync())).toEqual([0, 0, 1]);
    expect(Array.from(derivativeFromOutputFor('leakyRelu')([-1, 0, 2], 0.2).dataSync())).toEqual([Math.fround(0.2), Math.fround(0.2), 1]);
  });
});
