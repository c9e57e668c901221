import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled `detect-sequential-agents` bin (built by `nx run-many -t build`). */
export const detectorBin = fileURLToPath(new URL('../../../../packages/sequential-agent-detector/bin/detect-sequential-agents.js', import.meta.url));

const BASE = Date.parse('2026-03-02T09:00:00.000Z');
const FILLER = 'const value = compute(input); // line of a file the agent read\n';

/** Deterministic pseudo-random numbers, so every run writes the same bytes. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface LineContext {
  readonly sessionId: string;
  readonly agentId?: string;
  readonly random: () => number;
  t: number;
  uuid: number;
  parent: string | null;
}

function line(ctx: LineContext, fields: Record<string, unknown>): string {
  const uuid = `00000000-0000-4000-8000-${String(ctx.uuid++).padStart(12, '0')}`;
  const record = {
    parentUuid: ctx.parent,
    isSidechain: ctx.agentId !== undefined,
    ...(ctx.agentId === undefined ? {} : { agentId: ctx.agentId }),
    ...fields,
    uuid,
    timestamp: new Date(BASE + ctx.t).toISOString(),
    sessionId: ctx.sessionId,
    version: '2.1.240',
    cwd: '/home/dev/project',
    userType: 'external',
  };
  ctx.parent = uuid;
  return `${JSON.stringify(record)}\n`;
}

const assistant = (ctx: LineContext, messageId: string, content: unknown[]) =>
  line(ctx, { type: 'assistant', requestId: `req_${messageId}`, message: { id: messageId, type: 'message', role: 'assistant', model: 'claude-opus-4-5', content, stop_reason: 'tool_use' } });

const agentUse = (id: string, description: string, background = false) => ({
  type: 'tool_use',
  id,
  name: 'Agent',
  input: { description, prompt: `${description}. Report back in ten lines.`, subagent_type: 'general-purpose', run_in_background: background },
});

function agentResult(ctx: LineContext, id: string, promptId: string, durationMs: number, background = false): string {
  ctx.t += background ? 150 : durationMs;
  const agentId = `a${id.slice(-15)}`;
  return line(ctx, {
    type: 'user',
    promptId,
    message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content: [{ type: 'text', text: background ? 'Async agent launched successfully.' : 'Report: done, three findings.' }] }] },
    toolUseResult: background
      ? { isAsync: true, status: 'async_launched', agentId, outputFile: `/tmp/${agentId}.output` }
      : { status: 'completed', agentId, totalDurationMs: durationMs, totalTokens: 5000, totalToolUseCount: 4 },
  });
}

/**
 * One realistic prompt turn: file reads with large results, bookkeeping lines, and a sub-agent
 * pattern that varies by turn (none, a parallel pair, a sequential chain, background launches).
 */
