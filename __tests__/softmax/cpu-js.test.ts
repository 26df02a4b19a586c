import * as tf from '@tensorflow/tfjs';
import { logSoftmax, softmax, softmaxCrossEntropy } from 'tfjs-activations';
import { setBackend } from '../helpers/backends';
import { logSoftmax64, maxUlp, randomRows, softmax64 } from './reference';

/*
 * The cpu row kernels run the wasm module on a scratch memory (src/softmax/kernels.ts); where the
 * module cannot be instantiated (no WebAssembly SIMD) they fall back to float64 JS loops. Here the
 * loader refuses the row module, so every cpu row kernel takes the JS loops: they round once from
 * float64, 0 ulp on rows where the SIMD module is 1-2 ulp off (the first test shows the difference
 * on those rows, so a silent return to the SIMD path fails it).
 */
jest.mock('../../src/kernels/wasm/loader', () => {
  const actual = jest.requireActual('../../src/kernels/wasm/loader');
  return { ...actual, moduleInstance: (name: string, memory: WebAssembly.Memory) => (name === 'row-kernels' ? null : actual.moduleInstance(name, memory)) };
});

beforeAll(() => setBackend('cpu'));

const rows = 8;
const n = 1000;
const x = randomRows(rows * n, 30, 4242);

it('softmax and logSoftmax forwards round float64 once (0 ulp) through the JS loops', () => {
  for (const [op, ref] of [[softmax, softmax64], [logSoftmax, logSoftmax64]] as const) {
    const got = tf.tidy(() => op(tf.tensor2d(x, [rows, n])).dataSync());
    expect(maxUlp(got, ref(x, n))).toBe(0);
  }
});

it('the backwards and the cross-entropy backward match the float64 formulas from the same output', () => {
  const dyv = randomRows(rows * n, 1, 4343);
  const labels = tf.tidy(() => tf.softmax(tf.tensor2d(randomRows(rows * n, 2, 4444), [rows, n])));
  tf.tidy(() => {
    const xt = tf.tensor2d(x, [rows, n]);
    const dy = tf.tensor2d(dyv, [rows, n]);
    const s = softmax(xt).dataSync();
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(softmax(v), dy)))(xt).dataSync();
    const dce = tf.grad((v: tf.Tensor) => softmaxCrossEntropy(labels, v))(xt).dataSync();
    const lab = labels.dataSync();
    const ls = logSoftmax64(x, n);
    for (let b = 0; b < rows * n; b += n) {
      let dot = 0;
      for (let j = b; j < b + n; j++) dot += dyv[j] * s[j];
      for (let j = b; j < b + n; j++) {
        expect(dx[j]).toBe(Math.fround(s[j] * (dyv[j] - dot)));
        expect(Math.abs(dce[j] - (Math.exp(ls[j]) - lab[j]) / rows)).toBeLessThanOrEqual(1e-7 / rows);
      }
    }
  });
  labels.dispose();
});
