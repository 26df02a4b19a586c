/**
 * Forward accuracy of softmax and logSoftmax against float64 on the Node backends: ours and tf's
 * (tf.softmax, tf.logSoftmax), max ulp where |result| >= 1e-30, for rows of 2, 7, 1000 and 1e5
 * elements and logits uniform in +-1, +-30, +-1e4 (the table in docs/softmax.md).
 *
 *   npm run softmax:accuracy
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { logSoftmax, softmax } from 'tfjs-activations';
import { logSoftmax64, maxUlp, randomRows, softmax64 } from '../__tests__/softmax/reference';

const SHAPES: Array<[number, number]> = [[64, 2], [16, 7], [8, 1000], [1, 100000]];
const SCALES = [1, 30, 1e4];

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  console.log('| backend | op | logits | ours: max ulp | tf: max ulp |');
  console.log('|---|---|---|---:|---:|');
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    await tf.ready();
    const cases = [
      ['softmax', softmax64, softmax, tf.softmax],
      ['logSoftmax', logSoftmax64, logSoftmax, tf.logSoftmax],
    ] as const;
    for (const [name, ref, ours, theirs] of cases) {
      for (const scale of SCALES) {
        let a = 0;
        let b = 0;
        for (const [rows, n] of SHAPES) {
          const x = randomRows(rows * n, scale, rows * 7919 + n + scale);
          const want = ref(x, n);
          tf.tidy(() => {
            const t = tf.tensor2d(x, [rows, n]);
            a = Math.max(a, maxUlp(ours(t).dataSync(), want));
            b = Math.max(b, maxUlp(theirs(t).dataSync(), want));
          });
        }
        console.log(`| ${backend} | ${name} | +-${scale} | ${a} | ${b} |`);
      }
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
