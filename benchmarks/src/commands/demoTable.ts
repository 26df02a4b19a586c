import * as tf from '@tensorflow/tfjs-core';
import { activationNames, activations } from 'tfjs-activations';
import { loadNodeBackend, useBackend } from '../backends';
import type { BackendName } from '../backends';
import { derivativeFor, opFor } from 'tfjs-activations';

/** A small table: g(z) and g'(z) (from tf.grad of our op) at z = -2..2 on each Node backend. */
export async function demoTable(backends: BackendName[] = ['cpu', 'wasm']): Promise<string> {
  const zs = [-2, -1, 0, 1, 2];
  const lines: string[] = [];
  for (const backend of backends) {
    const status = loadNodeBackend(backend);
    if (!status.available) {
      lines.push(`${backend}: not run (${status.reason})`);
      continue;
    }
    await useBackend(backend);
    lines.push(`backend ${backend}`);
    lines.push(`  ${'activation'.padEnd(12)} ${'z'.padStart(4)} ${'g(z)'.padStart(10)} ${"g'(z)".padStart(10)} ${"grad".padStart(10)}`);
    for (const name of activationNames) {
      const op = opFor(name);
      const [values, derivs, grads] = tf.tidy(() => {
        const z = tf.tensor1d(zs);
        return [op(z).arraySync(), derivativeFor(name)(z).arraySync(), tf.grad((x: tf.Tensor) => op(x))(z).arraySync()];
      }) as [number[], number[], number[]];
      zs.forEach((z, i) => {
        lines.push(
          `  ${(i === 0 ? activations[name].title : '').padEnd(12)} ${String(z).padStart(4)} ${values[i].toFixed(6).padStart(10)} ${derivs[i].toFixed(6).padStart(10)} ${grads[i].toFixed(6).padStart(10)}`,
        );
      });
    }
  }
  return lines.join('\n');
}
