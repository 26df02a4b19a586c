import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { activationNames, activations, opFor } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { ActivationLayer, activationLayer, layerActivation, tfDenseWithActivation } from 'tfjs-activations/layers';
import type { LayerActivationIdentifier } from 'tfjs-activations/layers';
import { seededRandom } from 'tfjs-activations/gradcheck';
import { setBackend, tfBuiltinUnusable } from '../helpers/backends';
import { twoMoons } from '../../examples/two-moons';

// --- data and models, deterministic -------------------------------------------------------------

const ALPHA = 0.2;

/** A hidden layer with tf's built-in activation, or with ours through the `activation` field. */
function hidden(kind: 'builtin' | 'ours', name: ActivationName, units: number, seed: number): tf.layers.Layer[] {
  const kernelInitializer = tf.initializers.glorotUniform({ seed });
  const def = activations[name];
  // tfjs-layers' activation strings ('elu') have no alpha: those train at the default.
  const alpha = def.hasAlpha && def.layersName == null ? ALPHA : undefined;
  if (kind === 'ours') return [tf.layers.dense({ units, kernelInitializer, activation: layerActivation(name, alpha) })];
  const theirs = tfDenseWithActivation(def, alpha ?? def.defaultAlpha, { units, kernelInitializer });
  if (theirs == null) throw new Error(`${name} has no tfjs-layers equivalent`);
  return theirs;
}

/** 2-16-16-1 MLP, sigmoid output (tf's in both, so only the hidden activations differ). */
function mlp(kind: 'builtin' | 'ours', name: ActivationName, loss = 'binaryCrossentropy'): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.inputLayer({ inputShape: [2] }),
      ...hidden(kind, name, 16, 1),
      ...hidden(kind, name, 16, 2),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss });
  return model;
}

/** ours gets builtin's initial weights, so both start from the same point. */
function copyWeights(from: tf.LayersModel, to: tf.LayersModel): void {
  to.setWeights(from.getWeights());
}

async function fitLosses(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, epochs: number): Promise<number[]> {
  const h = await model.fit(xs, ys, { epochs, batchSize: xs.shape[0], shuffle: false, verbose: 0 });
  return h.history.loss as number[];
}

/** Largest relative difference between two loss curves. */
function worstRelDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1e-6, Math.abs(b[i]))));
}

async function saveToMemory(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (saved === undefined) throw new Error('save handler was not called');
  return saved;
}

function topologyJson(artifacts: tf.io.ModelArtifacts): string {
  return JSON.stringify(artifacts.modelTopology);
}

const EPOCHS = 25;
let moons: { xs: tf.Tensor2D; ys: tf.Tensor2D };

beforeAll(async () => {
  await setBackend('cpu');
  moons = twoMoons(64, 42);
});

// --- training: same math as tf's built-ins ------------------------------------------------------

/** Activations the installed tfjs-layers has an equivalent of (tfjs-layers 3.x has no 'gelu', 'gelu_new'). */
// (Unbuilt layers hold no weights: nothing to dispose.)
const withLayersEquivalent = activationNames.filter((n) => tfDenseWithActivation(activations[n], ALPHA, { units: 1 }) != null);
const withoutLayersEquivalent = activationNames.filter((n) => !withLayersEquivalent.includes(n));

