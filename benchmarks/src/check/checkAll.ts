import * as tf from '@tensorflow/tfjs-core';
import { activationNames } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { allBackends, loadNodeBackend, useBackend } from '../backends';
import type { BackendName } from '../backends';
import { checkActivation, checkActivationOptions, checkOrders } from 'tfjs-activations/gradcheck';
import type { ActivationCheckName, ActivationCheckOptions, ActivationCheckReport, ErrorFigures } from 'tfjs-activations/gradcheck';
import { checkArrayOption, checkKnownKeys, checkObjectArg, checkOptionsObject, describe, ownEntry } from 'tfjs-activations/validate';

/*
 * checkAll: checkActivation for every activation on every backend asked. Node backends are
 * loaded here (src/backends.ts); a backend that runs elsewhere (webgl, webgpu in a browser)
 * runs through a `runners` entry, and without one is reported as not run, with the reason.
 */

/** Runs the checks for these activations on one backend, wherever that backend lives. */
export type BackendCheckRunner = (
  activations: ActivationName[],
  options: ActivationCheckOptions,
) => Promise<ActivationCheckReport[]>;

export interface CheckAllOptions {
  /** Default: every backend this library knows (those that cannot start are named). */
  backends?: BackendName[];
  /** Default: all four. */
  activations?: ActivationName[];
  /** Default: [1, 2]. */
  orders?: (1 | 2)[];
  /** Options for every checkActivation call (sweep size, tolerances, seed). */
  check?: Omit<ActivationCheckOptions, 'orders'>;
  /** Backends run by other means (e.g. a headless-browser runner for webgl and webgpu). */
  runners?: Partial<Record<BackendName, BackendCheckRunner>>;
}

export interface BackendCheckResult {
  backend: BackendName;
  ran: boolean;
  /** Why it did not run. */
  reason?: string;
  reports: ActivationCheckReport[];
}

export interface CheckAllReport {
  ok: boolean;
  /** ISO time of the run. */
  date: string;
  activations: ActivationName[];
  orders: (1 | 2)[];
  backends: BackendCheckResult[];
}

const OPTION_KEYS: readonly (keyof CheckAllOptions)[] = ['backends', 'activations', 'orders', 'check', 'runners'];

/** Every option, before any backend starts (a bad `check` option would otherwise fail per backend). */
function checkAllOptions(options: unknown): void {
  const fn = 'checkAll';
  const o = checkOptionsObject(fn, options);
  checkKnownKeys(fn, o, OPTION_KEYS);
  const oneOf = (known: readonly string[]) => (v: unknown) => typeof v === 'string' && known.includes(v);
  checkArrayOption(fn, 'backends', o.backends, `a non-empty array of ${allBackends.join(', ')}`, oneOf(allBackends), { nonEmpty: true, unique: true });
  checkArrayOption(fn, 'activations', o.activations, `a non-empty array of ${activationNames.join(', ')}`, oneOf(activationNames), {
    nonEmpty: true,
    unique: true,
  });
  checkOrders(fn, 'orders', o.orders);
  checkActivationOptions(fn, o.check, 'check.', ['orders']);
  if (o.runners !== undefined) {
    const runners = checkOptionsObject(fn, o.runners, 'option runners');
    checkKnownKeys(fn, runners, allBackends);
    for (const backend of Object.keys(runners)) {
      const runner = ownEntry(runners, backend);
      if (typeof runner !== 'function') throw new Error(`${fn}: option runners.${backend} must be a function, got ${describe(runner)}`);
    }
  }
}

/**
 * Runs every check on every backend asked. `ok` is true when every backend that ran passed
 * every check and at least one ran; backends that could not start do not fail it (they are
 * listed with the reason). Leaves the previously active backend active again.
 */
