import * as tf from '@tensorflow/tfjs';
import { useBackendWithoutOurKernels } from '../helpers/backends';
import { logSoftmax, softmax, softmaxCrossEntropy } from 'tfjs-activations';
import { gradcheck } from 'tfjs-activations/gradcheck';
import { logSoftmax64, randomRows, softmax64 } from './reference';

/*
 * A backend without kernels of ours (as tensorflow, tfjs-node's, is when installed): a second
 * cpu backend under another name with tf's cpu kernels only. The row ops take the composite
 * path (src/softmax/math.ts) there, under a tape through their taped kernels registered on
 * first use.
 */
const OTHER = 'tfjsActivationsRowsOther';

useBackendWithoutOurKernels(OTHER);

describe.each(['softmax', 'logSoftmax'] as const)('%s on a backend without kernels of ours', (name) => {
  const op = name === 'softmax' ? softmax : logSoftmax;
  const ref = name === 'softmax' ? softmax64 : logSoftmax64;

  it('forward (composite, tf ops in float32) within 1e-6 relative of float64; no fused kernel ran; NaN rows as on other backends', async () => {
    const xv = randomRows(5 * 9, 5, 3);
    const x = tf.tensor2d(xv, [5, 9]);
    const info = await tf.profile(() => op(x));
    const got = (info.result as tf.Tensor).dataSync();
    expect(info.kernels.map((k) => k.name).some((k) => k.startsWith('TfjsActivations'))).toBe(false);
    ref(xv, 9).forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(w))));
    const rows = op(tf.tensor2d([[1, NaN, 2], [1, Infinity, 0], [-Infinity, -Infinity, -Infinity]])).arraySync() as number[][];
    expect(rows.every((r) => r.every(Number.isNaN))).toBe(true);
    tf.dispose([x, info.result as tf.Tensor]);
  });

  it('gradient and gradgradcheck pass on axis -1 and 0, through the taped kernel registered here', async () => {
    const x = tf.tensor2d(randomRows(12, 3, 4), [3, 4]);
    for (const axis of [-1, 0]) {
      for (const order of [1, 2] as const) {
        const report = await gradcheck((v) => op(v, axis), [x], { order });
        if (!report.ok) throw new Error(`axis ${axis} order ${order}: ${report.reasons.join('; ')}`);
      }
    }
    expect(tf.getKernel(`TfjsActivations_${name}_taped_output`, OTHER)).toBeDefined();
    x.dispose();
  });
});

it('softmaxCrossEntropy on a backend without kernels of ours equals tf.losses.softmaxCrossEntropy, and gradchecks to second order', async () => {
  const logits = tf.tensor2d(randomRows(4 * 6, 4, 5), [4, 6]);
  const labels = tf.softmax(tf.tensor2d(randomRows(4 * 6, 2, 6), [4, 6]));
  const ours = softmaxCrossEntropy(labels, logits).dataSync()[0];
  const theirs = tf.losses.softmaxCrossEntropy(labels, logits).dataSync()[0];
  expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(1e-6 * Math.abs(theirs));
  for (const order of [1, 2] as const) {
    const report = await gradcheck((a, b) => softmaxCrossEntropy(a, b), [labels, logits], { order });
    if (!report.ok) throw new Error(`order ${order}: ${report.reasons.join('; ')}`);
  }
  tf.dispose([logits, labels]);
});
