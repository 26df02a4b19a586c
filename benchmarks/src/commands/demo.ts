import * as fs from 'fs';
import * as path from 'path';
import { parseSizes } from '../bench/harness';
import type { BenchOptions } from '../bench/types';
import type { DemoBenchRun } from '../browser/page/demo';
import { openPage, servePages } from '../browser/driver/runner';

export interface DemoFlags {
  port: string;
  screenshot?: string;
  sizes: string;
}

/**
 * `npm run demo`: serves the demo page on 127.0.0.1 until interrupted. With --screenshot, renders
 * it in headless Chromium instead, runs the in-page benchmark on every backend, saves a PNG, exits.
 */
export async function demoCommand(flags: DemoFlags): Promise<void> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0..65535, got '${flags.port}'`);
  if (flags.screenshot == null) {
    const server = await servePages(port);
    console.log(`demo page: ${server.url}demo/  (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await server.close();
    return;
  }
  const options: Partial<BenchOptions> = { sizes: parseSizes(flags.sizes), passes: ['backward', 'forward+backward'], budgetMs: 200 };
  const session = await openPage('demo/index.html', { viewport: { width: 1300, height: 1000 } });
  try {
    const run = (await session.page.evaluate(
      (o) => (window as unknown as { demo: { runBench(o: Partial<BenchOptions>): Promise<DemoBenchRun> } }).demo.runBench(o),
      options,
    )) as DemoBenchRun;
    fs.mkdirSync(path.dirname(path.resolve(flags.screenshot)), { recursive: true });
    await session.page.screenshot({ path: flags.screenshot, fullPage: true });
    console.log(`screenshot: ${path.resolve(flags.screenshot)} (${run.results.length / 2} benchmark cases)`);
    for (const s of run.skipped) console.log(`skipped ${s.backend}: ${s.reason}`);
    if (session.errors.length > 0) console.log(`console errors on the page:\n  ${session.errors.join('\n  ')}`);
  } finally {
    await session.close();
  }
}
