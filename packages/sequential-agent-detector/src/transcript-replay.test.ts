import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, replayEvents, transcriptsDir, writeTranscriptPrefix } from '../test-fixtures/helpers.js';
import { decideSubagentCall, type DetectorAction } from './decide-subagent-call.js';
import type { DetectorMode } from './detector-config.js';
import type { DetectorHookInput } from './detector-hook-input.js';
import { recordBatch } from './record-batch.js';

let dir: string;
let cleanup: () => Promise<void>;
let clock = 0;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

const sleep = async (ms: number): Promise<void> => {
  clock += ms;
  await new Promise((resolve) => setImmediate(resolve));
};

/**
 * Replays a transcript through the hooks the way Claude Code would have run them: the PreToolUse
 * hooks of each response concurrently, with the transcript written up to that response (or not
 * readable at all), then PostToolBatch with what the model received. Returns each call's action.
 */
async function replay(file: string, mode: DetectorMode, transcriptVisible: boolean): Promise<Record<string, DetectorAction>> {
  const text = readFileSync(path.join(transcriptsDir, file), 'utf8');
  const transcript = path.join(dir, 'session.jsonl');
  const stateDir = path.join(dir, `state-${mode}-${transcriptVisible}`);
  const actions: Record<string, DetectorAction> = {};
  for (const event of replayEvents(text)) {
    const base = {
      sessionId: event.sessionId,
      transcriptPath: transcript,
      cwd: dir,
      promptId: event.promptId,
      agentId: event.agentId,
      toolCalls: undefined,
      prompt: undefined,
    };
    if (event.kind === 'pre') {
      await writeTranscriptPrefix(transcript, text, event.line + 1);
      const calls = event.calls.filter((call) => call.name === 'Agent' || call.name === 'Task');
      const decisions = await Promise.all(
        calls.map((call) => {
          const input: DetectorHookInput = { ...base, event: 'PreToolUse', toolName: call.name, toolUseId: call.id, toolInput: call.input };
          clock += 1;
          return decideSubagentCall(input, { stateDir, mode, transcript: transcriptVisible, now: () => clock, sleep, processStartedAt: clock });
        }),
      );
      calls.forEach((call, i) => (actions[call.id] = decisions[i]!.action));
    } else {
      const input: DetectorHookInput = {
        ...base,
        event: 'PostToolBatch',
        toolName: undefined,
        toolUseId: undefined,
        toolInput: undefined,
        toolCalls: event.calls.map((call) => ({ toolName: call.name, toolUseId: call.id, toolInput: call.input, toolResponse: call.response })),
      };
      await recordBatch(input, { stateDir, now: () => clock });
    }
    clock += 1000;
  }
  return actions;
}

type Expected = Record<DetectorMode, Record<string, DetectorAction>>;
const none = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, 'none' as const]));

const cases: Array<[file: string, what: string, expected: Expected]> = [
  [
    'parallel-one-line-per-block.jsonl',
    'two calls in one response, a result line between their blocks',
    { block: none(['toolu_01A_auth', 'toolu_01A_billing']), warn: none(['toolu_01A_auth', 'toolu_01A_billing']), off: none(['toolu_01A_auth', 'toolu_01A_billing']) },
  ],
  [
    'sequential-several-blocks-per-line.jsonl',
    'three single calls one after another (several blocks per line), then a parallel pair',
    {
      block: { toolu_02B1: 'none', toolu_02B2: 'deny', toolu_02B3: 'deny', toolu_02B4: 'none', toolu_02B5: 'none' },
      warn: { toolu_02B1: 'none', toolu_02B2: 'warn', toolu_02B3: 'warn', toolu_02B4: 'none', toolu_02B5: 'none' },
      off: none(['toolu_02B1', 'toolu_02B2', 'toolu_02B3', 'toolu_02B4', 'toolu_02B5']),
    },
  ],
  [
    'background-launches.jsonl',
    'background launches one per response, then a foreground call',
    { block: none(['toolu_03C1', 'toolu_03C2', 'toolu_03C3']), warn: none(['toolu_03C1', 'toolu_03C2', 'toolu_03C3']), off: none(['toolu_03C1', 'toolu_03C2', 'toolu_03C3']) },
  ],
  [
    'sidechain-nested.jsonl',
    'a sub-agent’s own sequential calls (sidechain lines) and the main agent’s',
    {
      block: { toolu_04D1: 'none', toolu_04S1: 'none', toolu_04S2: 'deny', toolu_04D2: 'deny' },
      warn: { toolu_04D1: 'none', toolu_04S1: 'none', toolu_04S2: 'warn', toolu_04D2: 'warn' },
      off: none(['toolu_04D1', 'toolu_04S1', 'toolu_04S2', 'toolu_04D2']),
    },
  ],
  [
    'dependent-reissue.jsonl',
    'a dependent call denied, then re-issued unchanged',
    {
      block: { toolu_05E1: 'none', toolu_05E2: 'deny', toolu_05E3: 'none' },
      warn: { toolu_05E1: 'none', toolu_05E2: 'warn', toolu_05E3: 'warn' },
      off: none(['toolu_05E1', 'toolu_05E2', 'toolu_05E3']),
    },
  ],
];

describe('the hooks replayed over fixture transcripts', () => {
  for (const [file, what, expected] of cases) {
    for (const mode of ['block', 'warn', 'off'] as const) {
      it(`${what}: ${mode} mode, transcript readable`, async () => {
        expect(await replay(file, mode, true)).toEqual(expected[mode]);
      });
    }
    it(`${what}: block mode from the state alone (transcript not written yet)`, async () => {
      expect(await replay(file, 'block', false)).toEqual(expected.block);
    });
  }
});
