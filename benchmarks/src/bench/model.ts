import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { activations } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { layerActivation, tfDenseWithActivation } from 'tfjs-activations/layers';
import { quantile } from './stats';

/*
 * A real model, both ways: an MLP block inputs -> hidden (the activation) -> inputs, as in a
 * transformer's feed-forward block, on random data; the same model with tfjs-layers' own
 * activation string ('gelu' for GELU) and with ours (layerActivation), from the same weights.
 * Epochs alternate between the two, so machine noise falls on both alike. A third model, the
 * same with no activation (the identity, unfused), is timed in the same rotation: its epoch is
 * the floor any activation leaves (the matMuls, bias adds, loss and SGD updates), so tf's epoch
 * over it is the most a faster activation could gain (Amdahl's bound).
 */

export interface ModelOptions {
  activation: ActivationName;
  /** Input and output width (default 256) and hidden width (default 1024). */
  width: number;
  hidden: number;
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** Timed epochs per side, after `warmup` untimed ones. */
  epochs: number;
  warmup: number;
  learningRate: number;
  seed: number;
}

export const defaultModelOptions: Omit<ModelOptions, 'activation'> = {
  width: 256,
  hidden: 1024,
  batch: 64,
  batches: 8,
  epochs: 10,
  warmup: 2,
  learningRate: 0.01,
  seed: 1,
};

export interface ModelSide {
  /** Loss after each epoch, warm-up epochs included. */
  losses: number[];
  /** Wall time of each timed epoch, ms. */
  epochMs: number[];
  epochsPerSecond: number;
}

export interface ModelReport {
  backend: string;
  options: ModelOptions;
  ours: ModelSide;
  tf: ModelSide;
  /** The same model without an activation: what no activation's cost leaves. */
  linear: ModelSide;
  /** epochs/s ours / epochs/s tf, from the medians. */
  speedup: number;
  /** epochs/s linear / epochs/s tf: the speedup an activation of no cost would give. */
  bound: number;
  /** Largest relative difference between the two loss curves. */
  maxLossRelDiff: number;
}

type Side = 'ours' | 'tf' | 'linear';

/**
 * The floor model's activation: the identity, registered as a tfjs-layers activation class.
 * tfjs-layers fuses 'linear' (and relu, elu) into the matMul with the bias add (one fused
 * kernel, measured slower than matMul + biasAdd on cpu); an activation it does not know is
 * applied after an unfused matMul and bias add, as gelu's are on the other two sides.
 */
const IDENTITY = 'tfjsActivationsBench>identity';
function identityActivation(): string {
  if (!Object.prototype.hasOwnProperty.call(tf.serialization.SerializationMap.getMap().classNameMap, IDENTITY)) {
    const cls = class extends tf.serialization.Serializable {
      static readonly className = IDENTITY;
      apply(x: tf.Tensor): tf.Tensor {
        return x;
      }
      getConfig(): tf.serialization.ConfigDict {
        return {};
      }
    };
    tf.serialization.registerClass(cls);
  }
  return IDENTITY;
}

function build(kind: Side, o: ModelOptions): tfl.Sequential {
  const def = activations[o.activation];
  const kernelInitializer = tfl.initializers.glorotUniform({ seed: o.seed });
  const hiddenArgs = { units: o.hidden, kernelInitializer };
  const hidden =
    kind === 'ours'
      ? [tfl.layers.dense({ ...hiddenArgs, activation: layerActivation(o.activation) })]
      : kind === 'linear'
        ? // The name is a registered class, which tfjs-layers resolves; its static type lists only tf's names.
          [tfl.layers.dense({ ...hiddenArgs, activation: identityActivation() as 'linear' })]
        : tfDenseWithActivation(def, def.defaultAlpha, hiddenArgs);
  if (hidden == null) throw new Error(`model: tfjs-layers ${tfl.version_layers} has no equivalent of ${o.activation}`);
  const model = tfl.sequential({
    layers: [
      tfl.layers.inputLayer({ inputShape: [o.width] }),
      ...hidden,
      tfl.layers.dense({ units: o.width, kernelInitializer: tfl.initializers.glorotUniform({ seed: o.seed + 1 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(o.learningRate), loss: 'meanSquaredError' });
  return model;
}

/** Trains both models on the active backend, alternating epochs; see ModelReport. */
export async function compareModels(options: Partial<ModelOptions> & { activation: ActivationName }): Promise<ModelReport> {
  const o: ModelOptions = { ...defaultModelOptions, ...options };
  const n = o.batch * o.batches;
  const xs = tf.randomNormal([n, o.width], 0, 1, 'float32', o.seed);
  const ys = tf.randomNormal([n, o.width], 0, 1, 'float32', o.seed + 2);
  const models: Record<Side, tfl.Sequential> = { tf: build('tf', o), ours: build('ours', o), linear: build('linear', o) };
  models.ours.setWeights(models.tf.getWeights());
  models.linear.setWeights(models.tf.getWeights());
  const side = (): ModelSide => ({ losses: [], epochMs: [], epochsPerSecond: 0 });
  const sides: Record<Side, ModelSide> = { ours: side(), tf: side(), linear: side() };
  try {
    for (let epoch = 0; epoch < o.warmup + o.epochs; epoch++) {
      // Rotate which side goes first, so none always runs on a cache another warmed.
      const rotation: Side[] = ['ours', 'tf', 'linear'];
      const order = rotation.map((_, i) => rotation[(i + epoch) % rotation.length]);
      for (const side of order) {
        const t0 = performance.now();
        const h = await models[side].fit(xs, ys, { epochs: 1, batchSize: o.batch, shuffle: false, verbose: 0 });
        const ms = performance.now() - t0;
        sides[side].losses.push(h.history.loss[0] as number);
        if (epoch >= o.warmup) sides[side].epochMs.push(ms);
      }
    }
  } finally {
    Object.values(models).forEach((m) => m.dispose());
    tf.dispose([xs, ys]);
  }
  for (const s of Object.values(sides)) s.epochsPerSecond = s.epochMs.length > 0 ? 1000 / quantile(s.epochMs, 0.5) : NaN;
  const maxLossRelDiff = Math.max(...sides.ours.losses.map((v, i) => Math.abs(v - sides.tf.losses[i]) / Math.abs(sides.tf.losses[i])));
  return {
    backend: tf.getBackend(),
    options: o,
    ...sides,
    speedup: sides.ours.epochsPerSecond / sides.tf.epochsPerSecond,
    bound: sides.linear.epochsPerSecond / sides.tf.epochsPerSecond,
    maxLossRelDiff,
  };
}
