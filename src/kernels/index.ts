import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, NamedTensorMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { ActivationDefinition } from '../activations/types';
import { compositeBackward, compositeForward } from './composite';
import { cpuKernels } from './cpu';
import { wasmKernels } from './wasm';
import { webglKernels } from './webgl';
import { webgpuKernels } from './webgpu';
import { kernelName, tapedKernelName } from './names';
import type { Pass, SavedForGradient } from './names';
import type { ActivationAttrs, BackendKernels } from './types';
import { checkObjectArg, checkPass } from '../validate';

export { kernelName, savedVariants, tapedKernelName } from './names';
export type { SavedForGradient } from './names';
export type { BackendKernels } from './types';
// The row ops' (softmax's) kernels as their gradients run them, for the benchmark harness.
export { runRowForward, runRowBackward, runCrossEntropyBackward, runCrossEntropySaved } from '../softmax/ops';

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
      // Stryker disable next-line OptionalChaining: every module in backendModules defines both passes (the ?. is for the BackendKernels type, whose passes are optional).
      const kernelFunc: KernelFunc | undefined = module[pass]?.(def);
      if (kernelFunc != null) tf.registerKernel({ kernelName: name, backendName: module.backendName, kernelFunc });
    }
  }
}

/** Whether the backend (default: the active one) has our fused kernel for this pass (else: composite). */
export function hasKernel(def: ActivationDefinition, pass: Pass, backendName = tf.getBackend()): boolean {
  checkObjectArg('hasKernel', 'def', def, 'an activation definition (from activations)', ['name', 'tfKernel']);
  checkPass('hasKernel', pass);
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
  forward: KernelRef | null;
  backward: KernelRef | null;
  /** tf's own forward kernel (def.tfKernel), where registered, with the spec of it. */
  tfForward: { ref: KernelRef; kernel: NonNullable<ActivationDefinition['tfKernel']> } | null;
  /** The taped forward kernels registered for this backend so far (see runTaped). */
  taped: Partial<Record<SavedForGradient, string>>;
}

/** A registered kernel: its name and function. */
export interface KernelRef {
  name: string;
  func: KernelFunc;
}

export function kernelRef(name: string, backendName: string): KernelRef | null {
  const config = tf.getKernel(name, backendName);
  return config != null ? { name, func: config.kernelFunc } : null;
}

const routes = new Map<ActivationDefinition, Map<string, Route>>();

function routeFor(def: ActivationDefinition, backendName: string): Route {
  let byBackend = routes.get(def);
  if (byBackend == null) routes.set(def, (byBackend = new Map()));
  let route = byBackend.get(backendName);
  if (route == null) {
    route = {
      forward: kernelRef(kernelName(def, 'forward'), backendName),
      backward: kernelRef(kernelName(def, 'backward'), backendName),
      tfForward: tfForwardOf(def, backendName),
      taped: {},
    };
    byBackend.set(backendName, route);
  }
  return route;
}

function tfForwardOf(def: ActivationDefinition, backendName: string): Route['tfForward'] {
  const kernel = def.tfKernel;
  if (kernel == null) return null;
  const ref = kernelRef(kernel.name, backendName);
  return ref != null ? { ref, kernel } : null;
}

/**
 * tf's engine and environment: one each per tfjs-core instance, made when it is imported, so
 * looked up once here (each lookup through the module namespace costs tens of ns, per call).
 */
const engine = tf.engine();
const env = tf.env();

/** True while a tape records: ops run now become part of a (higher-order) gradient. */
export function tapeIsRecording(): boolean {
  return engine.state.gradientDepth > 0;
}

/** The engine's gradient depth: 2 or more inside the function of a tf.grad within a tf.grad. */
export function gradientDepth(): number {
  return engine.state.gradientDepth;
}

/** The part of the engine's tape that saveWithoutCopy reads (tfjs-core's TapeNode, 3.x and 4.x). */
interface TapeNodeView {
  outputs: Tensor[];
  saved?: Tensor[];
}

/**
 * Whether taped kernels save through saveWithoutCopy on the active backend: on wasm, where tf's
 * clone of a saved tensor (the Identity kernel) copies its data (docs/softmax.md, sixth session);
 * cpu, webgl and webgpu share the data in a clone already.
 */
export function savesWithoutCopy(): boolean {
  return engine.backendName === 'wasm';
}

/**
 * Saves `tensor` (the kernel's input or output) for the gradient of the tape node just recorded
 * (the node whose first output is `out`: only the kernel that made `out` can have it) without a copy: a second tensor on the same data
 * (refcounted by the engine and the backend, as tf's clone is on cpu, webgl and webgpu) appended
 * to the node's saved list, which the gradient receives and the engine disposes after backprop
 * as it does its own clones. The kernel's gradient saves nothing itself (inputsToSave [],
 * outputsToSave [false]). Saves nothing where the last node did not make `out`: the engine
 * recorded none for the kernel (inside another kernel), so no gradient of it runs.
 */
