/**
 * A classifier MLP (100 classes, random data) trained three ways from the same initial weights:
 *   tf:        dense(100, activation 'softmax') + loss 'categoricalCrossentropy' (tf's)
 *   ours:      dense(100, activation layerActivation('softmax')) + 'categoricalCrossentropy'
 *   oursFused: dense(100) (logits) + loss softmaxCrossEntropy (ours: one fused backward)
 * and prints each one's losses per epoch and epochs per second, per backend (cpu, wasm).
 *
 *   npm run example:classifier
 *   npm run example:classifier -- --epochs 3 --rounds 3 --samples 2048 --batch 128 --backends cpu,wasm
 *
 * __tests__/layers/classifier.test.ts trains the same models and checks the losses agree.
 */
import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from 'tfjs-activations';
import { layerActivation } from 'tfjs-activations/layers';

export const CLASSES = 100;
export const FEATURES = 32;
export const HIDDEN = 64;
export type ClassifierKind = 'tf' | 'ours' | 'oursFused';
export const classifierKinds: readonly ClassifierKind[] = ['tf', 'ours', 'oursFused'];

/** Random features and one-hot labels (seeded: the same data every run). */
export function classifierData(samples: number, seed = 7): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const xs = tf.randomNormal([samples, FEATURES], 0, 1, 'float32', seed) as tf.Tensor2D;
    const labels = tf.randomUniform([samples], 0, CLASSES, 'int32', seed + 1) as tf.Tensor1D;
    return { xs, ys: tf.oneHot(labels, CLASSES).toFloat() as tf.Tensor2D };
  });
}

/**
 * The model of one kind. `weights`: initial weights to start from (copied), so every kind starts
 * from the same point; tfjs-layers 3.21's glorotUniform ignores its seed, so seeds alone do not.
 */
export function makeClassifier(kind: ClassifierKind, weights?: tf.Tensor[], learningRate = 0.1): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const activation = kind === 'tf' ? 'softmax' : kind === 'ours' ? layerActivation('softmax') : undefined;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: HIDDEN, inputShape: [FEATURES], activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: CLASSES, activation, kernelInitializer: init(2) }),
    ],
  });
  const loss = kind === 'oursFused' ? (yTrue: tf.Tensor, logits: tf.Tensor) => softmaxCrossEntropy(yTrue, logits) : 'categoricalCrossentropy';
  model.compile({ optimizer: tf.train.sgd(learningRate), loss });
  if (weights != null) model.setWeights(weights);
  return model;
}

/** Trains for `epochs` (no shuffling: the same batches for every kind); the loss per epoch. */
export async function trainClassifier(model: tf.Sequential, xs: tf.Tensor, ys: tf.Tensor, epochs: number, batchSize: number): Promise<number[]> {
  const history = await model.fit(xs, ys, { epochs, batchSize, shuffle: false, verbose: 0 });
  return history.history.loss.map(Number);
}

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

async function main(): Promise<void> {
  require('@tensorflow/tfjs-backend-wasm');
  tf.env().set('PROD', true);
  const args = process.argv.slice(2);
  const int = (name: string, fallback: number) => {
    const v = Number(flag(args, name, String(fallback)));
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
    return v;
  };
  const epochs = int('epochs', 3);
  const rounds = int('rounds', 3);
  const samples = int('samples', 2048);
  const batch = int('batch', 128);
  for (const backend of flag(args, 'backends', 'cpu,wasm').split(',')) {
    await tf.setBackend(backend);
    await tf.ready();
    const { xs, ys } = classifierData(samples);
    const init = makeClassifier('tf');
    const weights = init.getWeights().map((w) => w.clone());
    init.dispose();
    const seconds: Record<ClassifierKind, number[]> = { tf: [], ours: [], oursFused: [] };
    const losses: Partial<Record<ClassifierKind, number[]>> = {};
    // Kinds alternate within each round, so drift in the machine's load hits all of them.
    for (let round = 0; round < rounds + 1; round++) {
      for (const kind of classifierKinds) {
        const model = makeClassifier(kind, weights);
        const t0 = performance.now();
        const l = await trainClassifier(model, xs, ys, epochs, batch);
        const s = (performance.now() - t0) / 1000;
        if (round > 0) seconds[kind].push(s); // round 0 warms up (JIT, kernels)
        losses[kind] = l;
        model.dispose();
      }
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const rate = (kind: ClassifierKind) => epochs / median(seconds[kind]);
    console.log(`${backend}: ${samples} samples, batch ${batch}, ${epochs} epochs x ${rounds} rounds (median)`);
    for (const kind of classifierKinds) {
      const ratio = kind === 'tf' ? '' : `  ${(rate(kind) / rate('tf')).toFixed(2)}x tf's`;
      console.log(`  ${kind.padEnd(9)} losses ${(losses[kind] ?? []).map((l) => l.toFixed(6)).join(', ')}  ${rate(kind).toFixed(2)} epochs/s${ratio}`);
    }
    tf.dispose([xs, ys, ...weights]);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
