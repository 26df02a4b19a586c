#!/usr/bin/env node
import { Command } from 'commander';
import { demoTable } from './commands/demo';
import { parseBackendList } from './backends';

/** The command line: parses flags and calls the library; no logic of its own. */
const program = new Command();
program.name('tfjs-activations').description('Activation ops with hand-written gradients for TensorFlow.js');

program
  .command('demo')
  .description("print g(z) and g'(z) at z = -2..2 for each activation on the Node backends")
  .option('--backends <list>', 'comma-separated backends', 'cpu,wasm')
  .action(async (opts: { backends: string }) => {
    console.log(await demoTable(parseBackendList(opts.backends)));
  });

program
  .command('report')
  .description('the main job: gradient check and benchmark report (for now: the demo table)')
  .action(async () => {
    console.log(await demoTable());
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
