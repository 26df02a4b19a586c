import type { Config } from 'jest';

type Project = NonNullable<Config['projects']>[number] & Record<string, unknown>;

const common = {
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/__tests__/helpers/quiet.ts'],
  transform: {
    // Type checking is `npm run typecheck` (part of `npm test`); per-file transpiling (tsconfig's
    // isolatedModules) keeps jest fast on 2 cores.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  modulePathIgnorePatterns: ['<rootDir>/src/dist', '<rootDir>/benchmarks/dist', '<rootDir>/compat'],
} satisfies Project;

// The tools import the library by its package name; tests run both from source, one copy.
const library = {
  '^tfjs-activations$': '<rootDir>/src/index.ts',
  '^tfjs-activations/(layers|gradcheck|kernels)$': '<rootDir>/src/$1/index.ts',
  '^tfjs-activations/(custom-grad|validate)$': '<rootDir>/src/$1.ts',
};

const config: Config = {
  testTimeout: 120000,
  // Jest's default is one worker fewer than the cores, which on CI's 2 cores is one: the run's
  // long files (the report, the browser suites) then queue behind each other.
  maxWorkers: '100%',
  projects: [
    { ...common, displayName: 'tfjs 4.22', globals: { EXPECTED_TFJS: '4.22.0' }, roots: ['<rootDir>/__tests__'], testMatch: ['**/*.test.ts'], moduleNameMapper: library },
    {
      // The library's own tests again, with every @tensorflow package taken from compat/tfjs3
      // (tfjs 3.21, the oldest line in the declared peer range).
      ...common,
      displayName: 'tfjs 3.21',
      globals: { EXPECTED_TFJS: '3.21.0' },
      roots: ['<rootDir>/__tests__'],
      testMatch: ['<rootDir>/__tests__/{ops,kernels,gradcheck,layers,softmax}/**/*.test.ts'],
      moduleNameMapper: {
        ...library,
        '^@tensorflow/(tfjs[a-z-]*)(/.*)?$': '<rootDir>/compat/tfjs3/node_modules/@tensorflow/$1$2',
      },
    },
  ],
};

export default config;
