import { writeFileSync } from 'fs';
import { activationNames, isActivationName } from 'tfjs-activations';
import type { ActivationName } from 'tfjs-activations';
import { allBackends, parseBackendList, registerBuiltinGradients } from '../backends';
import { checkAll, formatAccuracyTable, formatCheckTable } from '../check/checkAll';
import type { BackendCheckRunner, CheckAllReport } from '../check/checkAll';
import type { BackendName } from '../backends';

/** Flags of `tfjs-activations-bench check`, as commander hands them over. */
export interface CheckCommandOptions {
  backends?: string;
  activations?: string;
  order?: string;
  json?: string;
  points?: string;
  accuracy?: boolean;
}

export function parseActivationList(list: string): ActivationName[] {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const n of names) {
    if (!isActivationName(n)) throw new Error(`unknown activation '${n}' (known: ${activationNames.join(', ')})`);
  }
  return names as ActivationName[];
}

export function parseOrderList(list: string): (1 | 2)[] {
  const orders = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const o of orders) if (o !== '1' && o !== '2') throw new Error(`--order takes 1, 2 or 1,2; got '${o}'`);
  return [...new Set(orders.map((o) => (o === '1' ? 1 : 2) as 1 | 2))];
}

/**
 * `tfjs-activations-bench check`: runs checkAll, prints the table (and the markdown accuracy table
 * with --accuracy), writes JSON if asked. Returns the exit code: 1 on any FAIL.
 * `runners` is where a browser runner for webgl/webgpu plugs in.
 */
export async function runCheckCommand(
  opts: CheckCommandOptions,
  runners: Partial<Record<BackendName, BackendCheckRunner>> = {},
  print: (text: string) => void = console.log,
): Promise<{ exitCode: number; report: CheckAllReport }> {
  const points = opts.points == null ? 200001 : Number(opts.points);
  if (!Number.isInteger(points) || points < 1) throw new Error(`--points must be a positive integer, got '${opts.points}'`);
  registerBuiltinGradients(); // tf autodiff of the built-ins and gradcheck's own sums need them
  const report = await checkAll({
    backends: opts.backends == null ? allBackends : parseBackendList(opts.backends),
    activations: opts.activations == null ? activationNames : parseActivationList(opts.activations),
    orders: opts.order == null ? [1, 2] : parseOrderList(opts.order),
    check: { points },
    runners,
  });
  print(formatCheckTable(report));
  if (opts.accuracy) print(`\n${formatAccuracyTable(report)}`);
  if (opts.json != null) {
    writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    print(`wrote ${opts.json}`);
  }
  return { exitCode: report.ok ? 0 : 1, report };
}
