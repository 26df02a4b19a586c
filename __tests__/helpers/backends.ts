import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { ActivationDefinition } from 'tfjs-activations';

/** The backends that run in Node here, in the order tests sweep them. */
export const NODE_BACKENDS = ['cpu', 'wasm'] as const;

export async function setBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend ${name} did not initialise`);
  await tf.ready();
}

/**
 * Why tf's own version of a definition (def.builtin and its gradient) cannot be the yardstick on
 * this tfjs line and backend, or null: tf 3.21's wasm backend has no Selu, Softplus or EluGrad
 * kernel, and tf 3.21's EluGrad passes dy only where y >= 1 (dy (y + 1) on 0 < y < 1; fixed in 4.x).
 */
export function tfBuiltinUnusable(def: ActivationDefinition, backend: string, part: 'forward' | 'gradient' = 'gradient'): string | null {
  if (def.tfKernel == null) return null;
  for (const k of part === 'forward' ? [def.tfKernel.name] : [def.tfKernel.name, `${def.tfKernel.name}Grad`]) {
    if (tf.getKernel(k, 'cpu') != null && tf.getKernel(k, backend) == null) return `tf ${tf.version_core} has no ${k} kernel on ${backend}`;
  }
  if (part === 'gradient' && def.tfKernel.name === 'Elu' && tf.version_core.startsWith('3.')) return `tf ${tf.version_core}'s EluGrad is wrong on 0 < y < 1`;
  return null;
}

/**
 * Registers `name` as a cpu backend with tf's kernels only (ours, registered for 'cpu' at import,
 * stay behind), switches to it before the file's tests and back to cpu after: a backend the
 * library has no kernels for, such as tensorflow.
 */
export function useBackendWithoutOurKernels(name: string): void {
  beforeAll(async () => {
    tf.registerBackend(name, () => new MathBackendCPU(), -1);
    for (const k of tf.getKernelsForBackend('cpu')) {
      if (!k.kernelName.startsWith('TfjsActivations')) tf.registerKernel({ ...k, backendName: name });
    }
    expect(await tf.setBackend(name)).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
    tf.removeBackend(name);
  });
}
