import * as fs from 'fs';
import * as path from 'path';
import { SingleBar } from 'cli-progress';
import { activationNames, isActivationName } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { parseBackendList } from '../backends';
import { benchMarkdown, summaryText } from '../bench/format';
import { parseSizes } from '../bench/harness';
import { isRowBenchOp, parseShapes, rowBenchOps } from '../bench/rowCases';
import { benchSections, htmlPage } from '../bench/html';
import { runBenchmarks } from '../bench/node';
import type { RunOptions } from '../bench/node';
import { allPasses, baselines, defaultOptions, quickOptions } from '../bench/types';
import type { Baseline, BenchPass, BenchReport, ProgressCallback } from '../bench/types';

/** The flags of `tfjs-activations-bench bench`, as commander gives them. */
export interface BenchFlags {
  backends: string;
  activations?: string;
  passes?: string;
  sizes?: string;
  shapes?: string;
  alpha?: string;
  baseline?: string;
  quick?: boolean;
  minSamples?: string;
  json?: string;
  markdown?: string;
  html?: string;
}

function list(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
}

export function parseActivations(s: string): ActivationName[] {
  return list(s).map((a) => {
    if (!isActivationName(a) && !isRowBenchOp(a)) throw new Error(`unknown activation '${a}' (known: ${[...activationNames, ...rowBenchOps].join(', ')})`);
    return a;
  });
}

export function parsePasses(s: string): BenchPass[] {
  return list(s).map((p) => {
    if (!(allPasses as string[]).includes(p)) throw new Error(`unknown pass '${p}' (known: ${allPasses.join(', ')})`);
    return p as BenchPass;
  });
}

export function parseAlpha(s: string): number {
  const a = Number(s);
  if (s.trim() === '' || !Number.isFinite(a)) throw new Error(`--alpha must be a finite number, got '${s}'`);
  return a;
}

/** Flags -> harness options (validated; unknown names are errors, not silently dropped). */
export function benchOptionsFromFlags(flags: BenchFlags): RunOptions {
  const options: RunOptions = { backends: parseBackendList(flags.backends), ...(flags.quick ? quickOptions : {}) };
  if (flags.activations != null) options.activations = parseActivations(flags.activations);
  if (flags.passes != null) options.passes = parsePasses(flags.passes);
  if (flags.sizes != null) options.sizes = parseSizes(flags.sizes);
  if (flags.shapes != null) options.shapes = parseShapes(flags.shapes);
  if (flags.alpha != null) options.alpha = parseAlpha(flags.alpha);
  if (flags.baseline != null) {
    if (!(baselines as readonly string[]).includes(flags.baseline)) throw new Error(`--baseline must be one of ${baselines.join(', ')}, got '${flags.baseline}'`);
    options.baseline = flags.baseline as Baseline;
  }
  if (flags.minSamples != null) {
    const n = Number(flags.minSamples);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--min-samples must be a positive integer, got '${flags.minSamples}'`);
    // Every case, slow ones included, takes at least n samples per side (budget permitting none less).
    options.minSamples = n;
    options.minSlowSamples = n;
    options.maxSamples = Math.max(n, options.maxSamples ?? defaultOptions.maxSamples);
  }
  return options;
}

/** A progress bar on an interactive terminal; nothing otherwise (stdout then carries only the table). */
export function progressBar(): { onProgress?: ProgressCallback; stop(): void } {
  if (!process.stdout.isTTY) return { stop: () => undefined };
  const bar = new SingleBar({ format: 'bench [{bar}] {value}/{total} {label}', stream: process.stdout, hideCursor: true });
  let started = false;
  return {
    onProgress: (p) => {
      if (!started) {
        bar.start(p.total, p.done, { label: p.label });
        started = true;
      }
      bar.setTotal(p.total);
      bar.update(p.done, { label: p.label });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** Runs the sweep with a progress bar (on a terminal); returns the report. */
export async function runWithProgress(options: RunOptions): Promise<BenchReport> {
  const bar = progressBar();
  try {
    return await runBenchmarks(options, bar.onProgress);
  } finally {
    bar.stop();
  }
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, content);
}

export async function writeOutputs(report: BenchReport, files: Pick<BenchFlags, 'json' | 'markdown' | 'html'>): Promise<void> {
  if (files.json != null) write(files.json, `${JSON.stringify(report, null, 2)}\n`);
  if (files.markdown != null) write(files.markdown, benchMarkdown(report));
  if (files.html != null) write(files.html, htmlPage('tfjs-activations benchmark', await benchSections(report)));
}

export async function benchCommand(flags: BenchFlags): Promise<void> {
  const report = await runWithProgress(benchOptionsFromFlags(flags));
  await writeOutputs(report, flags);
  console.log(summaryText(report));
}

