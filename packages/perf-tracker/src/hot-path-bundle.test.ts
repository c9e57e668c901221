import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { staticImportClosure } from '../../../tools/vitest/static-import-closure.js';

const BIN = fileURLToPath(new URL('../bin/perf-tracker.js', import.meta.url));

// `wrap` may add at most one bare Node start-up plus 5 ms to the hook it times, so its entry must
// not parse zod, yargs or the report code before starting the child.
describe('the bundled bin (test depends on build-cli)', () => {
  it('loads only what wrap needs before its first line runs', () => {
    const closure = staticImportClosure(BIN);
    expect(closure.bundles('node_modules/.pnpm/zod@')).toBe(false);
    expect(closure.bundles('node_modules/.pnpm/yargs@')).toBe(false);
    expect(closure.bytes).toBeLessThan(40_000);
  });
});
