import { registerBackendRunner } from '../../bench/node';
import type { BackendRunner } from '../../bench/node';
import type { BenchResult, Progress } from '../../bench/types';
import type { PageApi } from '../page/page';
import { openPage } from './runner';

/** The browser backends: tfjs runs them only in a page, so the CLI runs them in headless Chromium. */
export const browserBackends = ['webgl', 'webgpu'] as const;

/**
 * Runs the harness (src/bench, the same code as in Node) in a fresh Chromium page on `backend`
 * and returns its results: the same records as the Node backends. Progress is forwarded.
 */
export const browserBenchRunner: BackendRunner = async (backend, options, onProgress) => {
  const session = await openPage();
  try {
    await session.page.exposeFunction('tfaProgress', (p: Progress) => onProgress?.(p));
    const results = await session.page.evaluate(
      ([b, o]) => {
        const w = window as unknown as { tfa: PageApi; tfaProgress: (p: Progress) => void };
        return w.tfa.bench(b, o, (p) => w.tfaProgress(p));
      },
      [backend, options] as const,
    );
    return results as BenchResult[];
  } finally {
    await session.close();
  }
};

/** Makes `bench` and `report` run webgl and webgpu through Chromium. Chromium starts only when used. */
export function registerBrowserRunners(): void {
  for (const backend of browserBackends) registerBackendRunner(backend, browserBenchRunner);
}
