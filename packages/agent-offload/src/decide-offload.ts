import { stat } from 'node:fs/promises';
import path from 'node:path';
import { countLines } from './count-lines.js';
import type { LineCount } from './count-lines.js';
import type { OffloadSettings } from './offload-settings.js';
import { formatBytes, formatLineCount, groupDigits, renderOffloadAdvice } from './render-offload-advice.js';

/** The parts of a PreToolUse input the decision reads. */
export interface OffloadRequest {
  /** `tool_name`; anything but `Read` is skipped. */
  readonly toolName: string;
  /** `tool_input` as Claude Code sent it: `file_path`, and optionally `offset`, `limit`, `pages`. */
  readonly toolInput: unknown;
  /** The input's `cwd`, against which a relative `file_path` resolves. */
  readonly cwd: string;
  /** The input's `agent_id`: set when the Read runs inside a sub-agent. */
  readonly agentId?: string | undefined;
}

/** The read is left alone; `reason` is what `--verbose` prints. */
export interface OffloadSkip {
  readonly action: 'skip';
  readonly reason: string;
}

/** The read is large: suggest a sub-agent (`suggest`) or deny it (`deny`, strict mode). */
export interface OffloadAdvice {
  readonly action: 'suggest' | 'deny';
  /** The absolute path of the file. */
  readonly file: string;
  readonly size: LineCount;
  /** The text for the model: `additionalContext` for `suggest`, the deny reason for `deny`. */
  readonly message: string;
  /** One line for `--verbose`: which threshold the file crossed. */
  readonly reason: string;
}

/** What the hook decided about one Read. */
export type OffloadDecision = OffloadSkip | OffloadAdvice;

const ESTIMATE_SAMPLE_BYTES = 64 * 1024;

// The Read tool shows these as images or pages, not as text lines; a summary sub-agent is no help.
const NON_TEXT_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp', '.ico', '.tif', '.tiff', '.pdf']);

/**
 * Decides whether a Read call is a large whole-file read that should go to a sub-agent.
 *
 * It costs one `stat`, and a line count only when the size alone cannot answer: a file of at most
 * `maxLines` bytes cannot have more than `maxLines` lines, and a file over `maxBytes` is large
 * whatever its line count. The count reads at most `maxScanBytes` and stops as soon as the
 * threshold is passed, so a 10 GB log costs the same as a 300 KB one.
 *
 * It never throws: anything unexpected (a missing or unreadable file, a directory, a malformed
 * input) is a `skip` with the reason, because a hook that fails must never block a read by accident.
 */
export async function decideOffload(request: OffloadRequest, settings: OffloadSettings): Promise<OffloadDecision> {
  try {
    return await decide(request, settings);
  } catch (error) {
    return skip(`unexpected error, read left alone: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function decide(request: OffloadRequest, settings: OffloadSettings): Promise<OffloadDecision> {
  if (settings.mode === 'off') return skip('mode is "off"');
  if (request.toolName !== 'Read') return skip(`tool_name is ${JSON.stringify(request.toolName)}, not "Read"`);
  // The sub-agent this hook recommends has to read the file; advising or denying it there would loop.
  if (request.agentId !== undefined) return skip(`the Read runs inside sub-agent ${request.agentId}, where large reads belong`);
  const toolInput = request.toolInput;
  if (typeof toolInput !== 'object' || toolInput === null || Array.isArray(toolInput)) {
    return skip('tool_input is not an object');
  }
  const fields = toolInput as Record<string, unknown>;
  const filePath = fields['file_path'];
  if (typeof filePath !== 'string' || filePath === '') return skip('tool_input.file_path is missing or empty');
  const ranged = (['offset', 'limit', 'pages'] as const).filter((key) => fields[key] !== undefined && fields[key] !== null);
  if (ranged.length > 0) return skip(`${filePath}: the Read already gives ${ranged.join(' and ')}`);
  if (NON_TEXT_EXTENSIONS.has(path.extname(filePath).toLowerCase())) return skip(`${filePath}: not a text file for the Read tool`);

  const absolute = path.resolve(request.cwd, filePath);
  let bytes: number;
  try {
    const stats = await stat(absolute);
    if (!stats.isFile()) return skip(`${absolute}: ${stats.isDirectory() ? 'a directory' : 'not a regular file'}`);
    bytes = stats.size;
  } catch (error) {
    return skip(`${absolute}: cannot stat (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const overBytes = bytes > settings.maxBytes;
  if (!overBytes && bytes <= settings.maxLines) {
    return skip(`${absolute}: ${formatBytes(bytes)} cannot hold more than ${groupDigits(settings.maxLines)} lines`);
  }

  let size: LineCount;
  try {
    // Over maxBytes the verdict is known: one chunk is enough to estimate lines for the message.
    size = overBytes
      ? await countLines(absolute, { maxScanBytes: Math.min(settings.maxScanBytes, ESTIMATE_SAMPLE_BYTES) })
      : await countLines(absolute, { maxScanBytes: settings.maxScanBytes, stopAbove: settings.maxLines });
  } catch (error) {
    return skip(`${absolute}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (size.binary) return skip(`${absolute}: looks binary (NUL bytes)`);
  const overLines = size.lines > settings.maxLines;
  if (!overBytes && !overLines) {
    return skip(`${absolute}: ${formatLineCount(size.lines, size.precision)} ≤ ${groupDigits(settings.maxLines)}`);
  }

  const action = settings.mode === 'strict' ? 'deny' : 'suggest';
  const crossed = overLines
    ? `${formatLineCount(size.lines, size.precision)} > ${groupDigits(settings.maxLines)}`
    : `${groupDigits(bytes)} bytes > ${groupDigits(settings.maxBytes)}`;
  return {
    action,
    file: absolute,
    size,
    reason: `${absolute}: ${crossed}`,
    message: renderOffloadAdvice({
      shownPath: filePath,
      absolutePath: absolute,
      size,
      maxSummaryLines: settings.maxSummaryLines,
      subagentType: settings.subagentType,
      action,
    }),
  };
}

function skip(reason: string): OffloadSkip {
  return { action: 'skip', reason };
}

/**
 * The hook's stdout for a decision: nothing for `skip`, `additionalContext` for `suggest`, and a
 * `permissionDecision: "deny"` with the reason for `deny`.
 *
 * `suggest` deliberately sends no `permissionDecision: "allow"`: an allow would also skip the
 * permission prompt the user may have configured for reads outside the project. Without a
 * decision the read proceeds exactly as it would have, with the advice added.
 */
export function renderHookOutput(decision: OffloadDecision): string | undefined {
  if (decision.action === 'skip') return undefined;
  const hookSpecificOutput =
    decision.action === 'deny'
      ? { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: decision.message }
      : { hookEventName: 'PreToolUse', additionalContext: decision.message };
  return `${JSON.stringify({ hookSpecificOutput })}\n`;
}
