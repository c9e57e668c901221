import { describe, expect, it } from 'vitest';
import { formatBytes, formatLineCount, groupDigits, renderOffloadAdvice } from './render-offload-advice.js';

describe(renderOffloadAdvice, () => {
  const input = {
    shownPath: 'src/big.ts',
    absolutePath: '/home/dev/project/src/big.ts',
    size: { bytes: 118_400, lines: 3412, precision: 'exact' as const },
    maxSummaryLines: 40,
    subagentType: 'Explore',
  };

  it('writes a short, paste-ready suggestion next to an allowed read', () => {
    expect(renderOffloadAdvice({ ...input, action: 'suggest' })).toBe(
      [
        'agent-offload: src/big.ts is large (3,412 lines, 118 KB) and this Read has no offset or limit, so all of it enters your context.',
        'Unless you need its exact text, delegate the reading to a sub-agent that returns a summary:',
        'Agent({ subagent_type: "Explore", description: "Summarise big.ts", prompt: "Read /home/dev/project/src/big.ts and reply with a summary of at most 40 lines: its purpose, its main parts with line numbers, and what matters for <your goal>. Do not paste its code." })',
        'For several large files, make one Agent call per file or group, all in ONE message, so they run in parallel.',
        'To read exact lines, pass offset and limit.',
      ].join('\n'),
    );
  });

  it('phrases a deny as a reason and names the way out', () => {
    const text = renderOffloadAdvice({ ...input, action: 'deny', maxSummaryLines: 25, subagentType: 'general-purpose' });
    expect(text.split('\n')[0]).toBe(
      'agent-offload (strict mode) denied this Read: src/big.ts is large (3,412 lines, 118 KB) and no offset or limit was given.',
    );
    expect(text).toContain('subagent_type: "general-purpose"');
    expect(text).toContain('a summary of at most 25 lines');
    expect(text.split('\n').at(-1)).toBe('To read exact lines, re-issue the Read with offset and limit.');
  });

  it('escapes a path with quotes so the call stays valid', () => {
    const text = renderOffloadAdvice({ ...input, absolutePath: '/tmp/say "hi".txt', action: 'suggest' });
    expect(text).toContain('description: "Summarise say \\"hi\\".txt"');
    expect(text).toContain('prompt: "Read /tmp/say \\"hi\\".txt and reply');
  });

  it('stays well under the 10,000-character cap on hook output', () => {
    expect(renderOffloadAdvice({ ...input, action: 'deny' }).length).toBeLessThan(1000);
  });
});

describe(formatLineCount, () => {
  it('marks estimates', () => {
    expect(formatLineCount(1, 'exact')).toBe('1 line');
    expect(formatLineCount(12_345, 'exact')).toBe('12,345 lines');
    expect(formatLineCount(52_345, 'estimate')).toBe('about 52,000 lines');
    expect(formatLineCount(87, 'estimate')).toBe('about 87 lines');
  });
});

describe(formatBytes, () => {
  it('uses powers of 1000 with one decimal below 100', () => {
    expect([0, 999, 1000, 23_900, 118_400, 2_000_000, 4_200_000_000].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1 KB',
      '23.9 KB',
      '118 KB',
      '2 MB',
      '4.2 GB',
    ]);
  });
});

describe(groupDigits, () => {
  it('groups thousands like toLocaleString("en")', () => {
    for (const value of [0, 7, 999, 1000, 12_345, 1_000_000, 123_456_789, 99.5]) {
      expect(groupDigits(value)).toBe(value.toLocaleString('en'));
    }
  });
});
