import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Model fits and the run store are CPU-bound; two cores, so keep the pool small.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll gives up after 1 s by default: on two shared cores a browser page or a
    // worker can take longer to get there. A poll that passes returns at once anyway.
    expect: { poll: { timeout: 15_000 } },
  },
});
