import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './line-diff.js';

describe(unifiedDiff, () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', { from: 'x', to: 'y' })).toBe('');
  });

  it('shows changed lines with context and hunk headers', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n') + '\n';
    const after = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11'].join('\n') + '\n';
    expect(unifiedDiff(before, after, { from: 'a/f', to: 'b/f' }, 1)).toBe(
      ['--- a/f', '+++ b/f', '@@ -4,3 +4,3 @@', ' 4', '-5', '+five', ' 6', '@@ -10,1 +10,2 @@', ' 10', '+11', ''].join('\n'),
    );
  });

  it('diffs a new file against nothing', () => {
    expect(unifiedDiff('', '{\n}\n', { from: '/dev/null', to: 'new' })).toBe('--- /dev/null\n+++ new\n@@ -0,0 +1,2 @@\n+{\n+}\n');
  });
});
