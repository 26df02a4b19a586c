import type { BackendName } from '../../backends';
import type { BackendCheckRunner } from '../../check/checkAll';
import type { PageApi } from '../page/page';
import { browserBackends } from './bench';
import { openPage } from './runner';

/**
 * The gradient check (src/gradcheck checkActivation, the same code as in Node) for webgl or
 * webgpu, run in a fresh Chromium page: `check --backends webgl,webgpu` and `npm start` fill
 * their columns from it, with the same report records as the Node backends (and the backend's
 * tolerances, src/gradcheck/settings.ts).
 */
export function browserCheckRunner(backend: string): BackendCheckRunner {
  return async (names, options) => {
    const session = await openPage();
    try {
      return await session.page.evaluate(
        ([b, n, o]) => (window as unknown as { tfa: PageApi }).tfa.gradcheck(b, n, o),
        [backend, names, options] as const,
      );
    } finally {
      await session.close();
    }
  };
}

/** Runners for every browser backend, for checkAll's `runners`. Chromium starts only when used. */
export function browserCheckRunners(): Partial<Record<BackendName, BackendCheckRunner>> {
  const runners: Partial<Record<BackendName, BackendCheckRunner>> = {};
  for (const backend of browserBackends) runners[backend] = browserCheckRunner(backend);
  return runners;
}
