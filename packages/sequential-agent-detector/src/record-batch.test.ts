import { existsSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturedInputs, LAUNCHED, makeTempDir, postToolBatch, preToolUse, REPORT } from '../test-fixtures/helpers.js';
import { readDetectorHookInput } from './detector-hook-input.js';
import { recordBatch } from './record-batch.js';
import { appendEvent, readScopeState, stateFilePath } from './state/detector-state.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

describe(recordBatch, () => {
  it('records foreground and background sub-agent calls from what the model received', async () => {
    const result = await recordBatch(
      postToolBatch({ prompt: 'p', calls: [{ id: 'fg', response: REPORT }, { id: 'bg', response: LAUNCHED }, { id: 'r', tool: 'Read', response: 'text' }] }),
      { stateDir: dir },
    );
    expect(result).toMatchObject({ recorded: 'batch', spawns: [{ id: 'fg', outcome: 'foreground' }, { id: 'bg', outcome: 'background' }] });
    const state = readScopeState(stateFilePath(dir, { sessionId: 'session-1' }));
    expect(state.lastBatch).toMatchObject({ turn: 'p', others: 1 });
  });

  it('classifies the real captures: foreground reports and background launches', async () => {
    const outcomes: string[] = [];
    for (const scenario of ['sequential-agents', 'parallel-agents-background']) {
      for (const captured of capturedInputs(scenario).filter((c) => c.event === 'PostToolBatch')) {
        const result = await recordBatch(readDetectorHookInput(captured.text), { stateDir: dir });
        outcomes.push(...result.spawns.map((spawn) => spawn.outcome));
      }
    }
    expect(outcomes).toEqual(['foreground', 'foreground', 'background', 'background']);
  });

  it('marks a call the detector denied as denied, whatever its response says', async () => {
    appendEvent(stateFilePath(dir, { sessionId: 'session-1' }), { e: 'deny', id: 'x', turn: 'p', hash: 'h', at: 1 });
    const result = await recordBatch(postToolBatch({ prompt: 'p', calls: [{ id: 'x', response: REPORT }] }), { stateDir: dir });
    expect(result.spawns).toEqual([{ id: 'x', outcome: 'denied' }]);
  });

  it('keeps a sub-agent’s batches in its own log', async () => {
    await recordBatch(postToolBatch({ agent: 'a7', calls: [{ id: 's', response: REPORT }] }), { stateDir: dir });
    expect(readScopeState(stateFilePath(dir, { sessionId: 'session-1', agentId: 'a7' })).batches).toBe(1);
    expect(readScopeState(stateFilePath(dir, { sessionId: 'session-1' })).batches).toBe(0);
  });

  it('deletes the session’s state on SessionEnd', async () => {
    await recordBatch(postToolBatch({ calls: [{ id: 'a', response: REPORT }] }), { stateDir: dir });
    const ended = await recordBatch({ ...preToolUse({ id: 'x' }), event: 'SessionEnd' }, { stateDir: dir });
    expect(ended.recorded).toBe('session-end');
    expect(existsSync(path.join(dir, 'session-1'))).toBe(false);
  });

  it('records a turn marker on UserPromptSubmit and ignores other events', async () => {
    expect((await recordBatch({ ...preToolUse({ id: 'x' }), event: 'UserPromptSubmit' }, { stateDir: dir })).recorded).toBe('turn');
    expect(readScopeState(stateFilePath(dir, { sessionId: 'session-1' })).markers).toBe(1);
    expect((await recordBatch({ ...preToolUse({ id: 'x' }), event: 'Stop' }, { stateDir: dir })).recorded).toBe('ignored');
  });

  it('prunes sessions idle past the limit, at most once an hour', async () => {
    const old = stateFilePath(dir, { sessionId: 'old-session' });
    appendEvent(old, { e: 'turn', at: 1 });
    await utimes(old, 1, 1);
    await utimes(path.dirname(old), 1, 1);
    const first = await recordBatch(postToolBatch({ calls: [] }), { stateDir: dir, pruneAfterMs: 3_600_000 });
    expect(first.pruned).toEqual(['old-session']);
    appendEvent(old, { e: 'turn', at: 1 });
    await utimes(old, 1, 1);
    await utimes(path.dirname(old), 1, 1);
    expect((await recordBatch(postToolBatch({ calls: [] }), { stateDir: dir, pruneAfterMs: 3_600_000 })).pruned).toEqual([]);
  });

  it('compacts a long log into one snapshot', async () => {
    for (let i = 0; i < 30; i++) await recordBatch(postToolBatch({ prompt: 'p', calls: [{ id: `c${i}`, response: REPORT }] }), { stateDir: dir, compactBytes: 1_000_000 });
    const result = await recordBatch(postToolBatch({ prompt: 'p', calls: [{ id: 'last', response: LAUNCHED }] }), { stateDir: dir, compactBytes: 2048 });
    expect(result.compacted).toBe(true);
    const state = readScopeState(stateFilePath(dir, { sessionId: 'session-1' }));
    expect(state).toMatchObject({ batches: 31, lastBatch: { spawns: [{ id: 'last', outcome: 'background' }] } });
  });
});
