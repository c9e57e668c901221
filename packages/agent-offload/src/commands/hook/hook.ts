import type { CliIo } from '@whitebox/core';
import { decideOffload, renderHookOutput } from '../../decide-offload.js';
import type { OffloadDecision } from '../../decide-offload.js';
import { loadOffloadConfig, offloadConfigPath, resolveOffloadSettings } from '../../offload-settings.js';
import type { OffloadSettings } from '../../offload-settings.js';
import type { HookArgs } from './command.js';

/** Injectable edges of {@link runHook}. */
export interface HookEnvironment {
  /** @default process */
  readonly io?: CliIo;
  /** The hook input. @default process.stdin */
  readonly stdin?: string | AsyncIterable<string | Uint8Array>;
  /** Where `CLAUDE_PROJECT_DIR` is read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs `agent-offload hook`: reads a PreToolUse input, decides, and prints the hook's JSON (or
 * nothing). It never throws and never sets an exit code: bad stdin, a bad flag or config, a
 * missing or unreadable file all end in "no output, exit 0", which Claude Code reads as "carry
 * on". Bad flags and config are reported on stderr (Claude Code's debug log); the ordinary
 * reasons for leaving a read alone only under `--verbose`.
 *
 * The input is validated with core's `parseHookInput` only before the hook speaks. Reads that are
 * left alone, the vast majority, never load it: it brings zod, which costs more than the decision.
 *
 * @returns The decision, or `undefined` when the hook gave up before deciding.
 */
export async function runHook(args: Partial<HookArgs>, environment: HookEnvironment = {}): Promise<OffloadDecision | undefined> {
  const io = environment.io ?? process;
  const verbose = args.verbose === true;
  const note = (message: string): void => void io.stderr.write(`agent-offload: ${message}\n`);
  try {
    const raw = await readAll(environment.stdin ?? process.stdin);
    const input = peekInput(raw);
    if (typeof input === 'string') {
      if (verbose) note(`${input}; read left alone`);
      return undefined;
    }
    const settings = await loadSettings(args, input.cwd, environment.env ?? process.env, note);
    if (settings === undefined) return undefined;
    const decision = await decideOffload(input, settings);
    if (verbose) note(`${decision.action}: ${decision.reason}`);
    const output = renderHookOutput(decision);
    if (output !== undefined) io.stdout.write(output);
    return decision;
  } catch (error) {
    // A bug must still not block: report it and let the read through.
    note(`internal error, read left alone: ${verbose && error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return undefined;
  }
}

/** The fields the decision needs, or why they are not there. */
function peekInput(raw: string): { toolName: string; toolInput: unknown; cwd: string; agentId: string | undefined } | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return `stdin is not JSON (${(error as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'stdin is not a JSON object';
  const record = value as Record<string, unknown>;
  if (record['hook_event_name'] !== 'PreToolUse') return `hook_event_name is ${JSON.stringify(record['hook_event_name'])}, not "PreToolUse"`;
  const { tool_name: toolName, cwd, agent_id: agentId } = record;
  if (typeof toolName !== 'string') return 'tool_name is missing';
  if (typeof cwd !== 'string' || cwd === '') return 'cwd is missing';
  return { toolName, toolInput: record['tool_input'], cwd, agentId: typeof agentId === 'string' ? agentId : undefined };
}

async function loadSettings(
  args: Partial<HookArgs>,
  cwd: string,
  env: NodeJS.ProcessEnv,
  note: (message: string) => void,
): Promise<OffloadSettings | undefined> {
  const flags: Record<string, number> = {};
  for (const [flag, key] of [
    ['--max-lines', 'maxLines'],
    ['--max-bytes', 'maxBytes'],
    ['--max-summary-lines', 'maxSummaryLines'],
  ] as const) {
    const value = args[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      note(`${flag} must be an integer ≥ 1, got ${String(value)}; read left alone`);
      return undefined;
    }
    flags[key] = value;
  }
  try {
    const { file, required } = offloadConfigPath({ config: args.config, cwd, env });
    const config = await loadOffloadConfig(file, required);
    return resolveOffloadSettings(config, flags, args.strict === true ? { mode: 'strict' } : undefined);
  } catch (error) {
    note(`${(error as Error).message}; read left alone`);
    return undefined;
  }
}

async function readAll(source: string | AsyncIterable<string | Uint8Array>): Promise<string> {
  if (typeof source === 'string') return source;
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
