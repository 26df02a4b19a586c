import { readFileSync, readdirSync } from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import type { Metafile } from 'esbuild';
import { chromiumArgs, findChromium } from '../../benchmarks/src/browser/driver/runner';
import { makeProject, packWorkspaces, repoBin, tempDir } from './project';
import type { Project } from './project';

/*
 * What the library adds to a browser app that already imports @tensorflow/tfjs: production
 * bundles by esbuild and by Vite, with and without our ops, compared gzipped; the ESM build must
 * resolve to the app's own tfjs (no second copy) and stay within the budget. The esbuild bundle
 * then runs in Chromium on webgl and cpu.
 */

/**
 * The budget for `import { relu }` in a page that already has tfjs. Issue 11 set 25 KB for four
 * activations; with fourteen and the row-wise ops the activations' wasm modules are assembled from
 * their definitions on first use instead of shipping as binaries, and the budget was 30 KB; the
 * seventh session's fast bodies (the block loop of src/kernels/wasm/source.ts), the packed
 * cross-entropy programs and the assembler's refusals of what it cannot encode took it past that,
 * and the budget is 31 KB (docs/packaging.md has the measurements).
 */
const BUDGET_GZIP_BYTES = 31 * 1024;

const pages: Record<string, string> = {
  base: `import * as tf from '@tensorflow/tfjs';\nwindow.tf = tf;\n`,
  relu: `import * as tf from '@tensorflow/tfjs';\nimport { relu } from 'tfjs-activations';\nwindow.tf = tf;\nwindow.ops = { relu };\n`,
  all: `import * as tf from '@tensorflow/tfjs';\nimport { relu, sigmoid, tanh, leakyRelu } from 'tfjs-activations';\nwindow.tf = tf;\nwindow.ops = { relu, sigmoid, tanh, leakyRelu };\n`,
};

let project: Project;
beforeAll(() => {
  const tarballs = packWorkspaces(tempDir('packs'));
  project = makeProject('bundle', ['@tensorflow/tfjs@4.22.0', tarballs.library]);
  for (const [name, text] of Object.entries(pages)) project.write(`src/${name}.js`, text);
}, 600000);

const gz = (bytes: Buffer | string): number => gzipSync(bytes, { level: 9 }).length;
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