describe('MLP 2-16-16-1 on two moons (cpu): ours in the activation field trains like tf built-ins', () => {
  if (withoutLayersEquivalent.length > 0) {
    it.skip.each(withoutLayersEquivalent)(`%s: not compared: this tfjs-layers (${tf.version['tfjs-layers']}) has no equivalent activation`, () => undefined);
  }
  // Where tf's own version is wrong on this tfjs line (3.21's EluGrad), the curves are not comparable.
  for (const n of withLayersEquivalent) {
    const why = tfBuiltinUnusable(activations[n], 'cpu');
    if (why != null) it.skip(`${n}: loss curve equals the built-in one (skipped: ${why})`, () => undefined);
  }
  it.each(withLayersEquivalent.filter((n) => tfBuiltinUnusable(activations[n], 'cpu') == null))('%s: loss curve equals the built-in one within float32 tolerance, and converges', async (name) => {
    const builtin = mlp('builtin', name);
    const ours = mlp('ours', name);
    copyWeights(builtin, ours);
    const lb = await fitLosses(builtin, moons.xs, moons.ys, EPOCHS);
    const lo = await fitLosses(ours, moons.xs, moons.ys, EPOCHS);
    // Same math; only float32 rounding order in backward may differ (a(1-a) vs tf's ops). Seen
    // here: at most 1.2e-7 relative over 25 epochs (about 1 ulp); the bounds leave room for Adam
    // amplifying such noise.
    expect(worstRelDiff(lo.slice(0, 10), lb.slice(0, 10))).toBeLessThan(1e-5);
    expect(worstRelDiff(lo, lb)).toBeLessThan(1e-4);
    // Converges: hardSigmoid's flat tails learn slowest (0.53 of the first loss after 25 epochs
    // on tfjs 3.21, the same curve as tf's own 'hardSigmoid').
    expect(lo[lo.length - 1]).toBeLessThan(0.6 * lo[0]);
    builtin.dispose();
    ours.dispose();
  });

  it('activationLayer trains like dense + tf.layers.activation from the same weights', async () => {
    const make = (act: tf.layers.Layer[]): tf.Sequential => {
      const m = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [2], units: 16, kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
          ...act,
          tf.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      });
      m.compile({ optimizer: tf.train.sgd(0.5), loss: 'binaryCrossentropy' });
      return m;
    };
    const builtin = make([tf.layers.activation({ activation: 'tanh' })]);
    const ours = make([activationLayer({ activation: 'tanh' })]);
    copyWeights(builtin, ours);
    const lb = await fitLosses(builtin, moons.xs, moons.ys, 15);
    const lo = await fitLosses(ours, moons.xs, moons.ys, 15);
    expect(worstRelDiff(lo, lb)).toBeLessThan(1e-4);
    expect(lo[14]).toBeLessThan(lo[0]);
    // Training leaks nothing: more epochs leave as many tensors as before (optimizer state exists).
    const before = tf.memory().numTensors;
    await fitLosses(ours, moons.xs, moons.ys, 3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains with fitDataset', async () => {
    const model = mlp('ours', 'leakyRelu');
    const ds = tf.data
      .zip({ xs: tf.data.array(moons.xs.arraySync()), ys: tf.data.array(moons.ys.arraySync()) })
      .batch(16);
    const h = await model.fitDataset(ds, { epochs: 8, verbose: 0 });
    const loss = h.history.loss as number[];
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    model.dispose();
  });
});

describe('conv2d with ours (cpu)', () => {
  it('a conv2d + relu model trains like the built-in one and round-trips through save/load', async () => {
    const rand = seededRandom(9);
    const n = 16;
    const images = Array.from({ length: n * 8 * 8 }, () => rand());
    const xs = tf.tensor4d(images, [n, 8, 8, 1]);
    const ys = tf.tensor2d(Array.from({ length: n }, (_, i) => [images.slice(i * 64, i * 64 + 64).reduce((s, v) => s + v, 0) > 32 ? 1 : 0]));
    const make = (activation: LayerActivationIdentifier): tf.Sequential => {
      const m = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [8, 8, 1],
            filters: 4,
            kernelSize: 3,
            activation,
            kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }),
          }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }) }),
        ],
      });
      m.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
      return m;
    };
    const builtin = make('relu');
    const ours = make(layerActivation('relu'));
    copyWeights(builtin, ours);
    const lb = await fitLosses(builtin, xs, ys, 8);
    const lo = await fitLosses(ours, xs, ys, 8);
    expect(worstRelDiff(lo, lb)).toBeLessThan(1e-4);
    expect(lo[7]).toBeLessThan(lo[0]);

    const loaded = await tf.loadLayersModel(tf.io.fromMemory(await saveToMemory(ours)));
    expect(topologyJson(await saveToMemory(loaded))).toContain('"activation":"tfjs_activations>relu"');
    expect(Array.from((loaded.predict(xs) as tf.Tensor).dataSync())).toEqual(Array.from((ours.predict(xs) as tf.Tensor).dataSync()));
  });
});

// --- serialization --------------------------------------------------------------------------------

