import { describe, expect, it } from 'vitest';
import { classifySpawnOutcome } from './classify-spawn-outcome.js';

describe(classifySpawnOutcome, () => {
  it.each([
    [{ status: 'completed' }, 'foreground'],
    [{ status: 'async_launched' }, 'background'],
    [{ text: 'Async agent launched successfully.\nagentId: a1' }, 'background'],
    [{ text: 'PreToolUse:Agent hook error: Sequential sub-agent delegation blocked' }, 'denied'],
    [{ text: "The user doesn't want to proceed with this tool use.", isError: true }, 'denied'],
    [{ text: 'Agent type "nope" not found', isError: true }, 'failed'],
    [{ text: '[Subagent hand-back] The report follows: all good' }, 'foreground'],
    [{ text: 'api: no leak' }, 'foreground'],
    [{ text: '', runInBackground: true }, 'background'],
    [{ hasResult: false }, 'unknown'],
  ] as const)('classifies %o as %s', (facts, outcome) => {
    expect(classifySpawnOutcome(facts)).toBe(outcome);
  });
});
