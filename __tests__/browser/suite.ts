import { activationNames } from '../../src/activations';
import { checkNames, notApplicable } from './checks';
import type { CheckResult } from './checks';
import * as path from 'path';
import { addPageEntry, findChromium, openPage, pageImports, removeBundles } from '../../benchmarks/src/browser/driver/runner';
import type { BrowserPage } from '../../benchmarks/src/browser/driver/runner';
import type { PageApi } from '../../benchmarks/src/browser/page/page';
import type { TestPageApi } from './test-page';
import type { BenchOptions } from '../../benchmarks/src/bench/types';

/** Tiny sweeps (2 activations, backward, 64 elements): tests check that a run completes, never timings. */
export const tinyBench: Partial<BenchOptions> = {
  activations: ['sigmoid', 'leakyRelu'],
  passes: ['backward'],
  sizes: [64],
  warmup: 1,
  budgetMs: 10,
  minSamples: 2,
  maxSamples: 3,
  minSampleMs: 1,
  bandwidthGBs: 10,
};

/**
 * Whether browser suites can run here. Without Chromium they are skipped loudly, except under
 * CI=true, where a missing Chromium fails the suite.
 */
export function chromiumOrSkip(suite: string): boolean {
  if (findChromium() != null) return true;
  const message = `${suite}: Chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') {
    test(`${suite} needs Chromium`, () => {
      throw new Error(message);
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`\n*** SKIPPED ${message} ***\n`);
    test.skip(`${suite} (skipped: Chromium not found)`, () => undefined);
  }
  return false;
}

type Api = PageApi;

/** The row-wise ops' forward bound, ulp vs float64 where |result| >= 1e-30 (as on cpu and wasm). */
const GPU_ROW_ULP_BOUND = 4;

/** The test page: the tools' page plus the test-only checks (./test-page.ts). */
export function openTestPage(): Promise<BrowserPage> {
  addPageEntry('test', path.join(__dirname, 'test-page.ts'));
  return openPage('test.html');
}

/** One page (one Chromium) for the whole file; every check of every activation is a jest test. */
export function describeBackendInBrowser(backend: 'webgl' | 'webgpu'): void {
  describe(`${backend} in Chromium`, () => {
    if (!chromiumOrSkip(`${backend} browser tests`)) return;
    let browser: BrowserPage;

    beforeAll(async () => {
      // The README's user-defined activation, so its rendered kernels are checked here too.
      pageImports(path.join(__dirname, '../../examples/squareplus.ts'));
      browser = await openTestPage();
      const r = await browser.page.evaluate((b) => (window as unknown as { tfa: Api }).tfa.useBackend(b), backend);
      if (!r.ok) throw new Error(`${backend} did not come up in Chromium: ${r.reason}`);
    }, 120000);

    afterAll(async () => {
      await browser?.close();
      await removeBundles();
    });

    test(`${backend} is the page's backend`, async () => {
      const r = await browser.page.evaluate((b) => (window as unknown as { tfa: Api }).tfa.useBackend(b), backend);
      expect(r).toEqual({ ok: true, backend });
    });

    describe.each(activationNames)('%s', (activation) => {
      for (const check of checkNames) {
        // A check that does not apply here is a visible skip with its reason, never a pass.
        const skip = notApplicable(check, activation, backend);
        if (skip != null) {
          test.skip(`${check} (skipped: ${skip})`, () => undefined);
          continue;
        }
        test(check, async () => {
          const r: CheckResult = await browser.page.evaluate(
            ([b, c, a]) => (window as unknown as { tfaTest: TestPageApi }).tfaTest.check(b, c as never, a as never),
            [backend, check, activation] as const,
          );
          if (!r.ok) throw new Error(r.detail);
          expect(r.ok).toBe(true);
        });
      }
    });

    test(`a user-defined activation (examples/squareplus.ts) passes checkActivation on ${backend}, with its own kernels`, async () => {
      const reports = await browser.page.evaluate(
        (b) => (window as unknown as { tfa: Api }).tfa.gradcheck(b, ['squareplus'], {}),
        backend,
      );
      expect(reports[0].reasons).toEqual([]);
      expect(reports[0].ok).toBe(true);
      const kernel = await browser.page.evaluate(
        (b) => (window as unknown as { tfa: Api }).tfa.tf.getKernel('TfjsActivations_squareplus_backward', b) != null,
        backend,
      );
      expect(kernel).toBe(true);
    });

    // The row-wise ops (src/softmax/gpu.ts), with the bound of cpu and wasm: 4 ulp of float64
    // (figures in docs/softmax.md).
    test(`softmax, logSoftmax, softmaxCrossEntropy on ${backend}: fused kernels, accuracy, gradients, conventions`, async () => {
      const checks = await browser.page.evaluate(
        ([b, bound]) => (window as unknown as { tfaTest: TestPageApi }).tfaTest.rows(b as string, bound as number),
        [backend, GPU_ROW_ULP_BOUND] as const,
      );
      // eslint-disable-next-line no-console
      console.log(checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`).join('\n'));
      expect(checks.filter((c) => !c.ok)).toEqual([]);
      expect(checks.length).toBeGreaterThan(10);
    });

    test('no console errors on the page', () => {
      expect(browser.errors).toEqual([]);
    });
  });
}
