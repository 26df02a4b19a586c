import * as tf from '@tensorflow/tfjs';
import { activationNames, activations, opFor, sigmoid, tanh } from 'tfjs-activations';
import { alphasOf } from '../helpers/alphas';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';


/** z in [-8, 8] away from 0 (the ReLU kink, where the second derivative is undefined). */
const Z = Array.from({ length: 161 }, (_, i) => -8 + i * 0.1).filter((z) => Math.abs(z) > 1e-6);

function expectClose(got: ArrayLike<number>, want: (z: number) => number, what: string, atol = 2e-6, rtol = 2e-4): void {
  Z.forEach((z, i) => {
    const w = want(z);
    if (!(Math.abs(got[i] - w) <= atol + rtol * Math.abs(w))) {
      throw new Error(`${what} at z=${z}: got ${got[i]}, want ${w}`);
    }
  });
}

describe.each(NODE_BACKENDS)('second order on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  it.each(activationNames)('%s: grad(grad(g)) equals the analytic second derivative', (name) => {
    const def = activations[name];
    for (const alpha of alphasOf(name)) {
      const x = tf.tensor1d(Z);
      const g2 = tf.grad(tf.grad((v: tf.Tensor) => opFor(name)(v, alpha)))(x);
      expectClose(g2.dataSync(), (z) => def.reference.secondDerivative(z, alpha), `${name}'' alpha=${alpha}`);
      tf.dispose([x, g2]);
    }
  });

  it('x * sigmoid(x): ours is exact where tf silently drops the x * sigmoid\'\' term', () => {
    const ref = activations.sigmoid.reference;
    // d2/dx2 [x s(x)] = 2 s'(x) + x s''(x)
    const want = (z: number) => 2 * ref.derivative(z, 0) + z * ref.secondDerivative(z, 0);
    const x = tf.tensor1d(Z);
    const ours = tf.grad(tf.grad((v: tf.Tensor) => tf.mul(v, sigmoid(v))))(x).dataSync();
    expectClose(ours, want, 'ours (x sigmoid(x))\'\'');
    const theirs = tf.grad(tf.grad((v: tf.Tensor) => tf.mul(v, tf.sigmoid(v))))(x).dataSync();
    const worst = Math.max(...Z.map((z, i) => Math.abs(theirs[i] - want(z))));
    expect(worst).toBeGreaterThan(0.05); // tf is wrong by about |x s''(x)|
  });

  it('tanh(x)^2 and sigmoid(tanh(x)): compositions and mixed terms are exact', () => {
    const t = activations.tanh.reference;
    const s = activations.sigmoid.reference;
    const x = tf.tensor1d(Z);
    // d2/dx2 tanh(x)^2 = 2 (t'^2 + t t'')
    const sq = tf.grad(tf.grad((v: tf.Tensor) => tf.square(tanh(v))))(x).dataSync();
    expectClose(sq, (z) => 2 * (t.derivative(z, 0) ** 2 + t.value(z, 0) * t.secondDerivative(z, 0)), '(tanh^2)\'\'');
    // d2/dx2 s(t(x)) = s''(t) t'^2 + s'(t) t''
    const st = tf.grad(tf.grad((v: tf.Tensor) => sigmoid(tanh(v))))(x).dataSync();
    expectClose(st, (z) => {
      const tz = t.value(z, 0);
      return s.secondDerivative(tz, 0) * t.derivative(z, 0) ** 2 + s.derivative(tz, 0) * t.secondDerivative(z, 0);
    }, '(sigmoid o tanh)\'\'');
  });

  it('third order of sigmoid: a\'(1 - 6a + 6a^2)', () => {
    const s = activations.sigmoid.reference;
    const x = tf.tensor1d(Z);
    const g3 = tf.grad(tf.grad(tf.grad((v: tf.Tensor) => sigmoid(v))))(x).dataSync();
    expectClose(g3, (z) => {
      const a = s.value(z, 0);
      return s.derivative(z, 0) * (1 - 6 * a + 6 * a * a);
    }, 'sigmoid\'\'\'', 5e-6, 1e-3);
  });

  it('tf\'s built-in sigmoid and tanh cannot do it at all (tfjs #3252); ours can', () => {
    const x = tf.tensor1d([0.5, 1, 2]);
    expect(() => tf.grad(tf.grad((v: tf.Tensor) => tf.sigmoid(v)))(x)).toThrow(/Cannot compute gradient/);
    expect(() => tf.grad(tf.grad((v: tf.Tensor) => tf.tanh(v)))(x)).toThrow(/Cannot compute gradient/);
    const ours = tf.grad(tf.grad((v: tf.Tensor) => sigmoid(v)))(x).dataSync();
    [0.5, 1, 2].forEach((z, i) => {
      expect(Math.abs(ours[i] - activations.sigmoid.reference.secondDerivative(z, 0))).toBeLessThan(1e-6);
    });
  });
  });
