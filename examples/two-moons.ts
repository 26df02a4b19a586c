import * as tf from '@tensorflow/tfjs';
import { seededRandom } from 'tfjs-activations/gradcheck';

/**
 * Two interleaved half circles (scikit-learn's make_moons): n points [x, y], labels 0/1, from the
 * library's seeded PRNG, so the data (and so the losses) are the same on every run.
 */
export function twoMoons(n: number, seed: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const rand = seededRandom(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const t = rand() * Math.PI;
    const noise = () => (rand() - 0.5) * 0.2;
    x.push(label === 0 ? [Math.cos(t) + noise(), Math.sin(t) + noise()] : [1 - Math.cos(t) + noise(), 0.5 - Math.sin(t) + noise()]);
    y.push([label]);
  }
  return { xs: tf.tensor2d(x), ys: tf.tensor2d(y) };
}
