import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDetectorHookInput, type DetectorHookInput } from '../src/detector-hook-input.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** This package's own fixtures. */
export const fixturesDir = here;

/** The transcripts written for the tests (see the names for what each shows). */
export const transcriptsDir = path.join(here, 'transcripts');

// CI clones the repository next to `shared/`, so the real captures live at <repo root>/../shared.
const repoRoot = path.resolve(here, '../../..');

/** Real Claude Code 2.1.332 captures: hook inputs in start order, transcripts and sub-agent files. */
export const realCapturesDir = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'claude-code-2.1.332');

/** The bundled CLI the end-to-end tests spawn. */
export const binPath = fileURLToPath(new URL('../bin/detect-sequential-agents.js', import.meta.url));

/** One captured hook input. */
export interface CapturedInput {
  readonly name: string;
  readonly event: string;
  readonly text: string;
}

/** A scenario's hook inputs (`hook-inputs/NN-*.json`), in the order the hooks started. */
export function capturedInputs(scenario: string): CapturedInput[] {
  const dir = path.join(realCapturesDir, scenario, 'hook-inputs');
  if (!existsSync(dir)) {
    throw new Error(`Real captures not found at ${dir}; the tests expect shared/ beside the repository clone`);
  }
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      return { name: file, event: (JSON.parse(text) as { hook_event_name: string }).hook_event_name, text };
    });
}

