/*
 * The tools' page script (bundled by esbuild, see ../driver/runner.ts): tfjs with every browser
 * backend, the library, and an API on window.tfa that the Node side drives through playwright:
 * `bench` and `check --backends webgl,webgpu` run the same harness and checker as in Node.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { benchBackend } from '../../bench/harness';
import type { BenchOptions, BenchResult, ProgressCallback } from '../../bench/types';
import { opFor } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { checkActivation } from 'tfjs-activations/gradcheck';
import type { ActivationCheckOptions, ActivationCheckReport } from 'tfjs-activations/gradcheck';
import { WASM_PATH } from '../paths';

setWasmPaths(WASM_PATH);

/** Makes `name` the active backend; resolves to what the page could get, with the reason if not. */
export async function useBackend(name: string): Promise<{ ok: boolean; backend: string; reason?: string }> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return { ok: false, backend: tf.getBackend(), reason: `tf.setBackend('${name}') failed` };
    return { ok: true, backend: name };
  } catch (e) {
    return { ok: false, backend: tf.getBackend(), reason: e instanceof Error ? e.message : String(e) };
  }
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
  bench: typeof bench;
  gradcheck: typeof gradcheck;
  gpuInfo: typeof gpuInfo;
  numTensors(): number;
  /** tfjs and our ops, for ad-hoc probes from the Node side. */
  tf: typeof tf;
  opFor: typeof opFor;
}

const api: PageApi = { useBackend, bench, gradcheck, gpuInfo, numTensors: () => tf.memory().numTensors, tf, opFor };
(window as unknown as { tfa: PageApi }).tfa = api;
document.title = 'tfjs-activations page (ready)';
