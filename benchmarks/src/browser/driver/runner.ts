import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { serveStatic } from './server';
import type { StaticServer } from './server';
import { WASM_PATH } from '../paths';

/*
 * Runs pages in headless Chromium: bundles a page script with esbuild, serves it from 127.0.0.1,
 * and drives it with playwright-core. Used by the CLI's webgl and webgpu backends, the demo, and
 * the browser tests. esbuild and playwright-core are loaded on demand, so commands that never
 * open a page do not pay for them.
 */

/** Flags under which WebGL2 and WebGPU both come up on SwiftShader in a headless container. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
];

/** $CHROMIUM_PATH, else Debian's /usr/bin/chromium; undefined when neither exists. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => p != null && p !== '' && existsSync(p));
}

/** A page script in ../page: .ts under ts-jest, .js when running from dist/. */
function pageScript(name: string): string {
  return path.join(__dirname, '..', 'page', `${name}${path.extname(__filename)}`);
}

/** The tools' package root (where demo/ lives), from src/browser/driver or dist/browser/driver. */
export const packageRoot = path.resolve(__dirname, '..', '..', '..');

/*
 * Under ts-jest the tools run from source, and so must the library they bundle (the package
 * name would resolve to its build): the repo's library sources, when they are there.
 */
const librarySources = path.resolve(packageRoot, '..', 'src');
function librarySourcePlugins(): import('esbuild').Plugin[] {
  if (path.extname(__filename) !== '.ts' || !existsSync(path.join(librarySources, 'index.ts'))) return [];
  return [{
    name: 'library-sources',
    setup(build) {
      build.onResolve({ filter: /^tfjs-activations(\/[a-z-]+)?$/ }, (args) => {
        const sub = args.path.slice('tfjs-activations'.length);
        const file = path.join(librarySources, `${sub}.ts`);
        return { path: sub !== '' && existsSync(file) ? file : path.join(librarySources, sub, 'index.ts') };
      });
    },
  }];
}

export interface Bundle {
  /** Directory served at '/'. */
  dir: string;
}

const pageHtml = (script: string): string => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>tfjs-activations page</title></head>
<body><script src="${script}.js"></script></body></html>
`;

let bundled: Promise<Bundle> | undefined;
const extraEntries: Record<string, string> = {};

/** Modules the checking pages import before their own script (see pageImports). */
const extraPageImports: string[] = [];

/**
 * Makes the tools' page and added entries import these modules (absolute paths) first, e.g. a
 * test's user-defined activation, so the page's checks run over it. Call before the first
 * openPage of the process.
 */
export function pageImports(...files: string[]): void {
  if (bundled != null) throw new Error('pageImports: the pages are already bundled');
  extraPageImports.push(...files);
}

/**
 * Adds a page script bundled beside the tools' own, served as `<name>.html` (the browser tests
 * add their checks this way). Adding the same entry again does nothing; a new one must come
 * before the first bundle of the process.
 */
export function addPageEntry(name: string, file: string): void {
  if (extraEntries[name] === file) return;
  if (bundled != null) throw new Error(`addPageEntry('${name}'): the pages of this process are bundled already`);
  extraEntries[name] = file;
}

/**
 * Bundles the tools' page (../page/page), the demo's script (../page/demo; its markup is
 * demo/index.html) and any added entries into a temporary directory, once per process.
 */
export function bundlePages(): Promise<Bundle> {
  bundled ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tfjs-activations-page-'));
    // About 12 MB of bundles per process: removed when the process ends (or by removeBundles).
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    // The pages that run checks (the tools' page, added entries) import extraPageImports first.
    const withImports = (name: string, file: string): string => {
      if (extraPageImports.length === 0) return file;
      const entry = path.join(dir, `${name}-entry.js`);
      writeFileSync(entry, [...extraPageImports, file].map((f) => `import ${JSON.stringify(f)};`).join('\n'));
      return entry;
    };
    const entryPoints: Record<string, string> = { demo: pageScript('demo') };
    for (const [name, file] of Object.entries({ page: pageScript('page'), ...extraEntries })) entryPoints[name] = withImports(name, file);
    await esbuild.build({
      entryPoints,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      outdir: dir,
      minify: false,
      sourcemap: false,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
      alias: {
        // Type-checked imports name vega-lite's build path; its exports map only allows the root.
        'vega-lite/build/index': 'vega-lite',
      },
      plugins: librarySourcePlugins(),
    });
    writeFileSync(path.join(dir, 'index.html'), pageHtml('page'));
    for (const name of Object.keys(extraEntries)) writeFileSync(path.join(dir, `${name}.html`), pageHtml(name));
    const demoHtml = path.join(packageRoot, 'demo', 'index.html');
    if (existsSync(demoHtml)) {
      mkdirSync(path.join(dir, 'demo'), { recursive: true });
      copyFileSync(demoHtml, path.join(dir, 'demo', 'index.html'));
    }
    return { dir };
  })();
  return bundled;
}

/** Deletes this process's bundles (jest's sandboxed `process` may not see the exit event). */
export async function removeBundles(): Promise<void> {
  if (bundled == null) return;
  const { dir } = await bundled;
  bundled = undefined;
  rmSync(dir, { recursive: true, force: true });
}

/** Serves the bundle at '/' and tf's wasm binaries at WASM_PATH. */
export async function servePages(port = 0): Promise<StaticServer> {
  const { dir } = await bundlePages();
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  return serveStatic({ '/': dir, [WASM_PATH]: wasmDir }, port);
}

export interface BrowserPage {
  page: Page;
  browser: Browser;
  server: StaticServer;
  /** Console errors and uncaught exceptions seen on the page so far. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium on a served page (`pathname` below the server root) and waits until its
 * script has run. Throws a clear Error when Chromium is missing.
 */
export async function openPage(pathname = 'index.html', options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserPage> {
  const executablePath = findChromium();
  if (executablePath == null) {
    throw new Error('Chromium not found (install Debian\'s chromium: apt-get install -y chromium, or set CHROMIUM_PATH)');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const server = await servePages();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath, args: chromiumArgs, headless: true });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    await page.goto(server.url + pathname);
    await page.waitForFunction(() => document.title.includes('(ready)'), undefined, { timeout: 60000 });
    const b = browser;
    return {
      page,
      browser: b,
      server,
      errors,
      close: async () => {
        await b.close();
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    throw e;
  }
}
