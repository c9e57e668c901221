import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { transcriptsDir } from '../../test-fixtures/helpers.js';
import { parseTranscriptLine, type TranscriptEntry } from '../transcript/parse-transcript-line.js';
import { DelegationAnalyzer, findSequentialChains, type DelegationTurn } from './delegation-analyzer.js';

function turnsOf(file: string): DelegationTurn[] {
  const turns: DelegationTurn[] = [];
  const analyzer = new DelegationAnalyzer((turn) => turns.push(turn));
  for (const line of readFileSync(path.join(transcriptsDir, file), 'utf8').split('\n')) {
    const entry = parseTranscriptLine(line, { wantResultLine: (raw) => analyzer.mentionsOpenCall(raw) || raw.includes('"agentId"') || raw.includes('is_error') });
    if (entry !== undefined) analyzer.push(entry);
  }
  analyzer.finish();
  return turns;
}

const spawnIds = (turn: DelegationTurn) => turn.batches.map((batch) => batch.spawns.map((spawn) => spawn.id));

describe(DelegationAnalyzer, () => {
  it('groups one-line-per-block messages by message.id across an interleaved tool_result line', () => {
    const [turn] = turnsOf('parallel-one-line-per-block.jsonl');
    expect(spawnIds(turn!)).toEqual([['toolu_01A_auth', 'toolu_01A_billing']]);
    expect(turn!.batches[0]!.spawns.map((s) => [s.outcome, s.durationMs])).toEqual([
      ['foreground', 4000],
      ['foreground', 6000],
    ]);
    expect(findSequentialChains(turn!)).toEqual([]);
  });

  it('reads several blocks per line and bare-text results of older clients', () => {
    const [turn] = turnsOf('sequential-several-blocks-per-line.jsonl');
    expect(spawnIds(turn!)).toEqual([['toolu_02B1'], ['toolu_02B2'], ['toolu_02B3'], ['toolu_02B4', 'toolu_02B5']]);
    // toolu_02B2 has no structured result: its duration comes from the timestamps (16 s → 19.3 s).
    expect(turn!.batches[1]!.spawns[0]).toMatchObject({ outcome: 'foreground', durationMs: 3300 });
  });

  it('finds the chain of single calls and its lost time, and ends it at the parallel pair', () => {
    const [turn] = turnsOf('sequential-several-blocks-per-line.jsonl');
    const chains = findSequentialChains(turn!);
    expect(chains).toHaveLength(1);
    expect(chains[0]!.batches.map((b) => b.messageId)).toEqual(['msg_02B1', 'msg_02B2', 'msg_02B3']);
    expect(chains[0]).toMatchObject({ waitedMs: 15_300, longestMs: 7000, lostMs: 8300 });
  });

  it('does not chain background launches, and a call after a launch is not sequential', () => {
    const turns = turnsOf('background-launches.jsonl');
    const first = turns.find((turn) => turn.batches.length > 0)!;
    expect(first.batches.map((b) => b.spawns[0]!.outcome)).toEqual(['background', 'background', 'foreground']);
    expect(findSequentialChains(first)).toEqual([]);
  });

  it('keeps a sub-agent’s own calls in its scope, apart from the main agent’s', () => {
    const turns = turnsOf('sidechain-nested.jsonl');
    const byScope = Object.fromEntries(turns.map((turn) => [turn.scope, findSequentialChains(turn).map((c) => [c.batches.map((b) => b.messageId), c.lostMs])]));
    expect(byScope).toEqual({
      main: [[['msg_04D1', 'msg_04D2'], 1000]],
      a0sub0000000d01: [[['msg_04S1', 'msg_04S2'], 1500]],
    });
  });

  it('skips a refused call: the chain runs from the first call to the re-issue', () => {
    const [turn] = turnsOf('dependent-reissue.jsonl');
    expect(turn!.batches.map((b) => b.spawns[0]!.outcome)).toEqual(['foreground', 'denied', 'foreground']);
    const chains = findSequentialChains(turn!);
    expect(chains.map((c) => [c.batches.map((b) => b.messageId), c.lostMs])).toEqual([[['msg_05E1', 'msg_05E3'], 4000]]);
  });

  it('counts a tool_use written twice once', () => {
    const entry = (id: string): TranscriptEntry => ({
      kind: 'assistant',
      scope: 'main',
      messageId: 'msg_1',
      timestamp: 0,
      toolUses: [{ id, name: 'Agent', spawn: { description: undefined, subagentType: undefined, runInBackground: undefined } }],
    });
    const analyzer = new DelegationAnalyzer();
    analyzer.push(entry('toolu_1'));
    analyzer.push(entry('toolu_1'));
    expect(analyzer.currentTurn('main')?.batches[0]).toMatchObject({ toolUseCount: 1, spawns: [{ id: 'toolu_1' }] });
  });

  it('breaks a chain at a batch of other tools', () => {
    const batch = (messageId: string, spawns: number, others = 0) => ({
      messageId,
      startedAt: 0,
      toolUseCount: spawns + others,
      spawns: Array.from({ length: spawns }, (_, i) => ({
        id: `${messageId}-${i}`,
        scope: 'main',
        messageId,
        description: undefined,
        subagentType: undefined,
        runInBackground: false,
        startedAt: 0,
        endedAt: 1,
        durationMs: 1000,
        outcome: 'foreground' as const,
      })),
    });
    const turn: DelegationTurn = { scope: 'main', promptId: 'p', startedAt: 0, taskNotification: false, batches: [batch('m1', 1), batch('m2', 0, 1), batch('m3', 1), batch('m4', 1)] };
    expect(findSequentialChains(turn).map((c) => c.batches.map((b) => b.messageId))).toEqual([['m3', 'm4']]);
  });
});
