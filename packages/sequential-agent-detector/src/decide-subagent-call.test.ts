import { existsSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LAUNCHED, makeTempDir, postToolBatch, preToolUse, REPORT } from '../test-fixtures/helpers.js';
import { decideSubagentCall, type DecideSubagentCallOptions } from './decide-subagent-call.js';
import type { DetectorHookInput } from './detector-hook-input.js';
import { recordBatch } from './record-batch.js';
import { readScopeState, stateFilePath } from './state/detector-state.js';
import { BLOCK_REASON, WARN_CONTEXT } from './teaching-messages.js';

let dir: string;
let cleanup: () => Promise<void>;
let clock: number;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  clock = 1_000_000;
});
afterEach(() => cleanup());

/** A clock that only moves when the hook sleeps; sleeping yields to other hooks in flight. */
function options(extra: Partial<DecideSubagentCallOptions> = {}) {
  const sleep = vi.fn(async (ms: number): Promise<void> => {
    clock += ms;
    await new Promise((resolve) => setImmediate(resolve));
  });
  return { stateDir: dir, now: () => clock, processStartedAt: clock, transcript: false, ...extra, sleep };
}

const P = 'prompt-1';
const record = (input: DetectorHookInput) => recordBatch(input, { stateDir: dir, now: () => clock });
const foregroundBatch = (id: string, prompt = P) => record(postToolBatch({ prompt, calls: [{ id, response: REPORT }] }));

