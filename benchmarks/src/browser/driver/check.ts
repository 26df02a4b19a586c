import type { BackendName } from '../../backends';
import type { BackendCheckRunner } from '../../check/checkAll';
import type { PageApi } from '../page/page';
import { browserBackends } from './bench';
import { openPage } from './runner';

/**
 * GPU forward tolerance in ulps. GLSL ES 3.00 and WGSL allow exp an error of (3 + 2|x|) ulp, 19
 * ulp over the sweep's unsaturated |z| <= 8; on SwiftShader both our sigmoid and tf's built-in are
 * 6.8 ulp from float64 there (measured 2026-11-21), so the cpu/wasm bound of 4 does not apply.
 */
const GPU_FORWARD_ULPS = 20;

/**
 * The gradient check (src/gradcheck checkActivation, the same code as in Node) for webgl or
 * webgpu, run in a fresh Chromium page: `check --backends webgl,webgpu` and `npm start` fill
 * their columns from it, with the same report records as the Node backends.
 */
export function browserCheckRunner(backend: string): BackendCheckRunner {
  return async (names, options) => {
    const gpuOptions = { ...options, tolerances: { forwardUlps: GPU_FORWARD_ULPS, ...options.tolerances } };
    const session = await openPage();
    try {
      return await session.page.evaluate(
        ([b, n, o]) => (window as unknown as { tfa: PageApi }).tfa.gradcheck(b, n, o),
        [backend, names, gpuOptions] as const,
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
