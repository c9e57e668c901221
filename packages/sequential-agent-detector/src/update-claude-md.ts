import { WhiteboxError } from '@whitebox/core';

/** Opens the managed section. Text between the markers belongs to this tool; the rest is the user's. */
export const SECTION_START = '<!-- whitebox:parallel-agent-delegation:start (managed by detect-sequential-agents init) -->';
/** Closes the managed section. */
export const SECTION_END = '<!-- whitebox:parallel-agent-delegation:end -->';

/** The rule `init` writes between the markers. */
export const PARALLEL_DELEGATION_SECTION = `## Parallel agent delegation

- Independent sub-agent tasks go in ONE message: one Agent tool call per task, side by side, so they run in parallel.
- Before delegating, list the independent pieces of work (files, areas, questions) and give each its own sub-agent.
- Make a sequential Agent call (a later message) only for work that depends on an earlier sub-agent's result.
- Background sub-agents return at once, but independent ones still belong in the same message.`;

/** What {@link updateClaudeMd} did. */
export type UpdateClaudeMdAction = 'created' | 'appended' | 'updated' | 'unchanged';

/** The new text and what changed. */
export interface UpdateClaudeMdResult {
  readonly text: string;
  readonly action: UpdateClaudeMdAction;
}

// Matches the start marker whatever its note says, so a reworded marker still updates in place.
const START_PATTERN = /<!-- whitebox:parallel-agent-delegation:start\b[^>]*-->/g;

/**
 * Adds the "Parallel agent delegation" section to a CLAUDE.md text, or replaces what is between
 * its markers. Everything outside the markers is kept byte for byte; running it twice changes
 * nothing the second time. CRLF files get CRLF.
 *
 * @param text - The current file, or undefined when there is none.
 * @param source - The file name, for error messages.
 * @throws {WhiteboxError} `INPUT_INVALID` when the markers are broken (a start without an end,
 * an end before its start, or two sections), since guessing could eat the user's text.
 * @example
 * const { text, action } = updateClaudeMd(await readFile('CLAUDE.md', 'utf8').catch(() => undefined));
 */
export function updateClaudeMd(text: string | undefined, source = 'CLAUDE.md'): UpdateClaudeMdResult {
  const eol = text !== undefined && text.includes('\r\n') ? '\r\n' : '\n';
  const block = [SECTION_START, PARALLEL_DELEGATION_SECTION, SECTION_END].join('\n').replace(/\n/g, eol);
  if (text === undefined || text.trim() === '') return { text: `${block}${eol}`, action: text === undefined ? 'created' : 'appended' };

  const starts = [...text.matchAll(START_PATTERN)];
  const endCount = text.split(SECTION_END).length - 1;
  if (starts.length === 0 && endCount === 0) {
    const separator = text.endsWith(`${eol}${eol}`) ? '' : text.endsWith(eol) ? eol : `${eol}${eol}`;
    return { text: `${text}${separator}${block}${eol}`, action: 'appended' };
  }
  if (starts.length !== 1 || endCount !== 1) {
    throw new WhiteboxError(
      'INPUT_INVALID',
      `${source}: expected one "${SECTION_START.slice(0, 49)}…" marker and one "${SECTION_END}" marker, found ${starts.length} and ${endCount}; fix or remove them by hand`,
    );
  }
  const start = starts[0]!.index;
  const end = text.indexOf(SECTION_END);
  if (end < start) throw new WhiteboxError('INPUT_INVALID', `${source}: "${SECTION_END}" comes before its start marker; fix or remove the markers by hand`);
  const updated = text.slice(0, start) + block + text.slice(end + SECTION_END.length);
  return updated === text ? { text, action: 'unchanged' } : { text: updated, action: 'updated' };
}