export function saveWithoutCopy(out: Tensor, tensor: Tensor): void {
  const tape = (engine.state as unknown as { activeTape: TapeNodeView[] | null }).activeTape;
  const node = tape?.[tape.length - 1];
  if (node == null || node.outputs[0] !== out || node.saved == null) return;
  const view = engine.makeTensorFromTensorInfo({ dataId: tensor.dataId, shape: tensor.shape, dtype: tensor.dtype }) as Tensor;
  engine.backend.incRef(tensor.dataId);
  node.saved.push(engine.keep(view));
}

/**
 * Runs a registered kernel. Through engine.runKernel wherever the engine has to see it: a tape
 * records (kernelDepth 0: not inside another kernel, e.g. our taped forward), tf.profile
 * lists it, or DEBUG checks its output. Otherwise the kernel function is called directly and its
 * output wrapped as runKernel wraps it (makeTensorFromTensorInfo, which also tracks it in the
 * active tidy scope): runKernel's bookkeeping costs ~2 us a call, as much as the whole kernel at
 * 1e2 elements on wasm. Kernel functions, ours and tf's modular ones, call other kernels
 * through the backend, never tf ops, so nothing inside needs the engine's kernel depth.
 */
export function runDirect(kernel: KernelRef, inputs: NamedTensorMap, kernelAttrs: NamedAttrMap): Tensor {
  const state = engine.state;
  if ((state.gradientDepth > 0 && state.kernelDepth === 0) || state.profiling || env.getBool('DEBUG')) {
    return engine.runKernel(kernel.name, inputs, kernelAttrs) as Tensor;
  }
  const out = kernel.func({ inputs, attrs: kernelAttrs, backend: engine.backend }) as TensorInfo;
  return engine.makeTensorFromTensorInfo(out);
}

/**
 * The kernel that computes g(x) on a route: ours where the backend has one (float32 input), else
 * tf's own (the same result as def.builtin without tf's op wrapper), with its attrs; null where
 * neither is registered (the composite then runs tf's op).
 */
function forwardKernel(def: ActivationDefinition, route: Route, x: Tensor, alpha: number): { ref: KernelRef; attrs: NamedAttrMap } | null {
  if (route.forward != null && x.dtype === 'float32') return { ref: route.forward, attrs: attrs(alpha) };
  const tfForward = route.tfForward;
  if (tfForward != null && (tfForward.kernel.forAlpha?.(alpha) ?? true)) return { ref: tfForward.ref, attrs: tfForward.kernel.attrs(alpha) };
  return null;
}

/** g(x), without a gradient (see runTaped for the op under a tape). */
export function runForward(def: ActivationDefinition, x: Tensor, alpha: number): Tensor {
  const kernel = forwardKernel(def, routeFor(def, engine.backendName), x, alpha);
  return kernel != null ? runDirect(kernel.ref, { x }, kernel.attrs) : compositeForward(def, x, alpha);
}

/**
 * g(x) while a tape records: through a kernel of ours whose gradient ops.ts registers (one per
 * SavedForGradient variant), so the engine tapes it like any built-in op and saves what the
 * variant names. tf.customGrad did the same with more bookkeeping: 60-80 us more per MLP train
 * step on wasm at 1e4, with the same kernels. The kernel registers on a backend at its first use
 * there, so any backend works (it runs what runForward runs).
 */
export function runTaped(def: ActivationDefinition, saved: SavedForGradient, x: Tensor, alpha: number): Tensor {
  const backendName = engine.backendName;
  const route = routeFor(def, backendName);
  let name = route.taped[saved];
  if (name == null) {
    name = tapedKernelName(def, saved);
    if (tf.getKernel(name, backendName) == null) {
      tf.registerKernel({ kernelName: name, backendName, kernelFunc: tapedForward(def, route) });
    }
    route.taped[saved] = name;
  }
  return engine.runKernel(name, { x }, attrs(alpha)) as Tensor;
}

function tapedForward(def: ActivationDefinition, route: Route): KernelFunc {
  return ({ inputs, attrs: kernelAttrs, backend }) => {
    const x = inputs.x as Tensor;
    const alpha = (kernelAttrs as ActivationAttrs).alpha;
    const kernel = forwardKernel(def, route, x, alpha);
    // Inside a kernel the engine tapes nothing, so the composite's tf op brings no gradient of tf's.
    return kernel != null ? kernel.ref.func({ inputs, attrs: kernel.attrs, backend }) : compositeForward(def, x, alpha);
  };
}

/** dy * g'(from s), or g'(from s) when dy is null, fused where the backend has our kernel. */
export function runBackward(def: ActivationDefinition, dy: Tensor | null, s: Tensor, alpha: number): Tensor {
  const route = routeFor(def, engine.backendName);
  if (route.backward != null) {
    return runDirect(route.backward, dy == null ? { s } : { dy, s }, attrs(alpha));
  }
  return compositeBackward(def, dy, s, alpha);
}

function attrs(alpha: number): ActivationAttrs {
  return { alpha };
}
