import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { serveStatic } from './server';
import type { StaticServer } from './server';
import { WASM_PATH } from './paths';

/*
 * Runs pages in headless Chromium: bundles a page script with esbuild, serves it from 127.0.0.1,
 * and drives it with playwright-core. Used by the browser tests, the demo, and the CLI's webgl
 * and webgpu backends. esbuild and playwright-core are loaded on demand (dev dependencies: the
 * library itself never needs them).
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

/** Source file next to this one: .ts under ts-jest, .js when running from dist/. */
function sibling(name: string): string {
  const ext = path.extname(__filename);
  return path.join(__dirname, `${name}${ext}`);
}

/** The package root (where node_modules and demo/ live), from src/browser or dist/browser. */
export const packageRoot = path.resolve(__dirname, '..', '..');

export interface Bundle {
  /** Directory served at '/'. */
  dir: string;
}

const HARNESS_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>tfjs-activations test page</title></head>
<body><script src="page.js"></script></body></html>
`;

let bundled: Promise<Bundle> | undefined;

/** Modules the test page imports before its own script (see pageImports). */
const extraPageImports: string[] = [];

/**
 * Makes the test page import these modules (absolute paths) first, e.g. a test's user-defined
 * activation, so the page's checks run over it. Call before the first openPage of the process.
 */
export function pageImports(...files: string[]): void {
  if (bundled != null) throw new Error('pageImports: the pages are already bundled');
  extraPageImports.push(...files);
}

/**
 * Bundles the test page (./page) and the demo's script (./demo; its markup is demo/index.html)
 * into a temporary directory, once per process.
 */
export function bundlePages(): Promise<Bundle> {
  bundled ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tfjs-activations-page-'));
    // About 12 MB of bundles per process: removed when the process ends (or by removeBundles).
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    let page = sibling('page');
    if (extraPageImports.length > 0) {
      page = path.join(dir, 'page-entry.js');
      writeFileSync(page, [...extraPageImports, sibling('page')].map((f) => `import ${JSON.stringify(f)};`).join('\n'));
    }
    const entryPoints: Record<string, string> = { page, demo: sibling('demo') };
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
      // Type-checked imports name vega-lite's build path; its exports map only allows the root.
      alias: { 'vega-lite/build/index': 'vega-lite' },
    });
    writeFileSync(path.join(dir, 'index.html'), HARNESS_HTML);
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
