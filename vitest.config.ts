import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that drive the local cloud (DynamoDB Local, the workflows run by aws-local-stepfunctions,
 * `npm start`) wait on a JVM and on whole order journeys: on a loaded 2-core CI machine one such
 * test takes seconds where it takes 1 s alone, so vitest's 5 s would fail them for being slow, not
 * wrong. They get 60 s a test, and 3 min for the hooks that start and stop a cloud; the polling
 * helpers (test/support/cloud.ts `eventually`, 15 s) fail first, with what they waited for. Every
 * other test keeps the 5 s default, so a unit test that hangs still fails fast.
 *
 * Vitest's defaults stay for the rest: one forked process per file, as many files at once as
 * cores − 1 (one here, so two DynamoDB Locals never compete for the two cores). Every fast-check
 * property starts from one fixed seed (test/support/property-setup.ts).
 */
const cloudTests = [
  'test/integration/**/*.test.ts',
  'test/workflows/**/*.test.ts',
  'test/faults/**/*.test.ts',
  'test/e2e/**/*.test.ts',
];

export default defineConfig({
  test: {
    setupFiles: ['test/support/property-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'cloud', include: cloudTests, testTimeout: 60_000, hookTimeout: 180_000 },
      },
      {
        extends: true,
        test: { name: 'unit', exclude: [...configDefaults.exclude, ...cloudTests] },
      },
    ],
  },
});