describe(decideSubagentCall, () => {
  it('allows the first sub-agent call of a turn at once', async () => {
    const opts = options();
    const decision = await decideSubagentCall(preToolUse({ id: 'a', prompt: P }), opts);
    expect(decision).toMatchObject({ action: 'none', output: undefined, verdict: { sequential: false, reason: 'first-in-turn' } });
    expect(opts.sleep).not.toHaveBeenCalled();
  });

  it('denies a lone call right after a batch that waited for a foreground sub-agent, with the teaching reason', async () => {
    await decideSubagentCall(preToolUse({ id: 'a', prompt: P }), options());
    await foregroundBatch('a');
    const opts = options();
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), opts);
    expect(decision.action).toBe('deny');
    expect(decision.output).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: BLOCK_REASON },
    });
    expect(decision.verdict).toMatchObject({ sequential: true, reason: 'sequential', source: 'state', waitedMs: 40 });
    expect(opts.sleep).toHaveBeenCalled();
    expect(readScopeState(stateFilePath(dir, { sessionId: 'session-1' })).denies.map((d) => d.id)).toEqual(['b']);
  });

  it('waits longer for siblings when its own start-up was slow', async () => {
    await foregroundBatch('a');
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), options({ processStartedAt: clock - 120 }));
    expect(decision.verdict?.waitedMs).toBe(120);
  });

  it('in warn mode allows with teaching context and no permission decision', async () => {
    await foregroundBatch('a');
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), options({ mode: 'warn' }));
    expect(decision.output).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', additionalContext: WARN_CONTEXT } });
    expect(readScopeState(stateFilePath(dir, { sessionId: 'session-1' })).denies).toEqual([]);
  });

  it('in off mode does nothing and writes no state', async () => {
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), options({ mode: 'off' }));
    expect(decision).toEqual({ action: 'none', output: undefined, verdict: undefined });
    expect(existsSync(path.join(dir, 'session-1'))).toBe(false);
  });

  it('allows calls of one parallel batch that run concurrently, whichever starts first', async () => {
    await foregroundBatch('a');
    const opts = options();
    const [first, second, third] = await Promise.all(['b', 'c', 'd'].map((id) => decideSubagentCall(preToolUse({ id, prompt: P }), opts)));
    for (const decision of [first, second, third]) expect(decision).toMatchObject({ action: 'none', verdict: { reason: 'parallel' } });
    expect(first?.verdict?.siblings).toBe(2);
  });

  it('allows a sibling that records itself during the wait', async () => {
    await foregroundBatch('a');
    const opts = options();
    opts.sleep.mockImplementationOnce(async (ms: number) => {
      clock += ms;
      await decideSubagentCall(preToolUse({ id: 'late', prompt: P }), options());
    });
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), opts);
    expect(decision.verdict).toMatchObject({ reason: 'parallel', siblings: 1 });
  });

  it('allows an identical re-issue of a denied call once, so a dependent chain never deadlocks', async () => {
    await foregroundBatch('a');
    const input = { description: 'Fix parser.ts', prompt: 'It drops the timezone; fix it.', subagent_type: 'general-purpose' };
    expect((await decideSubagentCall(preToolUse({ id: 'b', prompt: P, input }), options())).action).toBe('deny');
    await record(postToolBatch({ prompt: P, calls: [{ id: 'b', response: `PreToolUse:Agent hook error: ${BLOCK_REASON}` }] }));
    const reissue = await decideSubagentCall(preToolUse({ id: 'b2', prompt: P, input: { subagent_type: 'general-purpose', prompt: input.prompt, description: input.description } }), options());
    expect(reissue).toMatchObject({ action: 'none', verdict: { reason: 're-issue' } });
    await foregroundBatch('b2');
    // The escape is spent: the same call again, after the re-issue ran, is sequential again.
    expect((await decideSubagentCall(preToolUse({ id: 'b3', prompt: P, input }), options())).action).toBe('deny');
  });

  it('still denies a different call after a denial: only an unchanged re-issue passes', async () => {
    await foregroundBatch('a');
    await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), options());
    await record(postToolBatch({ prompt: P, calls: [{ id: 'b', response: 'PreToolUse:Agent hook error: blocked' }] }));
    const other = await decideSubagentCall(preToolUse({ id: 'c', prompt: P }), options());
    expect(other.verdict).toMatchObject({ sequential: true, reason: 'sequential' });
  });

  it('gives the same answer to a second hook instance for the same call (Agent and Task matchers both set)', async () => {
    await foregroundBatch('a');
    expect((await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), options())).action).toBe('deny');
    const again = await decideSubagentCall(preToolUse({ id: 'b', prompt: P, toolName: 'Task' }), options());
    expect(again).toMatchObject({ action: 'deny', verdict: { reason: 'already-denied' } });
  });

  it('does not flag a call after background launches', async () => {
    await record(postToolBatch({ prompt: P, calls: [{ id: 'a', response: LAUNCHED }] }));
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), options());
    expect(decision).toMatchObject({ action: 'none', verdict: { reason: 'after-background' } });
  });

  it('does not flag a call after a batch of other tools', async () => {
    await foregroundBatch('a');
    await record(postToolBatch({ prompt: P, calls: [{ id: 'r', tool: 'Read', response: '1\tcode' }] }));
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), options());
    expect(decision.verdict?.reason).toBe('after-other-tools');
  });

  it('does not carry the last batch over into the next prompt turn', async () => {
    await foregroundBatch('a', 'prompt-0');
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), options());
    expect(decision.verdict?.reason).toBe('first-in-turn');
  });

  it('uses turn markers when the client sends no prompt_id', async () => {
    await foregroundBatch('a', undefined as unknown as string);
    expect((await decideSubagentCall(preToolUse({ id: 'b', prompt: undefined }), options())).action).toBe('deny');
    await record({ ...preToolUse({ id: 'x' }), event: 'UserPromptSubmit', prompt: 'next', promptId: undefined });
    expect((await decideSubagentCall(preToolUse({ id: 'c', prompt: undefined }), options())).verdict?.reason).toBe('first-in-turn');
  });

  it('judges calls inside a sub-agent against that sub-agent only', async () => {
    await foregroundBatch('a');
    const inside = await decideSubagentCall(preToolUse({ id: 's1', prompt: P, agent: 'agent-x' }), options());
    expect(inside.verdict?.reason).toBe('first-in-turn');
    await record(postToolBatch({ prompt: P, agent: 'agent-x', calls: [{ id: 's1', response: REPORT }] }));
    expect((await decideSubagentCall(preToolUse({ id: 's2', prompt: P, agent: 'agent-x' }), options())).action).toBe('deny');
    // The sub-agent's batches did not touch the main agent's state.
    expect(readScopeState(stateFilePath(dir, { sessionId: 'session-1' })).lastBatch?.spawns[0]?.id).toBe('a');
  });

  it('ignores tools other than the sub-agent tool and writes nothing for them', async () => {
    const decision = await decideSubagentCall(preToolUse({ id: 'r', prompt: P, toolName: 'Read' }), options());
    expect(decision.action).toBe('none');
    expect(existsSync(path.join(dir, 'session-1'))).toBe(false);
  });

  it('allows while the state log is damaged, and judges again once the next batch rewrote it', async () => {
    await foregroundBatch('a');
    await appendFile(stateFilePath(dir, { sessionId: 'session-1' }), '{"e":"pre","id":\n\u0000garbage\n');
    const log = vi.fn();
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P }), options({ log }));
    expect(decision).toMatchObject({ action: 'none', verdict: { reason: 'state-damaged' } });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('2 unreadable line(s); allowing'));
    expect((await foregroundBatch('b')).compacted).toBe(true);
    expect((await decideSubagentCall(preToolUse({ id: 'c', prompt: P }), options())).action).toBe('deny');
  });

  it('rejects (and the hook then allows) when the state directory cannot be written', async () => {
    const blocked = path.join(dir, 'a-file');
    await writeFile(blocked, '');
    await expect(decideSubagentCall(preToolUse({ id: 'b', prompt: P }), options({ stateDir: blocked }))).rejects.toThrow();
  });
});

