import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/__tests__/helpers/quiet.ts'],
  transform: {
    // Type checking is `npm run typecheck` (part of `npm test`); per-file transpiling keeps jest
    // fast on 2 cores.
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  // The tools import the library by its package name; tests run both from source, one copy.
  moduleNameMapper: {
    '^tfjs-activations$': '<rootDir>/src/index.ts',
    '^tfjs-activations/(layers|gradcheck|kernels)$': '<rootDir>/src/$1/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/src/dist', '<rootDir>/benchmarks/dist'],
  testTimeout: 120000,
};

export default config;
