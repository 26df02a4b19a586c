/**
 * jest for `npm run mutation` (Stryker): the tests that exercise the mutated core, not the
 * browser, bench or CLI suites (they cost minutes per run and do not cover these files).
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/__tests__/ops/**/*.test.ts',
    '<rootDir>/__tests__/kernels/**/*.test.ts',
    '<rootDir>/__tests__/gradcheck/gradcheck.test.ts',
    '<rootDir>/__tests__/gradcheck/options.test.ts',
  ],
};
