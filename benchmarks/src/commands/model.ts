import * as fs from 'fs';
import { isActivationName, activationNames } from 'tfjs-activations';
import { parseBackendList, registerBuiltinGradients, useBackend } from '../backends';
import { compareModels, defaultModelOptions } from '../bench/model';
import type { ModelOptions, ModelReport } from '../bench/model';

/** The flags of `tfjs-activations-bench model`, as commander gives them. */
export interface ModelFlags {
  backends: string;
  activation: string;
  epochs?: string;
  batches?: string;
  json?: string;
}

function positiveInt(flag: string, s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got '${s}'`);
  return n;
}

/** One markdown table row per backend. */
export function modelTable(reports: ModelReport[]): string {
  const f = (v: number, d = 2) => v.toFixed(d);
  const rows = reports.map((r) =>
    `| ${r.backend} | ${f(r.ours.epochsPerSecond)} | ${f(r.tf.epochsPerSecond)} | ${f(r.speedup)}x | ${f(r.linear.epochsPerSecond)} | ${f(r.bound)}x | ${r.maxLossRelDiff.toExponential(1)} | ${r.ours.losses.at(-1)?.toPrecision(6)} / ${r.tf.losses.at(-1)?.toPrecision(6)} |`,
  );
  return [
    '| backend | ours, epochs/s | tfjs-layers, epochs/s | ratio | no activation, epochs/s | bound | max loss rel. diff | last loss ours / tf |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export async function modelCommand(flags: ModelFlags): Promise<ModelReport[]> {
  if (!isActivationName(flags.activation)) throw new Error(`unknown activation '${flags.activation}' (known: ${activationNames.join(', ')})`);
  const options: Partial<ModelOptions> & Pick<ModelOptions, 'activation'> = { activation: flags.activation };
  if (flags.epochs != null) options.epochs = positiveInt('--epochs', flags.epochs);
  if (flags.batches != null) options.batches = positiveInt('--batches', flags.batches);
  registerBuiltinGradients();
  const reports: ModelReport[] = [];
  for (const backend of parseBackendList(flags.backends)) {
    await useBackend(backend);
    reports.push(await compareModels(options));
  }
  const o = { ...defaultModelOptions, ...options };
  console.log(
    `MLP ${o.width} -> ${o.hidden} (${o.activation}) -> ${o.width}, batch ${o.batch}, ${o.batches} batches an epoch, SGD ${o.learningRate}; ` +
      `${o.epochs} timed epochs a side after ${o.warmup} warm-up, alternating; medians\n`,
  );
  console.log(modelTable(reports));
  console.log('\nbound = no activation / tfjs-layers: the ratio an activation of no cost would give (the rest of the epoch is the same).');
  if (flags.json != null) fs.writeFileSync(flags.json, JSON.stringify(reports, null, 2) + '\n');
  return reports;
}