/** A temp directory and its removal. */
export async function makeTempDir(prefix = 'agent-detector-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A PreToolUse input for a sub-agent call. */
export function preToolUse(fields: {
  id: string;
  session?: string;
  prompt?: string | undefined;
  agent?: string;
  input?: Record<string, unknown>;
  transcript?: string;
  toolName?: string;
}): DetectorHookInput {
  return readDetectorHookInput(
    JSON.stringify({
      session_id: fields.session ?? 'session-1',
      transcript_path: fields.transcript ?? '/nonexistent/session-1.jsonl',
      cwd: '/tmp',
      hook_event_name: 'PreToolUse',
      ...(fields.prompt === undefined ? {} : { prompt_id: fields.prompt }),
      ...(fields.agent === undefined ? {} : { agent_id: fields.agent, agent_type: 'general-purpose' }),
      tool_name: fields.toolName ?? 'Agent',
      tool_input: fields.input ?? { description: `task ${fields.id}`, prompt: `do ${fields.id}`, subagent_type: 'general-purpose' },
      tool_use_id: fields.id,
    }),
  );
}

/** A PostToolBatch input; each call's response is the text the model received. */
export function postToolBatch(fields: {
  session?: string;
  prompt?: string | undefined;
  agent?: string;
  calls: { id: string; tool?: string; response: string; input?: Record<string, unknown> }[];
}): DetectorHookInput {
  return readDetectorHookInput(
    JSON.stringify({
      session_id: fields.session ?? 'session-1',
      transcript_path: '/nonexistent/session-1.jsonl',
      cwd: '/tmp',
      hook_event_name: 'PostToolBatch',
      ...(fields.prompt === undefined ? {} : { prompt_id: fields.prompt }),
      ...(fields.agent === undefined ? {} : { agent_id: fields.agent, agent_type: 'general-purpose' }),
      tool_calls: fields.calls.map((call) => ({
        tool_name: call.tool ?? 'Agent',
        tool_input: call.input ?? { description: `task ${call.id}`, prompt: `do ${call.id}`, subagent_type: 'general-purpose' },
        tool_use_id: call.id,
        tool_response: [{ type: 'text', text: call.response }],
      })),
    }),
  );
}

/** The text of a finished foreground sub-agent, as PostToolBatch carries it. */
export const REPORT = '[Subagent hand-back] The report follows:\n  done.\nagentId: a1 (use SendMessage)\n<usage>duration_ms: 1500</usage>';
/** The text of a background launch. */
export const LAUNCHED = 'Async agent launched successfully.\nagentId: a2 (internal ID)\nThe agent is working in the background.';

/** A hook Claude Code would have run while writing a transcript, at the line it would have run. */
export type ReplayEvent =
  | {
      readonly kind: 'pre';
      /** The transcript up to this line is what the PreToolUse could see. */
      readonly line: number;
      readonly sessionId: string;
      readonly promptId: string | undefined;
      readonly agentId: string | undefined;
      readonly calls: readonly { id: string; name: string; input: Record<string, unknown> }[];
    }
  | {
      readonly kind: 'batch';
      readonly line: number;
      readonly sessionId: string;
      readonly promptId: string | undefined;
      readonly agentId: string | undefined;
      readonly calls: readonly { id: string; name: string; input: Record<string, unknown>; response: unknown }[];
    };

interface Block {
  type: string;
  id: string;
  name: string;
  input: Record<string, unknown>;
  tool_use_id: string;
  content: unknown;
}
interface Line {
  type?: string;
  isSidechain?: boolean;
  agentId?: string;
  promptId?: string;
  sessionId: string;
  message?: { id: string; content: unknown };
}

/**
 * The PreToolUse and PostToolBatch hooks a transcript implies, in the order Claude Code would run
 * them: the PreToolUse hooks of a response at its last line, its PostToolBatch after the last of
 * its results (and never before its PreToolUse, although a result line can sit between two blocks
 * of the response). Sidechain responses carry their sub-agent's `agentId`.
 */
export function replayEvents(text: string): ReplayEvent[] {
  interface Step {
    sessionId: string;
    promptId: string | undefined;
    agentId: string | undefined;
    lastLine: number;
    lastResult: number;
    calls: { id: string; name: string; input: Record<string, unknown>; response: unknown }[];
  }
  const steps = new Map<string, Step>();
  const stepOfCall = new Map<string, Step>();
  const promptOf = new Map<string, string | undefined>();
  text.split('\n').forEach((raw, index) => {
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      return;
    }
    const agentId = line.isSidechain === true ? line.agentId : undefined;
    const content = Array.isArray(line.message?.content) ? (line.message.content as Block[]) : undefined;
    if (line.type === 'user' && content?.some((b) => b.type === 'tool_result')) {
      for (const block of content) {
        const step = block.type === 'tool_result' ? stepOfCall.get(block.tool_use_id) : undefined;
        if (step === undefined) continue;
        step.calls.find((call) => call.id === block.tool_use_id)!.response = block.content;
        step.lastResult = Math.max(step.lastResult, index);
      }
      return;
    }
    if (line.type === 'user') {
      promptOf.set(agentId ?? 'main', line.promptId);
      return;
    }
    const toolUses = line.type === 'assistant' ? (content ?? []).filter((b) => b.type === 'tool_use') : [];
    if (toolUses.length === 0) return;
    const id = line.message!.id;
    let step = steps.get(id);
    if (step === undefined) {
      step = { sessionId: line.sessionId, promptId: promptOf.get(agentId ?? 'main'), agentId, lastLine: index, lastResult: -1, calls: [] };
      steps.set(id, step);
    }
    step.lastLine = index;
    for (const block of toolUses) {
      const call = { id: block.id, name: block.name, input: block.input, response: undefined as unknown };
      step.calls.push(call);
      stepOfCall.set(block.id, step);
    }
  });
  const events: { order: number; event: ReplayEvent }[] = [];
  for (const step of steps.values()) {
    const base = { sessionId: step.sessionId, promptId: step.promptId, agentId: step.agentId };
    events.push({ order: step.lastLine, event: { kind: 'pre', line: step.lastLine, ...base, calls: step.calls.map(({ id, name, input }) => ({ id, name, input })) } });
    if (step.lastResult >= 0) {
      const line = Math.max(step.lastResult, step.lastLine);
      events.push({ order: line + 0.5, event: { kind: 'batch', line, ...base, calls: step.calls } });
    }
  }
  return events.sort((a, b) => a.order - b.order).map(({ event }) => event);
}

/** Writes the first `count` lines of a transcript: what the client had written so far. */
export async function writeTranscriptPrefix(file: string, text: string, count: number): Promise<void> {
  const lines = text.split('\n').slice(0, count);
  await writeFile(file, `${lines.join('\n')}\n`);
}