describe('browser bundles of a page with @tensorflow/tfjs', () => {
  const esbuildSizes: Record<string, { min: number; gzip: number; meta: Metafile; code: string }> = {};

  beforeAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    for (const name of Object.keys(pages)) {
      const r = await esbuild.build({
        entryPoints: [path.join(project.dir, 'src', `${name}.js`)],
        absWorkingDir: project.dir,
        bundle: true,
        minify: true,
        format: 'iife',
        platform: 'browser',
        target: 'es2020',
        write: false,
        metafile: true,
        logLevel: 'silent',
        define: { 'process.env.NODE_ENV': '"production"' },
      });
      const code = r.outputFiles[0].text;
      esbuildSizes[name] = { min: Buffer.byteLength(code), gzip: gz(code), meta: r.metafile, code };
    }
  }, 300000);

  test('esbuild: the library resolves to its ES modules and to the app\'s one tfjs', () => {
    const inputs = Object.keys(esbuildSizes.all.meta.inputs);
    const ours = inputs.filter((f) => f.includes('node_modules/tfjs-activations/'));
    expect(ours.length).toBeGreaterThan(5);
    expect(ours.every((f) => f.includes('/dist/esm/'))).toBe(true);
    // One tfjs-core, its ES build (a CommonJS require would pull tf-core.node.js beside it).
    const cores = new Set(inputs.map((f) => /^(.*node_modules\/@tensorflow\/tfjs-core)\//.exec(f)?.[1]).filter((d) => d != null));
    expect([...cores]).toEqual(['node_modules/@tensorflow/tfjs-core']);
    expect(inputs.filter((f) => /tf-core\.node\.js|tf-layers\.node\.js/.test(f))).toEqual([]);
  });

  test(`esbuild: import { relu } adds at most ${kb(BUDGET_GZIP_BYTES)} gzip (all four ops measured too)`, () => {
    const delta = (name: string) => ({ min: esbuildSizes[name].min - esbuildSizes.base.min, gzip: esbuildSizes[name].gzip - esbuildSizes.base.gzip });
    const relu = delta('relu');
    const all = delta('all');
    console.log(`esbuild bundle delta over @tensorflow/tfjs alone (${kb(esbuildSizes.base.gzip)} gzip): relu +${kb(relu.min)} min / +${kb(relu.gzip)} gzip; all four +${kb(all.min)} / +${kb(all.gzip)} gzip`);
    expect(relu.gzip).toBeGreaterThan(0);
    expect(relu.gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    expect(all.gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  test(`Vite production build: import { relu } adds at most ${kb(BUDGET_GZIP_BYTES)} gzip (all four measured too)`, () => {
    const sizes: Record<string, number> = {};
    for (const name of Object.keys(pages)) {
      project.write(`vite-${name}/index.html`, `<!doctype html><html><body><script type="module" src="/main.js"></script></body></html>\n`);
      project.write(`vite-${name}/main.js`, pages[name]);
      const out = path.join(project.dir, `vite-${name}`, 'dist');
      project.run(repoBin('vite'), ['build', `vite-${name}`, '--logLevel', 'error', '--outDir', out, '--emptyOutDir']);
      const assets = path.join(out, 'assets');
      const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
      sizes[name] = js.reduce((sum, f) => sum + gz(readFileSync(path.join(assets, f))), 0);
    }
    console.log(`Vite bundle delta over @tensorflow/tfjs alone (${kb(sizes.base)} gzip): relu +${kb(sizes.relu - sizes.base)} gzip; all four +${kb(sizes.all - sizes.base)} gzip`);
    expect(sizes.relu - sizes.base).toBeGreaterThan(0);
    expect(sizes.relu - sizes.base).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    expect(sizes.all - sizes.base).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  }, 300000);

  const hasChromium = findChromium() != null || process.env.CI === 'true';
  (hasChromium ? test : test.skip)(`the esbuild bundle runs the ops in Chromium on webgl and cpu${hasChromium ? '' : ' (skipped: Chromium not found)'}`, async () => {
    const executablePath = findChromium();
    if (executablePath == null) throw new Error('Chromium not found (apt-get install -y chromium)');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chromium } = require('playwright-core') as typeof import('playwright-core');
    const browser = await chromium.launch({ executablePath, args: chromiumArgs, headless: true });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.setContent('<!doctype html><html><body></body></html>');
      await page.addScriptTag({ content: esbuildSizes.all.code });
      for (const backend of ['webgl', 'cpu']) {
        const r = await page.evaluate(async (b) => {
          type Op = (x: unknown, alpha?: number) => { data(): Promise<Float32Array> };
          const w = window as unknown as {
            tf: { setBackend(b: string): Promise<boolean>; ready(): Promise<void>; getBackend(): string; tensor1d(v: number[]): unknown; grad(f: (x: unknown) => unknown): (x: unknown) => { data(): Promise<Float32Array> } };
            ops: Record<string, Op>;
          };
          await w.tf.setBackend(b);
          await w.tf.ready();
          const x = w.tf.tensor1d([-2, 0, 1.5]);
          return {
            backend: w.tf.getBackend(),
            relu: Array.from(await w.ops.relu(x).data()),
            leaky: Array.from(await w.ops.leakyRelu(x, 0.5).data()),
            sigmoid: Array.from(await w.ops.sigmoid(x).data()),
            tanhGrad: Array.from(await w.tf.grad((v) => w.ops.tanh(v))(x).data()),
          };
        }, backend);
        expect(r.backend).toBe(backend);
        expect(r.relu).toEqual([0, 0, 1.5]);
        expect(r.leaky).toEqual([-1, 0, 1.5]);
        [-2, 0, 1.5].forEach((z, i) => {
          expect(r.sigmoid[i]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
          expect(r.tanhGrad[i]).toBeCloseTo(1 - Math.tanh(z) ** 2, 6);
        });
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300000);
});
