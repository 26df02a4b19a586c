/**
 * jest for `npm run mutation` (Stryker): the tfjs 4.22 project of jest.config.ts, over the tests
 * that exercise the mutated core, not the browser, bench, CLI or consumer suites (they cost
 * minutes per run and do not cover these files). STRYKER_TESTS narrows it further
 * (comma-separated paths under __tests__/), for a run on a few files in the time 2 shared cores
 * allow (docs/mutation.md). STRYKER_TEST_NAMES (a jest -t pattern) narrows the dry run, and so
 * every mutant's test list, to the matching tests: the kernel suites sweep all fourteen
 * activations, and a generic kernel file's mutants need only a few of them.
 */
import type { Config } from 'jest';
import config from './jest.config';

const [base] = (config.projects ?? []) as Exclude<NonNullable<Config['projects']>[number], string>[];
const narrowed = (process.env.STRYKER_TESTS ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);

const namePattern = process.env.STRYKER_TEST_NAMES?.trim();

const stryker: Config = {
  ...(base as Config),
  testTimeout: config.testTimeout,
  ...(namePattern != null && namePattern !== '' ? { testNamePattern: namePattern } : {}),
  testMatch:
    narrowed.length > 0
      ? narrowed.map((p) => `<rootDir>/__tests__/${p}`)
      : [
          '<rootDir>/__tests__/ops/**/*.test.ts',
          '<rootDir>/__tests__/kernels/**/*.test.ts',
          '<rootDir>/__tests__/gradcheck/gradcheck.test.ts',
          '<rootDir>/__tests__/gradcheck/options.test.ts',
          '<rootDir>/__tests__/properties/**/*.test.ts',
        ],
};

export default stryker;
