'use strict';
/*
 * jest's test order (testSequencer in jest.config.ts). Without timings from an earlier run (a
 * clean clone has none) jest orders files by size, and the few that take minutes (the report
 * command, the browser suites, the packed-install tests) could start last and set the run's
 * length alone on CI's two workers. They go first here; the rest keep jest's order, which uses
 * the recorded durations once there are some.
 */
const Sequencer = require('@jest/test-sequencer').default;

const LONG_FIRST = [
  'cli/report.test.ts',
  'browser/webgl.test.ts',
  'browser/webgpu.test.ts',
  'consumer/bundle.test.ts',
  'consumer/library.test.ts',
];

const rank = (test) => {
  const i = LONG_FIRST.findIndex((name) => test.path.replace(/\\/g, '/').endsWith(`__tests__/${name}`));
  return i < 0 ? LONG_FIRST.length : i;
};

class LongestFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    // Array.prototype.sort is stable: files of equal rank keep jest's order.
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
