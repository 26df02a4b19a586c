import * as os from 'os';
import * as tf from '@tensorflow/tfjs-core';
import { allBackends, loadNodeBackend, registerBuiltinGradients, useBackend } from '../backends';
import type { BackendName } from '../backends';
import { measureBandwidth } from './bandwidth';
import { benchBackend, sweepCases } from './harness';
import { defaultOptions } from './types';
import type { BenchOptions, BenchReport, BenchResult, ProgressCallback, SkippedBackend } from './types';

/*
 * The Node side of the benchmark: loads each backend, runs the environment-agnostic harness on
 * it (or hands the backend to a runner, e.g. headless Chromium for webgl/webgpu), and assembles
 * the report. Everything Node-only (os, require) lives here, not in the harness.
 */

/**
 * Runs the whole sweep for one backend somewhere else (a browser page) and returns its results.
 * `options` is complete and carries the bandwidth measured in this run, so fractions are comparable.
 */
export type BackendRunner = (
  backend: string,
  options: BenchOptions & { bandwidthGBs: number },
  onProgress?: ProgressCallback,
) => Promise<BenchResult[]>;

const registeredRunners = new Map<string, BackendRunner>();

/** Lets another module (the browser runner) serve a backend, e.g. registerBackendRunner('webgl', run). */
export function registerBackendRunner(backend: string, runner: BackendRunner): void {
  registeredRunners.set(backend, runner);
}


export function machineInfo(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tfjs: tf.version_core,
  };
}

export interface RunOptions extends Partial<BenchOptions> {
  backends?: BackendName[];
  /** Backend name -> runner; overrides registered runners and the in-process Node path. */
  runners?: Record<string, BackendRunner>;
  /** Backend name -> options that differ for that backend (e.g. a smaller sweep in the browser). */
  overrides?: Record<string, Partial<BenchOptions>>;
}

/** Runs the sweep on every requested backend that can run here; reports why the others did not. */
export async function runBenchmarks(run: RunOptions = {}, onProgress?: ProgressCallback): Promise<BenchReport> {
  const { backends = allBackends, runners = {}, overrides = {}, ...partial } = run;
  const options: BenchOptions = { ...defaultOptions, ...partial };
  registerBuiltinGradients();
  const bandwidthGBs = options.bandwidthGBs ?? measureBandwidth();
  const full = { ...options, bandwidthGBs };

  const plan: { backend: BackendName; runner?: BackendRunner }[] = [];
  const skipped: SkippedBackend[] = [];
  for (const backend of backends) {
    const runner = runners[backend] ?? registeredRunners.get(backend);
    if (runner != null) {
      plan.push({ backend, runner });
      continue;
    }
    const status = loadNodeBackend(backend);
    if (status.available) plan.push({ backend });
    else skipped.push({ backend, reason: status.reason ?? 'unavailable' });
  }

  const optionsFor = (backend: string): BenchOptions & { bandwidthGBs: number } => ({ ...full, ...overrides[backend], bandwidthGBs });
  const counts = plan.map(({ backend }) => sweepCases(optionsFor(backend)).length);
  const total = counts.reduce((a, b) => a + b, 0);
  const results: BenchResult[] = [];
  const elapsedS: Record<string, number> = {};
  let offset = 0;
  for (const [i, { backend, runner }] of plan.entries()) {
    const t0 = Date.now();
    const before = offset;
    const progress: ProgressCallback = (p) => onProgress?.({ done: before + p.done, total, label: p.label });
    offset += counts[i];
    try {
      if (runner != null) {
        results.push(...(await runner(backend, optionsFor(backend), progress)));
      } else {
        await useBackend(backend);
        results.push(...(await benchBackend(backend, optionsFor(backend), progress)));
      }
    } catch (e) {
      skipped.push({ backend, reason: `failed: ${(e as Error).message}` });
    }
    elapsedS[backend] = Math.round((Date.now() - t0) / 100) / 10;
  }
  const { bandwidthGBs: _b, batch: _batch, ...recorded } = full;
  return { machine: machineInfo(), bandwidthGBs, date: new Date().toISOString(), options: recorded, results, skipped, elapsedS };
}
