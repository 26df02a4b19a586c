/*
 * The browser tests' page script: the tools' page (window.tfa) plus the test-only checks of
 * ./checks.ts, which read backend internals (compiled-program caches, texture layouts) that only
 * the tests need. Bundled by the tools' runner as an extra entry (see ./suite.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ActivationName } from 'tfjs-activations';
import { useBackend } from '../../benchmarks/src/browser/page/page';
import { runCheck } from './checks';
import { rowChecks } from './rows';
import type { BackendProbe, CheckName, CheckResult } from './checks';

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

async function check(backendName: string, checkName: CheckName, activation: ActivationName): Promise<CheckResult> {
  if (tf.getBackend() !== backendName) {
    const r = await useBackend(backendName);
    if (!r.ok) return { ok: false, detail: `backend ${backendName} unavailable: ${r.reason}` };
  }
  return runCheck(checkName, activation, probeFor(backendName));
}

async function rows(backendName: string, ulpBound: number): ReturnType<typeof rowChecks> {
  if (tf.getBackend() !== backendName) {
    const r = await useBackend(backendName);
    if (!r.ok) return [{ name: 'backend', ok: false, detail: `backend ${backendName} unavailable: ${r.reason}` }];
  }
  return rowChecks(ulpBound);
}

export interface TestPageApi {
  check: typeof check;
  rows: typeof rows;
}

(window as unknown as { tfaTest: TestPageApi }).tfaTest = { check, rows };
