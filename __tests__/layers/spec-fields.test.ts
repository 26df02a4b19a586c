import * as tf from '@tensorflow/tfjs';
import { activationNames, activations, opFor } from 'tfjs-activations';

/*
 * The fields of the built-in specs (src/activations/*.ts) that only one route reads: the title
 * (reports, messages) and layersName or layersLayer (tfjs-layers' own activation or activation
 * layer, the yardstick of the layers tests). Each must be usable where it is read.
 */

describe('built-in specs', () => {
  it.each(activationNames)('%s: has a title to show (the name where the spec gives none)', (name) => {
    expect(activations[name].title.trim()).not.toBe('');
  });

  const withLayersName = activationNames.filter((n) => activations[n].layersName != null);

  it('most name tfjs-layers\' equivalent', () => {
    expect(withLayersName.length).toBeGreaterThanOrEqual(10);
  });

  // tfjs-layers 3.x has neither 'gelu' nor 'gelu_new' (added in 4.x).
  const missing = tf.version['tfjs-layers'].startsWith('3.') ? ['gelu', 'gelu_new'] : [];
  const known = withLayersName.filter((n) => !missing.includes(activations[n].layersName as string));
  const unknown = withLayersName.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    it.skip.each(unknown)(`%s: layersName not checked: this tfjs-layers (${tf.version['tfjs-layers']}) has no such activation`, () => undefined);
  }

  it.each(known)('%s: layersName is an activation tfjs-layers knows, computing ours', (name) => {
    const def = activations[name];
    const layer = tf.layers.activation({ activation: def.layersName as never });
    const x = tf.tensor2d([[-3, -0.5, 0, 0.5, 3]]);
    const theirs = layer.apply(x) as tf.Tensor;
    const ours = opFor(name)(x, def.defaultAlpha);
    const [a, b] = [theirs.dataSync(), ours.dataSync()];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    tf.dispose([x, theirs, ours]);
  });

  const withLayersLayer = activationNames.filter((n) => activations[n].layersLayer != null);

  it('leakyRelu names a layer (tfjs-layers has no leakyRelu activation string)', () => {
    expect(withLayersLayer).toContain('leakyRelu');
  });

  it.each(withLayersLayer)('%s: layersLayer is a tf.layers factory whose layer, given alpha, computes ours', (name) => {
    const def = activations[name];
    const make = (tf.layers as unknown as Record<string, unknown>)[def.layersLayer as string];
    expect(typeof make).toBe('function');
    for (const alpha of [def.defaultAlpha, 0.2, -0.5]) {
      const layer = (make as (args: { alpha: number }) => tf.layers.Layer)({ alpha });
      const x = tf.tensor2d([[-3, -0.5, 0, 0.5, 3]]);
      const theirs = layer.apply(x) as tf.Tensor;
      const ours = opFor(name)(x, alpha);
      const [a, b] = [theirs.dataSync(), ours.dataSync()];
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
      tf.dispose([x, theirs, ours]);
    }
  });
});