export async function checkAll(options: CheckAllOptions = {}): Promise<CheckAllReport> {
  checkAllOptions(options);
  const backends = options.backends ?? allBackends;
  const names = options.activations ?? activationNames;
  const orders = options.orders ?? [1, 2];
  const checkOptions: ActivationCheckOptions = { ...options.check, orders };
  const previous = tf.engine().backendName;
  const results: BackendCheckResult[] = [];
  try {
    for (const backend of backends) {
      const runner = options.runners?.[backend];
      if (runner != null) {
        try {
          results.push({ backend, ran: true, reports: await runner(names, checkOptions) });
        } catch (e) {
          results.push({ backend, ran: false, reason: `runner failed: ${(e as Error).message}`, reports: [] });
        }
        continue;
      }
      const status = loadNodeBackend(backend);
      if (!status.available) {
        results.push({ backend, ran: false, reason: status.reason, reports: [] });
        continue;
      }
      try {
        await useBackend(backend);
      } catch (e) {
        results.push({ backend, ran: false, reason: (e as Error).message, reports: [] });
        continue;
      }
      const reports: ActivationCheckReport[] = [];
      for (const name of names) reports.push(await checkActivation(name, checkOptions));
      results.push({ backend, ran: true, reports });
    }
  } finally {
    if (previous != null && tf.engine().backendName !== previous) await tf.setBackend(previous);
  }
  const ran = results.filter((r) => r.ran);
  return {
    ok: ran.length > 0 && ran.every((r) => r.reports.every((rep) => rep.ok)),
    date: new Date().toISOString(),
    activations: [...names],
    orders: [...orders],
    backends: results,
  };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * The report as a text table, one row per activation x backend x check (figures and PASS or
 * FAIL), then the backends that did not run and why, the reasons for each FAIL, and a verdict.
 */
export function formatCheckTable(report: CheckAllReport): string {
  checkObjectArg('formatCheckTable', 'report', report, 'a report from checkAll', ['backends', 'ok']);
  const rows: string[][] = [];
  for (const b of report.backends) {
    for (const r of b.reports) {
      for (const c of r.checks) {
        rows.push([r.activation, b.backend, c.check, c.ok ? 'PASS' : 'FAIL', c.summary]);
      }
    }
  }
  const lines = [table(['activation', 'backend', 'check', 'verdict', 'figures'], rows)];
  const notRun = report.backends.filter((b) => !b.ran);
  if (notRun.length > 0) {
    lines.push('', 'not run:');
    for (const b of notRun) lines.push(`  ${b.backend}: ${b.reason ?? 'unknown reason'}`);
  }
  const failures = report.backends.flatMap((b) => b.reports.filter((r) => !r.ok).map((r) => ({ b, r })));
  if (failures.length > 0) {
    lines.push('', 'failures:');
    for (const { b, r } of failures) {
      for (const reason of r.reasons) lines.push(`  ${r.activation} on ${b.backend}: ${reason.split('\n').join('\n    ')}`);
    }
  }
  const checks = report.backends.reduce((n, b) => n + b.reports.reduce((m, r) => m + r.checks.length, 0), 0);
  const failed = report.backends.reduce((n, b) => n + b.reports.reduce((m, r) => m + r.checks.filter((c) => !c.ok).length, 0), 0);
  lines.push('', `${report.ok ? 'PASS' : 'FAIL'}: ${checks - failed} of ${checks} checks passed on ${report.backends.filter((b) => b.ran).map((b) => b.backend).join(', ') || 'no backend'}`);
  return lines.join('\n');
}

/**
 * A markdown table of forward and backward accuracy against float64 (max abs and ulp error,
 * for |z| <= split and the rest), per activation and backend: the README's accuracy figures.
 */
export function formatAccuracyTable(report: CheckAllReport): string {
  checkObjectArg('formatAccuracyTable', 'report', report, 'a report from checkAll', ['backends', 'ok']);
  const cell = (f: ErrorFigures | undefined) =>
    f == null ? '-' : `${f.maxAbs === 0 ? '0' : f.maxAbs.toExponential(1)} / ${f.maxUlp}`;
  const rows: string[] = [];
  const pick = (r: ActivationCheckReport, check: ActivationCheckName) => r.checks.find((c) => c.check === check);
  let split = 8;
  for (const b of report.backends) {
    for (const r of b.reports) {
      split = r.sweep.split;
      const fwd = pick(r, 'forward');
      const bwd = pick(r, 'backward');
      rows.push(
        `| ${r.activation} | ${b.backend} | ${cell(fwd?.small)} | ${cell(fwd?.large)} | ${cell(bwd?.small)} | ${cell(bwd?.large)} |`,
      );
    }
  }
  return [
    `| activation | backend | forward, \\|z\\| <= ${split} | forward, rest | backward, \\|z\\| <= ${split} | backward, rest |`,
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
