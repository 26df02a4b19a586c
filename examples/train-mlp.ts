/**
 * Trains the same small MLP twice per activation on the cpu backend, once with tf's built-in
 * activation and once with ours (fused hand-written backward), from the same initial weights,
 * and prints epochs per second for each.
 *
 *   npm run example:train            (bundles this file with esbuild, then runs it with node)
 *   npm run example:train -- --epochs 10 --rounds 3 --units 32 --hidden 2 --samples 1024 --batch 64
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { activationNames, activations } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { layerActivation, tfDenseWithActivation } from 'tfjs-activations/layers';
import { quantile } from '../benchmarks/src/bench/stats';
import { twoMoons } from './two-moons';

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}
const EPOCHS = flag('epochs', 5); // per timed round
const ROUNDS = flag('rounds', 3); // builtin and ours alternate, so drift in machine load hits both
const SAMPLES = flag('samples', 1024);
const BATCH = flag('batch', 64);
const UNITS = flag('units', 32);
const HIDDEN = flag('hidden', 2); // hidden layers
const ALPHA = 0.2;

type Kind = 'builtin' | 'ours';

/** 2-units-...-units-1: hidden layers with tf's activation or ours, sigmoid output in both. */
function makeModel(kind: Kind, name: ActivationName): tf.Sequential {
  const hidden = (seed: number, inputShape?: number[]): tf.layers.Layer[] => {
    const base = { units: UNITS, inputShape, kernelInitializer: tf.initializers.glorotUniform({ seed }) };
    const def = activations[name];
    if (kind === 'ours') return [tf.layers.dense({ ...base, activation: layerActivation(name, def.hasAlpha ? ALPHA : undefined) })];
    const theirs = tfDenseWithActivation(def, ALPHA, base);
    if (theirs == null) throw new Error(`${name} has no tfjs-layers equivalent to compare with`);
    return theirs;
  };
  const model = tf.sequential({
    layers: [
      ...hidden(1, [2]),
      ...Array.from({ length: HIDDEN - 1 }, (_, i) => hidden(2 + i)).flat(),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 99 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  return model;
}

interface Timing {
  seconds: number;
  /** This process's CPU time: less moved than wall time by other processes on a shared machine. */
  cpuSeconds: number;
  loss: number;
}

async function fit(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, epochs: number): Promise<Timing> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const h = await model.fit(xs, ys, { epochs, batchSize: BATCH, shuffle: false, verbose: 0 });
  const c = process.cpuUsage(c0);
  const loss = h.history.loss as number[];
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, loss: loss[loss.length - 1] };
}

const median = (v: number[]): number => quantile(v, 0.5);

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  const { xs, ys } = twoMoons(SAMPLES, 42);
  console.log(
    `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, MLP 2-${Array(HIDDEN).fill(UNITS).join('-')}-1 on two moons (${SAMPLES} samples, batch ${BATCH}), ` +
      `${ROUNDS} rounds x ${EPOCHS} epochs each way, median epochs/s`,
  );
  // Timings on a shared machine move with its load: print it so readers can judge.
  console.log(`${os.cpus().length} cpus, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
  console.log('             epochs per second (wall)      epochs per CPU second         final loss');
  console.log('activation   built-in    ours  speedup     built-in    ours  speedup     built-in       ours');
  for (const name of activationNames.filter((n) => tfDenseWithActivation(activations[n], ALPHA, { units: 1 }) != null)) {
    const models = { builtin: makeModel('builtin', name), ours: makeModel('ours', name) };
    models.ours.setWeights(models.builtin.getWeights());
    const rates: Record<Kind, number[]> = { builtin: [], ours: [] };
    const cpuRates: Record<Kind, number[]> = { builtin: [], ours: [] };
    const loss: Record<Kind, number> = { builtin: NaN, ours: NaN };
    for (const kind of ['builtin', 'ours'] as const) await fit(models[kind], xs, ys, 1); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      for (const kind of ['builtin', 'ours'] as const) {
        const { seconds, cpuSeconds, loss: l } = await fit(models[kind], xs, ys, EPOCHS);
        rates[kind].push(EPOCHS / seconds);
        cpuRates[kind].push(EPOCHS / cpuSeconds);
        loss[kind] = l;
      }
    }
    const cols = (r: Record<Kind, number[]>): string => {
      const b = median(r.builtin);
      const o = median(r.ours);
      return `${b.toFixed(2).padStart(8)} ${o.toFixed(2).padStart(7)} ${(o / b).toFixed(2).padStart(7)}x`;
    };
    console.log(
      `${name.padEnd(10)} ${cols(rates)}    ${cols(cpuRates)}    ${loss.builtin.toFixed(5).padStart(9)} ${loss.ours.toFixed(5).padStart(10)}`,
    );
    models.builtin.dispose();
    models.ours.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