describe('save -> load (tf.io.withSaveHandler / tf.io.fromMemory)', () => {
  function mixedModel(): tf.Sequential {
    return tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 8, activation: layerActivation('leakyRelu', 0.2) }),
        activationLayer({ activation: 'leakyRelu', alpha: 0.3 }),
        tf.layers.dense({ units: 8, activation: layerActivation('sigmoid') }),
        activationLayer({ activation: 'tanh', name: 'our_tanh' }),
        tf.layers.dense({ units: 8, activation: layerActivation('relu') }),
        tf.layers.dense({ units: 1, activation: layerActivation('tanh') }),
      ],
    });
  }

  it('keeps every activation and alpha, loads without customObjects, predicts identically, trains', async () => {
    const model = mixedModel();
    const artifacts = await saveToMemory(model);
    const json = topologyJson(artifacts);
    expect(json).toContain('"activation":"tfjs_activations>leaky_relu(alpha=0.2)"');
    expect(json).toContain('"class_name":"TfjsActivationLayer"');
    expect(json).toContain('"activation":"leaky_relu","alpha":0.3');
    expect(json).toContain('"activation":"tfjs_activations>sigmoid"');

    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const layer1 = loaded.layers[1] as ActivationLayer;
    expect(layer1).toBeInstanceOf(ActivationLayer);
    expect([layer1.activation, layer1.alpha]).toEqual(['leakyRelu', 0.3]);
    expect(loaded.layers[3].name).toBe('our_tanh');

    const x = moons.xs;
    const before = tf.memory().numTensors;
    const p1 = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const p2 = tf.tidy(() => Array.from((loaded.predict(x) as tf.Tensor).dataSync()));
    expect(tf.memory().numTensors).toBe(before);
    expect(p2).toEqual(p1);

    loaded.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const losses = await fitLosses(loaded, x, moons.ys, 5);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[4]).toBeLessThan(losses[0]);
  });

  it('toJSON -> modelFromJSON round-trips the ActivationLayer config', async () => {
    const model = tf.sequential({ layers: [activationLayer({ inputShape: [3], activation: 'leakyRelu', alpha: 1.5 })] });
    const config = (model.layers[0] as ActivationLayer).getConfig();
    expect(config).toMatchObject({ activation: 'leakyRelu', alpha: 1.5 });
    expect(activationLayer({ activation: 'relu' }).getConfig()).not.toHaveProperty('alpha');
    const again = await tf.models.modelFromJSON(JSON.parse(model.toJSON() as string));
    const x = tf.tensor2d([[-2, 0, 3]]);
    expect(Array.from((again.predict(x) as tf.Tensor).dataSync())).toEqual([-3, 0, 3]);
  });

  it('loads alphas this process never created (names resolve lazily from the saved string)', async () => {
    const artifacts = await saveToMemory(mixedModel());
    // These alphas appear nowhere else in this process: the registry must resolve them from the
    // name, after tfjs-layers' snake_case -> camelCase trip.
    for (const alpha of [0.37, 1e-7, -2.5, 100]) {
      const edited = JSON.parse(topologyJson(artifacts).replace('leaky_relu(alpha=0.2)', `leaky_relu(alpha=${alpha})`));
      const loaded = await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: edited }));
      const first = loaded.layers[0];
      expect(first.getConfig().activation).toBe(`tfjsActivations>leakyRelu(alpha=${alpha})`);
      const x = tf.tensor2d([[-1, 2], [3, -4]]);
      const z = tf.add(tf.matMul(x, first.getWeights()[0]), first.getWeights()[1]);
      expect(Array.from((first.apply(x) as tf.Tensor).dataSync())).toEqual(Array.from(opFor('leakyRelu')(z, alpha).dataSync()));
    }
  });

  it('rejects names that are not canonical ours, with tfjs-layers’ unknown-activation error', async () => {
    const artifacts = await saveToMemory(mixedModel());
    for (const bad of ['leakyRelu(alpha=abc)', 'leakyRelu(alpha=0.20)', 'leakyRelu(alpha=Infinity)', 'sigmoid(alpha=0.2)', 'notAnActivation']) {
      const topology = JSON.parse(topologyJson(artifacts).replace('leaky_relu(alpha=0.2)', bad));
      // Read the message ourselves: jest's rejects.toThrow source-maps the stack through tfjs (slow).
      const message = await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: topology })).then(
        () => 'loaded',
        (e: Error) => e.message,
      );
      expect(message).toMatch(/^Unknown activation: tfjsActivations>/);
    }
  });
});

// --- the API itself ---------------------------------------------------------------------------------

