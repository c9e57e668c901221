import { defineConfig } from 'vitest/config';

/** Defaults that every package's vitest config merges. Listed in the Nx `test` inputs. */
export const sharedTestConfig = defineConfig({
  // Workspace packages resolve to source, so tests never need a prior build.
  // Node tests go through the `ssr` environment, so both resolvers need the condition (vitest#6992).
  resolve: { conditions: ['@whitebox/source'] },
  environments: { ssr: { resolve: { conditions: ['@whitebox/source'] } } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    watch: false,
    restoreMocks: true,
    testTimeout: 20_000,
  },
});
