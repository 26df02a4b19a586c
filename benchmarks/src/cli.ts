#!/usr/bin/env node
import { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { demoTable } from './commands/demoTable';
import { allBackends, parseBackendList } from './backends';
import { benchCommand } from './commands/bench';
import type { BenchFlags } from './commands/bench';
import { reportCommand } from './commands/report';
import type { ReportFlags } from './commands/report';
import { allPasses } from './bench/types';
import { defaultModelOptions } from './bench/model';
import { registerBrowserRunners } from './browser/driver/bench';
import { browserCheckRunners } from './browser/driver/check';
import { demoCommand } from './commands/demo';
import type { DemoFlags } from './commands/demo';
import { runCheckCommand } from './commands/check';
import { modelCommand } from './commands/model';
import type { ModelFlags } from './commands/model';
import type { CheckCommandOptions } from './commands/check';

// tfjs's own warnings (the "running TensorFlow.js in Node.js" banner) are not this tool's output;
// PROD silences them and changes no computation.
tf.env().set('PROD', true);
// webgl and webgpu run in headless Chromium (started only when one of them is asked for).
registerBrowserRunners();

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** The command line: parses flags and calls the library; no logic of its own. */
const program = new Command();
program
  .name('tfjs-activations-bench')
  .description('Gradient check, benchmark and report for tfjs-activations against TensorFlow.js built-ins')
  .version(version, '-V, --version', 'print the version of tfjs-activations-bench');

program
  .command('demo')
  .description('serve the demo page on 127.0.0.1: plots of each activation and its derivative, and an in-browser benchmark on cpu, wasm, webgl, webgpu')
  .option('--port <n>', 'port (0: any free one)', '8080')
  .option('--screenshot <file>', 'instead of serving: render it in headless Chromium, run the in-page benchmark, save a PNG and exit')
  .option('--sizes <list>', 'benchmark sizes for --screenshot', '1e2,1e4,1e5')
  .action(async (flags: DemoFlags) => {
    await demoCommand(flags);
  });

program
  .command('demo-table')
  .description("print g(z) and g'(z) at z = -2..2 for each activation on the Node backends")
  .option('--backends <list>', 'comma-separated backends', 'cpu,wasm')
  .action(async (opts: { backends: string }) => {
    console.log(await demoTable(parseBackendList(opts.backends)));
  });

program
  .command('bench')
  .description('time our ops against tf built-ins (interleaved), per backend, activation, pass and size')
  .option('--backends <list>', `comma-separated backends (${allBackends.join(', ')})`, 'cpu,wasm')
  .option('--activations <list>', 'comma-separated activations (default: all), or the row-wise softmax, logSoftmax, softmaxCrossEntropy')
  .option('--passes <list>', `comma-separated passes (${allPasses.join(', ')}; default: all)`)
  .option('--sizes <list>', 'comma-separated element counts (default 1e2,1e4,1e6; 1e7 on request)')
  .option('--shapes <list>', 'shapes for softmax, logSoftmax, softmaxCrossEntropy (default 100x100,1000x1000,64x32000)')
  .option('--alpha <number>', "leakyRelu's alpha (default 0.01)")
  .option('--baseline <tf|customGrad>', "what ours is timed against: tf's built-ins (default) or our ops in tf.customGrad form")
  .option('--quick', 'a smaller time budget per case')
  .option('--min-samples <n>', 'at least n samples per side in every case, slow ones included (default 10; slow cases stop at 3)')
  .option('--json <file>', 'write the results as JSON')
  .option('--markdown <file>', 'write a Markdown report')
  .option('--html <file>', 'write an HTML report with charts')
  .action(async (flags: BenchFlags) => {
    await benchCommand(flags);
  });

program
  .command('model')
  .description("train an MLP block 256 -> 1024 (activation) -> 256 (batch 64, random data) with ours and with tfjs-layers' own activation string, alternating epochs: epochs/s of each and the loss curves")
  .option('--backends <list>', 'comma-separated Node backends', 'cpu,wasm')
  .option('--activation <name>', 'the hidden activation', 'gelu')
  .option('--epochs <n>', `timed epochs a side (default ${defaultModelOptions.epochs})`)
  .option('--batches <n>', `batches an epoch (default ${defaultModelOptions.batches})`)
  .option('--json <file>', 'write the reports as JSON')
  .action(async (flags: ModelFlags) => {
    await modelCommand(flags);
  });

program
  .command('check')
  .description('gradient check of every activation on every backend: float64 reference, tf autodiff, finite differences, second order, conventions (exit 1 on any FAIL)')
  .option('--backends <list>', `comma-separated backends (default: all of ${allBackends.join(', ')}; those that cannot start are named)`)
  .option('--activations <list>', 'comma-separated activations (default: all)')
  .option('--order <list>', '1, 2 or 1,2 (default 1,2)')
  .option('--points <n>', 'points of the float32 sweep over [-20, 20] (default 200001)')
  .option('--accuracy', 'also print the markdown accuracy table (forward and backward vs float64)')
  .option('--json <file>', 'write the report as JSON')
  .action(async (flags: CheckCommandOptions) => {
    const { exitCode } = await runCheckCommand(flags, browserCheckRunners());
    process.exitCode = exitCode;
  });

program
  .command('report')
  .description('the main job (npm start): gradient check and a quick benchmark on every backend, as report/index.html and report/report.md')
  .option('--out <dir>', 'output folder', 'report')
  .action(async (flags: ReportFlags) => {
    await reportCommand(flags, browserCheckRunners());
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
