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

/** Whether the active backend has our fused kernel for this pass (else: composite). */
export function hasKernel(def: ActivationDefinition, pass: Pass, backendName = tf.getBackend()): boolean {
  return tf.getKernel(kernelName(def, pass), backendName) != null;
}

export function runForward(def: ActivationDefinition, x: Tensor, alpha: number): Tensor {
  if (x.dtype === 'float32' && hasKernel(def, 'forward')) {
    return tf.engine().runKernel(kernelName(def, 'forward'), { x }, attrs(alpha)) as Tensor;
  }
  return compositeForward(def, x, alpha);
}

/** dy * g'(from s), or g'(from s) when dy is null, fused where the backend has our kernel. */
export function runBackward(def: ActivationDefinition, dy: Tensor | null, s: Tensor, alpha: number): Tensor {
  if (hasKernel(def, 'backward')) {
    const inputs: NamedTensorMap = dy == null ? { s } : { dy, s };
    return tf.engine().runKernel(kernelName(def, 'backward'), inputs, attrs(alpha)) as Tensor;
  }
  return compositeBackward(def, dy, s, alpha);
}

function attrs(alpha: number): ActivationAttrs {
  return { alpha };
}
