import * as tf from '@tensorflow/tfjs-core';

/** The tfjs backends this library knows about. */
export type BackendName = 'cpu' | 'wasm' | 'tensorflow' | 'webgl' | 'webgpu';
export const allBackends: BackendName[] = ['cpu', 'wasm', 'tensorflow', 'webgl', 'webgpu'];
/** Backends that run inside Node; webgl and webgpu run in headless Chromium. */
export const nodeBackends: BackendName[] = ['cpu', 'wasm', 'tensorflow'];

export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why not, when not available. */
  reason?: string;
}

const packages: Record<BackendName, string> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  tensorflow: '@tensorflow/tfjs-node',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
};

/** Loads a backend's package into this Node process (registering it with tfjs), or says why not. */
export function loadNodeBackend(name: BackendName): BackendStatus {
  if (name === 'webgl' || name === 'webgpu') {
    return { name, available: false, reason: `${name} needs a browser: it runs in headless Chromium, not in Node` };
  }
  if (tf.findBackendFactory(name) != null) return { name, available: true };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(packages[name]);
  } catch (e) {
    const why =
      name === 'tensorflow'
        ? `${packages[name]} is not installed (it is an optional dependency whose install downloads libtensorflow, which this network blocks)`
        : `${packages[name]} could not be loaded: ${(e as Error).message.split('\n')[0]}`;
    return { name, available: false, reason: why };
  }
  return tf.findBackendFactory(name) != null
    ? { name, available: true }
    : { name, available: false, reason: `${packages[name]} loaded but registered no '${name}' backend` };
}

/** Makes `name` the active backend, loading it first; throws with the reason if it cannot. */
export async function useBackend(name: BackendName): Promise<void> {
  const status = loadNodeBackend(name);
  if (!status.available) throw new Error(`backend ${name} is not available: ${status.reason}`);
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
}

export function parseBackendList(list: string): BackendName[] {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const n of names) {
    if (!(allBackends as string[]).includes(n)) {
      throw new Error(`unknown backend '${n}' (known: ${allBackends.join(', ')})`);
    }
  }
  return names as BackendName[];
}
