import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { activationNames, activations, opFor } from 'tfjs-activations';
import { customGradOpFor, leakyRelu, sigmoid } from '../../src/custom-grad';
import * as root from 'tfjs-activations';
import { alphasOf } from '../helpers/alphas';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';
import { throwaway } from '../helpers/throwaway';
import { goldenInputs } from '../golden/outputs';

/*
 * The tf.customGrad form (src/custom-grad.ts) against the default ops: the same kernels and the
 * same backward, so forward, first and second derivatives must be bit-identical (NaN equal to
 * NaN), with dy, alone and inside x * g(x), for every registered activation.
 */
throwaway();

function expectBitIdentical(a: tf.Tensor, b: tf.Tensor): void {
  const x = new Uint32Array(new Float32Array(a.dataSync()).buffer);
  const y = new Uint32Array(new Float32Array(b.dataSync()).buffer);
  expect(x.length).toBe(y.length);
  let differing = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && !(Number.isNaN(a.dataSync()[i]) && Number.isNaN(b.dataSync()[i]))) differing++;
  expect(differing).toBe(0);
}

const z = goldenInputs().subarray(0, 200000);

describe.each(NODE_BACKENDS)('%s', (backend) => {
  beforeAll(() => setBackend(backend));
  const cases = activationNames.flatMap((name) => (activations[name].hasAlpha ? alphasOf('leakyRelu') : [activations[name].defaultAlpha]).map((alpha) => [name, alpha] as const));

  it.each(cases)('%s alpha %p: forward, dy * g\', g\'\' and d/dx (x g(x))\'s second order are bit-identical', (name, alpha) => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor1d(z);
      const dy = tf.sin(x.mul(0.37)).add(1.25);
      const forms = [opFor(name), customGradOpFor(name)].map((op) => (t: tf.Tensor) => op(t, alpha));
      const [a, b] = forms.map((f) => ({
        y: f(x),
        g: tf.grad(f)(x, dy),
        g2: tf.grad((t: tf.Tensor) => tf.grad(f)(t))(x),
        xg2: tf.grad((t: tf.Tensor) => tf.grad((u: tf.Tensor) => u.mul(f(u)))(t))(x),
      }));
      expectBitIdentical(a.y, b.y);
      expectBitIdentical(a.g, b.g);
      expectBitIdentical(a.g2, b.g2);
      expectBitIdentical(a.xg2, b.xg2);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

it('the subpath exports the built-ins typed as the root does, with their argument checks', () => {
  expect(typeof sigmoid).toBe('function');
  tf.tidy(() => {
    const x = tf.tensor1d([-1, 0, 2]);
    expectBitIdentical(leakyRelu(x, 0.2), root.leakyRelu(x, 0.2));
  });
  expect(() => leakyRelu([1], Number.NaN)).toThrow(/leakyRelu: alpha must be a finite number/);
  expect(() => customGradOpFor('noSuchActivation')).toThrow(/unknown activation/);
});
