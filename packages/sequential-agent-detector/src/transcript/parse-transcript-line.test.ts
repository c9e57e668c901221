import { describe, expect, it } from 'vitest';
import { mayBeSpawnResult, parseTranscriptLine } from './parse-transcript-line.js';

const assistant = (content: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ parentUuid: 'p', isSidechain: false, type: 'assistant', message: { id: 'msg_1', role: 'assistant', content }, requestId: 'req_1', timestamp: '2026-01-01T00:00:01.000Z', ...extra });
const agentUse = (id: string, input: Record<string, unknown> = { description: 'd', prompt: 'p', subagent_type: 'Explore' }) => ({ type: 'tool_use', id, name: 'Agent', input });

describe(parseTranscriptLine, () => {
  it('reads an assistant line with a sub-agent call, keyed by message.id', () => {
    const entry = parseTranscriptLine(assistant([agentUse('toolu_1', { description: 'Scan', prompt: 'x', subagent_type: 'Explore', run_in_background: false })]));
    expect(entry).toEqual({
      kind: 'assistant',
      scope: 'main',
      messageId: 'msg_1',
      timestamp: Date.parse('2026-01-01T00:00:01.000Z'),
      toolUses: [{ id: 'toolu_1', name: 'Agent', spawn: { description: 'Scan', subagentType: 'Explore', runInBackground: false } }],
    });
  });

  it('treats the legacy Task tool as a sub-agent call and other tools as plain calls', () => {
    const entry = parseTranscriptLine(
      assistant([
        { type: 'text', text: 'two at once' },
        { type: 'tool_use', id: 'toolu_a', name: 'Task', input: { description: 'a', prompt: 'a', subagent_type: 'general-purpose' } },
        { type: 'tool_use', id: 'toolu_b', name: 'TaskCreate', input: {} },
        { type: 'tool_use', id: 'toolu_c', name: 'Read', input: { file_path: '/x' } },
      ]),
    );
    expect(entry?.kind === 'assistant' && entry.toolUses.map((use) => [use.id, use.spawn !== undefined])).toEqual([
      ['toolu_a', true],
      ['toolu_b', false],
      ['toolu_c', false],
    ]);
  });

  it('falls back to requestId when the message has no id', () => {
    const line = JSON.stringify({ type: 'assistant', requestId: 'req_9', message: { content: [agentUse('toolu_1')] } });
    expect(parseTranscriptLine(line)).toMatchObject({ kind: 'assistant', messageId: 'req_9' });
  });

  it('skips text-only replies, bookkeeping lines, unknown types and broken JSON', () => {
    expect(parseTranscriptLine(assistant([{ type: 'text', text: 'done' }]))).toBeUndefined();
    expect(parseTranscriptLine('{"type":"api-request-blob","messages":[{"role":"user","content":"x"},{"type":"assistant"}]}')).toBeUndefined();
    expect(parseTranscriptLine('{"type":"last-prompt","lastPrompt":"hi"}')).toBeUndefined();
    expect(parseTranscriptLine('{"parentUuid":"x","type":"future-kind","message":{"role":"user","content":"x"}}')).toBeUndefined();
    expect(parseTranscriptLine('{"parentUuid":"x","type":"assistant","message":{"id":"msg_1","content":[{"type":"tool_use","id":"t","na')).toBeUndefined();
    expect(parseTranscriptLine('')).toBeUndefined();
  });

  it('reads a typed prompt, with its promptId, and tells task notifications apart', () => {
    const prompt = JSON.stringify({ type: 'user', promptId: 'p1', message: { role: 'user', content: 'Fix the build' }, timestamp: '2026-01-01T00:00:00.000Z' });
    expect(parseTranscriptLine(prompt)).toMatchObject({ kind: 'prompt', promptId: 'p1', taskNotification: false, scope: 'main' });
    const notification = JSON.stringify({ type: 'user', promptId: 'p2', origin: { kind: 'task-notification' }, message: { role: 'user', content: '<task-notification>…' } });
    expect(parseTranscriptLine(notification)).toMatchObject({ kind: 'prompt', taskNotification: true });
  });

  it('does not take meta lines or compaction summaries for prompts', () => {
    expect(parseTranscriptLine(JSON.stringify({ type: 'user', isMeta: true, message: { role: 'user', content: 'Caveat: …' } }))).toBeUndefined();
    expect(parseTranscriptLine(JSON.stringify({ type: 'user', isCompactSummary: true, message: { role: 'user', content: 'Summary' } }))).toBeUndefined();
  });

  it('reads a sub-agent result with its structured status and duration', () => {
    const line = JSON.stringify({
      type: 'user',
      promptId: 'p1',
      message: { role: 'user', content: [{ tool_use_id: 'toolu_1', type: 'tool_result', content: [{ type: 'text', text: 'BANANA' }] }] },
      toolUseResult: { status: 'completed', agentId: 'a1', totalDurationMs: 1725 },
    });
    expect(parseTranscriptLine(line)).toMatchObject({
      kind: 'result',
      results: [{ toolUseId: 'toolu_1', isError: false, status: 'completed', totalDurationMs: 1725, text: 'BANANA' }],
    });
  });

  it('skips other tools’ results unless asked for them', () => {
    const read = JSON.stringify({ type: 'user', message: { role: 'user', content: [{ tool_use_id: 'toolu_r', type: 'tool_result', content: '1\timport x' }] }, toolUseResult: { type: 'text' } });
    expect(parseTranscriptLine(read)).toBeUndefined();
    expect(parseTranscriptLine(read, { wantResultLine: () => true })).toMatchObject({ kind: 'result', results: [{ toolUseId: 'toolu_r' }] });
  });

  it('puts sidechain lines in the sub-agent’s scope', () => {
    expect(parseTranscriptLine(assistant([agentUse('toolu_s')], { isSidechain: true, agentId: 'a9' }))).toMatchObject({ scope: 'a9' });
  });

  it('reads bytes as well as text', () => {
    expect(parseTranscriptLine(Buffer.from(assistant([agentUse('toolu_1')])))).toMatchObject({ kind: 'assistant' });
    expect(parseTranscriptLine(Buffer.from('{"type":"queue-operation","operation":"enqueue"}'))).toBeUndefined();
  });
});

describe(mayBeSpawnResult, () => {
  it('spots launches, refusals and sub-agent results, and nothing else', () => {
    expect(mayBeSpawnResult('{"toolUseResult":{"agentId":"a1"}}')).toBe(true);
    expect(mayBeSpawnResult('Async agent launched successfully.')).toBe(true);
    expect(mayBeSpawnResult('PreToolUse:Agent hook error: no')).toBe(true);
    expect(mayBeSpawnResult('{"content":"1\\timport fs"}')).toBe(false);
  });
});
