import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from '../activations/types';
import { compositeBackward, compositeForward } from './composite';
import { cpuKernels } from './cpu';
import { wasmKernels } from './wasm';
import { webglKernels } from './webgl';
import { webgpuKernels } from './webgpu';
import { kernelName } from './names';
import type { Pass } from './names';
import type { ActivationAttrs, BackendKernels } from './types';

export { kernelName } from './names';
export type { BackendKernels } from './types';

/** Every backend module that has kernels of its own. Others get the composite path. */
const backendModules: BackendKernels[] = [cpuKernels, wasmKernels, webglKernels, webgpuKernels];

const registered = new Set<string>();

/**
 * Registers the definition's kernels with every backend module, whether or not that backend is
 * loaded or active yet (tfjs looks kernels up by backend name at call time). Idempotent.
 */
export function registerActivationKernels(def: ActivationDefinition): void {
  for (const module of backendModules) {
    for (const pass of ['forward', 'backward'] as const) {
      const name = kernelName(def, pass);
      const key = `${module.backendName}/${name}`;
      if (registered.has(key)) continue;
      registered.add(key);
      if (tf.getKernel(name, module.backendName) != null) continue; // another copy of us did it
      const kernelFunc: KernelFunc | undefined = module[pass]?.(def);
      if (kernelFunc != null) tf.registerKernel({ kernelName: name, backendName: module.backendName, kernelFunc });
    }
  }
}

/** Whether the backend (default: the active one) has our fused kernel for this pass (else: composite). */
export function hasKernel(def: ActivationDefinition, pass: Pass, backendName = tf.getBackend()): boolean {
  return routeFor(def, backendName)[pass] != null;
}

/**
 * What runs an activation on one backend: our kernels' names (null where we have none) and
 * whether tf's own forward kernel is registered there. Kernels register when a backend's package
 * is imported (ours at our import, for every backend name), before any op can run on it, so the
 * answer for a backend name never changes: it is looked up once, keeping the per-call cost of
 * the op down where it shows (1e2 elements).
 */
interface Route {
  forward: string | null;
  backward: string | null;
  tfForward: boolean;
}

const routes = new Map<ActivationDefinition, Map<string, Route>>();

function routeFor(def: ActivationDefinition, backendName: string): Route {
  let byBackend = routes.get(def);
  if (byBackend == null) routes.set(def, (byBackend = new Map()));
  let route = byBackend.get(backendName);
  if (route == null) {
    const ours = (pass: Pass) => {
      const name = kernelName(def, pass);
      return tf.getKernel(name, backendName) != null ? name : null;
    };
    route = {
      forward: ours('forward'),
      backward: ours('backward'),
      tfForward: tf.getKernel(def.tfKernel.name, backendName) != null,
    };
    byBackend.set(backendName, route);
  }
  return route;
}

/**
 * g(x): our kernel where the backend has one (float32 input), else tf's own kernel run directly
 * (the same result as def.builtin without tf's op wrapper), else tf's op.
 */
export function runForward(def: ActivationDefinition, x: Tensor, alpha: number): Tensor {
  const route = routeFor(def, tf.getBackend());
  if (route.forward != null && x.dtype === 'float32') {
    return tf.engine().runKernel(route.forward, { x }, attrs(alpha)) as Tensor;
  }
  if (route.tfForward) return tf.engine().runKernel(def.tfKernel.name, { x }, def.tfKernel.attrs(alpha)) as Tensor;
  return compositeForward(def, x, alpha);
}

/** dy * g'(from s), or g'(from s) when dy is null, fused where the backend has our kernel. */
export function runBackward(def: ActivationDefinition, dy: Tensor | null, s: Tensor, alpha: number): Tensor {
  const route = routeFor(def, tf.getBackend());
  if (route.backward != null) {
    const inputs: NamedTensorMap = dy == null ? { s } : { dy, s };
    return tf.engine().runKernel(route.backward, inputs, attrs(alpha)) as Tensor;
  }
  return compositeBackward(def, dy, s, alpha);
}

function attrs(alpha: number): ActivationAttrs {
  return { alpha };
}
