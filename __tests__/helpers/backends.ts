import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** The backends that run in Node here, in the order tests sweep them. */
export const NODE_BACKENDS = ['cpu', 'wasm'] as const;

export async function setBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend ${name} did not initialise`);
  await tf.ready();
}