function turn(ctx: LineContext, index: number): string {
  const r = ctx.random;
  const promptId = `9a000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  let out = `{"type":"queue-operation","operation":"enqueue","timestamp":"${new Date(BASE + ctx.t).toISOString()}","sessionId":"${ctx.sessionId}"}\n`;
  out += line(ctx, { type: 'user', promptId, message: { role: 'user', content: `Request ${index}: look into module ${index % 37} and fix what is wrong.` } });
  out += line(ctx, { type: 'attachment', attachment: { type: 'skill_listing', content: 'skills '.repeat(40) } });
  out += `{"type":"api-request-blob","sessionId":"${ctx.sessionId}","blob":"${'x'.repeat(2000 + Math.floor(r() * 8000))}"}\n`;
  const reads = 2 + Math.floor(r() * 4);
  for (let i = 0; i < reads; i++) {
    const id = `toolu_r${index}_${i}`;
    ctx.t += 800;
    out += assistant(ctx, `msg_${index}_r${i}`, [{ type: 'tool_use', id, name: 'Read', input: { file_path: `/home/dev/project/src/m${i}.ts` } }]);
    ctx.t += 40;
    out += line(ctx, { type: 'user', promptId, message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content: FILLER.repeat(60 + Math.floor(r() * 500)) }] }, toolUseResult: { type: 'text' } });
  }
  const pattern = index % 4;
  if (pattern === 1) {
    out += assistant(ctx, `msg_${index}_p`, [agentUse(`toolu_p${index}_a`, 'Review one half'), agentUse(`toolu_p${index}_b`, 'Review other half')]);
    out += agentResult(ctx, `toolu_p${index}_a`, promptId, 4000);
    out += agentResult(ctx, `toolu_p${index}_b`, promptId, 1000);
  } else if (pattern === 2) {
    for (let i = 0; i < 3; i++) {
      out += assistant(ctx, `msg_${index}_s${i}`, [agentUse(`toolu_s${index}_${i}`, `Investigate area ${i}`)]);
      out += agentResult(ctx, `toolu_s${index}_${i}`, promptId, 2000 + i * 1000);
    }
  } else if (pattern === 3) {
    out += assistant(ctx, `msg_${index}_b`, [agentUse(`toolu_b${index}`, 'Research in the background', true)]);
    out += agentResult(ctx, `toolu_b${index}`, promptId, 0, true);
  }
  ctx.t += 500;
  out += assistant(ctx, `msg_${index}_end`, [{ type: 'text', text: 'Done.' }]).replace('"stop_reason":"tool_use"', '"stop_reason":"end_turn"');
  out += `{"type":"last-prompt","lastPrompt":"Request ${index}","sessionId":"${ctx.sessionId}"}\n`;
  return out;
}

/** What the hook needs to be called on the last call of a generated transcript. */
export interface CurrentCall {
  readonly promptId: string;
  readonly previousId: string;
  readonly toolUseId: string;
  readonly toolInput: Record<string, unknown>;
}

/**
 * Writes a transcript of about `bytes` bytes of ordinary turns, then a final turn in which one
 * foreground sub-agent call finished and the next call (the one a hook is judging) is alone in
 * its message: the hook's slowest path, since it reads the transcript to confirm.
 */
export function writeTranscript(
  file: string,
  options: { readonly bytes: number; readonly sessionId: string; readonly seed?: number; readonly agentId?: string },
): CurrentCall {
  mkdirSync(dirname(file), { recursive: true });
  const ctx: LineContext = { sessionId: options.sessionId, agentId: options.agentId, random: prng(options.seed ?? 1), t: 0, uuid: 1, parent: null };
  const fd = openSync(file, 'w');
  try {
    let written = 0;
    let index = 0;
    while (written < options.bytes) {
      const text = turn(ctx, index++);
      writeSync(fd, text);
      written += Buffer.byteLength(text);
    }
    const promptId = '9a000000-0000-4000-8000-ffffffffffff';
    const current = agentUse('toolu_current', 'Write the summary');
    let last = line(ctx, { type: 'user', promptId, message: { role: 'user', content: 'Audit the API, then write the summary.' } });
    last += assistant(ctx, 'msg_final_1', [agentUse('toolu_previous', 'Audit the API')]);
    last += agentResult(ctx, 'toolu_previous', promptId, 3000);
    last += assistant(ctx, 'msg_final_2', [current]);
    last += `{"type":"last-prompt","lastPrompt":"Audit the API","sessionId":"${options.sessionId}"}\n`;
    writeSync(fd, last);
    return { promptId, previousId: 'toolu_previous', toolUseId: 'toolu_current', toolInput: current.input };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a `~/.claude/projects`-like tree of about `bytes` bytes: sessions with their sub-agent
 * transcripts under `<session>/subagents/`.
 *
 * @returns The total bytes written.
 */
export function writeProjectsTree(root: string, options: { readonly bytes: number; readonly sessions: number }): number {
  let total = 0;
  const perSession = Math.floor(options.bytes / options.sessions);
  for (let s = 0; s < options.sessions; s++) {
    const sessionId = `5b0c1a2e-0000-4000-8000-${String(s).padStart(12, '0')}`;
    const project = join(root, `-home-dev-project-${s % 4}`);
    const main = join(project, `${sessionId}.jsonl`);
    writeTranscript(main, { bytes: Math.floor(perSession * 0.9), sessionId, seed: s + 1 });
    const agentId = `a${String(s).padStart(15, '0')}`;
    writeTranscript(join(project, sessionId, 'subagents', `agent-${agentId}.jsonl`), { bytes: Math.floor(perSession * 0.1), sessionId, seed: s + 1000, agentId });
    total += perSession;
  }
  return total;
}