describe('decideSubagentCall with the transcript', () => {
  const agentLine = (messageId: string, ids: string[]) =>
    JSON.stringify({ type: 'assistant', message: { id: messageId, role: 'assistant', content: ids.map((id) => ({ type: 'tool_use', id, name: 'Agent', input: { description: id } })) } });
  const promptLine = JSON.stringify({ type: 'user', promptId: P, message: { role: 'user', content: 'go' } });
  const resultLine = (id: string, ms: number) =>
    JSON.stringify({ type: 'user', promptId: P, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'done' }] }, toolUseResult: { status: 'completed', agentId: 'x', totalDurationMs: ms } });

  it('allows when the transcript shows its message holds two sub-agent calls, even if the sibling’s hook is slow', async () => {
    await foregroundBatch('a');
    const transcript = path.join(dir, 't.jsonl');
    await writeFile(transcript, [promptLine, agentLine('msg_1', ['a']), resultLine('a', 1000), agentLine('msg_2', ['b', 'c'])].join('\n') + '\n');
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P, transcript }), options({ transcript: true }));
    expect(decision.verdict).toMatchObject({ reason: 'parallel', source: 'transcript', siblings: 1 });
  });

  it('decides without the full wait once the transcript shows the call alone in a finished message', async () => {
    await foregroundBatch('a');
    const transcript = path.join(dir, 't.jsonl');
    await writeFile(transcript, [promptLine, agentLine('msg_1', ['a']), resultLine('a', 1000), agentLine('msg_2', ['b']), '{"type":"last-prompt"}'].join('\n') + '\n');
    const opts = options({ transcript: true });
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P, transcript }), opts);
    expect(decision.verdict).toMatchObject({ sequential: true, waitedMs: 0 });
    expect(opts.sleep).not.toHaveBeenCalled();
  });

  it('recovers the previous batch from the transcript when no batch was ever recorded', async () => {
    const transcript = path.join(dir, 't.jsonl');
    await writeFile(transcript, [promptLine, agentLine('msg_1', ['a']), resultLine('a', 1000), agentLine('msg_2', ['b'])].join('\n') + '\n');
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P, transcript }), options({ transcript: true }));
    expect(decision.verdict).toMatchObject({ sequential: true, source: 'transcript' });
  });

  it('falls back to the state when the transcript is missing, and says why', async () => {
    await foregroundBatch('a');
    const log = vi.fn();
    const decision = await decideSubagentCall(preToolUse({ id: 'b', prompt: P, transcript: path.join(dir, 'missing.jsonl') }), options({ transcript: true, log }));
    expect(decision.verdict?.sequential).toBe(true);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('unreadable (ENOENT'));
  });
});
