/*
 * The test page's script (bundled by esbuild, see ./bundle.ts): tfjs with every browser backend,
 * this library, and an API on window.tfa that the Node side drives through playwright.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor } from '@tensorflow/tfjs-core';
import { benchBackend } from '../bench/harness';
import type { BenchOptions, BenchResult, ProgressCallback } from '../bench/types';
import { opFor } from '../ops';
import { runCheck } from './checks';
import type { BackendProbe, CheckName, CheckResult } from './checks';
import type { ActivationName } from '../activations/types';
import { checkActivation } from '../gradcheck/activation';
import type { ActivationCheckOptions, ActivationCheckReport } from '../gradcheck/activation';
import { WASM_PATH } from './paths';

setWasmPaths(WASM_PATH);

/** The backend internals the probes read (structural: no import of backend classes). */
interface WebGLInternals {
  binaryCache: Record<string, unknown>;
  texData: { get(id: unknown): { isPacked?: boolean } | undefined };
  packTensor(t: unknown): unknown;
  unpackTensor(t: unknown): unknown;
}
interface WebGPUInternals {
  pipelineCache: Record<string, unknown>;
}

function probeFor(backendName: string): BackendProbe {
  const backend = tf.backend() as unknown;
  if (backendName === 'webgl') {
    const gl = backend as WebGLInternals;
    return {
      programCount: () => Object.keys(gl.binaryCache).length,
      layout: {
        conversions(fn: () => void): number {
          const pack = gl.packTensor;
          const unpack = gl.unpackTensor;
          let count = 0;
          gl.packTensor = (t) => (count++, pack.call(gl, t));
          gl.unpackTensor = (t) => (count++, unpack.call(gl, t));
          try {
            fn();
          } finally {
            gl.packTensor = pack;
            gl.unpackTensor = unpack;
          }
          return count;
        },
        isPacked: (t: Tensor) => gl.texData.get(t.dataId)?.isPacked === true,
      },
    };
  }
  if (backendName === 'webgpu') {
    return { programCount: () => Object.keys((backend as WebGPUInternals).pipelineCache).length };
  }
  return { programCount: () => 0 };
}

/** Makes `name` the active backend; resolves to what the page could get, with the reason if not. */
async function useBackend(name: string): Promise<{ ok: boolean; backend: string; reason?: string }> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return { ok: false, backend: tf.getBackend(), reason: `tf.setBackend('${name}') failed` };
    return { ok: true, backend: name };
  } catch (e) {
    return { ok: false, backend: tf.getBackend(), reason: e instanceof Error ? e.message : String(e) };
  }
}

async function check(backendName: string, checkName: CheckName, activation: ActivationName): Promise<CheckResult> {
  if (tf.getBackend() !== backendName) {
    const r = await useBackend(backendName);
    if (!r.ok) return { ok: false, detail: `backend ${backendName} unavailable: ${r.reason}` };
  }
  return runCheck(checkName, activation, probeFor(backendName));
}

async function bench(backendName: string, options: Partial<BenchOptions>, onProgress?: ProgressCallback): Promise<BenchResult[]> {
  const r = await useBackend(backendName);
  if (!r.ok) throw new Error(`backend ${backendName} unavailable: ${r.reason}`);
  return benchBackend(backendName, options, onProgress);
}

/** The gradient check of src/gradcheck (the same code as in Node) for these activations on a backend. */
async function gradcheck(backendName: string, names: ActivationName[], options: ActivationCheckOptions): Promise<ActivationCheckReport[]> {
  const r = await useBackend(backendName);
  if (!r.ok) throw new Error(`backend ${backendName} unavailable: ${r.reason}`);
  const reports: ActivationCheckReport[] = [];
  for (const name of names) reports.push(await checkActivation(name, options));
  return reports;
}

/** GPU details for reports (SwiftShader or a real adapter). */
async function gpuInfo(): Promise<Record<string, string>> {
  const info: Record<string, string> = { userAgent: navigator.userAgent };
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2');
  if (gl != null) {
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    info.webglRenderer = String(ext != null ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  }
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
  const adapter = gpu != null ? await gpu.requestAdapter() : null;
  if (adapter?.info != null) info.webgpuAdapter = `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`.trim();
  return info;
}

export interface PageApi {
  useBackend: typeof useBackend;
  check: typeof check;
  bench: typeof bench;
  gradcheck: typeof gradcheck;
  gpuInfo: typeof gpuInfo;
  numTensors(): number;
  /** tfjs and our ops, for ad-hoc probes from the Node side. */
  tf: typeof tf;
  opFor: typeof opFor;
}

const api: PageApi = { useBackend, check, bench, gradcheck, gpuInfo, numTensors: () => tf.memory().numTensors, tf, opFor };
(window as unknown as { tfa: PageApi }).tfa = api;
document.title = 'tfjs-activations test page (ready)';
