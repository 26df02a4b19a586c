import * as tf from '@tensorflow/tfjs';
import { logSoftmax, softmax } from 'tfjs-activations';
import { activationLayer, layerActivation } from 'tfjs-activations/layers';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';
import { classifierData, classifierKinds, makeClassifier, trainClassifier } from '../../examples/softmax-classifier';

describe.each(NODE_BACKENDS)('softmax and logSoftmax in tfjs-layers on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  it("layerActivation('softmax') and ('logSoftmax') apply our ops over the last axis and round-trip through toJSON", async () => {
    for (const name of ['softmax', 'logSoftmax'] as const) {
      const id = layerActivation(name);
      expect(id).toBe(`tfjsActivations>${name}`);
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 5, inputShape: [3], activation: id, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
      const x = tf.tensor2d([[1, 2, 3], [-1, 0, 4]]);
      const linear = tf.tidy(() => tf.add(tf.matMul(x, model.layers[0].getWeights()[0]), model.layers[0].getWeights()[1]));
      const want = (name === 'softmax' ? softmax : logSoftmax)(linear);
      const got = model.predict(x) as tf.Tensor;
      expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
      const loaded = await tf.models.modelFromJSON(JSON.parse(model.toJSON() as string));
      loaded.setWeights(model.getWeights());
      expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(want.dataSync()));
      tf.dispose([x, linear, want, got]);
    }
    expect(() => layerActivation('softmax', 0.1)).toThrow("layerActivation('softmax'): softmax takes no alpha");
  });

  it('activationLayer takes an axis for softmax and logSoftmax, keeps it through toJSON, and refuses one elsewhere', async () => {
    const layer = activationLayer({ activation: 'softmax', axis: 1 });
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 3);
    const got = layer.apply(x) as tf.Tensor;
    const want = softmax(x, 1);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    expect(layer.getConfig()).toMatchObject({ activation: 'softmax', axis: 1 });
    // The axis survives a save and load.
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [4, 3] }), activationLayer({ activation: 'softmax', axis: 1 })] });
    const loaded = await tf.models.modelFromJSON(JSON.parse(model.toJSON() as string));
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(want.dataSync()));
    expect(activationLayer({ activation: 'logSoftmax' }).getConfig()).toMatchObject({ activation: 'logSoftmax', axis: -1 });
    expect(() => activationLayer({ activation: 'sigmoid', axis: 1 })).toThrow('activationLayer: sigmoid takes no axis (only softmax and logSoftmax do)');
    expect(() => activationLayer({ activation: 'softmax', alpha: 1 })).toThrow('activationLayer: softmax takes no alpha');
    expect(() => activationLayer({ activation: 'softmax', axis: 0.5 })).toThrow('activationLayer: axis must be an integer, got 0.5');
    tf.dispose([x, got, want]);
  });

  it("a 100-class classifier trains to the same losses with ours as with tf's softmax + categoricalCrossentropy (and with our fused softmaxCrossEntropy loss)", async () => {
    const { xs, ys } = classifierData(256);
    const init = makeClassifier('tf');
    const weights = init.getWeights().map((w) => w.clone());
    init.dispose();
    const losses = [];
    for (const kind of classifierKinds) {
      const model = makeClassifier(kind, weights);
      losses.push(await trainClassifier(model, xs, ys, 3, 64));
      model.dispose();
    }
    const [theirs, ours, fused] = losses;
    expect(theirs).toHaveLength(3);
    // Training moves the loss (it is not a constant compared with itself)...
    expect(theirs[2]).toBeLessThan(theirs[0]);
    // ...and ours follow it to float32 rounding accumulated over 12 SGD steps.
    theirs.forEach((l, i) => {
      expect(Math.abs(ours[i] - l)).toBeLessThanOrEqual(1e-5 * l);
      expect(Math.abs(fused[i] - l)).toBeLessThanOrEqual(1e-5 * l);
    });
    tf.dispose([xs, ys, ...weights]);
  });
});
