import { serialization } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { ActivationDefinition } from '../activations/types';

type DenseArgs = Parameters<typeof layers.dense>[0];

/**
 * tfjs-layers' own way to put this activation after a dense layer, for comparisons (tests, the
 * training example): its activation string (definition.layersName), or a dense layer followed by
 * its activation layer (definition.layersLayer, e.g. LeakyReLU, which has no weights, so weight
 * lists still line up with ours one to one); null where tfjs-layers has neither, or where the
 * installed tfjs-layers lacks the name (tfjs-layers 3.x has no 'gelu' or 'gelu_new').
 */
export function tfDenseWithActivation(def: ActivationDefinition, alpha: number, dense: DenseArgs): layers.Layer[] | null {
  if (def.layersName != null) {
    // tfjs-layers resolves an activation string through tf.serialization's class registry.
    if (!(def.layersName in serialization.SerializationMap.getMap().classNameMap)) return null;
    // An activation string has no alpha (tfjs-layers' elu refuses any but 1).
    if (def.hasAlpha && alpha !== def.defaultAlpha) return null;
    return [layers.dense({ ...dense, activation: def.layersName as DenseArgs['activation'] })];
  }
  if (def.layersLayer != null) {
    const make = (layers as unknown as Record<string, (args: { alpha: number }) => layers.Layer>)[def.layersLayer];
    if (typeof make !== 'function') throw new Error(`tfjs-activations: tf.layers has no ${def.layersLayer} (definition ${def.name})`);
    return [layers.dense(dense), make({ alpha })];
  }
  return null;
}
