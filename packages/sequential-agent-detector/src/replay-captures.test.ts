import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binPath, capturedInputs, makeTempDir, realCapturesDir } from '../test-fixtures/helpers.js';
import { decideSubagentCall } from './decide-subagent-call.js';
import type { DetectorMode } from './detector-config.js';
import { readDetectorHookInput } from './detector-hook-input.js';
import { recordBatch } from './record-batch.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

const BATCH_EVENTS = new Set(['PostToolBatch', 'UserPromptSubmit', 'SessionEnd']);

/** The captured transcript of a scenario, where the hook input's path pointed on the capture machine. */
function localTranscript(scenario: string, original: string): string {
  return path.join(realCapturesDir, scenario, 'transcripts', path.basename(original));
}

/**
 * Replays a scenario's captured inputs in their original order: `hook` for PreToolUse, `batch`
 * for PostToolBatch (and UserPromptSubmit, SessionEnd). Returns `<file>: <action>` per PreToolUse.
 */
async function replayInProcess(scenario: string, mode: DetectorMode, withTranscript: boolean): Promise<string[]> {
  const stateDir = path.join(dir, 'state');
  const seen: string[] = [];
  for (const captured of capturedInputs(scenario)) {
    const raw = readDetectorHookInput(captured.text);
    const input = { ...raw, transcriptPath: withTranscript ? localTranscript(scenario, raw.transcriptPath!) : path.join(dir, 'absent.jsonl') };
    if (captured.event === 'PreToolUse') {
      const decision = await decideSubagentCall(input, { stateDir, mode, waitMs: 10, processStartedAt: Date.now() });
      seen.push(`${captured.name.slice(0, 2)}: ${decision.action}`);
    } else if (BATCH_EVENTS.has(captured.event)) {
      await recordBatch(input, { stateDir });
    }
  }
  return seen;
}

const expected: Record<string, Record<DetectorMode, string[]>> = {
  'parallel-agents': {
    block: ['02: none', '04: none'],
    warn: ['02: none', '04: none'],
    off: ['02: none', '04: none'],
  },
  'sequential-agents': {
    block: ['02: none', '09: deny'],
    warn: ['02: none', '09: warn'],
    off: ['02: none', '09: none'],
  },
  // Both matchers (Agent and Task) fired for each call, so every call reaches the hook twice.
  'parallel-agents-background': {
    block: ['01: none', '02: none', '03: none', '04: none'],
    warn: ['01: none', '02: none', '03: none', '04: none'],
    off: ['01: none', '02: none', '03: none', '04: none'],
  },
};

describe('the real Claude Code 2.1.332 captures replayed in their original order', () => {
  for (const scenario of Object.keys(expected)) {
    for (const mode of ['block', 'warn', 'off'] as const) {
      it(`${scenario}, ${mode} mode, with the captured transcript`, async () => {
        expect(await replayInProcess(scenario, mode, true)).toEqual(expected[scenario]![mode]);
      });
    }
    it(`${scenario}, block mode, without any transcript (state alone)`, async () => {
      expect(await replayInProcess(scenario, 'block', false)).toEqual(expected[scenario]!.block);
    });
  }
});

describe('the bundled bin replaying the captures (real stdin JSON, real processes)', () => {
  function run(args: string[], stdin: string): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [binPath, ...args], { input: stdin, encoding: 'utf8', env: { ...process.env, CLAUDE_PROJECT_DIR: dir } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  for (const scenario of Object.keys(expected)) {
    it(`${scenario}: parallel allowed, sequential flagged, background not flagged`, () => {
      const stateDir = path.join(dir, 'state');
      const seen: string[] = [];
      for (const captured of capturedInputs(scenario)) {
        const command = captured.event === 'PreToolUse' ? 'hook' : BATCH_EVENTS.has(captured.event) ? 'batch' : undefined;
        if (command === undefined) continue;
        const result = run([command, '--state-dir', stateDir], captured.text);
        expect(result.status, result.stderr).toBe(0);
        if (command === 'batch') {
          expect(result.stdout).toBe('');
          continue;
        }
        const output = result.stdout === '' ? undefined : (JSON.parse(result.stdout) as { hookSpecificOutput: { permissionDecision?: string } });
        seen.push(`${captured.name.slice(0, 2)}: ${output === undefined ? 'none' : (output.hookSpecificOutput.permissionDecision ?? 'warn')}`);
      }
      expect(seen).toEqual(expected[scenario]!.block);
    });
  }
});
