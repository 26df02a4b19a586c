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
    return { name, available: false, reason: loadFailure(packages[name], e) };
  }
  return tf.findBackendFactory(name) != null
    ? { name, available: true }
    : { name, available: false, reason: `${packages[name]} loaded but registered no '${name}' backend` };
}

/** One line saying why a backend package did not load: not installed, or its own first error line. */
function loadFailure(pkg: string, e: unknown): string {
  const err = e as { code?: string; message?: string };
  const first = String(err.message ?? e).split('\n')[0];
  if (err.code === 'MODULE_NOT_FOUND' && first.includes(`'${pkg}'`)) {
    return pkg === packages.tensorflow
      ? `${pkg} is not installed (optional: \`npm install ${pkg}\`, whose install step downloads libtensorflow)`
      : `${pkg} is not installed`;
  }
  return `${pkg} could not be loaded: ${first}`;
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

/**
 * tf's gradient functions (Sigmoid_grad etc.) are registered by the @tensorflow/tfjs package, not
 * by tfjs-core's Node bundle; the benchmark's backward, forward+backward and train passes and the gradient check need them.
 */
export function registerBuiltinGradients(): void {
  if (tf.getGradient('Sigmoid') != null) return;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs');
  } catch (e) {
    throw new Error(`the benchmark needs tf's gradients from @tensorflow/tfjs, which could not be loaded: ${(e as Error).message}`);
  }
}
