import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/temp-root.ts'],
    // tfjs/wasm and sharp are heavy to start; forks keep each file isolated and
    // two workers match the two cores CI has.
    pool: 'forks',
    maxWorkers: 2,
    // Two files already run at once on CI's two cores: one gradient thread per
    // training (test/core/train/parallel covers the data-parallel path explicitly).
    env: { FER_TRAIN_WORKERS: '1' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
