import { describe, expect, it } from 'vitest';
import { staticImportClosure } from '../../../tools/vitest/static-import-closure.js';
import { BIN } from './test-support/fixture-project.js';

// `run` runs on every prompt and tool call. Its entry must start hooks before zod, yargs or the
// rest of the CLI is even parsed: loading that 1 MB chunk up front cost about 70 ms per hook call.
describe('the bundled bin (test depends on build-cli)', () => {
  it('loads only the small run path before its first line runs', () => {
    const closure = staticImportClosure(BIN);
    expect(closure.bundles('node_modules/.pnpm/zod@')).toBe(false);
    expect(closure.bundles('node_modules/.pnpm/yargs@')).toBe(false);
    expect(closure.bytes).toBeLessThan(40_000);
  });
});