describe('identifiers and the layer', () => {
  it.each(activationNames)('%s: activationLayer and the activation field compute our op exactly', (name) => {
    const x = tf.tensor2d([[-3, -0.5, 0, 0.5, 3]]);
    const alpha = name === 'leakyRelu' ? 0.25 : undefined;
    const want = Array.from(opFor(name)(x, alpha).dataSync());
    const viaLayer = activationLayer({ activation: name, alpha }).apply(x) as tf.Tensor;
    expect(Array.from(viaLayer.dataSync())).toEqual(want);
    const dense = tf.layers.dense({ units: 5, useBias: false, kernelInitializer: 'identity', activation: layerActivation(name, alpha) });
    expect(Array.from((dense.apply(x) as tf.Tensor).dataSync())).toEqual(want);
    // No leaks: only the output tensor remains after either route (weights already built).
    for (const layer of [activationLayer({ activation: name, alpha }), dense]) {
      (layer.apply(x) as tf.Tensor).dispose();
      const before = tf.memory().numTensors;
      (layer.apply(x) as tf.Tensor).dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('names never clash with tf’s own, and default alpha gives the plain name', () => {
    expect(activationNames.map((n) => layerActivation(n))).toEqual([
      'tfjsActivations>sigmoid',
      'tfjsActivations>tanh',
      'tfjsActivations>relu',
      'tfjsActivations>leakyRelu',
      'tfjsActivations>gelu',
      'tfjsActivations>geluTanh',
      'tfjsActivations>silu',
      'tfjsActivations>mish',
      'tfjsActivations>elu',
      'tfjsActivations>selu',
      'tfjsActivations>softplus',
      'tfjsActivations>softsign',
      'tfjsActivations>relu6',
      'tfjsActivations>hardSigmoid',
    ]);
    expect(layerActivation('leakyRelu', 0.01)).toBe('tfjsActivations>leakyRelu');
    expect(layerActivation('leakyRelu', -0.5)).toBe('tfjsActivations>leakyRelu(alpha=-0.5)');
    // tf's own 'relu' still means tf's Relu class.
    expect(tf.layers.dense({ units: 1, activation: 'relu' }).getConfig().activation).toBe('relu');
  });

  it('bad arguments throw clear errors', () => {
    expect(() => layerActivation('leakyRelu', NaN)).toThrow(/alpha must be a finite number/);
    expect(() => layerActivation('sigmoid', 0.1)).toThrow(/sigmoid takes no alpha/);
    expect(() => layerActivation('notAnActivation' as ActivationName)).toThrow(/unknown activation "notAnActivation"/);
    expect(() => activationLayer({ activation: 'relu', alpha: 0.1 })).toThrow(/relu takes no alpha/);
    expect(() => activationLayer({ activation: 'notAnActivation' as ActivationName })).toThrow(/activation must be one of/);
    expect(() => activationLayer({ activation: 'leakyRelu', alpha: Infinity })).toThrow(/alpha must be a finite number/);
  });
});

// --- wasm: one training check ------------------------------------------------------------------------

describe('wasm backend', () => {
  afterAll(() => setBackend('cpu'));

  it('tanh MLP trains like the built-in one on wasm', async () => {
    await setBackend('wasm');
    // tfjs 3.21's wasm backend has no Log1p kernel, which binaryCrossentropy needs.
    const loss = tf.getKernel('Log1p', 'wasm') != null ? 'binaryCrossentropy' : 'meanSquaredError';
    const builtin = mlp('builtin', 'tanh', loss);
    const ours = mlp('ours', 'tanh', loss);
    copyWeights(builtin, ours);
    const xs = tf.tensor2d(moons.xs.arraySync());
    const ys = tf.tensor2d(moons.ys.arraySync());
    const lb = await fitLosses(builtin, xs, ys, 10);
    const lo = await fitLosses(ours, xs, ys, 10);
    expect(tf.getBackend()).toBe('wasm');
    expect(worstRelDiff(lo, lb)).toBeLessThan(1e-4);
    expect(lo[9]).toBeLessThan(lo[0]);
  });
});

// --- README: the snippet in section:layers is this code -----------------------------------------------

describe('README section:layers', () => {
  // BEGIN README snippet (README.md, section:layers, minus its import lines)
  async function readmeSnippet(): Promise<tf.LayersModel> {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 16, activation: layerActivation('tanh') }),
        tf.layers.dense({ units: 16, activation: layerActivation('leakyRelu', 0.2) }),
        tf.layers.dense({ units: 16 }),
        activationLayer({ activation: 'sigmoid' }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }), // tf's own names still work
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
    await model.fit(tf.randomNormal([64, 2]), tf.randomUniform([64, 1]).round(), { epochs: 3, verbose: 0 });

    // Save and load (to memory here; 'file://', 'indexeddb://' etc. work the same way).
    // No customObjects: our classes are registered, and alpha travels with the model.
    let saved!: tf.io.ModelArtifacts;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
    return loaded;
  }
  // END README snippet

  it('the README snippet runs, and the README shows exactly this code', async () => {
    const loaded = await readmeSnippet();
    expect(loaded.layers).toHaveLength(5);
    expect(loaded.layers[3]).toBeInstanceOf(ActivationLayer);
    expect(topologyJson(await saveToMemory(loaded))).toContain('tfjs_activations>leaky_relu(alpha=0.2)');

    const source = fs.readFileSync(__filename, 'utf8');
    const body = source.slice(source.indexOf('async function readmeSnippet'), source.indexOf('// END README snippet'));
    // Drop the signature line, and `return loaded;`, `}` and the indent at the end.
    const bodyLines = body.split('\n').slice(1, -3).map((l) => l.trim());
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- section:layers -->'), readme.indexOf('<!-- /section:layers -->'));
    const block = /```ts\n([\s\S]*?)```/.exec(section);
    expect(block).not.toBeNull();
    const readmeLines = block![1].split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('import '));
    expect(readmeLines).toEqual(bodyLines.filter((l) => l !== ''));
  });
});
